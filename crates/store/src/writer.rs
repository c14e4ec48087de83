//! The vote writer's front, one for both engines: what a queued vote carries and is answered with,
//! the queue's limits, handing a vote over and awaiting its commit, and the writer's figures.
//!
//! Each engine keeps its own writer behind it (SQLite a thread that owns the write connection,
//! PostgreSQL a few tasks on the runtime) and its own SQL; what a reader's vote goes through before
//! and after the engine's transaction is the same, so it is written once here.

use super::{NewVote, StoreError, Tally, VoteOutcome};
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::oneshot;

/// Votes waiting for the writer beyond this are refused with `Unavailable` rather than queued.
pub const QUEUE_CAPACITY: usize = 4096;
/// The most votes committed in one transaction.
pub const MAX_GROUP: usize = 256;
/// How long a writer waits for more votes to join a group once one has arrived: long enough for a
/// burst to share one commit, short against the commit itself.
pub const GROUP_WINDOW: Duration = Duration::from_millis(1);

/// One vote waiting for the writer.
pub struct WriteJob {
    pub vote: NewVote,
    /// Whether the vote's answer wants the poll's tally from the vote's transaction.
    pub with_tally: bool,
    reply: oneshot::Sender<Result<Written, StoreError>>,
}

impl WriteJob {
    /// Answers the reader waiting for this vote, once its group is committed (or certainly not).
    pub fn answer(self, written: Result<Written, StoreError>) {
        // A reader who gave up waiting has gone; their vote is stored all the same.
        let _ = self.reply.send(written);
    }
}

/// What the writer did with one vote, and the tally it read in the vote's transaction when asked.
pub type Written = (VoteOutcome, Option<Tally>);

/// What the writer reports: its queue, its batches and how long their commits take. Clones share
/// the figures, so the engine keeps one and the operator's metrics registry another.
#[derive(Clone)]
pub struct WriterMetrics {
    pub queue_depth: Gauge,
    pub batch_size: Histogram,
    pub commit_seconds: Histogram,
}

impl Default for WriterMetrics {
    fn default() -> Self {
        WriterMetrics {
            queue_depth: Gauge::default(),
            batch_size: Histogram::new(exponential_buckets(1.0, 2.0, 9)),
            commit_seconds: Histogram::new(exponential_buckets(0.000_25, 2.0, 14)),
        }
    }
}

impl WriterMetrics {
    /// A writer took `votes` off the queue as one group.
    pub fn group_taken(&self, votes: usize) {
        self.queue_depth.dec_by(votes as i64);
        self.batch_size.observe(votes as f64);
    }

    /// A group's transaction took `elapsed`, commit included.
    pub fn group_committed(&self, elapsed: Duration) {
        self.commit_seconds.observe(elapsed.as_secs_f64());
    }
}

/// Why a queue did not take a job.
pub enum Refused {
    Full,
    /// The writer on the other end is gone.
    Closed,
}

/// The sending end of an engine's queue: a std channel to a thread, or a tokio one to tasks.
pub trait JobQueue: Send + Sync {
    fn try_send(&self, job: WriteJob) -> Result<(), Refused>;
}

impl JobQueue for std::sync::mpsc::SyncSender<WriteJob> {
    fn try_send(&self, job: WriteJob) -> Result<(), Refused> {
        std::sync::mpsc::SyncSender::try_send(self, job).map_err(|error| match error {
            std::sync::mpsc::TrySendError::Full(_) => Refused::Full,
            std::sync::mpsc::TrySendError::Disconnected(_) => Refused::Closed,
        })
    }
}

impl JobQueue for tokio::sync::mpsc::Sender<WriteJob> {
    fn try_send(&self, job: WriteJob) -> Result<(), Refused> {
        tokio::sync::mpsc::Sender::try_send(self, job).map_err(|error| match error {
            tokio::sync::mpsc::error::TrySendError::Full(_) => Refused::Full,
            tokio::sync::mpsc::error::TrySendError::Closed(_) => Refused::Closed,
        })
    }
}

/// Where votes enter an engine's writer. Closing it (shut-down) drops the queue, so the writer
/// ends once it has answered every vote already queued, and later votes are refused, never lost.
pub struct WriterFront<Q: JobQueue> {
    queue: Mutex<Option<Q>>,
    metrics: WriterMetrics,
}

impl<Q: JobQueue> WriterFront<Q> {
    pub fn new(queue: Q, metrics: WriterMetrics) -> WriterFront<Q> {
        WriterFront {
            queue: Mutex::new(Some(queue)),
            metrics,
        }
    }

    /// Hands `vote` to the writer and waits until its group is committed. An error means the vote
    /// was not acknowledged: the queue was full or closed, or the writer could not store it.
    pub async fn write(&self, vote: NewVote, with_tally: bool) -> Result<Written, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = WriteJob {
            vote,
            with_tally,
            reply,
        };
        {
            let queue = self.queue.lock().map_err(|_| StoreError::Fault)?;
            let Some(queue) = queue.as_ref() else {
                return Err(StoreError::Unavailable);
            };
            match queue.try_send(job) {
                Ok(()) => {
                    self.metrics.queue_depth.inc();
                }
                Err(Refused::Full) => {
                    tracing::warn!("vote queue full; refusing a vote");
                    return Err(StoreError::Unavailable);
                }
                Err(Refused::Closed) => {
                    tracing::error!("the vote writer is gone");
                    return Err(StoreError::Unavailable);
                }
            }
        }
        answer.await.unwrap_or_else(|_| {
            tracing::error!("the vote writer dropped a vote without answering");
            Err(StoreError::Unavailable)
        })
    }

    /// Takes no more votes; the writer drains what is queued and ends.
    pub fn close(&self) {
        if let Ok(mut queue) = self.queue.lock() {
            queue.take();
        }
    }

    /// Whether votes are still taken (the store is not shut down).
    pub fn is_open(&self) -> bool {
        self.queue.lock().is_ok_and(|queue| queue.is_some())
    }

    /// The writer's figures, shared with whoever reports them.
    pub fn metrics(&self) -> WriterMetrics {
        self.metrics.clone()
    }
}
