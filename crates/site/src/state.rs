//! The state every room shares: settings, content, store, clock, metrics and the Leptos options.
//! Each room builds its own on it (web's `WebState` adds the page cache and the live streams); the
//! server binary assembles them, and a handler takes the part it needs through axum's `FromRef`.

use crate::admission::Admission;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::metrics::Metrics;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::ops::Deref;
use std::sync::Arc;
use stembus_content::Library;
use stembus_content::current::CurrentContent;
use stembus_messages::{Messages, Words};
use stembus_poll::error::AppError;
use stembus_poll::language::Language;
use stembus_store::{Store, StoreError};

/// A handle on the shared parts: cloning it is one reference count, which matters because axum
/// and tower clone the state of every layer and handler on every request.
#[derive(Clone)]
pub struct SiteState(Arc<SiteParts>);

/// What every room shares.
#[derive(Clone)]
pub struct SiteParts {
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    /// The articles and polls as served now: the content files with the desk's changes.
    pub content: Arc<CurrentContent>,
    /// The vote store, whichever engine it is.
    pub store: Store,
    /// The time of day for everything that depends on it; tests set it.
    pub clock: SharedClock,
    /// What `/metrics` reports.
    pub metrics: Arc<Metrics>,
    /// What the node takes at once, per class of request.
    pub admission: Arc<Admission>,
    /// What readers read, in each language.
    pub messages: Arc<Messages>,
}

impl Deref for SiteState {
    type Target = SiteParts;

    fn deref(&self) -> &SiteParts {
        &self.0
    }
}

/// leptos_axum's file handler (the Dutch 404 behind the site folder) reads the options from the
/// state.
impl FromRef<SiteState> for LeptosOptions {
    fn from_ref(state: &SiteState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

impl SiteState {
    pub fn new(parts: SiteParts) -> SiteState {
        SiteState(Arc::new(parts))
    }

    /// The same state with the built files' hashed name (`stembus.1a2b3c`), which the pages name.
    pub fn with_output_name(&self, name: &str) -> SiteState {
        let mut parts = (*self.0).clone();
        parts.leptos_options.output_name = name.into();
        SiteState(Arc::new(parts))
    }

    /// The words of `language`.
    pub fn words(&self, language: Language) -> Words {
        self.messages.words(language)
    }

    /// Seconds since 1970, from the state's clock.
    pub fn now(&self) -> i64 {
        self.clock.unix_seconds()
    }

    /// The articles and polls readers are served right now.
    pub fn library(&self) -> Arc<Library> {
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
    /// node shows it before the next periodic refresh; whoever keeps pages hears what changed.
    pub async fn refresh_content(&self) -> Result<(), StoreError> {
        self.content.refresh(&self.store).await
    }
}
