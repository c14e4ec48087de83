//! Voiding a window of votes (an unusual burst) after a preview of what it takes out, and
//! restoring a voided window: `/redactie/poll/{id}/ongeldig` and `…/herstellen`.

use super::brussels::{self, Typed};
use super::extract::{DeskForm, DeskPath, SignedIn};
use super::page::DeskPage;
use super::refusal::Refusal;
use super::views::{RestoredAlreadyNotice, VoidPreviewDetail, VoidPreviewPage, WindowChoicePage};
use super::{back_to_poll, find_poll};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use std::collections::HashMap;
use stembus_poll::PollResults;
use stembus_poll::error::AppError;
use stembus_site::standing::standing;
use stembus_site::state::SiteState;
use stembus_store::desk::{AuditAction, TimeWindow, VoidOutcome};

/// The widest window an editor can void at once.
const MAX_WINDOW_SECONDS: i64 = 31 * 24 * 3600;

/// A window as the desk's fields give it, read.
enum ReadWindow {
    /// The window the fields name.
    Window(TimeWindow),
    /// A field holds a time the autumn clock shows twice: a Dutch sentence per such field, and
    /// every window the fields may mean, for the editor to choose from.
    Unclear {
        why: Vec<String>,
        windows: Vec<TimeWindow>,
    },
}

/// The window from the minutes `van` to `tot` (both included), as the desk's fields give them:
/// a `datetime-local` value typed in the form, or one with its offset from the desk's own links
/// and hidden fields. A time the autumn clock shows twice, typed without its offset, is not
/// guessed: every window it may mean comes back for the editor to choose.
fn read_window(van: &str, tot: &str) -> Result<ReadWindow, AppError> {
    let mut why = Vec::new();
    let mut candidates = |value: &str, label: &str| match brussels::read(value) {
        Typed::Once(at) => Ok(vec![at]),
        Typed::Twice { summer, winter } => {
            why.push(format!("{label}: {}.", brussels::twice_words(summer)));
            Ok(vec![summer, winter])
        }
        Typed::Skipped | Typed::Invalid => Err(AppError::InvalidField),
    };
    let (froms, lasts) = (candidates(van, "Van")?, candidates(tot, "Tot en met")?);
    let windows: Vec<TimeWindow> = froms
        .iter()
        .flat_map(|from| lasts.iter().map(move |last| (*from, *last)))
        .filter_map(|(from, last)| {
            let (from, last) = (from - from.rem_euclid(60), last - last.rem_euclid(60));
            (from <= last && last - from <= MAX_WINDOW_SECONDS).then_some(TimeWindow {
                from,
                until: last + 60,
            })
        })
        .collect();
    match windows.as_slice() {
        [] => Err(AppError::InvalidField),
        [window] if why.is_empty() => Ok(ReadWindow::Window(*window)),
        _ => Ok(ReadWindow::Unclear { why, windows }),
    }
}

/// The preview of `window` on poll `poll_id`: the address the desk's burst links and choices
/// open, with each minute's offset (`+` written as `%2B`, which a query would read as a space).
pub(crate) fn preview_href(poll_id: &str, window: TimeWindow) -> String {
    let value = |at: i64| brussels::exact_value(at).replace('+', "%2B");
    format!(
        "/redactie/poll/{poll_id}/ongeldig?van={}&tot={}",
        value(window.from),
        value(window.until - 60)
    )
}

fn window_words(window: TimeWindow) -> String {
    if window.until - window.from == 60 {
        format!("van de minuut {}", brussels::long_with_time(window.from))
    } else {
        format!(
            "van {} tot en met de minuut {}",
            brussels::long_with_time(window.from),
            brussels::long_with_time(window.until - 60)
        )
    }
}

/// The page asking which window the editor meant (400): why, and a link to each window's preview.
fn choice_page(
    editor: &SignedIn,
    poll_id: &str,
    why: Vec<String>,
    windows: &[TimeWindow],
) -> Response {
    let choices: Vec<(String, String)> = windows
        .iter()
        .map(|window| (window_words(*window), preview_href(poll_id, *window)))
        .collect();
    let (frame, poll_id) = (editor.frame(), poll_id.to_string());
    let page = DeskPage::new(move || {
        let (frame, poll_id, why, choices) =
            (frame.clone(), poll_id.clone(), why.clone(), choices.clone());
        view! { <WindowChoicePage frame poll_id why choices /> }.into_any()
    });
    (StatusCode::BAD_REQUEST, page).into_response()
}

/// `GET /redactie/poll/{id}/ongeldig?van=…&tot=…`: what voiding the window would do.
pub async fn preview(
    State(state): State<SiteState>,
    editor: SignedIn,
    DeskPath(id): DeskPath<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Refusal> {
    find_poll(&state, &id)?;
    let van = query.get("van").map(String::as_str).unwrap_or_default();
    let tot = query.get("tot").map(String::as_str).unwrap_or_default();
    let window = match read_window(van, tot)? {
        ReadWindow::Window(window) => window,
        ReadWindow::Unclear { why, windows } => {
            return Ok(choice_page(&editor, &id, why, &windows));
        }
    };
    let detail = preview_detail(&state, &id, window, None).await?;
    Ok(preview_page(&editor, detail).into_response())
}

/// What voiding `window` of poll `id` would take out now, with `notice` above it.
async fn preview_detail(
    state: &SiteState,
    id: &str,
    window: TimeWindow,
    notice: Option<String>,
) -> Result<VoidPreviewDetail, Refusal> {
    let served = find_poll(state, id)?.served;
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
        // The confirmation names the moments the preview counted, not the words typed.
        van: brussels::exact_value(window.from),
        tot: brussels::exact_value(window.until - 60),
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
    // The preview's form carries offsets; a form without them (an older page) never voids a
    // guess at the repeated autumn hour.
    let window = match read_window(van, tot)? {
        ReadWindow::Window(window) => window,
        ReadWindow::Unclear { why, windows } => {
            return Ok(choice_page(&editor, &id, why, &windows));
        }
    };
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
            let detail = preview_detail(&state, &id, window, Some(notice)).await?;
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
    let restored = format!("{by} herstelde het op {}", brussels::long_with_time(*at));
    let (frame, poll_id) = (editor.frame(), poll_id.to_string());
    let page = DeskPage::new(move || {
        let (frame, poll_id, restored) = (frame.clone(), poll_id.clone(), restored.clone());
        view! { <RestoredAlreadyNotice frame poll_id restored /> }.into_any()
    });
    (StatusCode::CONFLICT, page).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 31 October 2027, 02:30 in summer time (00:30 UTC) and in winter time (01:30 UTC).
    const SUMMER: i64 = 1_824_942_600;
    const WINTER: i64 = 1_824_946_200;

    fn window(from: i64, last: i64) -> TimeWindow {
        TimeWindow {
            from,
            until: last + 60,
        }
    }

    #[test]
    fn a_window_with_its_offsets_is_the_one_it_names_in_the_repeated_hour() {
        let Ok(ReadWindow::Window(read)) =
            read_window("2027-10-31T02:30+01:00", "2027-10-31T02:30+01:00")
        else {
            panic!("one window");
        };
        assert_eq!(read, window(WINTER, WINTER));
        assert_eq!(
            preview_href("p", read),
            "/redactie/poll/p/ongeldig?van=2027-10-31T02:30%2B01:00&tot=2027-10-31T02:30%2B01:00"
        );
        assert_eq!(
            window_words(read),
            "van de minuut 31 oktober 2027 om 2.30 uur (wintertijd)"
        );
    }

    #[test]
    fn a_typed_time_in_the_repeated_hour_is_not_guessed_but_offered_as_each_window_it_may_mean() {
        let Ok(ReadWindow::Unclear { why, windows }) =
            read_window("2027-10-31T02:30", "2027-10-31T02:30")
        else {
            panic!("a choice");
        };
        assert_eq!(
            why,
            [
                "Van: 31 oktober 2027 om 2.30 uur komt twee keer voor: eerst in zomertijd, een uur later opnieuw in wintertijd.",
                "Tot en met: 31 oktober 2027 om 2.30 uur komt twee keer voor: eerst in zomertijd, een uur later opnieuw in wintertijd."
            ]
        );
        // Summer to summer, summer to winter, winter to winter; not winter back to summer.
        assert_eq!(
            windows,
            [
                window(SUMMER, SUMMER),
                window(SUMMER, WINTER),
                window(WINTER, WINTER)
            ]
        );
        let Ok(ReadWindow::Unclear { why, windows }) =
            read_window("2027-10-31T01:50", "2027-10-31T02:30")
        else {
            panic!("a choice");
        };
        assert_eq!(why.len(), 1);
        assert_eq!(windows.len(), 2);
        assert!(matches!(
            read_window("2027-03-28T02:30", "2027-03-28T03:00"),
            Err(AppError::InvalidField)
        ));
    }
}
