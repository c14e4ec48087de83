//! `POST /redactie/afmelden`: ends the session, back to the sign-in form.

use super::extract::DeskForm;
use super::refusal::Refusal;
use super::{SIGN_IN, see_other, session};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use stembus_site::state::SiteState;
use stembus_store::desk::AuditAction;

pub async fn submit(
    State(state): State<SiteState>,
    DeskForm { editor, .. }: DeskForm,
) -> Result<Response, Refusal> {
    let entry = editor.audit(state.now(), AuditAction::SignOut, None, String::new());
    // `false` when the session ended in the meantime (a second click at the same moment): it was
    // signed out of once, with one line, and this request lands on the sign-in form all the same.
    state.store.end_session(&editor.token_hash, &entry).await?;
    let https = state.settings.is_https();
    let spent_cookie = session::set_cookie(session::session_cookie_name(https), "", https, 0);
    Ok(([(header::SET_COOKIE, spent_cookie)], see_other(SIGN_IN)).into_response())
}
