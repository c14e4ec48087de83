//! `GET /redactie`: every poll with its article (or "alleen als embed"), where it comes from, its
//! state and figures, the archived desk-made polls marked as such, and the content files that do
//! not pass.

use super::extract::SignedIn;
use super::page::DeskPage;
use super::views::{self, PollListPage, PollRow};
use crate::article::Article;
use crate::poll::PollDefinition;
use crate::server::app::state::AppState;
use axum::extract::State;
use leptos::prelude::*;

/// A figure that cannot be read shows as unknown rather than failing the list.
pub async fn show(State(state): State<AppState>, editor: SignedIn) -> DeskPage {
    let now = state.now();
    let library = state.library();
    let files = state.content.files();
    let desk = state.content.desk();
    let on_site = library
        .articles()
        .iter()
        .filter_map(|article| article.poll.as_ref().map(|poll| (Some(article), poll)))
        .chain(library.unplaced_polls().iter().map(|poll| (None, poll)));
    let archived = desk
        .made
        .iter()
        .filter(|made| made.archived.is_some())
        .map(|made| (None, &made.definition));
    let mut polls = Vec::new();
    for (article, poll) in on_site.chain(archived) {
        let origin = if desk.made_poll(&poll.id).is_some() {
            "gemaakt op de redactie".to_string()
        } else {
            let file = article.and_then(|article| files.file_of(&article.slug));
            match file {
                Some(file) => format!("uit bestand {file}"),
                None => "uit bestand".to_string(),
            }
        };
        let state_words = if desk.is_archived(&poll.id) {
            "gearchiveerd"
        } else {
            views::state_words(poll.status_at(now))
        };
        polls.push(row(&state, article, poll, origin, state_words, now).await);
    }
    let problems = state.content.problems();
    let frame = editor.frame();
    DeskPage::new(move || {
        let (frame, polls, problems) = (frame.clone(), polls.clone(), problems.clone());
        view! { <PollListPage frame polls problems /> }.into_any()
    })
}

async fn row(
    state: &AppState,
    article: Option<&Article>,
    poll: &PollDefinition,
    origin: String,
    state_words: &'static str,
    now: i64,
) -> PollRow {
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
    PollRow {
        poll_id: poll.id.clone(),
        question: poll.question.clone(),
        article: article.map(|article| (article.title.clone(), article.path())),
        origin,
        state: state_words,
        voters,
        last_hour,
    }
}
