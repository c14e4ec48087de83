//! `/redactie/aanmelden`: the sign-in form, and signing in with a name and a password.

use super::extract::{Form, SameSiteForm, SignedIn};
use super::page::DeskPage;
use super::refusal::Refusal;
use super::session::{self, SESSION_LIMITS};
use super::views::SignInPage;
use super::{Desk, HOME, accounts, see_other};
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use leptos::prelude::*;
use std::sync::Arc;
use std::time::Instant;
use stembus_poll::error::AppError;
use stembus_site::state::SiteState;
use stembus_store::desk::{AuditAction, AuditEntry};

/// The audit log's name for a sign-in under a name that cannot be an editor's.
const INVALID_NAME: &str = "(ongeldige naam)";

/// `GET /redactie/aanmelden`: the form, with a fresh form token in a cookie and in the form; an
/// editor who is signed in already goes to the desk.
pub async fn form(
    State(state): State<SiteState>,
    signed_in: Option<SignedIn>,
) -> Result<Response, Refusal> {
    if signed_in.is_some() {
        return Ok(see_other(HOME));
    }
    sign_in_page(&state, None, String::new())
}

/// The sign-in form, with the message of a refused attempt (and its status) and the name tried.
fn sign_in_page(
    state: &SiteState,
    error: Option<AppError>,
    name: String,
) -> Result<Response, Refusal> {
    let form_token = session::new_token().map_err(|_| AppError::Internal)?;
    let https = state.settings.is_https();
    let cookie = session::set_cookie(
        session::sign_in_cookie_name(https),
        &form_token,
        https,
        SESSION_LIMITS.idle,
    );
    let status = error.map_or(StatusCode::OK, |error| {
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    });
    let page = DeskPage::new(move || {
        let (name, form_token) = (name.clone(), form_token.clone());
        view! { <SignInPage error name form_token /> }.into_any()
    });
    Ok((status, AppendHeaders([(header::SET_COOKIE, cookie)]), page).into_response())
}

/// `POST /redactie/aanmelden`: `naam`, `wachtwoord` and the form's own token `formulier`.
pub async fn submit(
    State(state): State<SiteState>,
    Extension(desk): Extension<Arc<Desk>>,
    headers: HeaderMap,
    SameSiteForm { form, address }: SameSiteForm,
) -> Result<Response, Refusal> {
    let https = state.settings.is_https();
    let name = form.get("naam").unwrap_or_default().trim().to_lowercase();
    let form_cookie = session::cookie_token(&headers, session::sign_in_cookie_name(https));
    let form_matches = matches!(
        (form_cookie, form.get("formulier")),
        (Some(cookie), Some(field)) if session::same_token(&cookie, field)
    );
    if !form_matches {
        return sign_in_page(&state, Some(AppError::FormExpired), name);
    }
    let attempt = match desk.limiter.attempt(&name, address, Instant::now()) {
        Ok(attempt) => attempt,
        Err(wait) => {
            let page = sign_in_page(&state, Some(AppError::TooManySignIns), name)?;
            return Ok(([(header::RETRY_AFTER, HeaderValue::from(wait))], page).into_response());
        }
    };
    let now = state.now();
    if !password_matches(&state, &desk, &name, &form).await? {
        attempt.failed();
        let editor = if accounts::valid_name(&name) {
            name.clone()
        } else {
            INVALID_NAME.to_string()
        };
        let entry = AuditEntry {
            at: now,
            editor,
            action: AuditAction::FailedSignIn,
            poll_id: None,
            detail: "naam of wachtwoord klopt niet".to_string(),
        };
        if state.store.record_audit(&entry).await.is_err() {
            tracing::warn!("a failed sign-in could not be written to the audit log");
        }
        return sign_in_page(&state, Some(AppError::SignInRefused), name);
    }
    let (Ok(token), Ok(csrf)) = (session::new_token(), session::new_token()) else {
        return Err(AppError::Internal.into());
    };
    let entry = AuditEntry {
        at: now,
        editor: name.clone(),
        action: AuditAction::SignIn,
        poll_id: None,
        detail: String::new(),
    };
    // The session and its audit line are stored together or not at all: a sign-in the log cannot
    // record is refused (`?`).
    let created = state
        .store
        .create_session(&session::token_hash(&token), &name, &csrf, now, &entry)
        .await?;
    if !created {
        // The editor was removed since their password was checked.
        return sign_in_page(&state, Some(AppError::SignInRefused), name);
    }
    let session_cookie = session::set_cookie(
        session::session_cookie_name(https),
        &token,
        https,
        SESSION_LIMITS.max,
    );
    let spent_form_cookie = session::set_cookie(session::sign_in_cookie_name(https), "", https, 0);
    Ok((
        AppendHeaders([
            (header::SET_COOKIE, session_cookie),
            (header::SET_COOKIE, spent_form_cookie),
        ]),
        see_other(HOME),
    )
        .into_response())
}

/// Whether `name` is an editor's and the form's `wachtwoord` is theirs. An unknown name is checked
/// against the stand-in hash, so that it takes as long to refuse as a wrong password.
async fn password_matches(
    state: &SiteState,
    desk: &Desk,
    name: &str,
    form: &Form,
) -> Result<bool, Refusal> {
    let password = form.get("wachtwoord").unwrap_or_default().to_string();
    let stored = if accounts::valid_name(name) {
        state.store.password_hash(name).await?
    } else {
        None
    };
    let known = stored.is_some();
    let hash = stored.unwrap_or_else(|| desk.stand_in_hash.clone());
    let too_long = password.len() > accounts::MAX_PASSWORD_BYTES;
    let verified = tokio::task::spawn_blocking(move || {
        // An overlong password is never hashed as sent (that could be made expensive); an empty
        // one is checked in its place, so the refusal costs what any other does.
        let candidate = if too_long { "" } else { password.as_str() };
        accounts::verify_password(candidate, &hash) && !too_long
    })
    .await
    .unwrap_or(false);
    Ok(known && verified)
}
