//! The page table (`pages`): each reader's page with its address, the data it reads and the
//! component that renders it, all kept in the page cache until a reader votes. Adding a page is one
//! entry there and its loader here. The embed, the desk and the 404 render through `render` too,
//! but are not in the table: each answers for one reader or editor and is never kept.
//!
//! A page reads its data before it renders and hands it to its component as a prop, so nothing in a
//! render waits. Leptos resources under `<Suspense>` were tried first and now and then never woke
//! up again (tests/site/render_load.rs caught a stuck render in 8 of 15 runs of 8,000 renders).

use crate::delivery::page_cache::{NotShareable, PageCache};
use crate::discovery;
use crate::reader_poll::{Reader, poll_for_reader};
use crate::state::WebState;
use crate::views::{
    ArticlePage, ArticlePageData, ArticleSummary, FrontPage, FrontPageData, PrivacyPage,
    PrivacyPageData, SharedPicture, article_versions,
};
use crate::vote::door::second_vote_in;
use crate::vote::own_answers::Choices;
use crate::vote::refusal::RefusedVote;
use axum::Router;
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use axum::routing::{MethodRouter, get};
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use stembus_content::article::Article;
use stembus_messages::Words;
use stembus_poll::error::AppError;
use stembus_poll::language::Language;
use stembus_site::cache_control;
use stembus_site::render::render_page;
use stembus_site::shell::{PRIVACY_PATH, PRIVACY_PATH_FRENCH, PageContent, privacy_path};
use stembus_site::voter_cookie::{self, VoterId};

/// How many related articles an article page lists.
const RELATED_ARTICLES: usize = 3;

/// The query field of a link that suggests an answer (`?keuze=ja#poll`, the desk's newsletter
/// block): the page opens with that answer ticked. It only ticks: a link never votes, as mail
/// scanners follow every link.
pub const SUGGESTED_ANSWER: &str = "keuze";

/// Mounts every page on `router`, sharing `cache` among the pages that opt into it.
pub fn pages(router: Router<WebState>, cache: &PageCache) -> Router<WebState> {
    let front_page = Page {
        path: "/",
        language: Language::Dutch,
        // Nothing on the front page depends on the reader: every voter sees the same one.
        voter_answers: Some(|_, _, _| Box::pin(async { Some(Arc::default()) })),
        load: |request| Box::pin(front_page(request)),
        render: |data, words| view! { <FrontPage data words /> }.into_any(),
    };
    let articles = [
        ("/artikel/{slug}", Language::Dutch),
        ("/fr/article/{slug}", Language::French),
    ]
    .map(|(path, language)| Page {
        path,
        language,
        voter_answers: Some(|state, params, voter| Box::pin(article_answers(state, params, voter))),
        load: |request| Box::pin(article_page(request)),
        render: |data, words| view! { <ArticlePage data words /> }.into_any(),
    });
    let privacy = [
        (PRIVACY_PATH, Language::Dutch),
        (PRIVACY_PATH_FRENCH, Language::French),
    ]
    .map(|(path, language)| Page {
        path,
        language,
        // The same for every reader: it states the site's figures, nothing of the reader's.
        voter_answers: Some(|_, _, _| Box::pin(async { Some(Arc::default()) })),
        load: |request| Box::pin(privacy_page(request)),
        render: |data, words| view! { <PrivacyPage data words /> }.into_any(),
    });
    let routes = std::iter::once(front_page.route(cache))
        .chain(articles.map(|page| page.route(cache)))
        .chain(privacy.map(|page| page.route(cache)));
    routes.fold(router, |router, (path, route)| router.route(path, route))
}

/// What a page's loader gets to know about the request.
pub struct PageRequest {
    pub state: WebState,
    /// The language of the page's address.
    pub language: Language,
    /// The page's path parameters (`{slug}`), percent-decoded.
    params: Vec<(String, String)>,
    query: Option<String>,
    headers: HeaderMap,
    /// The reader's own answers when they were read before the render (a voter's page, rendered
    /// for every reader with these answers): the page then reads no voter from the request.
    known_answers: Option<Vec<String>>,
}

impl PageRequest {
    /// The path parameter `name`; routes only match with all of theirs.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Whether the query string holds the bare word `flag` (`?wijzigen`).
    pub fn has_flag(&self, flag: &str) -> bool {
        self.query
            .as_deref()
            .is_some_and(|query| query.split('&').any(|pair| pair == flag))
    }

    /// The value of the query string's field `name` (`?keuze=ja`), percent-decoded: the first
    /// one, when it is there.
    pub fn query_value(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }

    /// The reader's voter id, when their cookie holds a well-formed one.
    pub fn voter(&self) -> Option<VoterId> {
        VoterId::from_headers(&self.headers)
    }
}

/// What a loader read: the page's data or the error the page shows, and whether everything could
/// be read. An incomplete page (the poll's figures were unreadable) is never kept or shared.
pub struct Loaded<T> {
    pub data: Result<T, AppError>,
    pub complete: bool,
}

impl<T> Loaded<T> {
    fn complete(data: Result<T, AppError>) -> Loaded<T> {
        Loaded {
            data,
            complete: true,
        }
    }
}

type LoadFuture<T> = Pin<Box<dyn Future<Output = Loaded<T>> + Send>>;
type AnswersFuture = Pin<Box<dyn Future<Output = Option<Arc<Choices>>> + Send>>;
/// Reads a voter's own answers on a page, from the state, the path parameters and their id.
type VoterAnswers = fn(WebState, Vec<(String, String)>, VoterId) -> AnswersFuture;

/// One page: its address (axum syntax), its caching, its loader and its component.
struct Page<T> {
    path: &'static str,
    /// The language the page speaks at this address.
    language: Language,
    /// What of a voter the page shows: their own answers (the key of the voter's page in the
    /// cache), read for `voter`; `None` (no such function, or the answers cannot be read) renders
    /// the page for the request alone.
    voter_answers: Option<VoterAnswers>,
    load: fn(PageRequest) -> LoadFuture<T>,
    render: fn(T, Words) -> AnyView,
}

impl<T: Clone + Send + Sync + 'static> Page<T> {
    /// The page's address and its GET handler.
    fn route(self, cache: &PageCache) -> (&'static str, MethodRouter<WebState>) {
        let path = self.path;
        let page = Arc::new(self);
        let cache = cache.clone();
        let handler = move |State(state): State<WebState>, request: Request| {
            let (page, cache) = (page.clone(), cache.clone());
            async move {
                // The shared page from memory is most requests: answered here, while the
                // future that may read and render is boxed, so that this one stays small.
                if let Some(response) = cache.kept_page(&request) {
                    return response;
                }
                Box::pin(page.respond(state, cache, request)).await
            }
        };
        (path, get(handler))
    }

    async fn respond(
        self: Arc<Self>,
        state: WebState,
        cache: PageCache,
        request: Request,
    ) -> Response {
        // The path parameters are read here, not by an extractor: a page from memory needs none.
        let (mut parts, body) = request.into_parts();
        let params: Vec<(String, String)> =
            match RawPathParams::from_request_parts(&mut parts, &state).await {
                Ok(params) => params
                    .iter()
                    .map(|(key, value)| (key.to_string(), value.to_string()))
                    .collect(),
                Err(_) => Vec::new(),
            };
        let request = Request::from_parts(parts, body);
        let voter = VoterId::from_headers(request.headers());
        let answers = match (self.voter_answers, voter) {
            (Some(answers_of), Some(voter)) => {
                answers_of(state.clone(), params.clone(), voter).await
            }
            _ => None,
        };
        if let Some(answers) = answers {
            return cache
                .serve_voter(request, answers.key.clone(), move |request| {
                    self.render(state, params, request, Some(answers.list.clone()))
                })
                .await;
        }
        cache
            .serve(request, move |request| {
                self.render(state, params, request, None)
            })
            .await
    }

    /// Reads the page's data for `request` (for a reader with `known_answers`, when given), then
    /// renders the page from it. Boxed: a render's future is large, and the futures that may
    /// render (every request's) would otherwise carry it and be copied whole on every request,
    /// most of which are answered from memory.
    fn render(
        self: Arc<Self>,
        state: WebState,
        params: Vec<(String, String)>,
        request: Request,
        known_answers: Option<Vec<String>>,
    ) -> Pin<Box<dyn Future<Output = Response> + Send>> {
        Box::pin(self.render_now(state, params, request, known_answers))
    }

    async fn render_now(
        self: Arc<Self>,
        state: WebState,
        params: Vec<(String, String)>,
        request: Request,
        known_answers: Option<Vec<String>>,
    ) -> Response {
        let loaded = (self.load)(PageRequest {
            state: state.clone(),
            language: self.language,
            params,
            query: request.uri().query().map(str::to_string),
            headers: request.headers().clone(),
            known_answers,
        })
        .await;
        let render = self.render;
        let words = state.words(self.language);
        let content = match loaded.data {
            Ok(data) => {
                let page_words = words.clone();
                PageContent::new(words, move || render(data.clone(), page_words.clone()))
            }
            Err(error) => PageContent::error(words, error),
        };
        let mut response = render_page(&state.leptos_options, content, request).await;
        if !loaded.complete {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, cache_control::no_store());
            response.extensions_mut().insert(NotShareable);
        }
        response
    }
}

impl From<&PageRequest> for Reader {
    fn from(request: &PageRequest) -> Reader {
        match &request.known_answers {
            Some(answers) => Reader::WithAnswers(answers.clone()),
            None => Reader::Voter(request.voter()),
        }
    }
}

/// The own answers of `voter` in the poll of the article the path names (none without a poll),
/// the key of their page in the cache; `None` when they cannot be read.
async fn article_answers(
    state: WebState,
    params: Vec<(String, String)>,
    voter: VoterId,
) -> Option<Arc<Choices>> {
    let slug = params
        .iter()
        .find(|(key, _)| key == "slug")
        .map(|(_, value)| value.as_str())?;
    let library = state.library();
    let Some(poll) = library.article(slug)?.poll.as_ref() else {
        return Some(Arc::default());
    };
    if let Some(choices) = state.own_answers.get(&poll.id, &voter) {
        return Some(choices);
    }
    let reading = state.own_answers.reading(&poll.id, &voter);
    let tally = state
        .store
        .tally(&poll.id, Some(voter.as_str()))
        .await
        .ok()?;
    Some(
        state
            .own_answers
            .keep(reading, &poll.id, &voter, tally.own_choices),
    )
}

/// `/`: every article, newest first.
async fn front_page(request: PageRequest) -> Loaded<FrontPageData> {
    let state = &request.state;
    let now = state.now();
    Loaded::complete(Ok(FrontPageData {
        articles: state
            .library()
            .articles()
            .iter()
            .map(|article| summary(article, now))
            .collect(),
        canonical_url: format!("{}/", state.settings.base_url),
    }))
}

/// `/artikel/{slug}` and `/fr/article/{slug}`: the article, its poll as this reader sees it
/// (`?wijzigen` when they asked to change their vote, `?keuze={key}` with that answer ticked
/// when a link suggests it, `?al-gestemd={keys}` saying that their first vote stands when a vote
/// for other answers was not taken: a page with a query string is never shared, see `page_cache`) in the
/// article's language, the standing's picture for link previews where it is public, the transparency
/// facts, the head's metadata and the related articles in the same language. An article is only
/// at the address of its own language.
async fn article_page(request: PageRequest) -> Loaded<ArticlePageData> {
    let state = &request.state;
    let library = state.library();
    let Some(article) = request
        .param("slug")
        .and_then(|slug| library.article(slug))
        .filter(|article| article.language == request.language)
    else {
        return Loaded::complete(Err(AppError::NotFound));
    };
    let base_url = &state.settings.base_url;
    let now = state.now();
    let (poll, poll_facts, complete) = match &article.poll {
        None => (None, None, true),
        Some(poll) => {
            // The library places a poll only on an article whose language it speaks.
            let poll = poll
                .in_language(article.language)
                .unwrap_or_else(|| poll.clone());
            let (view, facts) = poll_for_reader(
                state,
                Reader::from(&request),
                request.has_flag("wijzigen"),
                &article.path(),
                Some(article),
                &poll,
            )
            .await;
            let view = match request.query_value(SUGGESTED_ANSWER) {
                Some(key) => view.suggesting(&key),
                None => view,
            };
            // Back from a vote without JavaScript that was not taken (see `door`).
            let view = match second_vote_in(request.query.as_deref()) {
                Some(submitted) => view.voted_again(&submitted),
                None => view,
            };
            let complete = !view.standing_unavailable;
            (Some(view), Some(facts), complete)
        }
    };
    let words = state.words(article.language);
    let standing_picture = poll
        .as_ref()
        .and_then(|view| SharedPicture::of(view, base_url, &words));
    Loaded {
        data: Ok(ArticlePageData {
            standing_picture,
            canonical_url: article.url(base_url),
            oembed_url: article
                .poll
                .as_ref()
                .map(|_| crate::embed::oembed_url(base_url, &article.url(base_url))),
            image_url: article
                .image
                .as_ref()
                .map(|image| format!("{base_url}{}", image.path)),
            structured_data: discovery::structured_data(article, base_url),
            share_links: discovery::share_links(article, base_url),
            related: library
                .related(article, RELATED_ARTICLES)
                .into_iter()
                .filter(|other| other.language == article.language)
                .map(|other| summary(other, now))
                .collect(),
            versions: article_versions(&library, article, base_url),
            article: article.clone(),
            poll,
            poll_facts,
        }),
        complete,
    }
}

/// The article with the poll of `vote` again, for a reader without JavaScript whose vote the node
/// refused before storing it (it was too busy): the page they came from, in the language of the
/// card, its form with their answers still ticked and the refusal said in it, and the idempotency
/// key for the vote they send again. `None` when the poll is in no article in that language (the
/// embed's poll), or the article cannot be read.
pub(crate) async fn vote_refused_page(
    state: &WebState,
    request: Request,
    vote: RefusedVote<'_>,
) -> Option<Response> {
    let RefusedVote {
        poll_id,
        choices,
        error,
        retry_key,
        language,
    } = vote;
    let library = state.library();
    let (Some(article), _) = library.poll_in(poll_id, language)? else {
        return None;
    };
    let loaded = article_page(PageRequest {
        state: state.clone(),
        language,
        params: vec![("slug".to_string(), article.slug.clone())],
        query: None,
        headers: HeaderMap::new(),
        // The standing as every reader sees it: the reader's own vote, if any, is not read again.
        known_answers: Some(Vec::new()),
    })
    .await;
    let mut data = loaded.data.ok()?;
    data.poll = data
        .poll
        .map(|view| view.vote_refused(choices, error, retry_key));
    let words = state.words(language);
    let page_words = words.clone();
    let content = PageContent::new(words, move || {
        view! { <ArticlePage data=data.clone() words=page_words.clone() /> }.into_any()
    });
    Some(render_page(&state.leptos_options, content, request).await)
}

/// `/privacy` and `/fr/vie-privee`: what the site keeps about a reader, with the figures of the
/// settings in force.
async fn privacy_page(request: PageRequest) -> Loaded<PrivacyPageData> {
    let settings = &request.state.settings;
    Loaded::complete(Ok(PrivacyPageData {
        cookie_name: voter_cookie::COOKIE_NAME.to_string(),
        cookie_days: (voter_cookie::MAX_AGE_SECONDS / 86_400) as u32,
        voter_retention_days: settings.voter_retention_days,
        vote_burst: settings.vote_burst,
        votes_per_minute: settings.votes_per_minute,
        canonical_url: format!("{}{}", settings.base_url, privacy_path(request.language)),
        versions: Language::ALL
            .into_iter()
            .map(|language| {
                let url = format!("{}{}", settings.base_url, privacy_path(language));
                (language, url)
            })
            .collect(),
    }))
}

fn summary(article: &Article, now: i64) -> ArticleSummary {
    ArticleSummary {
        slug: article.slug.clone(),
        title: article.title.clone(),
        lead: article.lead.clone(),
        published: article.published,
        language: article.language,
        poll_status: article.poll.as_ref().map(|poll| poll.status_at(now)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use stembus_content::Library;
    use stembus_content::current::CurrentContent;
    use stembus_site::admission::{Admission, Budgets};
    use stembus_site::clock::FixedClock;
    use stembus_site::config::Settings;
    use stembus_site::metrics::Metrics;
    use stembus_site::state::{SiteParts, SiteState};
    use stembus_store_sqlite::SqliteStore;
    use tower::ServiceExt;

    fn state(dir: &tempfile::TempDir) -> WebState {
        let store = SqliteStore::open(&dir.path().join("votes.db"), &[]).unwrap();
        let store: stembus_store::Store = Arc::new(store);
        let metrics = Arc::new(Metrics::new(store.engine(), &store.writer_metrics(), 10));
        let admission = Arc::new(Admission::new(
            Budgets::default(),
            crate::vote::door::PATH,
            metrics.clone(),
        ));
        let site = SiteState::new(SiteParts {
            leptos_options: LeptosOptions::builder().output_name("stembus").build(),
            settings: Arc::new(Settings::default()),
            content: Arc::new(CurrentContent::fixed(Library::default())),
            store,
            clock: FixedClock::at(0),
            metrics,
            admission,
            messages: stembus_messages::Messages::load().unwrap(),
        });
        WebState::new(site, 10)
    }

    /// Serves `page` from a router of its own and returns the `Cache-Control` of each of `times`
    /// anonymous requests.
    async fn fetch(page: Page<String>, cache: &PageCache, times: usize) -> Vec<String> {
        let _ = any_spawner::Executor::init_tokio();
        let dir = tempfile::tempdir().unwrap();
        let (path, route) = page.route(cache);
        let router = Router::new().route(path, route).with_state(state(&dir));
        let mut seen = Vec::new();
        for _ in 0..times {
            let request = Request::get(path).body(Body::empty()).unwrap();
            let response = router.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), axum::http::StatusCode::OK);
            let control = response.headers()[header::CACHE_CONTROL].to_str().unwrap();
            seen.push(control.to_string());
        }
        seen
    }

    #[tokio::test]
    async fn a_page_is_rendered_once_and_shared() {
        static PUBLIC_LOADS: AtomicUsize = AtomicUsize::new(0);
        let cache = PageCache::new();
        let public = Page {
            path: "/openbaar-proef",
            language: Language::Dutch,
            voter_answers: None,
            load: |_| {
                PUBLIC_LOADS.fetch_add(1, Ordering::SeqCst);
                Box::pin(async { Loaded::complete(Ok("voor iedereen".to_string())) })
            },
            render: |text, _| view! { <p>{text}</p> }.into_any(),
        };
        let controls = fetch(public, &cache, 2).await;
        assert!(
            controls.iter().all(|c| c.starts_with("public")),
            "{controls:?}"
        );
        assert_eq!(
            PUBLIC_LOADS.load(Ordering::SeqCst),
            1,
            "kept after the first"
        );
        assert_eq!(cache.len(), 1);
    }
}
