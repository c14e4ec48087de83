//! What a desk request must bring before its handler runs: a signed-in editor (`SignedIn`) for a
//! page, and for a change a form from this site with the session's token (`DeskForm`); the
//! sign-in form, sent before there is a session, is a `SameSiteForm`; the ids in a desk address
//! are a `DeskPath`.
//!
//! The sign-in's body is read within `SIGN_IN_BODY_DEADLINE` (2 s), a 408 with the desk's notice
//! after it: anyone can post the sign-in form, and a post that declared a body and sent none used
//! to hold its place until the request timeout (15 s), so a few dozen of them locked every editor
//! out. Its posts also have a budget of their own, apart from the desk's (the site's `admission`),
//! so those filling it reach no signed-in editor; and a body too slow counts as a failed sign-in of
//! its address, so an address that keeps sending them is refused before its body (429) once it has
//! sent its share, and holds the few sign-in places seconds, not for as long as it sends them. A
//! `DeskForm`'s body keeps the request timeout: it is read only once the session is known, so
//! only an editor can be slow there, and an editor's form on a poor connection should not be lost
//! for it.

use super::Desk;
use super::refusal::Refusal;
use super::session::{self, SESSION_LIMITS};
use super::views::Frame;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};
use stembus_poll::error::AppError;
use stembus_site::client_address::ClientAddress;
use stembus_site::guard;
use stembus_site::state::SiteState;
use stembus_store::desk::{AuditAction, AuditEntry};

/// The ids in a desk address (`/redactie/poll/{id}/…`), as axum's `Path` reads them; an address
/// that does not read (`%FF`) is the desk's Dutch "not found" page, not axum's line of English.
pub struct DeskPath<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<SiteState> for DeskPath<T> {
    type Rejection = Refusal;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SiteState,
    ) -> Result<DeskPath<T>, Refusal> {
        <Path<T> as FromRequestParts<SiteState>>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| DeskPath(value))
            .map_err(|_| Refusal::Notice(AppError::NotFound))
    }
}

/// A desk form is a few short fields.
const MAX_FORM_BYTES: usize = 16 * 1024;

/// How long the sign-in form's body may take to arrive once its headers have: a name, a password
/// and a token, well under a kilobyte, which even a poor mobile connection sends in far less.
pub const SIGN_IN_BODY_DEADLINE: Duration = Duration::from_secs(2);

/// The editor of the request's live session.
///
/// As an extractor it refuses with `Refusal::SignInFirst` when the cookie names no live session
/// (a page sends the browser to the sign-in form), and with the notice when the store cannot be
/// read. As `Option<SignedIn>` it never refuses: `None` for anything but a live session.
pub struct SignedIn {
    pub editor: String,
    /// The token every form of this session must carry.
    pub csrf: String,
    /// The hash of the session's token, which is how the store knows the session.
    pub token_hash: String,
}

impl SignedIn {
    /// Who is signed in, for the frame of every desk page.
    pub fn frame(&self) -> Frame {
        Frame {
            editor: self.editor.clone(),
            csrf: self.csrf.clone(),
        }
    }

    /// An audit entry of this editor.
    pub fn audit(
        &self,
        at: i64,
        action: AuditAction,
        poll_id: Option<&str>,
        detail: String,
    ) -> AuditEntry {
        AuditEntry {
            at,
            editor: self.editor.clone(),
            action,
            poll_id: poll_id.map(str::to_string),
            detail,
        }
    }

    /// The session the request's cookie names, if it lives; its last request becomes now.
    async fn of(state: &SiteState, headers: &HeaderMap) -> Result<SignedIn, AppError> {
        let name = session::session_cookie_name(state.settings.is_https());
        let token = session::cookie_token(headers, name).ok_or(AppError::NotSignedIn)?;
        let token_hash = session::token_hash(&token);
        let record = state
            .store
            .session(&token_hash, state.now(), SESSION_LIMITS)
            .await?
            .ok_or(AppError::NotSignedIn)?;
        Ok(SignedIn {
            editor: record.editor,
            csrf: record.csrf_token,
            token_hash,
        })
    }
}

impl FromRequestParts<SiteState> for SignedIn {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &SiteState) -> Result<SignedIn, Refusal> {
        SignedIn::of(state, &parts.headers)
            .await
            .map_err(|error| match error {
                AppError::NotSignedIn => Refusal::SignInFirst,
                error => Refusal::Notice(error),
            })
    }
}

impl OptionalFromRequestParts<SiteState> for SignedIn {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SiteState,
    ) -> Result<Option<SignedIn>, Infallible> {
        Ok(SignedIn::of(state, &parts.headers).await.ok())
    }
}

/// A desk form's fields; a field sent twice makes the form invalid.
pub struct Form(HashMap<String, String>);

impl Form {
    fn parse(body: &[u8]) -> Result<Form, AppError> {
        let mut fields = HashMap::new();
        for (key, value) in form_urlencoded::parse(body) {
            if fields
                .insert(key.into_owned(), value.into_owned())
                .is_some()
            {
                return Err(AppError::InvalidField);
            }
        }
        Ok(Form(fields))
    }

    /// Reads and parses `body`, up to `MAX_FORM_BYTES`.
    async fn read(body: Body) -> Result<Form, AppError> {
        let body = to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        Form::parse(&body)
    }

    /// The field `name` as sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The field `name`, trimmed; `InvalidField` when it is missing or blank.
    pub fn required(&self, name: &str) -> Result<&str, AppError> {
        self.get(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .ok_or(AppError::InvalidField)
    }
}

/// Refuses a form a browser sent from another site (see `guard::check_same_site`).
fn same_site(state: &SiteState, headers: &HeaderMap) -> Result<(), AppError> {
    guard::check_same_site(headers, &state.settings.base_url).map_err(|_| AppError::ForeignForm)
}

/// A form that changes something, with the editor who sent it. It refuses, with the notice and in
/// this order: a form from another site (`ForeignForm`), no live session (`NotSignedIn`), a body
/// over `MAX_FORM_BYTES` (`PayloadTooLarge`), a field sent twice (`InvalidField`), and a `csrf`
/// field that is not the session's token (`FormExpired`). The body is not read before the session
/// is known.
pub struct DeskForm {
    pub editor: SignedIn,
    pub form: Form,
}

impl FromRequest<SiteState> for DeskForm {
    type Rejection = Refusal;

    async fn from_request(request: Request, state: &SiteState) -> Result<DeskForm, Refusal> {
        let (parts, body) = request.into_parts();
        same_site(state, &parts.headers)?;
        let editor = SignedIn::of(state, &parts.headers).await?;
        let form = Form::read(body).await?;
        match form.get("csrf") {
            Some(token) if session::same_token(token, &editor.csrf) => {
                Ok(DeskForm { editor, form })
            }
            _ => Err(AppError::FormExpired.into()),
        }
    }
}

/// A form from a page of this site, before any session: the sign-in's. It refuses, with the
/// notice, a form from another site (`ForeignForm`), a body over `MAX_FORM_BYTES` and a field sent
/// twice, and a body that has not arrived within `SIGN_IN_BODY_DEADLINE` (`FormTooSlow`, 408);
/// the sign-in's own token is the handler's to check, since its refusal is the form again.
pub struct SameSiteForm {
    pub form: Form,
    /// The client's address, which the extractor needed for the sign-in limit already.
    pub address: Option<std::net::IpAddr>,
}

impl FromRequest<SiteState> for SameSiteForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &SiteState) -> Result<SameSiteForm, Response> {
        let (parts, body) = request.into_parts();
        same_site(state, &parts.headers).map_err(|error| Refusal::from(error).into_response())?;
        // An address that used up its failed sign-ins is refused before its body: it holds no
        // sign-in place while the body comes (`SignInLimiter::body_too_slow`).
        let address = ClientAddress::of(
            &parts.extensions,
            &parts.headers,
            state.settings.trusted_proxy,
        )
        .0;
        let desk = parts.extensions.get::<Arc<Desk>>().cloned();
        if let Some(desk) = &desk
            && let Err(wait) = desk.limiter.address_waits(address, Instant::now())
        {
            let mut refusal = Refusal::from(AppError::TooManySignIns).into_response();
            refusal
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            return Err(refusal);
        }
        match tokio::time::timeout(SIGN_IN_BODY_DEADLINE, Form::read(body)).await {
            Ok(Ok(form)) => Ok(SameSiteForm { form, address }),
            Ok(Err(error)) => Err(Refusal::from(error).into_response()),
            Err(_) => {
                if let Some(desk) = &desk {
                    desk.limiter.body_too_slow(address, Instant::now());
                }
                Err(Refusal::from(AppError::FormTooSlow).into_response())
            }
        }
    }
}
