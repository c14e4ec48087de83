//! Taking a desk-made poll off the site and putting it back: `/redactie/poll/{id}/archiveren` and
//! `…/terugzetten`. An archived poll's embed and API answer 410 and it takes no votes; its
//! ballots and counts stay, so putting it back shows the same standing. A content file's poll is
//! taken off by its file, not here.

use super::extract::{DeskForm, DeskPath};
use super::refusal::Refusal;
use super::{back_to_poll, find_made_poll};
use axum::extract::State;
use axum::response::Response;
use stembus_site::state::SiteState;
use stembus_store::desk::AuditAction;

/// `POST …/archiveren`.
pub async fn archive(
    State(state): State<SiteState>,
    DeskPath(id): DeskPath<String>,
    form: DeskForm,
) -> Result<Response, Refusal> {
    set_archived(state, id, form, true).await
}

/// `POST …/terugzetten`.
pub async fn unarchive(
    State(state): State<SiteState>,
    DeskPath(id): DeskPath<String>,
    form: DeskForm,
) -> Result<Response, Refusal> {
    set_archived(state, id, form, false).await
}

async fn set_archived(
    state: SiteState,
    id: String,
    DeskForm { editor, .. }: DeskForm,
    archived: bool,
) -> Result<Response, Refusal> {
    let made = find_made_poll(&state, &id)?;
    let question = &made.definition.question;
    let (action, detail) = if archived {
        (
            AuditAction::Archived,
            format!("gearchiveerd: \"{question}\"; de stemmen blijven bewaard"),
        )
    } else {
        (
            AuditAction::Unarchived,
            format!("teruggezet op de site: \"{question}\""),
        )
    };
    let entry = editor.audit(state.now(), action, Some(&id), detail);
    // `false`: it is in that state already (a second click, or another editor): nothing to do.
    state.store.set_archived(&id, archived, &entry).await?;
    Ok(back_to_poll(&state, &id).await)
}
