//! How bytes leave the server: the article pages cached once per process with their compressed forms,
//! and the static files held in memory with their build-time compressed forms and hashed names.

pub mod assets;
pub mod encoding;
pub mod page_cache;
