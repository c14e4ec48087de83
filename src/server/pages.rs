//! The data behind the pages, read on the server for the reader who asked.

use super::state::app_state;
use super::voter::VoterId;
use crate::article::{ArticlePageData, ArticleSummary};
use crate::error::AppError;
use crate::poll::PollView;
use axum::http::request::Parts;
use leptos::prelude::use_context;

/// The article with `slug`, with its poll's results if this reader already voted in it.
pub async fn article_page(slug: &str) -> Result<ArticlePageData, AppError> {
    let state = app_state()?;
    let article = state
        .library
        .article(slug)
        .ok_or(AppError::NotFound)?
        .clone();
    let voter = use_context::<Parts>().and_then(|parts| VoterId::from_headers(&parts.headers));
    let poll = match (&article.poll, voter) {
        (None, _) => None,
        (Some(poll), None) => Some(PollView {
            poll: poll.clone(),
            results: None,
        }),
        (Some(poll), Some(voter)) => {
            // If the store cannot be read the article still shows, with the form; a vote then
            // gets an honest "try again" instead of the whole page failing.
            let results = state
                .store
                .results_for_voter(poll, voter.as_str().to_string())
                .await
                .unwrap_or(None);
            Some(PollView {
                poll: poll.clone(),
                results,
            })
        }
    };
    Ok(ArticlePageData { article, poll })
}

/// Every article for the front page, newest first.
pub fn article_summaries() -> Result<Vec<ArticleSummary>, AppError> {
    let state = app_state()?;
    Ok(state
        .library
        .articles()
        .iter()
        .map(ArticleSummary::from)
        .collect())
}
