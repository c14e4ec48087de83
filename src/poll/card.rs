//! The poll island: the page's only interactive part, a form that works with and without JavaScript.
//!
//! With JavaScript the vote is posted by a small `fetch` of its own (`card/browser.rs`) instead of a
//! `ServerAction`: the server-function client, its query-string encoder and its HTTP wrapper were a
//! quarter of the island's WASM. The address, the body and the answer are the `cast_vote` server
//! function's, exactly as a browser without JavaScript posts the form.
//!
//! Alternatives are `Either`, never `into_any()`: an `AnyView` carries every way of rendering its
//! content (async hydration included) into the WASM, about 20 KB for each one.

use super::{CastVote, PollDefinition, PollResults, PollView, voters_sentence, votes_phrase};
use crate::error::AppError;
use leptos::either::{Either, EitherOf3};
use leptos::ev::SubmitEvent;
use leptos::html::H3;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[cfg(feature = "hydrate")]
mod browser;

/// On the server the island only renders; its submit handler never runs there.
#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::VoteReply;
    use leptos::ev::SubmitEvent;
    use leptos::prelude::RwSignal;

    pub fn submit(_event: SubmitEvent, _pending: RwSignal<bool>, _reply: RwSignal<VoteReply>) {}
}

/// What the server answered the last vote sent from this island, once it answered.
type VoteReply = Option<Result<PollView, AppError>>;

/// The poll at the bottom of an article: the form, the standing, or the reader's own vote, as the
/// server decided for this reader.
///
/// Without JavaScript the form posts to the `cast_vote` server function and the server sends the
/// reader back to the article; with it, the vote goes through the same function and its answer (the
/// poll as the reader now sees it) replaces the form in place.
#[island]
pub fn PollCard(view: PollView) -> impl IntoView {
    let reply = RwSignal::new(VoteReply::None);
    let pending = RwSignal::new(false);
    let status_heading = NodeRef::<H3>::new();

    // The view comes from the server-rendered page until this reader votes here; after that, from
    // the vote's answer (without JavaScript the page is rendered anew, so this only serves the island).
    let current = move || match reply.get() {
        Some(Ok(fresh)) => fresh,
        _ => view.clone(),
    };
    let error = move || match reply.get() {
        Some(Err(error)) => Some(error),
        _ => None,
    };

    // Effects run only in the browser: the first run marks the moment the island took over from the
    // HTML; after a vote, keyboard and screen-reader users land on what replaced the form. One effect
    // for both, as each effect is its own code in the WASM.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| {
        set_hydrated.set(true);
        if let (Some(Ok(_)), Some(heading)) = (reply.get(), status_heading.get()) {
            let _ = heading.focus();
        }
    });

    let announcement = move || match reply.get() {
        Some(Ok(view)) => {
            let labels = view.poll.labels_of(&view.own_choices);
            format!("Uw stem voor “{}” is geregistreerd.", labels.join("”, “"))
        }
        _ => String::new(),
    };
    let on_submit = move |event: SubmitEvent| browser::submit(event, pending, reply);

    view! {
        <div class="poll-card" data-hydrated=move || if hydrated.get() { "true" } else { "false" }>
            <p class="poll-kicker">"Lezerspoll"</p>
            {move || {
                let PollView {
                    poll,
                    results,
                    own_choices,
                    show_form,
                    change_href,
                    standing_unavailable,
                } = current();
                let unavailable = standing_unavailable
                    .then(|| {
                        view! {
                            <p class="poll-unavailable">
                                "De cijfers van deze poll kunnen nu niet getoond worden. Probeer het straks opnieuw."
                            </p>
                        }
                    });
                if show_form {
                    let standing = results
                        .map(|results| {
                            view! {
                                <h3 class="poll-standing-title">"Tussenstand"</h3>
                                <ResultList results own_choices=Vec::new() />
                            }
                        });
                    Either::Left(
                        view! {
                            {unavailable}
                            <PollForm poll own_choices pending error on_submit />
                            {standing}
                        },
                    )
                } else {
                    Either::Right(
                        view! {
                            {unavailable}
                            <VotedPanel
                                poll
                                results
                                own_choices
                                change_href
                                heading=status_heading
                            />
                        },
                    )
                }
            }}
            <p class="visually-hidden" aria-live="polite">
                {announcement}
            </p>
        </div>
    }
}

/// The voting form: radio buttons (one answer) or check boxes (several), and an explicit button;
/// nothing submits on its own. A reader changing their vote finds their answers already ticked.
#[component]
fn PollForm(
    poll: PollDefinition,
    own_choices: Vec<String>,
    pending: RwSignal<bool>,
    error: impl Fn() -> Option<AppError> + Send + Sync + 'static,
    on_submit: impl Fn(SubmitEvent) + Send + 'static,
) -> impl IntoView {
    let multiple = poll.max_choices > 1;
    let input_type = if multiple { "checkbox" } else { "radio" };
    let fields = poll
        .options
        .iter()
        .map(|option| {
            let key = &option.key;
            let input_id = format!("keuze-{key}");
            let checked = own_choices.contains(key);
            view! {
                <div class="poll-option">
                    <input
                        type=input_type
                        name="choice"
                        id=input_id.clone()
                        value=key.clone()
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
    // With JavaScript the form's own fields are posted as they are (a `choice` per ticked answer);
    // the vote endpoint joins them for the server function, as it does for a plain form post.
    view! {
        <form method="post" action=CastVote::url() on:submit=on_submit>
            <fieldset class="poll-fieldset">
                <legend class="poll-question">{poll.question}</legend>
                {hint}
                <input type="hidden" name="poll" value=poll.id />
                {fields}
            </fieldset>
            <p class="poll-error" role="alert">
                {move || error().map(|error| error.message())}
            </p>
            <button type="submit" class="poll-submit" disabled=move || pending.get()>
                "Stem"
            </button>
        </form>
    }
}

/// What a reader sees instead of the form: the standing when they may see it, their own vote, and
/// how to change it when the poll allows that.
#[component]
fn VotedPanel(
    poll: PollDefinition,
    results: Option<PollResults>,
    own_choices: Vec<String>,
    change_href: Option<String>,
    heading: NodeRef<H3>,
) -> impl IntoView {
    let own_labels = poll.labels_of(&own_choices).join(", ");
    let voted = !own_choices.is_empty();
    let hidden_until = poll.closes.map(|closes| closes.long_nl_with_time());
    let standing = match results {
        Some(results) => EitherOf3::A(view! { <ResultList results own_choices /> }),
        None if voted => EitherOf3::B(view! {
            <p class="poll-later">
                {format!(
                    "De uitslag verschijnt wanneer de poll sluit{}.",
                    hidden_until.map(|when| format!(", op {when}")).unwrap_or_default(),
                )}
            </p>
        }),
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
            <h3 class="poll-question" id="poll-resultaten" tabindex="-1" node_ref=heading>
                {poll.question}
            </h3>
            {standing}
            {own_vote}
        </div>
    }
}

/// A bar and the figures per answer, and the number of voters; the reader's own answers marked.
#[component]
fn ResultList(results: PollResults, own_choices: Vec<String>) -> impl IntoView {
    let rows = results
        .rows
        .into_iter()
        .map(|row| {
            let is_own = own_choices.contains(&row.key);
            let figures = format!("{}% · {}", row.percent, votes_phrase(row.votes));
            view! {
                <li class="poll-result" class:poll-result-own=is_own>
                    <div class="poll-result-text">
                        <span class="poll-result-label">
                            {row.label}
                            {is_own.then(|| view! { <strong class="poll-own-badge">"Uw stem"</strong> })}
                        </span>
                        <span class="poll-result-figures">{figures}</span>
                    </div>
                    <svg class="poll-bar" aria-hidden="true" focusable="false">
                        <rect class="poll-bar-track" width="100%" height="100%" rx="4" />
                        <rect class="poll-bar-fill" width=format!("{}%", row.percent) height="100%" rx="4" />
                    </svg>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="poll-result-list">{rows}</ul>
        <p class="poll-total">{voters_sentence(results.voters)}</p>
    }
}
