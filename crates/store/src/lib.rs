//! The vote store's interface: what the site asks of any storage engine, in the poll's own terms.
//!
//! An engine records votes and counts them; it knows nothing of HTTP, pages or percentages. The
//! poll's rules are checked again by the engine inside the transaction that stores a vote, so they
//! hold however many requests (or, with a shared database, however many servers) vote at once.
//! The editors' side (accounts, sessions, the desk's changes to a poll, voided votes, the audit
//! log) is `desk::DeskStore`; `Storage` is both. The engines are crates of their own that depend on
//! this one, never the reverse (atuin's model): `stembus-store-sqlite` (embedded) and
//! `stembus-store-postgres` (several nodes on one database); both pass the contract suite that the
//! `contract` feature exposes (`contract`, `desk_contract`).

#[cfg(feature = "contract")]
pub mod contract;
pub mod desk;
#[cfg(feature = "contract")]
pub mod desk_contract;
pub mod made;
pub mod writer;

use async_trait::async_trait;
use std::sync::Arc;

/// A vote as it reaches the store: checked against the content already, and checked again by the
/// engine against the poll's rules as the database holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVote {
    pub poll_id: String,
    /// The chosen answer keys.
    pub choices: Vec<String>,
    /// The reader's random id from their voter cookie.
    pub voter: String,
    /// Unix seconds, from the site's clock.
    pub cast_at: i64,
}

/// What recording a vote did. Every variant but `Recorded` and `Changed` stored nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteOutcome {
    Recorded,
    /// The reader's earlier vote was replaced, as the poll allows.
    Changed,
    /// This reader had voted in this poll before and may not change it; the first vote stands.
    AlreadyVoted,
    UnknownPoll,
    UnknownChoice,
    /// No answer, or more answers than the poll allows.
    WrongChoiceCount,
    /// The vote falls outside the poll's opening hours.
    Closed,
}

/// A poll's counts as the store keeps them, and what one reader chose.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tally {
    /// How often each current answer was chosen, by answer key; answers without votes may be missing.
    pub counts: Vec<(String, u64)>,
    /// How many readers voted.
    pub voters: u64,
    /// The answers the asking reader chose; empty if they did not vote (or nobody asked).
    pub own_choices: Vec<String>,
}

/// Why the store could not do what it was asked. A vote that gets one of these was not
/// acknowledged: as a rule nothing was stored, and where the engine cannot tell (a database server
/// lost in the middle of a commit), a vote that did go in still counts once when the reader retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The engine cannot take or read votes right now (busy, shutting down, database unreachable);
    /// trying again shortly may work. The cause was logged where it happened.
    #[error("the vote store is unavailable")]
    Unavailable,
    /// Something that should not happen did (a worker gone, a lock poisoned); the cause was logged.
    #[error("the vote store failed")]
    Fault,
}

/// A storage engine for votes. Blocking work runs off the async runtime inside each engine.
#[async_trait]
pub trait VoteStore: Send + Sync {
    /// Records `vote` if the poll's rules allow it. Returns only once the vote is durably committed
    /// (or, for the outcomes that store nothing, once that is certain); an error means nothing was
    /// stored.
    async fn record_vote(&self, vote: NewVote) -> Result<VoteOutcome, StoreError>;

    /// `record_vote`, and the poll's tally for the voter just after it: what the vote's answer
    /// shows. Both engines read it in the vote's own transaction, once per poll and group (or
    /// batch), saving every vote a read of its own; this default, which reads it after, is for a
    /// store that wraps another (the tests' flaky store).
    /// The tally is `None` when it was not read (an unknown poll, or a read that failed after the
    /// vote was stored: the vote counts all the same).
    async fn record_vote_and_tally(
        &self,
        vote: NewVote,
    ) -> Result<(VoteOutcome, Option<Tally>), StoreError> {
        let (poll_id, voter) = (vote.poll_id.clone(), vote.voter.clone());
        let outcome = self.record_vote(vote).await?;
        let tally = self.tally(&poll_id, Some(&voter)).await.ok();
        Ok((outcome, tally))
    }

    /// The counts of the poll `poll_id` and, with a `voter`, that reader's own answers.
    async fn tally(&self, poll_id: &str, voter: Option<&str>) -> Result<Tally, StoreError>;

    /// Whether a vote could be stored right now: the writer runs and the database is reachable
    /// and takes writes. The error is a short reason an operator may read (no internal detail).
    async fn check_ready(&self) -> Result<(), &'static str>;

    /// Stops taking votes, answers every vote already accepted, and waits until that is done.
    async fn shut_down(&self);

    /// The engine's name for the metrics: `sqlite` or `postgres`.
    fn engine(&self) -> &'static str;

    /// The writer's queue, batch and commit figures, shared with the metrics.
    fn writer_metrics(&self) -> writer::WriterMetrics;
}

/// Everything the site asks of a storage engine: the readers' votes and the editors' desk.
pub trait Storage: VoteStore + desk::DeskStore {}
impl<T: VoteStore + desk::DeskStore> Storage for T {}

/// The store every request shares.
pub type Store = Arc<dyn Storage>;

impl From<StoreError> for stembus_poll::error::AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable => stembus_poll::error::AppError::Unavailable,
            StoreError::Fault => stembus_poll::error::AppError::Internal,
        }
    }
}
