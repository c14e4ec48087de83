//! The page a reader without JavaScript lands on when their vote was not taken, in the site's shell
//! or, for a vote from the embed, the embed's.

use leptos::prelude::*;
use leptos_meta::Meta;
use stembus_messages::Words;
use stembus_site::shell::{PageTitle, page_title};

/// The page a reader without JavaScript lands on when their vote was not taken: why (`message`,
/// the refusal's words), in the language of the card they voted in, and the way back to the poll
/// (`new_window`: out of the embed's frame, to vote where the site's cookie is kept).
#[component]
pub fn VoteRefused(message: String, back: String, words: Words, new_window: bool) -> impl IntoView {
    let title = words.text("vote-refused-title");
    view! {
        <PageTitle text=page_title(&words, &title) />
        <Meta name="robots" content="noindex" />
        <section class="error-notice">
            <h1>{title}</h1>
            <p>{message}</p>
            <p>
                <a
                    href=back
                    target=new_window.then_some("_blank")
                    rel=new_window.then_some("noopener")
                >
                    {words.text("back-to-poll")}
                </a>
            </p>
        </section>
    }
}
