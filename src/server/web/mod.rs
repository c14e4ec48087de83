//! What readers reach: the pages, the vote's door, the results API with its live stream, the
//! embeddable poll, the files for search engines and feed readers, and how the bytes leave.

pub(crate) mod api;
pub mod cache_control;
pub(crate) mod client_address;
pub mod delivery;
pub(crate) mod discovery;
pub(crate) mod embed;
pub(crate) mod pages;
pub(crate) mod reader_poll;
pub(crate) mod render;
pub(crate) mod security_headers;
mod valid_html;
pub mod vote;
