//! `GET /redactie`: every poll with its article, state and figures, and the content files that
//! do not pass.

use super::extract::SignedIn;
use super::page::DeskPage;
use super::views::{self, PollListPage, PollRow};
use crate::server::app::state::AppState;
use axum::extract::State;
use leptos::prelude::*;

/// A figure that cannot be read shows as unknown rather than failing the list.
pub async fn show(State(state): State<AppState>, editor: SignedIn) -> DeskPage {
    let now = state.now();
    let library = state.library();
    let mut polls = Vec::new();
    for article in library.articles() {
        let Some(poll) = &article.poll else { continue };
        let voters = state
            .store
            .tally(&poll.id, None)
            .await
            .ok()
            .map(|t| t.voters);
        let last_hour = state
            .store
            .ballots_per_minute(&poll.id)
            .await
            .ok()
            .map(|minutes| {
                minutes
                    .iter()
                    .filter(|(minute, _)| *minute + 60 > now - 3600)
                    .map(|(_, votes)| votes)
                    .sum()
            });
        polls.push(PollRow {
            poll_id: poll.id.clone(),
            question: poll.question.clone(),
            article_title: article.title.clone(),
            article_path: article.path(),
            state: views::state_words(poll.status_at(now)),
            voters,
            last_hour,
        });
    }
    let problems = state.content.problems();
    let frame = editor.frame();
    DeskPage::new(move || {
        let (frame, polls, problems) = (frame.clone(), polls.clone(), problems.clone());
        view! { <PollListPage frame polls problems /> }.into_any()
    })
}
