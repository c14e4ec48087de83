//! The poll island: the page's only interactive part, a form that works with and without JavaScript.

use super::{CastVote, PollDefinition, PollResults, PollView, voters_sentence, votes_phrase};
use crate::error::AppError;
use leptos::ev::SubmitEvent;
use leptos::html::{H3, Input};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The poll at the bottom of an article: the form, the standing, or the reader's own vote, as the
/// server decided for this reader.
///
/// Without JavaScript the form posts to the `cast_vote` server function and the server sends the
/// reader back to the article; with it, the vote goes through the same function and its answer (the
/// poll as the reader now sees it) replaces the form in place.
#[island]
pub fn PollCard(view: PollView) -> impl IntoView {
    let vote = ServerAction::<CastVote>::new();
    let status_heading = NodeRef::<H3>::new();

    // The view comes from the server-rendered page until this reader votes here; after that, from
    // the vote's answer (without JavaScript the page is rendered anew, so this only serves the island).
    let current = move || match vote.value().get() {
        Some(Ok(fresh)) => fresh,
        _ => view.clone(),
    };
    let error = Signal::derive(move || match vote.value().get() {
        Some(Err(error)) => Some(error),
        _ => None,
    });

    // After a vote, keyboard and screen-reader users land on what replaced the form.
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(heading)) = (vote.value().get(), status_heading.get()) {
            let _ = heading.focus();
        }
    });
    // Effects run only in the browser: this marks the moment the island took over from the HTML.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));

    let announcement = move || match vote.value().get() {
        Some(Ok(view)) => {
            let labels = view.poll.labels_of(&view.own_choices);
            format!("Uw stem voor “{}” is geregistreerd.", labels.join("”, “"))
        }
        _ => String::new(),
    };

    view! {
        <div class="poll-card" data-hydrated=move || hydrated.get().to_string()>
            <p class="poll-kicker">"Lezerspoll"</p>
            {move || {
                let PollView { poll, results, own_choices, show_form, change_href } = current();
                if show_form {
                    let standing = results
                        .map(|results| {
                            view! {
                                <h3 class="poll-standing-title">"Tussenstand"</h3>
                                <ResultList results own_choices=Vec::new() />
                            }
                        });
                    view! {
                        <PollForm poll own_choices vote error />
                        {standing}
                    }
                        .into_any()
                } else {
                    view! {
                        <PollStatus poll results own_choices change_href heading=status_heading />
                    }
                        .into_any()
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
    vote: ServerAction<CastVote>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let multiple = poll.max_choices > 1;
    let input_type = if multiple { "checkbox" } else { "radio" };
    let inputs: Vec<(String, NodeRef<Input>)> = poll
        .options
        .iter()
        .map(|option| (option.key.clone(), NodeRef::new()))
        .collect();
    let fields = poll
        .options
        .iter()
        .zip(inputs.iter())
        .map(|(option, (key, node))| {
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
                        node_ref=*node
                    />
                    <label for=input_id>{option.label.clone()}</label>
                </div>
            }
        })
        .collect_view();
    let hint = multiple.then(|| {
        view! { <p class="poll-hint">{format!("Kies maximaal {} antwoorden.", poll.max_choices)}</p> }
    });
    let poll_id = poll.id.clone();
    // With JavaScript the form's answers go to the server function as one comma-separated field,
    // the same shape the vote endpoint makes of a plain form's repeated fields.
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let choice = inputs
            .iter()
            .filter(|(_, node)| node.get_untracked().is_some_and(|input| input.checked()))
            .map(|(key, _)| key.as_str())
            .collect::<Vec<_>>()
            .join(",");
        vote.dispatch(CastVote {
            poll: poll_id.clone(),
            choice,
        });
    };
    view! {
        <form method="post" action=CastVote::url() on:submit=on_submit>
            <fieldset class="poll-fieldset">
                <legend class="poll-question">{poll.question}</legend>
                {hint}
                <input type="hidden" name="poll" value=poll.id />
                {fields}
            </fieldset>
            <p class="poll-error" role="alert">
                {move || error.get().map(|error| error.message())}
            </p>
            <button type="submit" class="poll-submit" disabled=move || vote.pending().get()>
                "Stem"
            </button>
        </form>
    }
}

/// What a reader sees instead of the form: the standing when they may see it, their own vote, and
/// how to change it when the poll allows that.
#[component]
fn PollStatus(
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
        Some(results) => view! { <ResultList results own_choices /> }.into_any(),
        None if voted => view! {
            <p class="poll-later">
                {format!(
                    "De uitslag verschijnt wanneer de poll sluit{}.",
                    hidden_until.map(|when| format!(", op {when}")).unwrap_or_default(),
                )}
            </p>
        }
        .into_any(),
        None => ().into_any(),
    };
    let own_vote = voted.then(|| match change_href {
        Some(href) => view! {
            <p class="poll-own-vote">
                "Uw stem: " <strong>{own_labels.clone()}</strong> ". Uw stem is geregistreerd — "
                <a href=href>"wijzigen"</a>
            </p>
        }
        .into_any(),
        None => view! {
            <p class="poll-own-vote">
                "Uw stem: " <strong>{own_labels.clone()}</strong> ". Dank u om mee te stemmen."
            </p>
        }
        .into_any(),
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
