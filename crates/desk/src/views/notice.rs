//! The desk's notices: a refusal in Dutch, a poll that was archived, a window restored already,
//! and an action's address opened as a page.

use super::*;
use leptos::prelude::*;
use leptos_meta::Meta;
use stembus_messages::Words;
use stembus_poll::error::AppError;
use stembus_site::shell::PageTitle;

/// What an editor reads of `error`: its words in the desk's language, which the desk's page puts in
/// the context (`page::render`).
pub(super) fn error_words(error: AppError) -> String {
    use_context::<Words>()
        .map(|words| words.error(error))
        .unwrap_or_default()
}

/// A refusal on a desk address, with the way back.
#[component]
pub fn DeskNotice(error: AppError) -> impl IntoView {
    stembus_site::response_status::set(error.status_code());
    let (href, link) = match error {
        AppError::NotSignedIn
        | AppError::FormExpired
        | AppError::FormTooSlow
        | AppError::ForeignForm => ("/redactie/aanmelden", "Naar het aanmelden"),
        _ => ("/redactie", "Naar de polls"),
    };
    view! {
        <PageTitle text="Redactie | Stembus" />
        <Meta name="robots" content="noindex, nofollow" />
        <section class="desk error-notice">
            <h1>"Dat lukte niet"</h1>
            <p>{error_words(error)}</p>
            <p>
                <a href=href>{link}</a>
            </p>
        </section>
    }
}

/// A desk-made poll that is archived cannot be edited: put it back first.
#[component]
pub fn ArchivedNotice(frame: Frame, poll_id: String) -> impl IntoView {
    view! {
        <DeskFrame frame title="Gearchiveerde poll".to_string()>
            <h1>"Deze poll is gearchiveerd"</h1>
            <p class="desk-error" role="alert">
                "Een gearchiveerde poll kan niet bewerkt worden. Zet hem eerst terug op de site en bewerk hem dan."
            </p>
            <p>
                <a href=format!("/redactie/poll/{poll_id}")>"Terug naar de poll"</a>
            </p>
        </DeskFrame>
    }
}

/// A second "Herstellen" of a window (a double click, another editor): its votes count already,
/// so nothing was done again; says who restored it, and the way back to the poll.
#[component]
pub fn RestoredAlreadyNotice(frame: Frame, poll_id: String, restored: String) -> impl IntoView {
    view! {
        <DeskFrame frame title="Al hersteld".to_string()>
            <h1>"Dit venster is al hersteld"</h1>
            <p class="desk-note" role="status">
                {format!("De stemmen van dit venster tellen al weer mee: {restored}. Er is niets opnieuw gedaan.")}
            </p>
            <p>
                <a href=format!("/redactie/poll/{poll_id}")>"Terug naar de poll"</a>
            </p>
        </DeskFrame>
    }
}

/// An address that only a desk form posts to (an action such as "Nu sluiten" or "Afmelden"),
/// opened as a page: 405 in Dutch with the way to the polls, instead of an empty answer.
#[component]
pub fn FormOnlyNotice() -> impl IntoView {
    stembus_site::response_status::set(405);
    view! {
        <PageTitle text="Redactie | Stembus" />
        <Meta name="robots" content="noindex, nofollow" />
        <section class="desk error-notice">
            <h1>"Dat lukte niet"</h1>
            <p>
                "Dit adres voert een actie van de redactie uit en is geen pagina. Gebruik de knop op de pagina zelf; zo gaat er niets per ongeluk."
            </p>
            <p>
                <a href="/redactie">"Naar de polls"</a>
            </p>
        </section>
    }
}
