//! The node's state, assembled from the part each room owns: the site's shared parts
//! (`SiteState`: settings, content, store, clock, metrics) and the web room's (`WebState`: the
//! page cache, own answers, live streams). Handlers take their room's part through axum's
//! `FromRef`; this is the one place the parts are put together, at start-up and in every test.

use crate::open_files::stream_capacity;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::ops::Deref;
use std::sync::Arc;
use stembus_content::current::CurrentContent;
use stembus_messages::Messages;
use stembus_site::admission::{Admission, Budgets};
use stembus_site::clock::SharedClock;
use stembus_site::config::Settings;
use stembus_site::metrics::Metrics;
use stembus_site::state::{SiteParts, SiteState};
use stembus_store::Store;
use stembus_web::WebState;

/// The whole node's state. Cloning it is a reference count per room. It reads as the `WebState`
/// (and through it the `SiteState`), so a test reaches every part by name.
#[derive(Clone)]
pub struct AppState {
    web: WebState,
}

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
    /// What the node takes at once, per class of request.
    pub budgets: Budgets,
    /// What readers read, in each language.
    pub messages: Arc<Messages>,
}

impl Deref for AppState {
    type Target = WebState;

    fn deref(&self) -> &WebState {
        &self.web
    }
}

impl FromRef<AppState> for WebState {
    fn from_ref(state: &AppState) -> WebState {
        state.web.clone()
    }
}

impl FromRef<AppState> for SiteState {
    fn from_ref(state: &AppState) -> SiteState {
        state.web.site.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
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
            budgets,
            messages,
        } = parts;
        let streams = stream_capacity(settings.live_streams_max).streams;
        let metrics = Arc::new(Metrics::new(
            store.engine(),
            &store.writer_metrics(),
            streams,
        ));
        let admission = Arc::new(Admission::new(
            budgets,
            stembus_web::vote::door::PATH,
            metrics.clone(),
        ));
        let site = SiteState::new(SiteParts {
            leptos_options,
            settings: Arc::new(settings),
            content,
            store,
            clock,
            metrics,
            admission,
            messages,
        });
        AppState {
            web: WebState::new(site, streams),
        }
    }

    /// The shared parts every room builds on.
    pub fn site(&self) -> SiteState {
        self.web.site.clone()
    }

    /// The web room's part.
    pub fn web(&self) -> WebState {
        self.web.clone()
    }

    /// What this state was built from, to build another like it (a test that changes a setting).
    pub fn parts(&self) -> StateParts {
        StateParts {
            leptos_options: self.leptos_options.clone(),
            settings: (*self.settings).clone(),
            content: self.content.clone(),
            store: self.store.clone(),
            clock: self.clock.clone(),
            budgets: self.admission.budgets(),
            messages: self.messages.clone(),
        }
    }

    /// The same state with an empty page cache of its own (counting into the same metrics): a
    /// router that keeps no page of another's.
    pub fn with_empty_page_cache(&self) -> AppState {
        AppState {
            web: self.web.with_empty_page_cache(),
        }
    }

    /// The same state with the built files' hashed name (`stembus.1a2b3c`), which the pages name.
    pub fn with_output_name(&self, name: &str) -> AppState {
        AppState {
            web: self.web.with_site(self.web.site.with_output_name(name)),
        }
    }
}
