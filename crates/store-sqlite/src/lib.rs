//! The SQLite engine: the embedded default, behind one door so no query ever runs on a tokio worker.
//!
//! Writes go to a single writer thread that owns the write connection. It takes every vote already
//! waiting (up to `MAX_GROUP`) into one transaction, so a burst of votes costs one fsync instead of
//! one per vote, and answers each vote only once that transaction committed: an acknowledged vote
//! is on disk. A dedicated thread rather than `spawn_blocking` because SQLite allows one writer at
//! a time anyway, and one owner of the connection can group commits without any locking.
//! Reads run on `spawn_blocking` with connections from a small pool; WAL lets them run beside the
//! writer. The editors' desk writes on a connection of its own (`desk`), taking turns with the
//! writer under SQLite's write lock.

pub mod backup;
mod desk;
pub mod queries;

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use rusqlite_migration::{M, Migrations};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use stembus_poll::PollDefinition;
use stembus_store::writer::{
    GROUP_WINDOW, MAX_GROUP, QUEUE_CAPACITY, WriteJob, WriterFront, WriterMetrics, Written,
};
use stembus_store::{NewVote, StoreError, Tally, VoteOutcome, VoteStore};

/// The schema, one numbered migration per file, applied in order at start-up.
const MIGRATIONS: [&str; 10] = [
    include_str!("../migrations/0001_polls_and_votes.sql"),
    include_str!("../migrations/0002_poll_rules_and_ballots.sql"),
    include_str!("../migrations/0003_running_counts.sql"),
    include_str!("../migrations/0004_desk.sql"),
    include_str!("../migrations/0005_forgettable_voters.sql"),
    include_str!("../migrations/0006_desk_made_polls.sql"),
    include_str!("../migrations/0007_desk_version.sql"),
    include_str!("../migrations/0008_french_texts.sql"),
    include_str!("../migrations/0009_poll_views.sql"),
    include_str!("../migrations/0010_answer_labels_voted_on.sql"),
];

/// How many migrations this build knows: a database at a higher `user_version` is from a newer one.
const KNOWN_MIGRATIONS: i64 = MIGRATIONS.len() as i64;

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// How long the readiness check waits for the write lock (the writer holds it for a commit at a time).
const READY_LOCK_WAIT: Duration = Duration::from_secs(2);
/// Idle reader connections kept open.
const MAX_IDLE_READERS: usize = 8;

/// SQLite's `synchronous` setting for the vote database (`durability` in the settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// Every commit is on disk before the vote is acknowledged, even through a power cut.
    Full,
    /// A power cut may lose the last commits (a crash of the process does not); only when an
    /// operator writes it in the settings file.
    Normal,
}

impl Durability {
    /// The value for `PRAGMA synchronous`.
    pub fn pragma(self) -> &'static str {
        match self {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        }
    }
}

/// Why the database could not be opened; start-up stops with this message.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot create the folder for the database {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot apply the database migrations to {path}: {source}")]
    Migrate {
        path: String,
        source: rusqlite_migration::Error,
    },
    #[error("cannot bring the polls in {path} in line with the content: {source}")]
    SyncPolls {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot start the database writer thread: {0}")]
    Thread(std::io::Error),
    #[error("cannot lock {path}: {source}")]
    Lock {
        path: String,
        source: std::io::Error,
    },
}

/// A handle on the SQLite store; cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    /// Where votes enter the writer thread; closed at shut-down.
    writer: WriterFront<SyncSender<WriteJob>>,
    writer_thread: Mutex<Option<JoinHandle<()>>>,
    idle_readers: Mutex<Vec<Connection>>,
    /// A second write connection for the editors' desk, kept between its (rare) writes; SQLite's
    /// write lock and `busy_timeout` make it take turns with the vote writer.
    desk_writer: Mutex<Option<Connection>>,
    /// A shared lock on the database's lock file, held while the store is open, so that a restore
    /// (which needs it exclusively) cannot replace the file under a running site.
    _in_use: std::fs::File,
}

impl SqliteStore {
    /// Opens the store with full durability; see `open_with_durability`.
    pub fn open(path: &Path, polls: &[&PollDefinition]) -> Result<SqliteStore, OpenError> {
        SqliteStore::open_with_durability(path, polls, Durability::Full)
    }

    /// Opens (creating if needed) the database at `path`, applies the migrations, brings the polls
    /// in line with `polls` and starts the writer thread. Blocking: call it off the async runtime.
    pub fn open_with_durability(
        path: &Path,
        polls: &[&PollDefinition],
        durability: Durability,
    ) -> Result<SqliteStore, OpenError> {
        let shown = path.display().to_string();
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|source| OpenError::Folder {
                path: folder.display().to_string(),
                source,
            })?;
        }
        let in_use = backup::lock_shared(path).map_err(|source| OpenError::Lock {
            path: backup::lock_path(path).display().to_string(),
            source,
        })?;
        let mut conn =
            open_connection(path, Some(durability)).map_err(|source| OpenError::Open {
                path: shown.clone(),
                source,
            })?;
        migrations()
            .to_latest(&mut conn)
            .map_err(|source| OpenError::Migrate {
                path: shown.clone(),
                source,
            })?;
        let mut sync = || -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            queries::sync_polls(&tx, polls)?;
            tx.commit()
        };
        sync().map_err(|source| OpenError::SyncPolls {
            path: shown.clone(),
            source,
        })?;

        let (sender, receiver) = mpsc::sync_channel(QUEUE_CAPACITY);
        let metrics = WriterMetrics::default();
        let writer_metrics = metrics.clone();
        let writer_thread = std::thread::Builder::new()
            .name("stembus-writer".into())
            .spawn(move || run_writer(conn, receiver, writer_metrics))
            .map_err(OpenError::Thread)?;
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer: WriterFront::new(sender, metrics),
                writer_thread: Mutex::new(Some(writer_thread)),
                idle_readers: Mutex::new(Vec::new()),
                desk_writer: Mutex::new(None),
                _in_use: in_use,
            }),
        })
    }

    /// Runs `query` on a reader connection on the blocking pool.
    async fn read<T: Send + 'static>(
        &self,
        query: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let inner = self.inner.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let conn = match inner
                .idle_readers
                .lock()
                .ok()
                .and_then(|mut idle| idle.pop())
            {
                Some(conn) => conn,
                None => open_connection(&inner.path, None)?,
            };
            let result = query(&conn);
            if let Ok(mut idle) = inner.idle_readers.lock()
                && idle.len() < MAX_IDLE_READERS
            {
                idle.push(conn);
            }
            result
        })
        .await;
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                tracing::error!(%error, "database read failed");
                Err(StoreError::Unavailable)
            }
            Err(error) => {
                tracing::error!(%error, "database read task failed");
                Err(StoreError::Fault)
            }
        }
    }

    /// Stops taking votes, lets the writer commit and answer every vote already queued, and waits
    /// for it to finish. Blocking: call it off the async runtime.
    pub fn shut_down_blocking(&self) {
        self.inner.writer.close();
        let thread = self
            .inner
            .writer_thread
            .lock()
            .ok()
            .and_then(|mut t| t.take());
        if let Some(thread) = thread
            && thread.join().is_err()
        {
            tracing::error!("the database writer thread panicked");
        }
    }
}

#[async_trait]
impl VoteStore for SqliteStore {
    async fn record_vote(&self, vote: NewVote) -> Result<VoteOutcome, StoreError> {
        self.inner
            .writer
            .write(vote, false)
            .await
            .map(|(outcome, _)| outcome)
    }

    async fn record_vote_and_tally(
        &self,
        vote: NewVote,
    ) -> Result<(VoteOutcome, Option<Tally>), StoreError> {
        self.inner.writer.write(vote, true).await
    }

    async fn tally(&self, poll_id: &str, voter: Option<&str>) -> Result<Tally, StoreError> {
        let (poll_id, voter) = (poll_id.to_string(), voter.map(str::to_string));
        self.read(move |conn| {
            let own_choices = match &voter {
                Some(voter) => queries::choices_of(conn, &poll_id, voter)?,
                None => Vec::new(),
            };
            Ok(Tally {
                counts: queries::vote_counts(conn, &poll_id)?,
                voters: queries::voter_count(conn, &poll_id)?,
                own_choices,
            })
        })
        .await
    }

    async fn check_ready(&self) -> Result<(), &'static str> {
        let writer_runs = self.inner.writer.is_open()
            && self
                .inner
                .writer_thread
                .lock()
                .is_ok_and(|thread| thread.as_ref().is_some_and(|t| !t.is_finished()));
        if !writer_runs {
            return Err("the vote writer is not running");
        }
        // Taking the write lock and letting go proves the file takes writes, without writing.
        let path = self.inner.path.clone();
        let writable = tokio::task::spawn_blocking(move || -> rusqlite::Result<()> {
            let conn = open_connection(&path, Some(Durability::Full))?;
            conn.busy_timeout(READY_LOCK_WAIT)?;
            conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
        })
        .await;
        match writable {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => {
                tracing::warn!(%error, "readiness: the database does not take writes");
                Err("the database does not take writes")
            }
            Err(_) => Err("the readiness check failed"),
        }
    }

    fn engine(&self) -> &'static str {
        "sqlite"
    }

    fn writer_metrics(&self) -> WriterMetrics {
        self.inner.writer.metrics()
    }

    async fn shut_down(&self) {
        let store = self.clone();
        if tokio::task::spawn_blocking(move || store.shut_down_blocking())
            .await
            .is_err()
        {
            tracing::error!("shutting down the database writer failed");
        }
    }
}

/// Opens a connection with the pragmas every connection needs: the write connection (`durability`
/// given) or a read-only one. `synchronous = FULL` by default: in WAL mode NORMAL may lose the last
/// commits on power loss, and an acknowledged vote must survive that.
fn open_connection(path: &Path, durability: Option<Durability>) -> rusqlite::Result<Connection> {
    let read_only = durability.is_none();
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    if let Some(durability) = durability {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", durability.pragma())?;
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// The writer thread: waits for a vote, gathers every vote already queued behind it, commits them
/// together and then answers each. Ends when the store is shut down and the queue is empty.
fn run_writer(mut conn: Connection, jobs: Receiver<WriteJob>, metrics: WriterMetrics) {
    while let Ok(first) = jobs.recv() {
        let window_ends = Instant::now() + GROUP_WINDOW;
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            let job = match jobs.try_recv() {
                Ok(job) => job,
                Err(_) => {
                    let left = window_ends.saturating_duration_since(Instant::now());
                    match jobs.recv_timeout(left) {
                        Ok(job) => job,
                        Err(_) => break,
                    }
                }
            };
            group.push(job);
        }
        metrics.group_taken(group.len());
        commit_group(&mut conn, group, &metrics);
    }
}

fn commit_group(conn: &mut Connection, group: Vec<WriteJob>, metrics: &WriterMetrics) {
    let started = Instant::now();
    let outcomes = match write_group(conn, &group) {
        Ok(outcomes) => outcomes,
        Err(error) => {
            tracing::error!(%error, votes = group.len(), "committing votes failed; none were stored");
            vec![Err(StoreError::Unavailable); group.len()]
        }
    };
    // Timed before the answers go out, so whoever reads the figures after their vote's answer
    // finds its commit in them.
    metrics.group_committed(started.elapsed());
    for (job, outcome) in group.into_iter().zip(outcomes) {
        job.answer(outcome);
    }
}

/// Writes every vote of the group in one transaction, each under its own savepoint so that one
/// failing vote does not take the others down with it.
/// Where asked, each vote's answer gets the tally as this transaction leaves it: the counts read
/// once per poll of the group, after all its votes, and the voter's own answers.
fn write_group(
    conn: &mut Connection,
    group: &[WriteJob],
) -> rusqlite::Result<Vec<Result<Written, StoreError>>> {
    let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut outcomes = Vec::with_capacity(group.len());
    for job in group {
        let savepoint = tx.savepoint()?;
        match queries::record_vote(&savepoint, &job.vote) {
            Ok(outcome) => {
                savepoint.commit()?;
                outcomes.push(Ok((outcome, None)));
            }
            Err(error) => {
                drop(savepoint);
                // On some errors (I/O, a full disk, no memory) SQLite rolls back the whole
                // transaction, not only the statement, and rusqlite's savepoint ignores the
                // failed `ROLLBACK TO` that follows. The votes before this one are gone then, and
                // each later `SAVEPOINT` would start and commit a transaction of its own while
                // the group's `COMMIT` fails: later votes stored, every vote answered "not
                // stored". The group fails as a whole instead, storing none of it.
                if tx.is_autocommit() {
                    return Err(error);
                }
                tracing::error!(%error, "recording a vote failed; it was rolled back");
                outcomes.push(Err(StoreError::Unavailable));
            }
        }
    }
    // Per poll of the group: its counts, without anyone's own answers.
    let mut counts: Vec<(&str, Tally)> = Vec::new();
    for (job, written) in group.iter().zip(outcomes.iter_mut()) {
        let Ok((outcome, tally)) = written else {
            continue;
        };
        if !job.with_tally || *outcome == VoteOutcome::UnknownPoll {
            continue;
        }
        let poll_id = job.vote.poll_id.as_str();
        let position = match counts.iter().position(|(poll, _)| *poll == poll_id) {
            Some(position) => position,
            None => {
                let poll_tally = Tally {
                    counts: queries::vote_counts(&tx, poll_id)?,
                    voters: queries::voter_count(&tx, poll_id)?,
                    own_choices: Vec::new(),
                };
                counts.push((poll_id, poll_tally));
                counts.len() - 1
            }
        };
        *tally = Some(Tally {
            own_choices: queries::choices_of(&tx, poll_id, &job.vote.voter)?,
            ..counts[position].1.clone()
        });
    }
    tx.commit()?;
    Ok(outcomes)
}

#[cfg(test)]
mod contract_tests;
#[cfg(test)]
mod tests;
