//! Casting a vote: the body of the `cast_vote` server function.

use super::pages::poll_view;
use super::state::app_state;
use super::store::queries::{NewVote, VoteOutcome};
use super::unix_now;
use super::voter::VoterId;
use crate::error::AppError;
use crate::poll::{PollStatus, PollView};
use axum::http::{header, request::Parts};
use leptos::prelude::{expect_context, use_context};
use leptos_axum::ResponseOptions;

/// Checks the vote against the content, records it for this reader and returns the poll as they
/// now see it. A reader without a valid voter cookie gets a fresh one with the vote. The writer
/// checks the poll's rules again inside its transaction; these early checks only spare it work.
pub async fn cast_vote(poll_id: String, choice: String) -> Result<PollView, AppError> {
    let state = app_state()?;
    let parts = use_context::<Parts>().ok_or_else(|| {
        tracing::error!("request parts missing in cast_vote");
        AppError::Internal
    })?;
    let (article, poll) = state.library.poll(&poll_id).ok_or(AppError::UnknownPoll)?;
    let choices: Vec<String> = choice.split(',').map(str::to_string).collect();
    if !choices
        .iter()
        .all(|choice| poll.options.iter().any(|option| &option.key == choice))
    {
        return Err(AppError::InvalidChoice);
    }
    let now = unix_now();
    if poll.status_at(now) != PollStatus::Open {
        return Err(AppError::PollClosed);
    }

    let known_voter = VoterId::from_headers(&parts.headers);
    let voter = match &known_voter {
        Some(voter) => voter.clone(),
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
    match state.store.record_vote(vote).await? {
        VoteOutcome::Recorded | VoteOutcome::Changed | VoteOutcome::AlreadyVoted => {}
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
    let standing = state
        .store
        .standing(poll, Some(voter.as_str().to_string()))
        .await?;
    Ok(poll_view(
        article,
        poll,
        standing.results,
        standing.own_choices,
        now,
        false,
    ))
}
