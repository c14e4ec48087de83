//! The state every request shares, handed to pages and server functions through Leptos context.

use crate::error::AppError;
use crate::server::app::clock::SharedClock;
use crate::server::app::config::Settings;
use crate::server::app::open_files::stream_capacity;
use crate::server::content::current::CurrentContent;
use crate::server::ops::metrics::Metrics;
use crate::server::store::Store;
use crate::server::web::api::live_results::LiveResults;
use crate::server::web::delivery::page_cache::PageCache;
use crate::server::web::delivery::page_cache::VOTER_PAGE_TTL;
use crate::server::web::vote::own_answers::OwnAnswers;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use std::ops::Deref;
use std::sync::Arc;

/// A handle on the shared state: cloning it is one reference count, which matters because axum and
/// tower clone the state of every layer and handler on every request. It reads as the `SiteState`
/// it points to, and is made only by `AppState::build` (start-up and every test alike), so the
/// parts that follow from others (the metrics from the store, the live streams' gauge from the
/// metrics) can never disagree.
#[derive(Clone)]
pub struct AppState(Arc<SiteState>);

/// What start-up, or a test, chooses; `AppState::build` makes the rest from it.
#[derive(Clone)]
pub struct StateParts {
    pub leptos_options: LeptosOptions,
    pub settings: Settings,
    /// The articles and polls as served now: the content files with the desk's changes.
    pub content: Arc<CurrentContent>,
    /// The vote store, whichever engine it is.
    pub store: Store,
    /// The time of day for everything that depends on it.
    pub clock: SharedClock,
}

impl Deref for AppState {
    type Target = SiteState;

    fn deref(&self) -> &SiteState {
        &self.0
    }
}

/// leptos_axum's file handler (the Dutch 404 behind the site folder) reads the options from the
/// state.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

/// What every request shares.
#[derive(Clone)]
pub struct SiteState {
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    /// The articles and polls as served now: the content files with the desk's changes.
    pub content: Arc<CurrentContent>,
    /// The kept pages, which the content drops when a poll changes.
    pub page_cache: PageCache,
    /// The vote store, whichever engine it is.
    pub store: Store,
    /// The time of day for everything that depends on it; tests set it.
    pub clock: SharedClock,
    /// What each voter chose, so that their pages need no store read.
    pub own_answers: Arc<OwnAnswers>,
    /// What `/metrics` reports.
    pub metrics: Arc<Metrics>,
    /// The live-result streams of this node.
    pub live_results: Arc<LiveResults>,
}

impl AppState {
    /// The one place the state is put together: the metrics with the store's engine and writer
    /// figures, the live-result streams bounded by the settings and counted in the metrics, the
    /// page cache counting into the metrics, and the own answers kept as the engine allows.
    pub fn build(parts: StateParts) -> AppState {
        let StateParts {
            leptos_options,
            settings,
            content,
            store,
            clock,
        } = parts;
        let streams = stream_capacity(settings.live_streams_max).streams;
        let metrics = Arc::new(Metrics::new(
            store.engine(),
            &store.writer_metrics(),
            streams,
        ));
        AppState(Arc::new(SiteState {
            leptos_options,
            live_results: LiveResults::new(streams, metrics.live_streams.clone()),
            settings: Arc::new(settings),
            content,
            page_cache: PageCache::new().counted(metrics.page_cache_counters()),
            own_answers: Arc::new(OwnAnswers::for_engine(store.engine(), VOTER_PAGE_TTL)),
            store,
            clock,
            metrics,
        }))
    }

    /// What this state was built from, to build another like it (a test that changes a setting).
    pub fn parts(&self) -> StateParts {
        StateParts {
            leptos_options: self.leptos_options.clone(),
            settings: (*self.settings).clone(),
            content: self.content.clone(),
            store: self.store.clone(),
            clock: self.clock.clone(),
        }
    }

    /// The same state with an empty page cache of its own (counting into the same metrics): a
    /// router that keeps no page of another's.
    pub fn with_empty_page_cache(&self) -> AppState {
        let mut state = (*self.0).clone();
        state.page_cache = PageCache::new().counted(self.metrics.page_cache_counters());
        AppState(Arc::new(state))
    }

    /// The same state with the built files' hashed name (`stembus.1a2b3c`), which the pages name.
    pub fn with_output_name(&self, name: &str) -> AppState {
        let mut state = (*self.0).clone();
        state.leptos_options.output_name = name.into();
        AppState(Arc::new(state))
    }

    /// Seconds since 1970, from the state's clock.
    pub fn now(&self) -> i64 {
        self.clock.unix_seconds()
    }

    /// The articles and polls readers are served right now.
    pub fn library(&self) -> Arc<crate::server::content::Library> {
        self.content.library()
    }

    /// Why readers are not served the poll `poll_id` (none in the library): `PollArchived` for a
    /// desk-made poll that was archived (the embed, the API and the vote say so with 410),
    /// `UnknownPoll` for any other id.
    pub fn missing_poll(&self, poll_id: &str) -> AppError {
        if self.content.desk().is_archived(poll_id) {
            AppError::PollArchived
        } else {
            AppError::UnknownPoll
        }
    }

    /// Reads the content and the desk's changes again at once (after an editor's change), so this
    /// node shows it before the next periodic refresh.
    pub async fn refresh_content(&self) -> Result<(), crate::server::store::StoreError> {
        self.content.refresh(&self.store, &self.page_cache).await
    }
}

/// The shared state, from the context of the page or server function being run.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState is missing from the Leptos context");
        AppError::Internal
    })
}
