//! The poll island: the page's only interactive part, a form that works with and without JavaScript.

use super::{CastVote, PollDefinition, PollResults, PollView, voters_sentence, votes_phrase};
use crate::error::AppError;
use leptos::html::H3;
use leptos::prelude::*;

/// The poll at the bottom of an article: the voting form, or the results once this reader voted.
///
/// Without JavaScript the form posts to the `cast_vote` server function and the server sends the
/// reader back to the article; with it, the vote goes through the same function and the results
/// replace the form in place.
#[island]
pub fn PollCard(view: PollView) -> impl IntoView {
    let PollView { poll, results } = view;
    let vote = ServerAction::<CastVote>::new();
    let results_heading = NodeRef::<H3>::new();

    // Results come from the server-rendered page until this reader votes here; after that, from the
    // vote's answer (without JavaScript the page is rendered anew, so this only serves the island).
    let shown_results = move || match vote.value().get() {
        Some(Ok(fresh)) => Some(fresh),
        _ => results.clone(),
    };
    let error = move || match vote.value().get() {
        Some(Err(error)) => Some(error),
        _ => None,
    };

    // After a vote, keyboard and screen-reader users land on the results that replaced the form.
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(heading)) = (vote.value().get(), results_heading.get()) {
            let _ = heading.focus();
        }
    });

    // Effects run only in the browser: this marks the moment the island took over from the HTML.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));

    let announcement = move || match vote.value().get() {
        Some(Ok(results)) => results
            .own_choice_label()
            .map(|label| format!("Uw stem voor “{label}” is geregistreerd."))
            .unwrap_or_default(),
        _ => String::new(),
    };

    view! {
        <div class="poll-card" data-hydrated=move || hydrated.get().to_string()>
            <p class="poll-kicker">"Lezerspoll"</p>
            {move || match shown_results() {
                Some(results) => {
                    view! {
                        <PollResultsView
                            question=poll.question.clone()
                            results
                            heading=results_heading
                        />
                    }
                        .into_any()
                }
                None => view! { <PollForm poll=poll.clone() vote error=Signal::derive(error) /> }.into_any(),
            }}
            <p class="visually-hidden" aria-live="polite">
                {announcement}
            </p>
        </div>
    }
}

/// The voting form: a fieldset of radio buttons and an explicit button; nothing submits on its own.
#[component]
fn PollForm(
    poll: PollDefinition,
    vote: ServerAction<CastVote>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let PollDefinition {
        id,
        question,
        options,
        ..
    } = poll;
    let options = options
        .into_iter()
        .map(|option| {
            let input_id = format!("keuze-{}", option.key);
            view! {
                <div class="poll-option">
                    <input type="radio" name="choice" id=input_id.clone() value=option.key required />
                    <label for=input_id>{option.label}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <ActionForm action=vote>
            <fieldset class="poll-fieldset">
                <legend class="poll-question">{question}</legend>
                <input type="hidden" name="poll" value=id />
                {options}
            </fieldset>
            <p class="poll-error" role="alert">
                {move || error.get().map(|error| error.message())}
            </p>
            <button type="submit" class="poll-submit" disabled=move || vote.pending().get()>
                "Stem"
            </button>
        </ActionForm>
    }
}

/// The results: a bar and the figures per answer, the number of voters and the reader's own vote.
#[component]
fn PollResultsView(question: String, results: PollResults, heading: NodeRef<H3>) -> impl IntoView {
    let own_label = results.own_choice_label().map(str::to_string);
    let own_key = results.own_choice.clone();
    let rows = results
        .rows
        .into_iter()
        .map(|row| {
            let is_own = own_key.as_deref() == Some(row.key.as_str());
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
        <div class="poll-results">
            <h3 class="poll-question" id="poll-resultaten" tabindex="-1" node_ref=heading>
                {question}
            </h3>
            <ul class="poll-result-list">{rows}</ul>
            <p class="poll-total">{voters_sentence(results.total)}</p>
            {own_label
                .map(|label| {
                    view! {
                        <p class="poll-own-vote">
                            "Uw stem: " <strong>{label}</strong>
                            ". Dank u om mee te stemmen."
                        </p>
                    }
                })}
        </div>
    }
}
