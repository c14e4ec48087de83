//! News articles: their shared types, the server functions that load them and the pages that show them.

mod date;
mod page;

pub use date::{InvalidDate, PublicationDate};
pub use page::{ArticlePage, FrontPage};

use crate::error::AppError;
use crate::poll::{PollDefinition, PollView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An article as the newsroom wrote it, with its optional poll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The last part of the article's address, `/artikel/<slug>`.
    pub slug: String,
    pub title: String,
    /// The opening paragraph, shown in bold above the body and on the front page.
    pub lead: String,
    /// The meta description for search engines and link previews.
    pub description: String,
    pub author: String,
    pub source: String,
    pub published: PublicationDate,
    /// The body, one entry per paragraph.
    pub body: Vec<String>,
    pub poll: Option<PollDefinition>,
}

impl Article {
    /// The article's address on the site.
    pub fn path(&self) -> String {
        article_path(&self.slug)
    }
}

/// The address of the article with this slug.
pub fn article_path(slug: &str) -> String {
    format!("/artikel/{slug}")
}

/// What the front page shows of an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub slug: String,
    pub title: String,
    pub lead: String,
    pub published: PublicationDate,
    pub has_poll: bool,
}

impl From<&Article> for ArticleSummary {
    fn from(article: &Article) -> Self {
        ArticleSummary {
            slug: article.slug.clone(),
            title: article.title.clone(),
            lead: article.lead.clone(),
            published: article.published,
            has_poll: article.poll.is_some(),
        }
    }
}

/// Everything the article page renders: the article, and its poll as this reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticlePageData {
    pub article: Article,
    pub poll: Option<PollView>,
}

/// Loads an article and its poll for the reader making the request. Fails with `NotFound`.
#[server]
pub async fn load_article_page(slug: String) -> Result<ArticlePageData, AppError> {
    crate::server::pages::article_page(&slug).await
}

/// Lists every article, newest first.
#[server]
pub async fn list_articles() -> Result<Vec<ArticleSummary>, AppError> {
    crate::server::pages::article_summaries()
}
