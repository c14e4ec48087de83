//! Voiding a window of votes (an unusual burst) after a preview of what it takes out, and
//! restoring a voided window: `/redactie/poll/{id}/ongeldig` and `…/herstellen`.

use super::extract::{DeskForm, DeskPath, SignedIn};
use super::page::DeskPage;
use super::refusal::Refusal;
use super::views::{RestoredAlreadyNotice, VoidPreviewDetail, VoidPreviewPage};
use super::{back_to_poll, find_poll};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use std::collections::HashMap;
use stembus_poll::PollResults;
use stembus_poll::error::AppError;
use stembus_poll::moment::Moment;
use stembus_site::standing::standing;
use stembus_site::state::SiteState;
use stembus_store::desk::{AuditAction, TimeWindow, VoidOutcome};

/// The widest window an editor can void at once.
const MAX_WINDOW_SECONDS: i64 = 31 * 24 * 3600;

/// The window from the minutes `van` to `tot` (both included), as the desk's fields give them.
fn window_from(van: &str, tot: &str) -> Result<TimeWindow, AppError> {
    let from = Moment::parse_brussels_local(van).ok_or(AppError::InvalidField)?;
    let last = Moment::parse_brussels_local(tot).ok_or(AppError::InvalidField)?;
    let (from, last) = (from - from.rem_euclid(60), last - last.rem_euclid(60));
    if last < from || last - from > MAX_WINDOW_SECONDS {
        return Err(AppError::InvalidField);
    }
    Ok(TimeWindow {
        from,
        until: last + 60,
    })
}

fn window_words(window: TimeWindow) -> String {
    let from = Moment::brussels_from_unix(window.from);
    let last = Moment::brussels_from_unix(window.until - 60);
    if window.until - window.from == 60 {
        format!("van de minuut {}", from.long_nl_with_time())
    } else {
        format!(
            "van {} tot en met de minuut {}",
            from.long_nl_with_time(),
            last.long_nl_with_time()
        )
    }
}

/// `GET /redactie/poll/{id}/ongeldig?van=…&tot=…`: what voiding the window would do.
pub async fn preview(
    State(state): State<SiteState>,
    editor: SignedIn,
    DeskPath(id): DeskPath<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<DeskPage, Refusal> {
    let van = query.get("van").map(String::as_str).unwrap_or_default();
    let tot = query.get("tot").map(String::as_str).unwrap_or_default();
    let detail = preview_detail(&state, &id, van, tot, None).await?;
    Ok(preview_page(&editor, detail))
}

/// What voiding the window `van`–`tot` of poll `id` would take out now, with `notice` above it.
async fn preview_detail(
    state: &SiteState,
    id: &str,
    van: &str,
    tot: &str,
    notice: Option<String>,
) -> Result<VoidPreviewDetail, Refusal> {
    let served = find_poll(state, id)?.served;
    let window = window_from(van, tot)?;
    let preview = state.store.preview_void(id, window).await?;
    let before = standing(&state.store, &served, None)
        .await
        .ok()
        .map(|(results, _)| results);
    let after = before.as_ref().map(|before| {
        let counts: Vec<(String, u64)> = before
            .rows
            .iter()
            .map(|row| {
                let out = preview
                    .counts
                    .iter()
                    .find(|(key, _)| *key == row.key)
                    .map_or(0, |(_, n)| *n);
                (row.key.clone(), row.votes.saturating_sub(out))
            })
            .collect();
        PollResults::from_counts(
            &served,
            &counts,
            before.voters.saturating_sub(preview.ballots),
        )
    });
    Ok(VoidPreviewDetail {
        poll_id: id.to_string(),
        question: served.question.clone(),
        window: window_words(window),
        van: van.to_string(),
        tot: tot.to_string(),
        ballots: preview.ballots,
        before,
        after,
        notice,
    })
}

fn preview_page(editor: &SignedIn, detail: VoidPreviewDetail) -> DeskPage {
    let frame = editor.frame();
    DeskPage::new(move || {
        let (frame, detail) = (frame.clone(), detail.clone());
        view! { <VoidPreviewPage frame detail /> }.into_any()
    })
}

/// `POST /redactie/poll/{id}/ongeldig`: voids the window `van`–`tot`, which held `aantal` counted
/// votes in the preview the editor confirmed. When it holds another number now (the same
/// confirmation sent twice, votes that came in since, another editor's void) nothing is voided and
/// the editor sees the preview again, as it is now (409).
pub async fn void(
    State(state): State<SiteState>,
    DeskPath(id): DeskPath<String>,
    DeskForm { editor, form }: DeskForm,
) -> Result<Response, Refusal> {
    let poll = find_poll(&state, &id)?.served;
    let (van, tot) = (form.required("van")?, form.required("tot")?);
    let window = window_from(van, tot)?;
    let seen: u64 = form
        .required("aantal")?
        .parse()
        .map_err(|_| AppError::InvalidField)?;
    let detail = format!(
        "{seen} stemmen {} ongeldig verklaard (ongewone piek)",
        window_words(window)
    );
    let entry = editor.audit(state.now(), AuditAction::Void, Some(&poll.id), detail);
    let outcome = state
        .store
        .void_window(&poll.id, window, seen, &entry)
        .await?
        .ok_or(AppError::NotFound)?;
    match outcome {
        VoidOutcome::Voided(_) => Ok(back_to_poll(&state, &id).await),
        VoidOutcome::NotAsSeen { ballots } => {
            let notice = if ballots == 0 {
                "Niets ongeldig verklaard: in dit venster telt geen enkele stem (meer) mee. \
                 Misschien werd het al ongeldig verklaard."
                    .to_string()
            } else {
                format!(
                    "Niets ongeldig verklaard: sinds het voorbeeld veranderde het aantal stemmen \
                     in dit venster (nu {ballots}, in het voorbeeld {seen}). Bekijk het hieronder \
                     opnieuw en bevestig dan."
                )
            };
            let detail = preview_detail(&state, &id, van, tot, Some(notice)).await?;
            Ok((StatusCode::CONFLICT, preview_page(&editor, detail)).into_response())
        }
    }
}

/// `POST /redactie/poll/{id}/herstellen`: counts the votes of window `venster` again. A window
/// restored already (a second click, another editor, before or while this one ran) is answered
/// like a second void: 409, saying so, and nothing done or logged again.
pub async fn restore(
    State(state): State<SiteState>,
    DeskPath(id): DeskPath<String>,
    DeskForm { editor, form }: DeskForm,
) -> Result<Response, Refusal> {
    let poll = find_poll(&state, &id)?.served;
    let window_id: i64 = form
        .required("venster")?
        .parse()
        .map_err(|_| AppError::InvalidField)?;
    let windows = state.store.voided_windows(Some(&poll.id)).await?;
    let window = windows
        .iter()
        .find(|w| w.id == window_id)
        .ok_or(AppError::NotFound)?;
    if let Some(restored) = &window.restored {
        return Ok(restored_already(&editor, &id, restored));
    }
    let detail = format!(
        "{} stemmen {} weer meegeteld",
        window.ballots,
        window_words(window.window)
    );
    let entry = editor.audit(state.now(), AuditAction::Restore, Some(&poll.id), detail);
    if state
        .store
        .restore_window(window_id, &entry)
        .await?
        .is_some()
    {
        return Ok(back_to_poll(&state, &id).await);
    }
    // Restored by someone else between the read above and this write.
    let windows = state.store.voided_windows(Some(&poll.id)).await?;
    match windows
        .iter()
        .find(|w| w.id == window_id)
        .and_then(|w| w.restored.as_ref())
    {
        Some(restored) => Ok(restored_already(&editor, &id, restored)),
        None => Err(AppError::NotFound.into()),
    }
}

/// The 409 of a window restored already by `restored` (who, when).
fn restored_already(editor: &SignedIn, poll_id: &str, restored: &(String, i64)) -> Response {
    let (by, at) = restored;
    let restored = format!(
        "{by} herstelde het op {}",
        Moment::brussels_from_unix(*at).long_nl_with_time()
    );
    let (frame, poll_id) = (editor.frame(), poll_id.to_string());
    let page = DeskPage::new(move || {
        let (frame, poll_id, restored) = (frame.clone(), poll_id.clone(), restored.clone());
        view! { <RestoredAlreadyNotice frame poll_id restored /> }.into_any()
    });
    (StatusCode::CONFLICT, page).into_response()
}
