//! The state every request shares, handed to pages and server functions through Leptos context.

use crate::error::AppError;
use crate::server::app::clock::SharedClock;
use crate::server::app::config::Settings;
use crate::server::content::current::CurrentContent;
use crate::server::ops::metrics::Metrics;
use crate::server::store::Store;
use crate::server::web::delivery::page_cache::PageCache;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// A handle on the shared state: cloning it is one reference count, which matters because axum and
/// tower clone the state of every layer and handler on every request. It reads as the `SiteState`
/// it points to; changing a field (tests, start-up) changes this handle's copy only, as changing a
/// cloned struct would.
#[derive(Clone)]
pub struct AppState(Arc<SiteState>);

impl From<SiteState> for AppState {
    fn from(state: SiteState) -> AppState {
        AppState(Arc::new(state))
    }
}

impl Deref for AppState {
    type Target = SiteState;

    fn deref(&self) -> &SiteState {
        &self.0
    }
}

impl DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut SiteState {
        Arc::make_mut(&mut self.0)
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
    pub own_answers: Arc<crate::server::web::vote::own_answers::OwnAnswers>,
    /// What `/metrics` reports.
    pub metrics: Arc<Metrics>,
    /// The live-result streams of this node.
    pub live_results: Arc<crate::server::web::api::live_results::LiveResults>,
}

impl AppState {
    /// Seconds since 1970, from the state's clock.
    pub fn now(&self) -> i64 {
        self.clock.unix_seconds()
    }

    /// The articles and polls readers are served right now.
    pub fn library(&self) -> Arc<crate::server::content::Library> {
        self.content.library()
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
