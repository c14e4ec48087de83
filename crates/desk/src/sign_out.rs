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
    state.store.end_session(&editor.token_hash).await?;
    let entry = editor.audit(state.now(), AuditAction::SignOut, None, String::new());
    if state.store.record_audit(&entry).await.is_err() {
        tracing::warn!("a sign-out could not be written to the audit log");
    }
    let https = state.settings.is_https();
    let spent_cookie = session::set_cookie(session::session_cookie_name(https), "", https, 0);
    Ok(([(header::SET_COOKIE, spent_cookie)], see_other(SIGN_IN)).into_response())
}
