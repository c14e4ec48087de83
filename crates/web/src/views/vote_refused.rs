//! The page a reader without JavaScript lands on when their vote was not taken, in the site's shell.

use leptos::prelude::*;
use leptos_meta::Meta;
use stembus_poll::error::AppError;
use stembus_site::shell::PageTitle;

/// The page a reader without JavaScript lands on when their vote was not taken: why, in Dutch, and
/// the way back to the poll.
#[component]
pub fn VoteRefused(error: AppError, back: String) -> impl IntoView {
    view! {
        <PageTitle text="Uw stem is niet geregistreerd | Stembus" />
        <Meta name="robots" content="noindex" />
        <section class="error-notice">
            <h1>"Uw stem is niet geregistreerd"</h1>
            <p>{error.message()}</p>
            <p>
                <a href=back>"Terug naar de poll"</a>
            </p>
        </section>
    }
}
