//! `GET /redactie`: the polls newest first, 50 a page, with a search over question and code and a
//! filter by state (`?zoeken=…&toestand=…&pagina=…`, a plain form and plain links, so it works
//! without JavaScript): each with its article (or "alleen als embed"), where it comes from, its
//! state and figures; and the content files that do not pass.
//!
//! A newsroom keeps years of polls, so the page must not grow with them: the polls are chosen and
//! ordered from what the node holds in memory, and only the page's own 50 have their figures read
//! from the store.

use super::extract::SignedIn;
use super::page::DeskPage;
use super::refusal::Refusal;
use super::views::{self, ListPage, PollListPage, PollRow};
use axum::extract::{Query, State};
use leptos::prelude::*;
use std::collections::HashMap;
use stembus_content::article::Article;
use stembus_poll::error::AppError;
use stembus_poll::{PollDefinition, PollStatus};
use stembus_site::state::SiteState;

/// Polls on one page of the list.
pub const PAGE_SIZE: usize = 50;

/// The longest search the field takes, in characters: a question is at most 200.
const MAX_SEARCH: usize = 200;

/// Which polls the list shows, by their state; `key` is the `toestand` of the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    #[default]
    All,
    Upcoming,
    Open,
    Closed,
    Archived,
}

impl StateFilter {
    pub const ALL: [StateFilter; 5] = [
        StateFilter::All,
        StateFilter::Upcoming,
        StateFilter::Open,
        StateFilter::Closed,
        StateFilter::Archived,
    ];

    pub fn key(self) -> &'static str {
        match self {
            StateFilter::All => "alle",
            StateFilter::Upcoming => "binnenkort",
            StateFilter::Open => "open",
            StateFilter::Closed => "gesloten",
            StateFilter::Archived => "gearchiveerd",
        }
    }

    /// The words of the filter's choice.
    pub fn label(self) -> &'static str {
        match self {
            StateFilter::All => "Alle polls",
            StateFilter::Upcoming => "Opent binnenkort",
            StateFilter::Open => "Open",
            StateFilter::Closed => "Gesloten",
            StateFilter::Archived => "Gearchiveerd",
        }
    }

    fn from_key(key: &str) -> Option<StateFilter> {
        StateFilter::ALL
            .into_iter()
            .find(|filter| filter.key() == key)
    }

    fn admits(self, archived: bool, status: PollStatus) -> bool {
        match self {
            StateFilter::All => true,
            StateFilter::Archived => archived,
            StateFilter::Upcoming => !archived && status == PollStatus::NotYetOpen,
            StateFilter::Open => !archived && status == PollStatus::Open,
            StateFilter::Closed => !archived && status == PollStatus::Closed,
        }
    }
}

/// What the editor asked the list for: the page (from 1), the search (trimmed; empty: none) and
/// the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub page: usize,
    pub search: String,
    pub state: StateFilter,
}

impl ListQuery {
    /// The query of the address; a page that is not a whole number from 1, an unknown state or a
    /// search longer than a question is refused (`InvalidField`), with the Dutch notice.
    fn parse(query: &HashMap<String, String>) -> Result<ListQuery, AppError> {
        let page = match query.get("pagina").map(|page| page.trim()) {
            None | Some("") => 1,
            Some(page) => page
                .parse::<usize>()
                .ok()
                .filter(|page| *page >= 1)
                .ok_or(AppError::InvalidField)?,
        };
        let search = query
            .get("zoeken")
            .map(|search| search.trim().to_string())
            .unwrap_or_default();
        if search.chars().count() > MAX_SEARCH {
            return Err(AppError::InvalidField);
        }
        let state = match query.get("toestand").map(String::as_str) {
            None | Some("") => StateFilter::All,
            Some(key) => StateFilter::from_key(key).ok_or(AppError::InvalidField)?,
        };
        Ok(ListQuery {
            page,
            search,
            state,
        })
    }

    /// The list's address for `page` with this search and filter.
    pub fn href(&self, page: usize) -> String {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        if !self.search.is_empty() {
            pairs.append_pair("zoeken", &self.search);
        }
        if self.state != StateFilter::All {
            pairs.append_pair("toestand", self.state.key());
        }
        if page > 1 {
            pairs.append_pair("pagina", &page.to_string());
        }
        let query = pairs.finish();
        if query.is_empty() {
            super::HOME.to_string()
        } else {
            format!("{}?{query}", super::HOME)
        }
    }
}

/// One poll the list may show, before its figures are read.
struct Candidate<'a> {
    article: Option<&'a Article>,
    poll: &'a PollDefinition,
    archived: bool,
    /// When it was made (a desk poll) or opened (a file's poll, by its opening or its
    /// article's publication), for newest first.
    since: i64,
}

/// A figure that cannot be read shows as unknown rather than failing the list.
pub async fn show(
    State(state): State<SiteState>,
    Query(query): Query<HashMap<String, String>>,
    editor: SignedIn,
) -> Result<DeskPage, Refusal> {
    let asked = ListQuery::parse(&query)?;
    let now = state.now();
    let library = state.library();
    let files = state.content.files();
    let desk = state.content.desk();
    let since = |article: Option<&Article>, poll: &PollDefinition| {
        desk.made_poll(&poll.id)
            .map(|made| made.created.1)
            .or(poll.opens.map(|opens| opens.unix_seconds()))
            .or(article.map(|article| article.published.unix_seconds()))
            .unwrap_or_default()
    };
    // A poll a Dutch and a French article both show is listed once, with the article the library
    // names for it (the Dutch one).
    let on_site = library
        .articles()
        .iter()
        .filter_map(|article| article.poll.as_ref().map(|poll| (Some(article), poll)))
        .filter(|(article, poll)| {
            library
                .poll(&poll.id)
                .is_some_and(|(home, _)| home.map(|home| &home.slug) == article.map(|a| &a.slug))
        })
        .chain(library.unplaced_polls().iter().map(|poll| (None, poll)))
        .map(|(article, poll)| Candidate {
            article,
            poll,
            archived: false,
            since: since(article, poll),
        });
    let archived = desk
        .made
        .iter()
        .filter(|made| made.archived.is_some())
        .map(|made| Candidate {
            article: None,
            poll: &made.definition,
            archived: true,
            since: made.created.1,
        });
    let search = asked.search.to_lowercase();
    let mut chosen: Vec<Candidate> = on_site
        .chain(archived)
        .filter(|candidate| {
            asked
                .state
                .admits(candidate.archived, candidate.poll.status_at(now))
        })
        .filter(|candidate| {
            search.is_empty()
                || candidate.poll.id.contains(&search)
                || candidate.poll.question.to_lowercase().contains(&search)
        })
        .collect();
    chosen.sort_by(|a, b| {
        b.since
            .cmp(&a.since)
            .then_with(|| a.poll.id.cmp(&b.poll.id))
    });
    let total = chosen.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    if asked.page > pages {
        return Err(AppError::NotFound.into());
    }
    let first = (asked.page - 1) * PAGE_SIZE;
    // How often each poll was seen: one read for the page, not one per row.
    let seen_totals: Option<HashMap<String, u64>> = state
        .store
        .view_totals()
        .await
        .ok()
        .map(|totals| totals.into_iter().collect());
    let mut polls = Vec::new();
    for candidate in chosen.into_iter().skip(first).take(PAGE_SIZE) {
        let origin = if desk.made_poll(&candidate.poll.id).is_some() {
            "gemaakt op de redactie".to_string()
        } else {
            let file = candidate
                .article
                .and_then(|article| files.file_of(&article.slug));
            match file {
                Some(file) => format!("uit bestand {file}"),
                None => "uit bestand".to_string(),
            }
        };
        let state_words = if candidate.archived {
            "gearchiveerd"
        } else {
            views::state_words(candidate.poll.status_at(now))
        };
        let seen = seen_totals
            .as_ref()
            .map(|totals| totals.get(&candidate.poll.id).copied().unwrap_or(0));
        polls.push(
            row(
                &state,
                candidate.article,
                candidate.poll,
                origin,
                state_words,
                now,
                seen,
            )
            .await,
        );
    }
    let list = ListPage {
        polls,
        first: first + 1,
        total,
        page: asked.page,
        pages,
        previous: (asked.page > 1).then(|| asked.href(asked.page - 1)),
        next: (asked.page < pages).then(|| asked.href(asked.page + 1)),
        query: asked,
    };
    let problems = state.content.problems();
    let frame = editor.frame();
    Ok(DeskPage::new(move || {
        let (frame, list, problems) = (frame.clone(), list.clone(), problems.clone());
        view! { <PollListPage frame list problems /> }.into_any()
    }))
}

async fn row(
    state: &SiteState,
    article: Option<&Article>,
    poll: &PollDefinition,
    origin: String,
    state_words: &'static str,
    now: i64,
    seen: Option<u64>,
) -> PollRow {
    let voters = state
        .store
        .tally(&poll.id, None)
        .await
        .ok()
        .map(|t| t.voters);
    let last_hour = state.store.ballots_since(&poll.id, now - 3599).await.ok();
    PollRow {
        poll_id: poll.id.clone(),
        question: poll.question.clone(),
        article: article.map(|article| (article.title.clone(), article.path())),
        origin,
        state: state_words,
        voters,
        last_hour,
        seen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn the_query_reads_page_search_and_state_and_refuses_what_it_cannot_read() {
        assert_eq!(
            ListQuery::parse(&query(&[])).unwrap(),
            ListQuery {
                page: 1,
                search: String::new(),
                state: StateFilter::All
            }
        );
        let asked = ListQuery::parse(&query(&[
            ("pagina", "3"),
            ("zoeken", "  Fiets & co "),
            ("toestand", "gearchiveerd"),
        ]))
        .unwrap();
        assert_eq!(asked.page, 3);
        assert_eq!(asked.search, "Fiets & co");
        assert_eq!(asked.state, StateFilter::Archived);
        for bad in [
            query(&[("pagina", "0")]),
            query(&[("pagina", "twee")]),
            query(&[("pagina", "-1")]),
            query(&[("toestand", "verwijderd")]),
            query(&[("zoeken", &"x".repeat(201))]),
        ] {
            assert_eq!(
                ListQuery::parse(&bad),
                Err(AppError::InvalidField),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_address_of_a_page_keeps_the_search_and_the_filter() {
        let asked = ListQuery {
            page: 2,
            search: "fiets & co".into(),
            state: StateFilter::Open,
        };
        assert_eq!(
            asked.href(3),
            "/redactie?zoeken=fiets+%26+co&toestand=open&pagina=3"
        );
        assert_eq!(asked.href(1), "/redactie?zoeken=fiets+%26+co&toestand=open");
        let plain = ListQuery {
            page: 2,
            search: String::new(),
            state: StateFilter::All,
        };
        assert_eq!(plain.href(1), "/redactie");
        assert_eq!(plain.href(2), "/redactie?pagina=2");
    }
}
