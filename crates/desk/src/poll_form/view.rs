//! The poll form as a component: the fields with their labels, each refusal's message linked to
//! its field (`aria-describedby`, `aria-invalid`), the proposed code, and the locked fields once
//! readers voted. Each French field sits under its Dutch one.

use super::{
    ANSWER_SLOTS, FRENCH_QUESTION, FieldError, LOCKED_SENTENCE, MAX_TEXT, PollFields, answer_field,
    french_answer_field,
};
use crate::page::DeskPage;
use crate::views::{Csrf, DeskFrame, Frame};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use stembus_poll::ResultsVisibility;

/// The form page with `form`, answered with `status`.
pub fn form_page(status: StatusCode, frame: Frame, form: PollFormView) -> Response {
    let page = DeskPage::new(move || {
        let (frame, form) = (frame.clone(), form.clone());
        view! { <PollFormPage frame form /> }.into_any()
    });
    (status, page).into_response()
}

/// Which form this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// `/redactie/nieuw`.
    New,
    /// `/redactie/poll/{id}/bewerken`; `locked` when readers voted already; `seen`: the poll as
    /// the form shows it, which the form sends back.
    Edit {
        poll_id: String,
        locked: bool,
        seen: Seen,
    },
}

/// What an edit form was loaded with, sent back in hidden fields so the store can refuse an edit
/// over a change made since (another editor's "Nu sluiten", say) instead of undoing it unseen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// `stembus_store::made::fingerprint` of the poll as served when the form was filled in.
    pub fingerprint: String,
    /// When (unix seconds): the changes since are the ones the editor is told of.
    pub at: i64,
}

impl Seen {
    /// The hidden field of the fingerprint.
    pub const FINGERPRINT: &str = "versie";
    /// The hidden field of the moment.
    pub const AT: &str = "geladen";
}

/// Everything the form page shows.
#[derive(Debug, Clone)]
pub struct PollFormView {
    pub kind: FormKind,
    pub fields: PollFields,
    pub errors: Vec<FieldError>,
    /// A refusal of the whole form (the store's), shown above it.
    pub refusal: Option<String>,
    /// The code the site proposes, when the editor left it empty: the form says where the poll
    /// will be and that the code can still be changed.
    pub proposed: Option<String>,
}

impl PollFormView {
    pub fn new(kind: FormKind, fields: PollFields) -> PollFormView {
        PollFormView {
            kind,
            fields,
            errors: Vec::new(),
            refusal: None,
            proposed: None,
        }
    }
}

/// One field's accessible state: its message's id when refused.
fn error_of<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a FieldError> {
    errors.iter().find(|error| error.field == field)
}

/// The id of the message that describes `field`, when it was refused.
fn described(errors: &[FieldError], field: &str) -> Option<String> {
    error_of(errors, field).map(|_| format!("{field}-fout"))
}

/// `aria-invalid` of `field`.
fn invalid(errors: &[FieldError], field: &str) -> Option<&'static str> {
    error_of(errors, field).map(|_| "true")
}

/// A field's message below it, with the id its `aria-describedby` names.
#[component]
fn FieldMessage(error: Option<FieldError>) -> impl IntoView {
    error.map(|error| {
        view! {
            <span id=format!("{}-fout", error.field) class="desk-field-error">
                {error.message}
            </span>
        }
    })
}

/// `/redactie/nieuw` and `/redactie/poll/{id}/bewerken`: the poll's fields, labelled, as a plain
/// form posted with the session's token.
#[component]
pub fn PollFormPage(frame: Frame, form: PollFormView) -> impl IntoView {
    let PollFormView {
        kind,
        fields,
        errors,
        refusal,
        proposed,
    } = form;
    let (title, action, button, locked) = match &kind {
        FormKind::New => (
            "Nieuwe poll".to_string(),
            crate::NEW_POLL.to_string(),
            "Poll aanmaken",
            false,
        ),
        FormKind::Edit {
            poll_id, locked, ..
        } => (
            format!("Poll bewerken: {}", fields.question),
            format!("/redactie/poll/{poll_id}/bewerken"),
            "Wijzigingen bewaren",
            *locked,
        ),
    };
    let csrf = frame.csrf.clone();
    // The page renders inside the frame later, so these own what they read.
    let errors = std::sync::Arc::new(errors);
    let described = {
        let errors = errors.clone();
        move |field: &str| described(&errors, field)
    };
    let invalid = {
        let errors = errors.clone();
        move |field: &str| invalid(&errors, field)
    };
    let message = {
        let errors = errors.clone();
        move |field: &str| error_of(&errors, field).cloned()
    };

    let summary = (!errors.is_empty() || refusal.is_some()).then(|| {
        let items = errors
            .iter()
            .map(|error| {
                view! {
                    <li>
                        <a href=format!("#{}", error.field)>{error.message.clone()}</a>
                    </li>
                }
            })
            .collect_view();
        let lead = match (&kind, &refusal) {
            (_, Some(refusal)) => refusal.clone(),
            (FormKind::New, None) => {
                "De poll is niet aangemaakt. Verbeter wat hieronder staat.".to_string()
            }
            (FormKind::Edit { .. }, None) => {
                "De wijzigingen zijn niet bewaard. Verbeter wat hieronder staat.".to_string()
            }
        };
        let items = (!errors.is_empty()).then(|| view! { <ul>{items}</ul> });
        view! {
            <div class="desk-error" role="alert">
                <p>{lead}</p>
                {items}
            </div>
        }
    });
    // A refusal says it already; once is enough.
    let locked_note =
        (locked && refusal.is_none()).then(|| view! { <p class="desk-note">{LOCKED_SENTENCE}</p> });

    let answer_fields = (1..=ANSWER_SLOTS)
        .map(|slot| {
            let field = answer_field(slot);
            let french_field = french_answer_field(slot);
            let value = fields.answers.get(slot - 1).cloned().unwrap_or_default();
            let french_value = fields
                .french_answers
                .get(slot - 1)
                .cloned()
                .unwrap_or_default();
            let key = fields.keys.get(slot - 1).cloned().unwrap_or_default();
            // Locked: an empty slot stays empty (no answer can be added), a filled one can be reworded.
            let readonly = locked && value.trim().is_empty();
            let carried = (!key.is_empty() && matches!(kind, FormKind::Edit { .. })).then(|| {
                view! { <input type="hidden" name=format!("sleutel{slot}") value=key /> }
            });
            view! {
                <p>
                    <label for=field.clone()>{format!("Antwoord {slot}")}</label>
                    <input
                        id=field.clone()
                        name=field.clone()
                        type="text"
                        maxlength=MAX_TEXT.to_string()
                        value=value
                        readonly=readonly
                        aria-invalid=invalid(&field)
                        aria-describedby=described(&field)
                    />
                    {carried}
                    <FieldMessage error=message(&field) />
                </p>
                <p class="desk-french-field">
                    <label for=french_field.clone()>{format!("Antwoord {slot} (Frans)")}</label>
                    <input
                        id=french_field.clone()
                        name=french_field.clone()
                        type="text"
                        lang="fr-BE"
                        maxlength=MAX_TEXT.to_string()
                        value=french_value
                        readonly=readonly
                        aria-invalid=invalid(&french_field)
                        aria-describedby=described(&french_field)
                    />
                    <FieldMessage error=message(&french_field) />
                </p>
            }
        })
        .collect_view();

    let visibility_options = [
        (ResultsVisibility::AfterVote, "na het stemmen"),
        (ResultsVisibility::Always, "altijd"),
        (ResultsVisibility::AfterClose, "na het sluiten"),
    ]
    .into_iter()
    .map(|(option, words)| {
        view! {
            <option value=option.key() selected=fields.visibility == option.key()>
                {words}
            </option>
        }
    })
    .collect_view();

    // A disabled checkbox is not sent, so a locked one sends its value from a hidden field.
    let multiple_kept = (locked && fields.multiple)
        .then(|| view! { <input type="hidden" name="meerdere" value="1" /> });

    let code_field = matches!(kind, FormKind::New).then(|| {
        let proposal = proposed.clone().map(|code| {
            view! {
                <p id="code-voorstel" class="desk-note" role="status">
                    "De poll komt op het adres " <code>{format!("/embed/{code}")}</code>
                    ". U kunt de code hieronder nog wijzigen voor u opnieuw op „Poll aanmaken” klikt."
                </p>
            }
        });
        let code_described = described("code").or(proposed.as_ref().map(|_| "code-voorstel".to_string()));
        view! {
            <p>
                <label for="code">"Code in het adres"</label>
                <input
                    id="code"
                    name="code"
                    type="text"
                    maxlength=stembus_content::identifier::MAX_LENGTH.to_string()
                    autocapitalize="none"
                    spellcheck="false"
                    value=fields.code.clone()
                    aria-invalid=invalid("code")
                    aria-describedby=code_described
                />
                <FieldMessage error=message("code") />
            </p>
            {proposal}
            <p class="desk-hint">
                "Kleine letters, cijfers en streepjes. Leeg gelaten stelt de site een code voor uit de vraag; ze staat in het adres van de poll en verandert daarna niet meer."
            </p>
        }
    });

    let seen_fields = match &kind {
        FormKind::Edit { seen, .. } => Some(view! {
            <input type="hidden" name=Seen::FINGERPRINT value=seen.fingerprint.clone() />
            <input type="hidden" name=Seen::AT value=seen.at.to_string() />
        }),
        FormKind::New => None,
    };

    let back = match &kind {
        FormKind::New => (
            "/redactie".to_string(),
            "Terug naar de polls, zonder iets aan te maken",
        ),
        FormKind::Edit { poll_id, .. } => (
            format!("/redactie/poll/{poll_id}"),
            "Terug naar de poll, zonder iets te wijzigen",
        ),
    };

    view! {
        <DeskFrame frame title=title.clone()>
            <h1>{title}</h1>
            {summary}
            {locked_note}
            <form method="post" action=action class="desk-poll-form" novalidate>
                <Csrf token=csrf />
                {seen_fields}
                <p>
                    <label for="vraag">"Vraag"</label>
                    <input
                        id="vraag"
                        name="vraag"
                        type="text"
                        maxlength=MAX_TEXT.to_string()
                        required
                        value=fields.question.clone()
                        aria-invalid=invalid("vraag")
                        aria-describedby=described("vraag")
                    />
                    <FieldMessage error=message("vraag") />
                </p>
                <p class="desk-french-field">
                    <label for=FRENCH_QUESTION>"Vraag (Frans)"</label>
                    <input
                        id=FRENCH_QUESTION
                        name=FRENCH_QUESTION
                        type="text"
                        lang="fr-BE"
                        maxlength=MAX_TEXT.to_string()
                        value=fields.french_question.clone()
                        aria-invalid=invalid(FRENCH_QUESTION)
                        aria-describedby=described(FRENCH_QUESTION).unwrap_or_else(|| "frans-uitleg".to_string())
                    />
                    <FieldMessage error=message(FRENCH_QUESTION) />
                    <span id="frans-uitleg" class="desk-hint">
                        "Niet verplicht. Wie één Frans veld invult, vult ook de Franse vraag en de Franse tekst van elk antwoord in; de poll krijgt dan ook een Franse embed, met dezelfde antwoorden en dezelfde telling."
                    </span>
                </p>
                <fieldset>
                    <legend>"Antwoorden (minstens twee; lege velden tellen niet mee)"</legend>
                    {answer_fields}
                </fieldset>
                <p>
                    <input
                        id="meerdere"
                        name="meerdere"
                        type="checkbox"
                        value="1"
                        checked=fields.multiple
                        disabled=locked
                    />
                    {multiple_kept}
                    <label for="meerdere" class="desk-inline-label">
                        "Meerdere antwoorden toegestaan"
                    </label>
                </p>
                <p>
                    <label for="maximaal">"Maximaal aantal antwoorden"</label>
                    <input
                        id="maximaal"
                        name="maximaal"
                        type="number"
                        min="2"
                        max=ANSWER_SLOTS.to_string()
                        value=fields.max_choices.clone()
                        readonly=locked
                        aria-invalid=invalid("maximaal")
                        aria-describedby=described("maximaal").unwrap_or_else(|| "maximaal-uitleg".to_string())
                    />
                    <FieldMessage error=message("maximaal") />
                    <span id="maximaal-uitleg" class="desk-hint">
                        "Alleen als meerdere antwoorden toegestaan zijn: van 2 tot het aantal antwoorden."
                    </span>
                </p>
                <p>
                    <label for="opent">"Opent"</label>
                    <input
                        id="opent"
                        name="opent"
                        type="datetime-local"
                        step="60"
                        value=fields.opens.clone()
                        readonly=locked
                        aria-invalid=invalid("opent")
                        aria-describedby=described("opent").unwrap_or_else(|| "opent-uitleg".to_string())
                    />
                    <FieldMessage error=message("opent") />
                    <span id="opent-uitleg" class="desk-hint">
                        "Brusselse tijd. Leeg: de poll opent meteen."
                    </span>
                </p>
                <p>
                    <label for="sluit">"Sluit"</label>
                    <input
                        id="sluit"
                        name="sluit"
                        type="datetime-local"
                        step="60"
                        value=fields.closes.clone()
                        aria-invalid=invalid("sluit")
                        aria-describedby=described("sluit").unwrap_or_else(|| "sluit-uitleg".to_string())
                    />
                    <FieldMessage error=message("sluit") />
                    <span id="sluit-uitleg" class="desk-hint">
                        "Brusselse tijd. Leeg: de poll sluit niet vanzelf."
                    </span>
                </p>
                <p>
                    <label for="uitslag">"Resultaten tonen"</label>
                    <select
                        id="uitslag"
                        name="uitslag"
                        aria-invalid=invalid("uitslag")
                        aria-describedby=described("uitslag")
                    >
                        {visibility_options}
                    </select>
                    <FieldMessage error=message("uitslag") />
                </p>
                {code_field}
                <p>
                    <button type="submit">{button}</button>
                </p>
            </form>
            <p>
                <a href=back.0>{back.1}</a>
            </p>
        </DeskFrame>
    }
}
