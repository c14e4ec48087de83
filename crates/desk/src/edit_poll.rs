//! `/redactie/poll/{id}/bewerken`: editing a desk-made poll. Until the first vote everything can
//! change; after it the store refuses what would change what earlier readers chose between (adding,
//! removing or reordering answers, the opening, how many answers a reader picks), while the question
//! and an answer's wording can still be clarified, in Dutch and in French alike, which readers are
//! then told. A content file's poll is edited in its file, and an archived poll is put back before
//! it is edited.

use super::extract::{DeskForm, DeskPath, SignedIn};
use super::page::DeskPage;
use super::poll_form::{
    self, Before, FormKind, LOCKED_SENTENCE, PollFields, PollFormView, form_page,
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
use stembus_store::desk::PollEdit;

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

/// `GET …/bewerken`: the form filled in with the poll as served.
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
        },
        PollFields::of_poll(&served),
    );
    Ok(form_page(StatusCode::OK, editor.frame(), view))
}

/// `POST …/bewerken`: stores the edit with its audit line, or answers the form again (400).
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
    let kind = FormKind::Edit {
        poll_id: id.clone(),
        locked,
    };
    let poll = match poll_form::check(&fields, now, Some(&before)) {
        Ok(checked) => checked.with_id(&id, made.definition.allow_change),
        Err(errors) => {
            let mut view = PollFormView::new(kind, fields);
            view.errors = errors;
            return Ok(form_page(StatusCode::BAD_REQUEST, editor.frame(), view));
        }
    };
    match state
        .store
        .edit_poll(&poll, &editor.editor, now, describe)
        .await?
    {
        PollEdit::Edited => Ok(back_to_poll(&state, &id).await),
        PollEdit::Unchanged => Ok(see_other(&format!("/redactie/poll/{id}"))),
        PollEdit::UnknownPoll => Err(AppError::NotFound.into()),
        PollEdit::AnswersLocked => {
            let mut view = PollFormView::new(
                FormKind::Edit {
                    poll_id: id,
                    locked: true,
                },
                fields,
            );
            view.refusal = Some(format!("Niet bewaard. {LOCKED_SENTENCE}"));
            Ok(form_page(StatusCode::BAD_REQUEST, editor.frame(), view))
        }
    }
}

fn quoted(text: Option<&str>) -> String {
    text.map_or("(geen)".to_string(), |text| format!("\"{text}\""))
}

fn moment_words(moment: Option<Moment>, none: &str) -> String {
    moment.map_or(none.to_string(), |moment| moment.long_nl_with_time())
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
