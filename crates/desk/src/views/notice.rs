//! The desk's notices: a refusal in Dutch, and a poll that was archived.

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
        AppError::NotSignedIn | AppError::FormExpired | AppError::ForeignForm => {
            ("/redactie/aanmelden", "Naar het aanmelden")
        }
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
