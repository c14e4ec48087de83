//! The state every request shares, handed to pages and server functions through Leptos context.

use super::clock::SharedClock;
use super::config::Settings;
use super::content::Library;
use super::metrics::Metrics;
use super::store::Store;
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    pub library: Arc<Library>,
    /// The vote store, whichever engine it is.
    pub store: Store,
    /// The time of day for everything that depends on it; tests set it.
    pub clock: SharedClock,
    /// What `/metrics` reports.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// Seconds since 1970, from the state's clock.
    pub fn now(&self) -> i64 {
        self.clock.unix_seconds()
    }
}

/// The shared state, from the context of the page or server function being run.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState is missing from the Leptos context");
        AppError::Internal
    })
}
