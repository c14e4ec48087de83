//! Stembus: a newsroom's article pages with a first-party reader poll.
//!
//! The pages render on the server; the poll is the one island that hydrates in the browser.

// Leptos views are nested types; the article page is deeper than the compiler's default allows.
#![recursion_limit = "256"]

pub mod app;
pub mod article;
pub mod error;
pub mod moment;
pub mod poll;
mod response_status;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(all(test, feature = "ssr"))]
mod test_support;

/// The browser entry point: wakes up the islands (the poll) and nothing else. No panic hook: the
/// island has to fit a 50 KB budget, and a panic still shows in the console without one.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
}
