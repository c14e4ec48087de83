//! Voiding a window of votes (an unusual burst) after a preview of what it takes out, and
//! restoring a voided window: `/redactie/poll/{id}/ongeldig` and `…/herstellen`.

use super::extract::{DeskForm, SignedIn};
use super::page::DeskPage;
use super::refusal::Refusal;
use super::views::{VoidPreviewDetail, VoidPreviewPage};
use super::{back_to_poll, find_poll};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use leptos::prelude::*;
use std::collections::HashMap;
use stembus_poll::PollResults;
use stembus_poll::error::AppError;
use stembus_poll::moment::Moment;
use stembus_site::standing::standing;
use stembus_site::state::SiteState;
use stembus_store::desk::{AuditAction, TimeWindow};

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
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    editor: SignedIn,
) -> Result<DeskPage, Refusal> {
    let served = find_poll(&state, &id)?.served;
    let van = query.get("van").map(String::as_str).unwrap_or_default();
    let tot = query.get("tot").map(String::as_str).unwrap_or_default();
    let window = window_from(van, tot)?;
    let preview = state.store.preview_void(&id, window).await?;
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
    let detail = VoidPreviewDetail {
        poll_id: id.clone(),
        question: served.question.clone(),
        window: window_words(window),
        van: van.to_string(),
        tot: tot.to_string(),
        ballots: preview.ballots,
        before,
        after,
    };
    let frame = editor.frame();
    Ok(DeskPage::new(move || {
        let (frame, detail) = (frame.clone(), detail.clone());
        view! { <VoidPreviewPage frame detail /> }.into_any()
    }))
}

/// `POST /redactie/poll/{id}/ongeldig`: voids the window `van`–`tot`.
pub async fn void(
    State(state): State<SiteState>,
    Path(id): Path<String>,
    DeskForm { editor, form }: DeskForm,
) -> Result<Response, Refusal> {
    let poll = find_poll(&state, &id)?.served;
    let window = window_from(form.required("van")?, form.required("tot")?)?;
    let preview = state.store.preview_void(&poll.id, window).await?;
    let detail = format!(
        "{} stemmen {} ongeldig verklaard (ongewone piek)",
        preview.ballots,
        window_words(window)
    );
    let entry = editor.audit(state.now(), AuditAction::Void, Some(&poll.id), detail);
    state
        .store
        .void_window(&poll.id, window, &entry)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(back_to_poll(&state, &id).await)
}

/// `POST /redactie/poll/{id}/herstellen`: counts the votes of window `venster` again.
pub async fn restore(
    State(state): State<SiteState>,
    Path(id): Path<String>,
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
        .find(|w| w.id == window_id && w.restored.is_none())
        .ok_or(AppError::NotFound)?;
    let detail = format!(
        "{} stemmen {} weer meegeteld",
        window.ballots,
        window_words(window.window)
    );
    let entry = editor.audit(state.now(), AuditAction::Restore, Some(&poll.id), detail);
    state
        .store
        .restore_window(window_id, &entry)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(back_to_poll(&state, &id).await)
}
