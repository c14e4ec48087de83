//! The data behind the pages, read on the server for the reader who asked, before the page renders.

use super::discovery;
use super::state::AppState;
use super::unix_now;
use super::voter::VoterId;
use crate::article::{
    Article, ArticlePageData, ArticleSummary, FrontPageData, Loaded, PollFacts, slug_from_path,
};
use crate::error::AppError;
use crate::moment::Moment;
use crate::poll::{PollDefinition, PollResults, PollStatus, PollView};
use axum::http::{HeaderMap, Uri};
use leptos::prelude::provide_context;

/// How many related articles an article page lists.
const RELATED_ARTICLES: usize = 3;

/// What one page shows, read before it renders: the page components then render at once from
/// context. Leptos resources under `<Suspense>` were tried first and now and then never woke up
/// again (tests/site/render_load.rs caught a stuck render in 8 of 15 runs of 8,000 renders), so no
/// page waits on anything while it renders.
#[derive(Clone)]
pub enum PageData {
    Front(Loaded<FrontPageData>),
    Article(Box<Loaded<ArticlePageData>>),
    /// No page of ours lives at the address; the router's fallback answers it.
    None,
}

impl PageData {
    /// Hands the data to the page component rendered next, in the current Leptos owner.
    pub fn provide(&self) {
        match self {
            PageData::Front(loaded) => provide_context(loaded.clone()),
            PageData::Article(loaded) => provide_context(Loaded::clone(loaded)),
            PageData::None => {}
        }
    }
}

/// Reads what the page at `uri` shows the reader whose request carries `headers`.
pub async fn load(state: &AppState, uri: &Uri, headers: &HeaderMap) -> PageData {
    let path = uri.path();
    if path == "/" {
        return PageData::Front(Loaded(Ok(front_page(state))));
    }
    let Some(slug) = slug_from_path(path) else {
        return PageData::None;
    };
    let voter = VoterId::from_headers(headers);
    let changing = uri
        .query()
        .is_some_and(|query| query.split('&').any(|pair| pair == "wijzigen"));
    PageData::Article(Box::new(Loaded(
        article_page(state, slug, voter, changing).await,
    )))
}

/// The article with `slug`: its poll as `voter` sees it (`changing` when they asked to change their
/// vote), the transparency facts, the head's metadata and the related articles.
pub async fn article_page(
    state: &AppState,
    slug: &str,
    voter: Option<VoterId>,
    changing: bool,
) -> Result<ArticlePageData, AppError> {
    let article = state.library.article(slug).ok_or(AppError::NotFound)?;
    let base_url = &state.settings.base_url;
    let now = unix_now();
    let (poll, poll_facts) = match &article.poll {
        None => (None, None),
        Some(poll) => {
            let (view, facts) = poll_for_reader(state, article, poll, voter, now, changing).await;
            (Some(view), Some(facts))
        }
    };
    Ok(ArticlePageData {
        canonical_url: article.url(base_url),
        image_url: article
            .image
            .as_ref()
            .map(|image| format!("{base_url}{}", image.path)),
        structured_data: discovery::structured_data(article, base_url),
        share_links: discovery::share_links(article, base_url),
        related: state
            .library
            .related(article, RELATED_ARTICLES)
            .into_iter()
            .map(|other| summary(other, now))
            .collect(),
        article: article.clone(),
        poll,
        poll_facts,
    })
}

/// The poll as this reader sees it, and the transparency facts. If the store cannot be read the
/// article still shows, with the form; a vote then gets an honest "try again" instead of the whole
/// page failing.
async fn poll_for_reader(
    state: &AppState,
    article: &Article,
    poll: &PollDefinition,
    voter: Option<VoterId>,
    now: i64,
    changing: bool,
) -> (PollView, PollFacts) {
    let voter = voter.map(|voter| voter.as_str().to_string());
    let (results, own_choices) = match state.store.standing(poll, voter).await {
        Ok(standing) => (Some(standing.results), standing.own_choices),
        Err(_) => (None, Vec::new()),
    };
    let facts = PollFacts {
        voters: results.as_ref().map_or(0, |results| results.voters),
        opened: poll.opens.unwrap_or(article.published),
        closes: poll.closes,
        status: poll.status_at(now),
        counted_at: Moment::brussels_from_unix(now),
    };
    let view = match results {
        Some(results) => poll_view(article, poll, results, own_choices, now, changing),
        None => PollView {
            poll: poll.clone(),
            results: None,
            own_choices: Vec::new(),
            show_form: poll.status_at(now) == PollStatus::Open,
            change_href: None,
        },
    };
    (view, facts)
}

/// What the poll shows a reader with `own_choices` (empty: not voted) at `now`; `changing` when a
/// reader who voted asked to change their vote.
pub fn poll_view(
    article: &Article,
    poll: &PollDefinition,
    results: PollResults,
    own_choices: Vec<String>,
    now: i64,
    changing: bool,
) -> PollView {
    let status = poll.status_at(now);
    let voted = !own_choices.is_empty();
    let open = status == PollStatus::Open;
    let may_change = open && voted && poll.allow_change;
    PollView {
        results: poll.results_visible(status, voted).then_some(results),
        show_form: open && (!voted || (changing && may_change)),
        change_href: may_change.then(|| format!("{}?wijzigen#poll", article.path())),
        poll: poll.clone(),
        own_choices,
    }
}

/// Every article for the front page, newest first.
pub fn front_page(state: &AppState) -> FrontPageData {
    let now = unix_now();
    FrontPageData {
        articles: state
            .library
            .articles()
            .iter()
            .map(|a| summary(a, now))
            .collect(),
        canonical_url: format!("{}/", state.settings.base_url),
    }
}

fn summary(article: &Article, now: i64) -> ArticleSummary {
    ArticleSummary {
        slug: article.slug.clone(),
        title: article.title.clone(),
        lead: article.lead.clone(),
        published: article.published,
        poll_status: article.poll.as_ref().map(|poll| poll.status_at(now)),
    }
}
