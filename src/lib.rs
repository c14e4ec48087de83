//! Stembus's shared Leptos crate: the poll island, the poll's types and maths, the errors readers
//! read, and the vote server function's declaration. The browser build compiles only this crate;
//! the server's rooms are the crates under `crates/`, and none of them is named here: the vote's
//! body reaches the server through a `VoteDoor` the server puts in context.

// Leptos views are nested types; the article page is deeper than the compiler's default allows.
#![recursion_limit = "256"]

pub mod error;
pub mod moment;
pub mod poll;

#[cfg(any(test, feature = "test-support"))]
pub mod test_support;

/// The browser entry point: wakes up the islands (the poll) and nothing else. No panic hook: the
/// island has to fit a 50 KB budget, and a panic still shows in the console without one.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
}
