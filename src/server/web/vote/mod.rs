//! A reader's vote: its door (the one address and its checks), casting it into the store, the
//! voter cookie that tells readers apart, the same-site check and rate limit, and each voter's own
//! answers kept in memory.

pub(crate) mod cast;
pub mod door;
pub(crate) mod guard;
pub(crate) mod own_answers;
pub mod voter_cookie;
