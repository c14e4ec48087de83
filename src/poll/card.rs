//! The poll island: the page's only interactive part, a form that works with and without JavaScript.
//!
//! The browser gets only what has to happen there: the WASM is what every reader downloads, and each
//! piece of view code in it is several kinds of code (hydrating, building, updating). So:
//!
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

use super::{
    CastVote, PollResults, PollStatus, PollView, VOTE_KEY_FIELD, format_count, voters_sentence,
    votes_phrase,
};
use crate::error::AppError;
use leptos::either::{Either, EitherOf3};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[cfg(feature = "hydrate")]
mod browser;

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

/// What the island keeps and changes: the poll it belongs to, what it shows, and how the reader's
/// vote from here went.
#[derive(Debug, Clone, Default)]
struct Card {
    poll_id: String,
    show_form: bool,
    /// The standing as the server rendered it: the page's (which the browser leaves as it came, so
    /// it starts empty there) and then the vote's answer's.
    standing_html: String,
    /// A vote is on its way.
    pending: bool,
    /// Why the server refused the last vote sent from here, in its own words (the refusal's
    /// `message`): the WASM carries none of the error texts.
    error_text: String,
    /// What the live region says, as HTML the server rendered: only ever the reader's own vote,
    /// once taken here.
    announcement_html: String,
    /// The live standing: whether it is shown and followed (`browser::Live`). Only the browser
    /// reads it; on the server it is empty.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    live: browser::Live,
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

/// The poll at the bottom of an article: the form, the standing, or the reader's own vote, as the
/// server decided for this reader (`view`).
///
/// Without JavaScript the form posts to the `cast_vote` server function and the server sends the
/// reader back to the article; with it, the vote goes through the same function and its answer (the
/// poll as the reader now sees it) replaces the form in place.
#[component]
pub fn PollCard(view: PollView) -> impl IntoView {
    provide_context(PageCard {
        card: Card {
            poll_id: view.poll.id.clone(),
            show_form: view.show_form,
            standing_html: standing_html(&view),
            error_text: view
                .refused
                .map(AppError::message)
                .unwrap_or_default()
                .to_string(),
            ..Card::default()
        },
        fields_html: if view.show_form {
            fields_html(&view)
        } else {
            String::new()
        },
    });
    view! { <PollIsland /> }
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
    let data_poll = fields_html.is_some().then(|| card.poll_id.clone());
    let standing_id = ["poll-stand-", &card.poll_id].concat();
    let show_form = card.show_form;
    let state = RwSignal::new(card);
    browser::after_hydration(state);

    // The form is only ever hydrated, never built here: once a vote is taken it is hidden and the
    // standing under it shows what replaced it.
    let form = show_form.then(|| poll_form(fields_html.unwrap_or_default(), state));

    view! {
        <div
            class="poll-card"
            data-hydrated="false"
            data-poll=data_poll
        >
            <p class="poll-kicker">"Lezerspoll"</p>
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
fn poll_form(fields_html: String, state: CardState) -> impl IntoView {
    // With JavaScript the form's own fields are posted as they are (a `choice` per ticked answer);
    // the vote endpoint joins them for the server function, as it does for a plain form post.
    view! {
        <form
            method="post"
            action=CastVote::url()
            on:submit=move |event: SubmitEvent| browser::submit(event, state)
            hidden=move || !state.with(|card| card.show_form)
        >
            <fieldset class="poll-fieldset" inner_html=fields_html></fieldset>
            <p
                class="poll-error"
                role="alert"
                // Set as HTML like the rest of what changes (one kind of binding less in the WASM):
                // the messages are the site's own sentences, without markup.
                inner_html=move || state.with(|card| card.error_text.clone())
            ></p>
            <button
                type="submit"
                class="poll-submit"
                disabled=move || state.with(|card| card.pending)
            >
                "Stem"
            </button>
        </form>
    }
}

/// The form's fields, as HTML: radio buttons (one answer) or check boxes (several). A reader
/// changing their vote finds their answers already ticked.
fn fields_html(view: &PollView) -> String {
    let poll = &view.poll;
    let multiple = poll.max_choices > 1;
    let input_type = if multiple { "checkbox" } else { "radio" };
    let fields = poll
        .options
        .iter()
        .map(|option| {
            let input_id = format!("keuze-{}", option.key);
            let checked = view.own_choices.contains(&option.key);
            view! {
                <div class="poll-option">
                    <input
                        type=input_type
                        name="choice"
                        id=input_id.clone()
                        value=option.key.clone()
                        checked=checked
                        required=!multiple
                    />
                    <label for=input_id>{option.label.clone()}</label>
                </div>
            }
        })
        .collect_view();
    let hint = multiple.then(|| {
        view! { <p class="poll-hint">{format!("Kies maximaal {} antwoorden.", poll.max_choices)}</p> }
    });
    // A vote sent again from a form shown after a refusal carries its key (`VOTE_KEY_FIELD`).
    let key = view
        .retry_key
        .clone()
        .map(|key| view! { <input type="hidden" name=VOTE_KEY_FIELD value=key /> });
    view! {
        <legend class="poll-question">{poll.question.clone()}</legend>
        {hint}
        <input type="hidden" name="poll" value=poll.id.clone() />
        {key}
        {fields}
    }
    .to_html()
}

/// The standing as this reader may see it, as HTML: under the form ("Tussenstand") while the form
/// is shown, else in its place, with the reader's own vote and how to change it. Rendered on the
/// server only (the browser puts it in place).
pub(super) fn standing_html(view: &PollView) -> String {
    let unavailable = view.standing_unavailable.then(|| {
        view! {
            <p class="poll-unavailable">
                "De cijfers van deze poll kunnen nu niet getoond worden. Probeer het straks opnieuw."
            </p>
        }
    });
    let standing = if view.show_form {
        Either::Left(view.results.clone().map(|results| {
            view! {
                <h3 class="poll-standing-title">"Tussenstand"</h3>
                <ResultList results own_choices=Vec::new() />
            }
        }))
    } else {
        Either::Right(view! { <VotedPanel view=view.clone() /> })
    };
    view! { {unavailable} {standing} }.to_html()
}

/// What a reader sees instead of the form: the standing when they may see it, their own vote, and
/// how to change it when the poll allows that.
#[component]
fn VotedPanel(view: PollView) -> impl IntoView {
    let PollView {
        poll,
        results,
        own_choices,
        change_href,
        status,
        ..
    } = view;
    // Said in the card's own text, so that a screen reader and a browser without JavaScript get
    // it too; when it ran is in the transparency box under the card.
    let closed = (status == PollStatus::Closed)
        .then(|| view! { <p class="poll-state">"Deze poll is gesloten."</p> });
    let own_labels = poll.labels_of(&own_choices).join(", ");
    let voted = !own_choices.is_empty();
    let standing = match results {
        Some(results) => EitherOf3::A(view! { <ResultList results own_choices /> }),
        None if voted => {
            let until = poll
                .closes
                .map(|closes| format!(", op {}", closes.long_nl_with_time()))
                .unwrap_or_default();
            EitherOf3::B(view! {
                <p class="poll-later">
                    {format!("De uitslag verschijnt wanneer de poll sluit{until}.")}
                </p>
            })
        }
        None => EitherOf3::C(()),
    };
    let own_vote = voted.then(|| match change_href {
        Some(href) => Either::Left(view! {
            <p class="poll-own-vote">
                "Uw stem: " <strong>{own_labels.clone()}</strong> ". Uw stem is geregistreerd — "
                <a href=href>"wijzigen"</a>
            </p>
        }),
        None => Either::Right(view! {
            <p class="poll-own-vote">
                "Uw stem: " <strong>{own_labels.clone()}</strong> ". Dank u om mee te stemmen."
            </p>
        }),
    });
    view! {
        <div class="poll-results">
            <h3 class="poll-question" id="poll-resultaten" tabindex="-1">
                {poll.question}
            </h3>
            {closed}
            {standing}
            {own_vote}
        </div>
    }
}

/// A bar and the figures per answer, and the number of voters; the reader's own answers marked.
/// Each answer carries its key, so the live standing finds its figures.
#[component]
fn ResultList(results: PollResults, own_choices: Vec<String>) -> impl IntoView {
    let rows = results
        .rows
        .into_iter()
        .map(|row| {
            let is_own = own_choices.contains(&row.key);
            let figures = figures_text(row.percent, row.votes);
            view! {
                <li class="poll-result" class:poll-result-own=is_own data-key=row.key>
                    <div class="poll-result-text">
                        <span class="poll-result-label">
                            {row.label}
                            {is_own.then(|| view! { <strong class="poll-own-badge">"Uw stem"</strong> })}
                        </span>
                        <span class="poll-result-figures">{figures}</span>
                    </div>
                    <svg class="poll-bar" aria-hidden="true" focusable="false">
                        <rect class="poll-bar-track" width="100%" height="100%" rx="4" />
                        <rect class="poll-bar-fill" width=bar_width(row.percent) height="100%" rx="4" />
                    </svg>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="poll-result-list">{rows}</ul>
        <p class="poll-total" data-voters=results.voters.to_string()>
            {voters_sentence(results.voters)}
        </p>
    }
}

/// An answer's figures as the standing shows them: "58% · 7 stemmen".
fn figures_text(percent: u8, votes: u64) -> String {
    format_count(u64::from(percent)) + "% · " + &votes_phrase(votes)
}

/// The width of an answer's bar: its share.
fn bar_width(percent: u8) -> String {
    format_count(u64::from(percent)) + "%"
}
