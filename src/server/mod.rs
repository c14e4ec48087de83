//! Everything that runs only on the server: configuration, content, the vote store and HTTP.

pub mod config;
pub mod content;
pub mod delivery;
pub mod discovery;
pub mod guard;
pub mod headers;
pub mod http;
pub mod pages;
pub mod router;
pub mod startup;
pub mod state;
pub mod store;
pub mod vote_endpoint;
pub mod voter;
pub mod voting;
