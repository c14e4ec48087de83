//! What readers reach: the pages, the vote's door, the results API with its live stream, the
//! embeddable poll, the files for search engines and feed readers, and how the bytes leave.

pub mod api;
pub mod cache_control;
pub mod client_address;
pub mod delivery;
pub mod discovery;
pub mod embed;
pub mod pages;
pub mod reader_poll;
pub mod render;
pub mod security_headers;
pub mod vote;
