//! Where the vote server function's body meets the server: the server puts a `VoteDoor` in the
//! Leptos context of the vote's request, so this crate (which the browser build compiles) names no
//! server crate, and the server's rooms depend on it, never the reverse.

use crate::error::AppError;
use crate::poll::PollView;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What casting a vote returns: the poll as the reader now sees it, and how many readers voted.
pub type CastResult = Result<(PollView, u64), AppError>;

/// The server's side of `cast_vote`: checks the vote, stores it for the reader of the request in
/// context, and answers with the poll as that reader now sees it. The error is one a reader may
/// read; the cause was logged where it happened.
pub trait VoteDoor: Send + Sync {
    fn cast(
        &self,
        poll: String,
        choice: String,
    ) -> Pin<Box<dyn Future<Output = CastResult> + Send>>;
}

/// The door as the server hands it to the server function, through `provide_context`.
pub type SharedVoteDoor = Arc<dyn VoteDoor>;
