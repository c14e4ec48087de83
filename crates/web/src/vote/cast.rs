//! Casting a vote: the body of the `cast_vote` server function, which reaches it as the
//! `VoteDoor` the vote's door puts in its context.

use crate::embed;
use crate::state::WebState;
use axum::http::{header, request::Parts};
use leptos::prelude::{expect_context, use_context};
use leptos_axum::ResponseOptions;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use stembus::poll::door::{CastResult, VoteDoor};
use stembus_poll::error::AppError;
use stembus_poll::{PollResults, PollStatus, PollView};
use stembus_site::standing::standing;
use stembus_site::voter_cookie::{VoteKey, VoterId};
use stembus_store::{NewVote, VoteOutcome};

/// Put in the vote's context by the door and set here when the store kept the reader's earlier,
/// different vote instead of this one: the door then sends a reader without JavaScript back to a
/// poll that says so. The server function's answer to the island says it itself.
#[derive(Debug, Clone, Default)]
pub(super) struct FirstVoteStood(pub(super) Arc<AtomicBool>);

/// Checks the vote against the content, records it for this reader and returns the poll as they
/// now see it, with the number of readers who voted (which the transparency box shows to every
/// reader, also where the standing is hidden from this one). A reader without a valid voter cookie gets a fresh one with the vote. The store
/// checks the poll's rules again inside its transaction; these early checks only spare it work.
async fn cast_vote(state: WebState, poll_id: String, choice: String) -> CastResult {
    let parts = use_context::<Parts>().ok_or_else(|| {
        tracing::error!("request parts missing in cast_vote");
        AppError::Internal
    })?;
    // The language the vote was cast in: the door put its words in the context.
    let language = use_context::<stembus_messages::Words>()
        .map(|words| words.language())
        .unwrap_or_default();
    let library = state.library();
    let (article, poll) = library
        .poll_in(&poll_id, language)
        .ok_or_else(|| state.missing_poll(&poll_id))?;
    // The poll as the card it came from showed it; the keys are the same in every language.
    let poll = &poll.in_language(language).ok_or(AppError::UnknownPoll)?;
    let choices: Vec<String> = choice.split(',').map(str::to_string).collect();
    // An answer named twice (`choice=nee&choice=nee`) is no form of this site's: refused, not
    // quietly counted once.
    let named_twice = choices
        .iter()
        .enumerate()
        .any(|(at, choice)| choices[..at].contains(choice));
    if named_twice
        || !choices
            .iter()
            .all(|choice| poll.options.iter().any(|option| &option.key == choice))
    {
        return Err(AppError::InvalidChoice);
    }
    let now = state.now();
    if poll.status_at(now) != PollStatus::Open {
        return Err(AppError::PollClosed);
    }

    let known_voter = VoterId::from_headers(&parts.headers);
    // A reader without a cookie votes as the vote's idempotency key, when it carries one: sent
    // again, it finds itself stored (`AlreadyVoted`, answered as taken) instead of counting twice.
    let keyed = parts
        .extensions
        .get::<VoteKey>()
        .map(|VoteKey(key)| key.clone());
    let voter = match known_voter.clone().or(keyed) {
        Some(voter) => voter,
        None => VoterId::generate().map_err(|error| {
            tracing::error!(%error, "no randomness for a voter id");
            AppError::Internal
        })?,
    };
    let vote = NewVote {
        poll_id: poll.id.clone(),
        choices,
        voter: voter.as_str().to_string(),
        cast_at: now,
    };
    // Stored in a task of its own, with the guard that keeps a page from keeping this reader's old
    // answers: a reader who leaves mid-vote must not end the guard while the vote may still commit.
    let writing = state.own_answers.writing(&poll.id, &voter);
    let store = state.store.clone();
    let stored = tokio::spawn(async move {
        let outcome = store.record_vote_and_tally(vote).await;
        drop(writing);
        outcome
    })
    .await
    .map_err(|error| {
        tracing::error!(%error, "the vote's task ended without an answer");
        AppError::Internal
    })?;
    let (outcome, tally) = match stored {
        Ok(answer) => answer,
        Err(error) => {
            let error = AppError::from(error);
            // The store could not say whether the vote went in (a commit whose answer was lost):
            // the reader keeps the id it may be stored under, so that the same vote sent again,
            // with or without JavaScript, finds itself and counts once.
            if error == AppError::Unavailable && known_voter.is_none() {
                expect_context::<ResponseOptions>()
                    .insert_header(header::SET_COOKIE, voter.cookie(state.settings.is_https()));
            }
            return Err(error);
        }
    };
    match outcome {
        VoteOutcome::Recorded | VoteOutcome::Changed => state.live_results.vote_stored(&poll.id),
        VoteOutcome::AlreadyVoted => {}
        VoteOutcome::WrongChoiceCount => return Err(AppError::TooManyChoices),
        VoteOutcome::Closed => return Err(AppError::PollClosed),
        // The content and the database are synced at start-up, so these mean a changed database.
        VoteOutcome::UnknownPoll => return Err(AppError::UnknownPoll),
        VoteOutcome::UnknownChoice => return Err(AppError::InvalidChoice),
    }
    // The vote is stored under this id, so the reader gets it even if reading the results fails.
    if known_voter.is_none() {
        expect_context::<ResponseOptions>()
            .insert_header(header::SET_COOKIE, voter.cookie(state.settings.is_https()));
    }
    // The tally the store read with the vote (no second read), or else read now.
    let (results, mut own_choices) = match tally {
        Some(tally) => (
            PollResults::from_counts(poll, &tally.counts, tally.voters),
            tally.own_choices,
        ),
        None => standing(&state.store, poll, Some(&voter)).await?,
    };
    // After the vote and the read that holds it: a live reading begun before this moment may not
    // hold the vote yet, and the island skips it (a changed vote leaves the count as it was).
    let results = results.read_at(state.clock.unix_millis());
    // In the poll's order, as a page shows them, whichever way the engine listed them.
    own_choices.sort_by_key(|choice| poll.options.iter().position(|option| option.key == *choice));
    // The answer's way to change the vote leads where the vote came from: a vote from the embed
    // stays in the embed, since the article refuses to be framed on another site.
    let poll_path = match article {
        Some(article) if !embed::from_embed(&parts.headers) => article.path(),
        _ => embed::embed_path(&poll.id, language),
    };
    let voters = results.voters;
    let view = PollView::for_reader(&poll_path, poll, Some(results), own_choices, now, false);
    // The store kept the reader's earlier vote: if it is not this one, the answer says so, and
    // the door, told here, sends a reader without JavaScript to a page that says it too.
    let view = match outcome {
        // What this vote asked for, read again from the form only in this rare case.
        VoteOutcome::AlreadyVoted => {
            view.voted_again(&choice.split(',').map(str::to_string).collect::<Vec<_>>())
        }
        _ => view,
    };
    if view.first_vote_stands
        && let Some(FirstVoteStood(stood)) = use_context::<FirstVoteStood>()
    {
        stood.store(true, Ordering::Relaxed);
    }
    Ok((view, voters))
}

impl VoteDoor for WebState {
    fn cast(
        &self,
        poll: String,
        choice: String,
    ) -> Pin<Box<dyn Future<Output = CastResult> + Send>> {
        Box::pin(cast_vote(self.clone(), poll, choice))
    }
}
