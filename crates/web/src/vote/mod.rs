//! A reader's vote: its door (the one address and its checks), the form it reads, the reply to a
//! refusal, casting it into the store, and each voter's own answers kept in memory. The voter cookie and the rate guard are the site's, which
//! the desk's sign-in uses too.

pub mod cast;
pub mod door;
mod form;
pub mod own_answers;
pub(crate) mod refusal;
