//! `GET /redactie/logboek`: the whole audit log, newest first.

use super::extract::SignedIn;
use super::page::DeskPage;
use super::refusal::Refusal;
use super::views::AuditPage;
use axum::extract::State;
use leptos::prelude::*;
use stembus_site::state::SiteState;

/// How many of the newest lines the log page shows.
const AUDIT_LINES: usize = 500;

pub async fn show(State(state): State<SiteState>, editor: SignedIn) -> Result<DeskPage, Refusal> {
    let entries = state.store.audit_log(None, AUDIT_LINES).await?;
    let frame = editor.frame();
    Ok(DeskPage::new(move || {
        let (frame, entries) = (frame.clone(), entries.clone());
        view! { <AuditPage frame entries /> }.into_any()
    }))
}
