//! The poll island: the page's only interactive part, a form that works with and without JavaScript.
//!
//! The browser gets only what has to happen there: the WASM is what every reader downloads, and each
//! piece of view code in it is several kinds of code (hydrating, building, updating). So:
//!
//! - The island carries no words of its own: every text it shows or says is rendered by the server
//!   in the page's language (`render.rs`, with the `Words` of `stembus-messages`), in the page
//!   (the card's HTML and its `data-` attributes) or in the server's answers (the vote's answer, the
//!   live standing's events), so one WASM serves every language within the budget.
//! - The island takes no props. Leptos would encode props with serde_json on the server and decode
//!   them with serde_json in the browser; that code and the derives it drives were a fifth of the
//!   WASM. The server writes the poll's id into the card (`data-poll`); whether the card holds the
//!   form and shows the standing the browser reads from the card itself.
//! - The island hydrates what changes: the form's handler, its button and its error, the
//!   announcement, and the place of the standing. What does not change in the browser, the form's
//!   fields and the standing, is rendered by the server only and left as it came (`inner_html`);
//!   after a vote the island puts the standing from the vote's answer (`VoteAnswer`), rendered by
//!   the server too, where the form was. Building them in the browser as well was more than half of
//!   what the island's own code weighed. Its text too is set as HTML, so that the WASM carries one
//!   kind of binding less.
//! - While the standing is shown the island follows it live (`/api/polls/{id}/live`) and writes the
//!   new figures into it, outside the live region: only the reader's own vote is announced.
//! - The transparency box under the card, which is not part of the island, counts with it: the
//!   vote's answer and every live standing carry the box's sentence as the server worded it
//!   (`facts_voters`), and the island writes that text into the box's count, so a reader never sees
//!   two counts for one poll and the WASM carries no words of its own for it.
//! - The vote is posted by a small `fetch` of its own (`card/browser.rs`) instead of a
//!   `ServerAction`: the server-function client, its query-string encoder and its HTTP wrapper were
//!   a quarter of the WASM. The address, the body and the answer are the `cast_vote` server
//!   function's, exactly as a browser without JavaScript posts the form.
//!
//! docs/performance.md, "What a reader downloads", has what each of these saved. Alternatives are
//! `Either` or `Option`, never `into_any()`: an `AnyView` carries every way of rendering its
//! content (async hydration included) into the WASM, about 20 KB for each one.

use super::{CastVote, format_count};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "ssr")]
mod render;

#[cfg(feature = "ssr")]
pub use render::{PollCard, standing_html};

/// On the server the island only renders, from the card the page hands it; its handlers never run.
#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::{Card, CardState};
    use leptos::ev::SubmitEvent;

    pub fn card_from_page() -> Card {
        Card::default()
    }

    pub fn submit(_event: SubmitEvent, _state: CardState) {}

    pub fn after_hydration(_state: CardState) {}

    /// The live standing is the browser's alone.
    #[derive(Debug, Clone, Default)]
    pub struct Live;
}

/// What the island keeps and changes: the poll it belongs to, what it shows, the server's words
/// for what it may have to say, and how the reader's vote from here went.
#[derive(Debug, Clone, Default)]
struct Card {
    poll_id: String,
    show_form: bool,
    /// The standing as the server rendered it: the page's (which the browser leaves as it came, so
    /// it starts empty there) and then the vote's answer's.
    standing_html: String,
    /// A vote is on its way: a second submit is ignored. Only the browser reads it.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pending: bool,
    /// Why the server refused the last vote sent from here, in its own words (the refusal's
    /// `message`): the WASM carries none of the error texts.
    error_text: String,
    /// What the live region says, as HTML the server rendered: only ever the reader's own vote,
    /// once taken here, or that it is being sent again.
    announcement_html: String,
    /// The words the browser may need, as the server wrote them into the card (`CardWords`).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    words: CardWords,
    /// The live standing: whether it is shown and followed (`browser::Live`). Only the browser
    /// reads it; on the server it is empty.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    live: browser::Live,
    /// The idempotency key of the reader's vote from here, kept from its first try until the
    /// server answered it either way: a vote given up on without an answer (it may have been
    /// stored) and sent again by the reader must carry the same key, or it would count twice.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    vote_key: String,
}

/// The card's words in the page's language. On the server all of them; the browser reads back
/// what it may say itself (`data-` attributes of the card) and leaves the rest as it came.
#[derive(Debug, Clone, Default)]
struct CardWords {
    /// "Lezerspoll", as HTML.
    kicker_html: String,
    /// The button's "Stem", as HTML.
    submit_html: String,
    /// What the live region says while a vote is sent again (`data-retrying`).
    retrying: String,
    /// What the form says when no answer came (`data-unavailable`).
    unavailable: String,
    /// The live standing's address, with the card's language (`data-live`).
    live_address: String,
}

/// The island's state, shared by its parts and its browser code: one signal for all of it, as
/// every signal type is its own code in the WASM.
type CardState = RwSignal<Card>;

/// What the page hands the island on the server: its card, and the form's fields as HTML.
#[derive(Debug, Clone)]
struct PageCard {
    card: Card,
    fields_html: String,
}

/// The island itself; see `PollCard`.
#[island]
fn PollIsland() -> impl IntoView {
    let (card, fields_html) = match use_context::<PageCard>() {
        // On the server: the card the page handed over, and the form's fields.
        Some(PageCard { card, fields_html }) => (card, Some(fields_html)),
        // In the browser: the card read back from the page, whose HTML stays as it came.
        None => (browser::card_from_page(), None),
    };
    // Written into the page for the browser, which reads it back (`browser::card_from_page`).
    let on_server = fields_html.is_some();
    let data_poll = on_server.then(|| card.poll_id.clone());
    let data_retrying = on_server.then(|| card.words.retrying.clone());
    let data_unavailable = on_server.then(|| card.words.unavailable.clone());
    let data_live = on_server.then(|| card.words.live_address.clone());
    let kicker_html = card.words.kicker_html.clone();
    let submit_html = card.words.submit_html.clone();
    let standing_id = ["poll-stand-", &card.poll_id].concat();
    let show_form = card.show_form;
    let state = RwSignal::new(card);
    browser::after_hydration(state);

    // The form is only ever hydrated, never built here: once a vote is taken it is hidden and the
    // standing under it shows what replaced it.
    let form = show_form.then(|| poll_form(fields_html.unwrap_or_default(), submit_html, state));

    // The kicker and the button's label are set as HTML the server rendered, which hydration
    // leaves as it came: the WASM carries neither language's words.
    view! {
        <div
            class="poll-card"
            data-hydrated="false"
            data-poll=data_poll
            data-retrying=data_retrying
            data-unavailable=data_unavailable
            data-live=data_live
        >
            <h2 class="poll-kicker" inner_html=kicker_html></h2>
            {form}
            <div
                class="poll-standing"
                id=standing_id
                inner_html=move || state.with(|card| card.standing_html.clone())
            ></div>
            <p
                class="visually-hidden"
                aria-live="polite"
                inner_html=move || state.with(|card| card.announcement_html.clone())
            ></p>
        </div>
    }
}

/// The voting form around its fields (`fields_html`), with an explicit button: nothing submits on
/// its own.
fn poll_form(fields_html: String, submit_html: String, state: CardState) -> impl IntoView {
    // With JavaScript the form's own fields are posted as they are (a `choice` per ticked answer);
    // the vote endpoint joins them for the server function, as it does for a plain form post.
    view! {
        <form
            method="post"
            action=CastVote::url()
            on:submit=move |event: SubmitEvent| browser::submit(event, state)
        >
            <fieldset class="poll-fieldset" inner_html=fields_html></fieldset>
            <p
                class="poll-error"
                role="alert"
                // Set as HTML like the rest of what changes (one kind of binding less in the WASM):
                // the messages are the site's own sentences, without markup.
                inner_html=move || state.with(|card| card.error_text.clone())
            ></p>
            // Not `disabled` while a vote is on its way (up to 30 s with its retries): a disabled
            // button drops a keyboard reader's focus to the page. `browser::submit` marks it
            // `aria-disabled` instead, and ignores a second submit.
            <button type="submit" class="poll-submit" inner_html=submit_html></button>
        </form>
    }
}

/// The width of an answer's bar: its share. Written by `format_count` rather than `to_string`,
/// which would bring the formatting machinery into the WASM.
#[cfg_attr(not(any(feature = "ssr", feature = "hydrate")), allow(dead_code))]
fn bar_width(percent: u8) -> String {
    format_count(u64::from(percent)) + "%"
}
