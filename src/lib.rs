//! Stembus's shared Leptos crate, the one the browser build compiles: the poll island, the vote
//! server function's declaration and what the vote answers. It stands on `stembus-poll` (the poll's
//! types and maths, errors, Brussels time), which the browser compiles with it. No server crate is
//! named here: the vote's body reaches the server through a `VoteDoor` the server puts in context,
//! and of the server's rooms only the web room (which renders the island) depends on this crate.

// Leptos views are nested types; the article page is deeper than the compiler's default allows.
#![recursion_limit = "256"]

pub mod poll;

pub use stembus_poll::error;

/// The browser entry point: wakes up the islands (the poll) and nothing else. No panic hook: the
/// island has to fit a 50 KB budget, and a panic still shows in the console without one.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
}
