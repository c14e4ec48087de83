//! `/redactie/poll/{id}/bewerken`: editing a desk-made poll. Until the first vote everything can
//! change; after it the store refuses what would change what earlier readers chose between (adding,
//! removing or reordering answers, the opening, how many answers a reader picks), while the question
//! and an answer's wording can still be clarified, in Dutch and in French alike, which readers are
//! then told. A content file's poll is edited in its file, and an archived poll is put back before
//! it is edited.
//!
//! The form shows the poll as served, the desk's changes ("Nu sluiten", "Wie ziet de uitslag")
//! included, and the edit is judged and logged against that. It carries what it showed (`Seen`),
//! so an edit over another editor's change made since is refused (409) rather than undoing it
//! unseen.

use super::brussels;
use super::extract::{DeskForm, DeskPath, SignedIn};
use super::page::DeskPage;
use super::poll_form::{
    self, Before, FormKind, LOCKED_SENTENCE, PollFields, PollFormView, Seen, form_page,
};
use super::refusal::Refusal;
use super::views::{self, ArchivedNotice, Frame};
use super::{back_to_poll, find_made_poll, find_poll, see_other};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use stembus_poll::PollDefinition;
use stembus_poll::error::AppError;
use stembus_poll::moment::Moment;
use stembus_site::state::SiteState;
use stembus_store::desk::{AuditAction, PollEdit};
use stembus_store::made;

/// Whether readers voted in the poll; when the standing cannot be read, the store still refuses
/// what votes lock, so the form only misses its warning.
async fn has_votes(state: &SiteState, id: &str) -> bool {
    state
        .store
        .tally(id, None)
        .await
        .is_ok_and(|tally| tally.voters > 0)
}

/// An archived poll is not edited: 409 with the way back.
fn archived_page(frame: Frame, poll_id: String) -> Response {
    let page = DeskPage::new(move || {
        let (frame, poll_id) = (frame.clone(), poll_id.clone());
        view! { <ArchivedNotice frame poll_id /> }.into_any()
    });
    (StatusCode::CONFLICT, page).into_response()
}

/// `GET …/bewerken`: the form filled in with the poll as served, and what it showed (`Seen`).
pub async fn form(
    State(state): State<SiteState>,
    editor: SignedIn,
    DeskPath(id): DeskPath<String>,
) -> Result<Response, Refusal> {
    let made = find_made_poll(&state, &id)?;
    if made.archived.is_some() {
        return Ok(archived_page(editor.frame(), id));
    }
    let served = find_poll(&state, &id)?.served;
    let locked = has_votes(&state, &id).await;
    let view = PollFormView::new(
        FormKind::Edit {
            poll_id: id,
            locked,
            seen: seen_now(&served, state.now()),
        },
        PollFields::of_poll(&served),
    );
    Ok(form_page(StatusCode::OK, editor.frame(), view))
}

/// What a form filled in with `served` at unix second `now` shows.
fn seen_now(served: &PollDefinition, now: i64) -> Seen {
    Seen {
        fingerprint: made::fingerprint(served),
        at: now,
    }
}

/// `POST …/bewerken`: stores the edit with its audit line if the poll still reads as the form
/// showed it, or answers the form again with what the editor typed: 400 for a refused field or an
/// edit that votes lock, 409 when the poll changed since the form was loaded.
pub async fn save(
    State(state): State<SiteState>,
    DeskPath(id): DeskPath<String>,
    DeskForm { editor, form }: DeskForm,
) -> Result<Response, Refusal> {
    let made = find_made_poll(&state, &id)?;
    if made.archived.is_some() {
        return Ok(archived_page(editor.frame(), id));
    }
    let served = find_poll(&state, &id)?.served;
    // A form without what it showed (sent from an older page) is judged a stale one: the store
    // finds no poll with an empty fingerprint.
    let seen = Seen {
        fingerprint: form.get(Seen::FINGERPRINT).unwrap_or_default().to_string(),
        at: form
            .get(Seen::AT)
            .and_then(|at| at.trim().parse().ok())
            .unwrap_or(0),
    };
    let fields = PollFields::from_form(&form);
    let before = Before {
        shown: &served,
        keys: made
            .definition
            .options
            .iter()
            .map(|option| option.key.clone())
            .collect(),
    };
    let now = state.now();
    let locked = has_votes(&state, &id).await;
    // The form again with what the editor typed, for the poll as `served` shows it.
    let again = |fields: PollFields, locked: bool, seen: Seen, served: &PollDefinition| {
        PollFormView::new(
            FormKind::Edit {
                poll_id: id.clone(),
                locked,
                seen,
            },
            // Read-only fields come back as they are, or the editor could not correct them.
            if locked {
                fields.with_locked_from(served)
            } else {
                fields
            },
        )
    };
    let poll = match poll_form::check(&fields, now, Some(&before)) {
        Ok(checked) => checked.with_id(&id, made.definition.allow_change),
        Err(errors) => {
            let mut view = again(fields, locked, seen, &served);
            view.errors = errors;
            return Ok(form_page(StatusCode::BAD_REQUEST, editor.frame(), view));
        }
    };
    match state
        .store
        .edit_poll(
            &poll,
            Some(&seen.fingerprint),
            &editor.editor,
            now,
            describe,
        )
        .await?
    {
        PollEdit::Edited => Ok(back_to_poll(&state, &id).await),
        PollEdit::Unchanged => Ok(see_other(&format!("/redactie/poll/{id}"))),
        PollEdit::UnknownPoll => Err(AppError::NotFound.into()),
        PollEdit::AnswersLocked => {
            let mut view = again(fields, true, seen, &served);
            view.refusal = Some(format!("Niet bewaard. {LOCKED_SENTENCE}"));
            Ok(form_page(StatusCode::BAD_REQUEST, editor.frame(), view))
        }
        PollEdit::NotAsSeen => {
            // The change is stored, so this node reads it now; the form then carries the poll as
            // it is, and a second save is judged against that.
            if state.refresh_content().await.is_err() {
                tracing::warn!("the desk's state could not be read again; the form may be stale");
            }
            let now_served = find_poll(&state, &id).map_or(served.clone(), |poll| poll.served);
            let sentence = changed_since(&state, &id, seen.at).await;
            let locked = has_votes(&state, &id).await;
            let mut view = again(fields, locked, seen_now(&now_served, now), &now_served);
            view.refusal = Some(sentence);
            Ok(form_page(StatusCode::CONFLICT, editor.frame(), view))
        }
    }
}

/// The refusal of an edit over a change made since its form was loaded at unix second `since`:
/// who changed what, as the audit log says it, and what to do now.
async fn changed_since(state: &SiteState, id: &str, since: i64) -> String {
    let lines = state
        .store
        .audit_log(Some(id), 20)
        .await
        .unwrap_or_default();
    let mut changes: Vec<String> = lines
        .into_iter()
        // Without the moment (a form from an older page) every line would do: name none then.
        // Lines of the second the form was loaded in may be older than it; the poll's making
        // always is.
        .filter(|line| {
            since > 0
                && line.at >= since
                && line.action.changes_the_site()
                && line.action != AuditAction::PollCreated
        })
        .map(|line| {
            format!(
                "{} op {}: {}",
                line.editor,
                brussels::long_with_time(line.at),
                line.detail
            )
        })
        .collect();
    // The log lists the newest first; the sentence tells them in the order they happened.
    changes.reverse();
    let what = if changes.is_empty() {
        "Niet bewaard: de poll werd gewijzigd nadat u dit formulier opende.".to_string()
    } else {
        format!(
            "Niet bewaard: de poll werd gewijzigd nadat u dit formulier opende ({}).",
            changes.join("; ")
        )
    };
    format!(
        "{what} Hieronder staat wat u typte; het formulier kent nu de poll zoals hij is. Kijk de velden na (ook Sluit en Resultaten tonen) en bewaar opnieuw als u wilt wat er staat."
    )
}

fn quoted(text: Option<&str>) -> String {
    text.map_or("(geen)".to_string(), |text| format!("\"{text}\""))
}

fn moment_words(moment: Option<Moment>, none: &str) -> String {
    moment.map_or(none.to_string(), |moment| {
        brussels::long_with_time(moment.unix_seconds())
    })
}

/// The poll's French question, if it has one.
fn french_question(poll: &PollDefinition) -> Option<&str> {
    poll.french.as_ref().map(|french| french.question.as_str())
}

/// The French text of the answer in `slot` (from 0), if the poll has one.
fn french_label(poll: &PollDefinition, slot: usize) -> Option<&str> {
    let key = &poll.options.get(slot)?.key;
    poll.french.as_ref()?.labels.get(key).map(String::as_str)
}

/// The audit line of an edit: every changed field with its text before and after, in Dutch, like
/// `vraag: "…" → "…"; antwoord 2: "…" → "…"; franse vraag: (geen) → "…"`.
pub fn describe(before: &PollDefinition, after: &PollDefinition) -> String {
    let mut changes = Vec::new();
    if before.question != after.question {
        changes.push(format!(
            "vraag: {} → {}",
            quoted(Some(&before.question)),
            quoted(Some(&after.question))
        ));
    }
    let slots = before.options.len().max(after.options.len());
    for slot in 0..slots {
        let was = before.options.get(slot).map(|option| option.label.as_str());
        let is = after.options.get(slot).map(|option| option.label.as_str());
        if was != is {
            changes.push(format!(
                "antwoord {}: {} → {}",
                slot + 1,
                quoted(was),
                quoted(is)
            ));
        }
    }
    if french_question(before) != french_question(after) {
        changes.push(format!(
            "franse vraag: {} → {}",
            quoted(french_question(before)),
            quoted(french_question(after))
        ));
    }
    for slot in 0..slots {
        let (was, is) = (french_label(before, slot), french_label(after, slot));
        if was != is {
            changes.push(format!(
                "frans antwoord {}: {} → {}",
                slot + 1,
                quoted(was),
                quoted(is)
            ));
        }
    }
    if before.max_choices != after.max_choices {
        changes.push(format!(
            "maximaal aantal antwoorden: {} → {}",
            before.max_choices, after.max_choices
        ));
    }
    if before.opens != after.opens {
        changes.push(format!(
            "opent: {} → {}",
            moment_words(before.opens, "meteen"),
            moment_words(after.opens, "meteen")
        ));
    }
    if before.closes != after.closes {
        changes.push(format!(
            "sluit: {} → {}",
            moment_words(before.closes, "nooit"),
            moment_words(after.closes, "nooit")
        ));
    }
    if before.show_results != after.show_results {
        changes.push(format!(
            "resultaten tonen: {} → {}",
            views::visibility_words(before.show_results),
            views::visibility_words(after.show_results)
        ));
    }
    if changes.is_empty() {
        "niets gewijzigd".to_string()
    } else {
        changes.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stembus_poll::language::PollTranslation;
    use stembus_poll::{PollOption, ResultsVisibility};

    fn poll(question: &str, answers: &[&str]) -> PollDefinition {
        PollDefinition {
            id: "p".to_string(),
            question: question.to_string(),
            options: answers
                .iter()
                .map(|answer| PollOption {
                    key: answer.to_lowercase(),
                    label: answer.to_string(),
                })
                .collect(),
            opens: None,
            closes: None,
            max_choices: 1,
            allow_change: false,
            show_results: ResultsVisibility::AfterVote,
            french: None,
        }
    }

    #[test]
    fn an_edit_is_described_with_every_changed_text_before_and_after() {
        let before = poll("Vraag?", &["Ja", "Nee"]);
        let mut after = poll("Duidelijker vraag?", &["Ja", "Neen"]);
        after.show_results = ResultsVisibility::Always;
        assert_eq!(
            describe(&before, &after),
            "vraag: \"Vraag?\" → \"Duidelijker vraag?\"; antwoord 2: \"Nee\" → \"Neen\"; resultaten tonen: na het stemmen → altijd, ook voor wie niet stemde"
        );
        let added = poll("Vraag?", &["Ja", "Nee", "Weet niet"]);
        assert_eq!(
            describe(&before, &added),
            "antwoord 3: (geen) → \"Weet niet\""
        );
    }

    fn in_french(mut poll: PollDefinition, question: &str, labels: &[&str]) -> PollDefinition {
        poll.french = Some(PollTranslation {
            question: question.to_string(),
            labels: poll
                .options
                .iter()
                .map(|option| option.key.clone())
                .zip(labels.iter().map(|label| label.to_string()))
                .collect(),
        });
        poll
    }

    #[test]
    fn a_french_edit_is_described_like_a_dutch_one() {
        let dutch = poll("Vraag?", &["Ja", "Nee"]);
        let before = in_french(dutch.clone(), "Question ?", &["Oui", "Non"]);
        let after = in_french(dutch.clone(), "Une question ?", &["Oui", "Non merci"]);
        assert_eq!(
            describe(&before, &after),
            "franse vraag: \"Question ?\" → \"Une question ?\"; frans antwoord 2: \"Non\" → \"Non merci\""
        );
        assert_eq!(
            describe(&dutch, &before),
            "franse vraag: (geen) → \"Question ?\"; frans antwoord 1: (geen) → \"Oui\"; frans antwoord 2: (geen) → \"Non\""
        );
        assert_eq!(
            describe(&before, &dutch),
            "franse vraag: \"Question ?\" → (geen); frans antwoord 1: \"Oui\" → (geen); frans antwoord 2: \"Non\" → (geen)"
        );
    }
}
