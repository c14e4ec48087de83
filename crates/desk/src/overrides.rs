//! The desk's changes to a poll's settings over its content file: closing now, reopening, the
//! closing moment and who sees the results (`/redactie/poll/{id}/sluiten`, `…/heropenen`,
//! `…/sluitingsmoment`, `…/uitslag`). Each form only says what to change; storing it with its
//! audit entry is the same for all four.
//!
//! A closing moment set here follows the poll form's rules (`poll_form::closing_problem`): after
//! now and after the opening. A past one is refused, not taken as "Nu sluiten": an editor who
//! typed a moment meant that moment, and closing at once is the button beside the field. A
//! refused moment comes back on the poll's page with the message at the field.

use super::brussels::{self, Typed};
use super::extract::{DeskForm, DeskPath, Form};
use super::poll_form::{ClosingProblem, INVALID_MOMENT, closing_problem};
use super::refusal::Refusal;
use super::views::ClosesRefusal;
use super::{back_to_poll, find_poll, poll_page, views};
use axum::extract::State;
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use stembus_poll::error::AppError;
use stembus_poll::{PollDefinition, ResultsVisibility};
use stembus_site::state::SiteState;
use stembus_store::desk::{AuditAction, OverrideChange};

/// What an override form asks for: the change, and how the audit log names it.
pub struct OverrideRequest {
    change: OverrideChange,
    action: AuditAction,
    /// The audit entry's detail, in Dutch.
    detail: String,
}

/// Why an override form was not taken.
pub enum Refused {
    /// The desk's notice for this error.
    Notice(AppError),
    /// The closing moment typed does not pass: the poll's page again, saying why at the field.
    ClosingMoment(ClosesRefusal),
}

impl From<AppError> for Refused {
    fn from(error: AppError) -> Refused {
        Refused::Notice(error)
    }
}

/// Reads an override form for `poll` (as served), at unix second `now`, into the change it asks
/// for.
type Parse = fn(&Form, &PollDefinition, i64) -> Result<OverrideRequest, Refused>;

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
    } = match parse(&form, &poll, now) {
        Ok(request) => request,
        Err(Refused::Notice(error)) => return Err(error.into()),
        Err(Refused::ClosingMoment(refusal)) => {
            return poll_page::with_closes_refused(&state, &editor, &id, refusal).await;
        }
    };
    let entry = editor.audit(now, action, Some(&poll.id), detail);
    if !state.store.change_poll(&poll.id, change, &entry).await? {
        return Err(AppError::NotFound.into());
    }
    Ok(back_to_poll(&state, &id).await)
}

/// `…/sluiten`: closes the poll at this minute.
pub fn close(_: &Form, _: &PollDefinition, now: i64) -> Result<OverrideRequest, Refused> {
    Ok(OverrideRequest {
        change: OverrideChange::Closes(Some(now)),
        action: AuditAction::Close,
        detail: format!("gesloten op {}", brussels::long_with_time(now)),
    })
}

/// `…/heropenen`: opens the poll again, without a closing moment.
pub fn reopen(_: &Form, _: &PollDefinition, _: i64) -> Result<OverrideRequest, Refused> {
    Ok(OverrideRequest {
        change: OverrideChange::Closes(None),
        action: AuditAction::Reopen,
        detail: "heropend, zonder einddatum".to_string(),
    })
}

/// `…/sluitingsmoment`: `sluit` (a Brussels `datetime-local`, or a choice the page offered with
/// its offset), or `bestand` for the file's moment. The moment must lie after now and after
/// `poll`'s opening; a time the autumn clock shows twice comes back with a button for each of the
/// two that passes, as the field cannot say which.
pub fn closing_moment(
    form: &Form,
    poll: &PollDefinition,
    now: i64,
) -> Result<OverrideRequest, Refused> {
    if form.get("bestand").is_some() {
        return Ok(OverrideRequest {
            change: OverrideChange::ClosesFromFile,
            action: AuditAction::ClosingMoment,
            detail: "sluitingsmoment van het inhoudsbestand".to_string(),
        });
    }
    let typed = form.get("sluit").unwrap_or_default().trim().to_string();
    let opens = poll.opens.map(|opens| opens.unix_seconds());
    let problem = |closes: i64| closing_problem(closes, opens, Some(now));
    let refused = |message: String, choices: Vec<(String, String)>| {
        Refused::ClosingMoment(ClosesRefusal {
            typed: without_offset(&typed),
            message: format!("Sluitingsmoment: {message}"),
            choices,
        })
    };
    let closes = match brussels::read(&typed) {
        Typed::Once(closes) => closes,
        Typed::Twice { summer, winter } => {
            let choices: Vec<(String, String)> = [summer, winter]
                .into_iter()
                .filter(|closes| problem(*closes).is_none())
                .map(|closes| {
                    (
                        brussels::long_with_time(closes),
                        brussels::exact_value(closes),
                    )
                })
                .collect();
            let message = match choices.len() {
                // Neither passes: what is wrong with the later one is what is wrong with both.
                0 => problem_words(problem(winter).unwrap_or(ClosingProblem::Past), poll),
                // The later one passes whenever the earlier one does.
                1 => format!(
                    "{}. De eerste keer kan niet meer; bedoelt u de tweede, kies die dan hieronder.",
                    brussels::twice_words(summer)
                ),
                _ => format!(
                    "{}. Kies hieronder welk van de twee u bedoelt.",
                    brussels::twice_words(summer)
                ),
            };
            return Err(refused(message, choices));
        }
        Typed::Skipped => {
            return Err(refused(format!("{}.", brussels::SKIPPED_WORDS), Vec::new()));
        }
        Typed::Invalid if typed.is_empty() => {
            let message = "vul een dag en een uur in (Brusselse tijd).".to_string();
            return Err(refused(message, Vec::new()));
        }
        Typed::Invalid => {
            return Err(refused(INVALID_MOMENT.to_string(), Vec::new()));
        }
    };
    if let Some(problem) = problem(closes) {
        return Err(refused(problem_words(problem, poll), Vec::new()));
    }
    Ok(OverrideRequest {
        change: OverrideChange::Closes(Some(closes)),
        action: AuditAction::ClosingMoment,
        detail: format!("sluitingsmoment {}", brussels::long_with_time(closes)),
    })
}

/// `typed` as the field takes it back: a `datetime-local` field shows nothing of a value with the
/// offset that the buttons for the autumn hour's two moments send (`2027-10-31T02:30+01:00`).
fn without_offset(typed: &str) -> String {
    match typed.split_once('T') {
        Some((day, time)) => format!("{day}T{}", time.split(['+', '-']).next().unwrap_or(time)),
        None => typed.to_string(),
    }
}

/// What an editor reads of `problem` with a closing moment of `poll`.
fn problem_words(problem: ClosingProblem, poll: &PollDefinition) -> String {
    match (problem, poll.opens) {
        (ClosingProblem::Past, _) => format!(
            "{}. Wilt u de poll nu sluiten, gebruik dan „Nu sluiten”.",
            problem.words()
        ),
        (ClosingProblem::BeforeOpening, Some(opens)) => format!(
            "{} (de poll opent op {}).",
            problem.words(),
            brussels::long_with_time(opens.unix_seconds())
        ),
        (ClosingProblem::BeforeOpening, None) => format!("{}.", problem.words()),
    }
}

/// `…/uitslag`: `zichtbaarheid` = `after-vote`, `always`, `after-close`, or `bestand` for the file's.
pub fn results_visibility(
    form: &Form,
    _: &PollDefinition,
    _: i64,
) -> Result<OverrideRequest, Refused> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_moment_goes_back_into_its_field_without_the_offset_a_button_sent() {
        assert_eq!(without_offset("2027-10-31T02:30+01:00"), "2027-10-31T02:30");
        assert_eq!(without_offset("2027-10-31T02:30-01:00"), "2027-10-31T02:30");
        assert_eq!(without_offset("2027-10-31T02:30"), "2027-10-31T02:30");
        assert_eq!(without_offset("morgen"), "morgen");
    }
}
