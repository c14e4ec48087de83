//! What readers reach: the pages, the vote's door, the results API with its live stream, the
//! embeddable poll, the files for search engines and feed readers, and how the bytes leave.
//! `routes` joins them on the room's own state (`WebState`).

pub mod address_part;
pub mod api;
pub mod delivery;
pub mod discovery;
pub mod embed;
pub mod pages;
pub mod reader_poll;
pub mod routes;
pub mod security_headers;
pub mod state;
pub mod views;
pub mod vote;

pub use routes::routes;
pub use state::WebState;
