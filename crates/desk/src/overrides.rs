//! The desk's changes to a poll's settings over its content file: closing now, reopening, the
//! closing moment and who sees the results (`/redactie/poll/{id}/sluiten`, `…/heropenen`,
//! `…/sluitingsmoment`, `…/uitslag`). Each form only says what to change; storing it with its
//! audit entry is the same for all four.

use super::brussels;
use super::extract::{DeskForm, DeskPath, Form};
use super::refusal::Refusal;
use super::{back_to_poll, find_poll, views};
use axum::extract::State;
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use stembus_poll::ResultsVisibility;
use stembus_poll::error::AppError;
use stembus_site::state::SiteState;
use stembus_store::desk::{AuditAction, OverrideChange};

/// What an override form asks for: the change, and how the audit log names it.
pub struct OverrideRequest {
    change: OverrideChange,
    action: AuditAction,
    /// The audit entry's detail, in Dutch.
    detail: String,
}

/// Reads an override form, at unix second `now`, into the change it asks for.
type Parse = fn(&Form, i64) -> Result<OverrideRequest, AppError>;

/// The route of one override form.
pub fn route(parse: Parse) -> MethodRouter<SiteState> {
    post(
        move |State(state): State<SiteState>, DeskPath(id): DeskPath<String>, form: DeskForm| {
            change(state, id, form, parse)
        },
    )
}

/// Stores the change `parse` reads from the form, with its audit entry.
async fn change(
    state: SiteState,
    id: String,
    DeskForm { editor, form }: DeskForm,
    parse: Parse,
) -> Result<Response, Refusal> {
    let poll = find_poll(&state, &id)?.served;
    let now = state.now();
    let OverrideRequest {
        change,
        action,
        detail,
    } = parse(&form, now)?;
    let entry = editor.audit(now, action, Some(&poll.id), detail);
    if !state.store.change_poll(&poll.id, change, &entry).await? {
        return Err(AppError::NotFound.into());
    }
    Ok(back_to_poll(&state, &id).await)
}

/// `…/sluiten`: closes the poll at this minute.
pub fn close(_: &Form, now: i64) -> Result<OverrideRequest, AppError> {
    Ok(OverrideRequest {
        change: OverrideChange::Closes(Some(now)),
        action: AuditAction::Close,
        detail: format!("gesloten op {}", brussels::long_with_time(now)),
    })
}

/// `…/heropenen`: opens the poll again, without a closing moment.
pub fn reopen(_: &Form, _: i64) -> Result<OverrideRequest, AppError> {
    Ok(OverrideRequest {
        change: OverrideChange::Closes(None),
        action: AuditAction::Reopen,
        detail: "heropend, zonder einddatum".to_string(),
    })
}

/// `…/sluitingsmoment`: `sluit` (a Brussels `datetime-local`), or `bestand` for the file's moment.
pub fn closing_moment(form: &Form, _: i64) -> Result<OverrideRequest, AppError> {
    if form.get("bestand").is_some() {
        return Ok(OverrideRequest {
            change: OverrideChange::ClosesFromFile,
            action: AuditAction::ClosingMoment,
            detail: "sluitingsmoment van het inhoudsbestand".to_string(),
        });
    }
    // Never a guess at the repeated autumn hour: refused like any other time it cannot read.
    let brussels::Typed::Once(closes) = brussels::read(form.required("sluit")?) else {
        return Err(AppError::InvalidField);
    };
    Ok(OverrideRequest {
        change: OverrideChange::Closes(Some(closes)),
        action: AuditAction::ClosingMoment,
        detail: format!("sluitingsmoment {}", brussels::long_with_time(closes)),
    })
}

/// `…/uitslag`: `zichtbaarheid` = `after-vote`, `always`, `after-close`, or `bestand` for the file's.
pub fn results_visibility(form: &Form, _: i64) -> Result<OverrideRequest, AppError> {
    let key = form.required("zichtbaarheid")?;
    if key == "bestand" {
        return Ok(OverrideRequest {
            change: OverrideChange::ShowResultsFromFile,
            action: AuditAction::ResultsVisibility,
            detail: "zichtbaarheid van het inhoudsbestand".to_string(),
        });
    }
    let visibility = ResultsVisibility::from_key(key).ok_or(AppError::InvalidField)?;
    Ok(OverrideRequest {
        change: OverrideChange::ShowResults(visibility),
        action: AuditAction::ResultsVisibility,
        detail: format!(
            "uitslag zichtbaar {} ({})",
            views::visibility_words(visibility),
            visibility.key()
        ),
    })
}
