//! `/redactie/nieuw`: making a poll in the desk, without a content file. The poll's id ("Code in
//! het adres") is proposed from the question and shown before anything is made, since it is in
//! every address of the poll and never changes once votes are stored under it.

use super::back_to_poll;
use super::extract::{DeskForm, SignedIn};
use super::poll_form::{self, FieldError, FormKind, PollFields, PollFormView, form_page};
use super::refusal::Refusal;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use stembus_content::identifier::{identifier_from, is_identifier, unique_identifier};
use stembus_site::state::SiteState;
use stembus_store::desk::AuditAction;

/// `GET /redactie/nieuw`: the empty form.
pub async fn form(editor: SignedIn) -> Response {
    form_page(
        StatusCode::OK,
        editor.frame(),
        PollFormView::new(FormKind::New, PollFields::empty()),
    )
}

/// Whether any poll has the id `id`: on the site, in a content file, or made in the desk (archived
/// ones too, whose votes stay stored under it).
fn in_use(state: &SiteState, id: &str) -> bool {
    state.library().polls().any(|poll| poll.id == id)
        || state.content.files().polls().any(|poll| poll.id == id)
        || state.content.desk().made_poll(id).is_some()
}

fn code_in_use() -> FieldError {
    FieldError::new(
        "code",
        "Code in het adres: deze code is al in gebruik; kies een andere.".to_string(),
    )
}

/// `POST /redactie/nieuw`: makes the poll, or answers the form again: refused (400) with a message
/// at each field, or (200) with the proposed code when the editor left it empty.
pub async fn create(
    State(state): State<SiteState>,
    DeskForm { editor, form }: DeskForm,
) -> Result<Response, Refusal> {
    let mut fields = PollFields::from_form(&form);
    let now = state.now();
    let checked = poll_form::check(&fields, now, None);
    let code = fields.code.trim().to_string();
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    if !code.is_empty() {
        if !is_identifier(&code) {
            errors.push(FieldError::new(
                "code",
                format!(
                    "Code in het adres: alleen kleine letters zonder accenten, cijfers en losse streepjes, ten hoogste {} tekens.",
                    stembus_content::identifier::MAX_LENGTH
                ),
            ));
        } else if in_use(&state, &code) {
            errors.push(code_in_use());
        }
    }
    let refused = |fields: PollFields, errors: Vec<FieldError>| {
        let mut view = PollFormView::new(FormKind::New, fields);
        view.errors = errors;
        form_page(StatusCode::BAD_REQUEST, editor.frame(), view)
    };
    let checked = match checked {
        Ok(checked) if errors.is_empty() => checked,
        _ => return Ok(refused(fields, errors)),
    };
    if code.is_empty() {
        let base = match identifier_from(&checked.question) {
            base if base.is_empty() => "poll".to_string(),
            base => base,
        };
        let proposed = unique_identifier(&base, |id| in_use(&state, id));
        fields.code = proposed.clone();
        let mut view = PollFormView::new(FormKind::New, fields);
        view.proposed = Some(proposed);
        return Ok(form_page(StatusCode::OK, editor.frame(), view));
    }
    let poll = checked.with_id(&code, false);
    let detail = match &poll.french {
        Some(french) => format!(
            "poll aangemaakt: \"{}\" (Frans: \"{}\")",
            poll.question, french.question
        ),
        None => format!("poll aangemaakt: \"{}\"", poll.question),
    };
    let entry = editor.audit(now, AuditAction::PollCreated, Some(&code), detail);
    // Another node may have taken the id since the check above; the store decides.
    if !state.store.create_poll(&poll, &entry).await? {
        return Ok(refused(fields, vec![code_in_use()]));
    }
    Ok(back_to_poll(&state, &code).await)
}
