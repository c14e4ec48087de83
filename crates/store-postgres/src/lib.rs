//! The PostgreSQL engine: for newsrooms whose votes must outlive one machine or that run several
//! stembus nodes against one replicated database.
//!
//! Every node groups the votes waiting for it into one transaction, so a burst costs one commit;
//! a node has `WRITERS` batches in flight at once (a batch is mostly waiting on round trips). The guarantees live in the
//! schema and the transaction, not in this process: `UNIQUE (poll_id, voter)` with `INSERT ... ON
//! CONFLICT DO NOTHING RETURNING` tells a new ballot from a repeat, whichever node got it first;
//! the poll's rules are read in the same transaction; a change locks the reader's ballot row and
//! replaces its answers. The running counts are split into shards (each node draws one at start-up
//! and its writers take the ones after it) so writers never queue behind one counter row; a
//! standing is the sum over the shards.
//!
//! A vote is acknowledged only after its batch's `COMMIT` returned. When the connection breaks
//! during `COMMIT` the outcome is unknown: the writer looks for the batch's row in `vote_batch` on a
//! fresh connection (after a failover, on the new primary). Found: the batch is in and its votes are
//! acknowledged. Not found: nothing of it is in, and the batch is written again, which the unique key
//! keeps from counting anyone twice. Unable to tell: every vote of the batch gets `Unavailable`.
//!
//! deadpool-postgres is the pool: small, async, built on tokio-postgres, and it hands out a healthy
//! connection after a failover (a broken one is dropped on return), while the URL's host list with
//! `target_session_attrs=read-write` finds the new primary.

mod desk;
mod migrate;
mod queries;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use stembus_poll::PollDefinition;
use stembus_store::writer::{
    GROUP_WINDOW, MAX_GROUP, QUEUE_CAPACITY, WriteJob, WriterFront, WriterMetrics, Written,
};
use stembus_store::{NewVote, StoreError, Tally, VoteOutcome, VoteStore};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

/// Connections per node to the primary: the writer's and the readers'.
const POOL_SIZE: usize = 16;
/// Connections per node for reads while no primary answers.
const READ_FALLBACK_POOL_SIZE: usize = 4;
/// How long an unanswered connection is kept before it counts as dead (TCP user timeout and
/// keepalive idle time).
const DEAD_PEER_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a node waits for a connection (a new one, or one from the pool) before answering
/// `Unavailable`: well inside the request deadline.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a batch is written before its votes get `Unavailable`: a broken connection is retried
/// once on a fresh one (after a failover, to the new primary).
const BATCH_ATTEMPTS: usize = 2;
/// How often one vote is tried again inside its batch after a deadlock or serialisation failure
/// with another node's transaction.
const VOTE_RETRIES: usize = 2;
/// Shards of the running counts: enough that a handful of nodes rarely draw the same one.
const SHARDS: i16 = 64;
/// Vote batches a node writes at once (see `open`).
const WRITERS: usize = 2;
/// Every this many batches the writer prunes `vote_batch` rows older than an hour.
const PRUNE_EVERY: u64 = 1000;

/// Why the database could not be opened; start-up stops with this message, which names the key
/// and never the password.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("`database_url` is not a PostgreSQL URL stembus can use: {0}")]
    Url(String),
    #[error("`database_url`: cannot reach PostgreSQL at {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error("`database_url`: cannot apply the database migrations at {target}: {reason}")]
    Migrate { target: String, reason: String },
}

/// A handle on the PostgreSQL store; cheap to clone.
#[derive(Clone)]
pub struct PostgresStore {
    inner: Arc<Inner>,
}

struct Inner {
    /// Connections to the primary (the URL's `target_session_attrs`, `read-write` in production).
    pool: Pool,
    /// Connections to any server of the URL, for reading standings while no primary answers
    /// (during a failover the standby still serves the counts it has).
    any_server: Pool,
    /// Where votes enter the writers; closed at shut-down.
    writer: WriterFront<mpsc::Sender<WriteJob>>,
    writer_task: tokio::sync::Mutex<Option<JoinHandle<()>>>,
    /// This node's shard of the running counts, where the desk's voiding and restoring write too.
    shard: i16,
}

/// Where a URL points, for messages and logs: hosts, ports and database, never user or password.
pub fn describe_url(url: &str) -> String {
    match tokio_postgres::Config::from_str(url) {
        Ok(config) => describe(&config),
        Err(_) => "an unreadable URL".to_string(),
    }
}

fn describe(config: &tokio_postgres::Config) -> String {
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let host = match host {
                tokio_postgres::config::Host::Tcp(name) => name.clone(),
                tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
            };
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            format!("{host}:{port}")
        })
        .collect();
    format!(
        "{}/{}",
        hosts.join(","),
        config.get_dbname().unwrap_or("(default database)")
    )
}

impl PostgresStore {
    /// Connects to the database at `url`, applies the migrations and brings the polls in line with
    /// `polls` (both under one lock, so nodes starting together take turns), and starts the writer.
    pub async fn open(url: &str, polls: &[&PollDefinition]) -> Result<PostgresStore, OpenError> {
        let mut config = tokio_postgres::Config::from_str(url).map_err(|_| {
            OpenError::Url(
                "it does not parse as postgres://user:password@host:port/database".into(),
            )
        })?;
        if config.get_hosts().is_empty() {
            return Err(OpenError::Url("it names no host".into()));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        // A server that vanishes without closing the connection (a machine lost, a partition) is
        // given up on within seconds, not the kernel's minutes: votes are answered in time.
        config
            .tcp_user_timeout(DEAD_PEER_TIMEOUT)
            .keepalives(true)
            .keepalives_idle(DEAD_PEER_TIMEOUT)
            .keepalives_interval(Duration::from_secs(1))
            .keepalives_retries(3);
        let target = describe(&config);
        let pool = pool_for(config.clone(), POOL_SIZE)?;
        let mut anywhere = config;
        anywhere.target_session_attrs(tokio_postgres::config::TargetSessionAttrs::Any);
        let any_server = pool_for(anywhere, READ_FALLBACK_POOL_SIZE)?;
        let mut client = pool.get().await.map_err(|error| OpenError::Connect {
            target: target.clone(),
            reason: error.to_string(),
        })?;
        migrate::migrate_and_sync(&mut client, polls)
            .await
            .map_err(|error| OpenError::Migrate {
                target: target.clone(),
                reason: error.to_string(),
            })?;
        drop(client);

        let shard = draw_shard();
        let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
        let metrics = WriterMetrics::default();
        // Batches in flight at once, each writer with a shard of its own, so that they never wait
        // on each other's counter rows: a batch is a sequence of round trips, and while one waits
        // for the server the next can be written (the cores were 39 % idle with one; issue 14).
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        let writers: Vec<_> = (0..WRITERS)
            .map(|n| {
                let writer_shard = (shard + n as i16) % SHARDS;
                run_writer(
                    pool.clone(),
                    writer_shard,
                    receiver.clone(),
                    metrics.clone(),
                )
            })
            .collect();
        let writer_task = tokio::spawn(async move {
            futures_util::future::join_all(writers).await;
        });
        tracing::info!(database = %target, shard, "PostgreSQL store ready");
        Ok(PostgresStore {
            inner: Arc::new(Inner {
                pool,
                any_server,
                writer: WriterFront::new(sender, metrics),
                writer_task: tokio::sync::Mutex::new(Some(writer_task)),
                shard,
            }),
        })
    }
}

/// Creates the database `name` (lower-case letters, digits and `_`) in the cluster that `admin_url`
/// reaches and returns the new database's URL (same server, same user): for tests and harnesses that
/// each want a database of their own.
pub async fn create_database(admin_url: &str, name: &str) -> Result<String, String> {
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !plain {
        return Err(format!("{name:?} is not a plain database name"));
    }
    let (client, connection) = tokio_postgres::connect(admin_url, NoTls)
        .await
        .map_err(|error| error.to_string())?;
    tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .map_err(|error| error.to_string())?;
    let base = admin_url
        .split('?')
        .next()
        .and_then(|url| url.rsplit_once('/'))
        .map(|(base, _)| base)
        .ok_or("the URL names no database")?;
    Ok(format!("{base}/{name}"))
}

/// A pool of connections made with `config`.
fn pool_for(config: tokio_postgres::Config, size: usize) -> Result<Pool, OpenError> {
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(CONNECT_TIMEOUT))
        .create_timeout(Some(CONNECT_TIMEOUT))
        .recycle_timeout(Some(CONNECT_TIMEOUT))
        .build()
        .map_err(|error| OpenError::Url(error.to_string()))
}

/// This node's shard of the running counts, drawn at random.
fn draw_shard() -> i16 {
    let mut bytes = [0u8; 2];
    if getrandom::fill(&mut bytes).is_err() {
        return 0;
    }
    (u16::from_le_bytes(bytes) % SHARDS as u16) as i16
}

#[async_trait]
impl VoteStore for PostgresStore {
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

    /// Read from the primary, so a reader sees their own vote on whichever node renders the page;
    /// while no primary answers, from any server of the URL (a standby's counts, a moment old).
    async fn tally(&self, poll_id: &str, voter: Option<&str>) -> Result<Tally, StoreError> {
        match self.inner.pool.get().await {
            Ok(client) => match queries::tally(&client, poll_id, voter).await {
                Ok(tally) => return Ok(tally),
                Err(error) => {
                    tracing::warn!(error = %loggable(&error), "PostgreSQL read on the primary failed")
                }
            },
            Err(error) => tracing::warn!(%error, "no connection to the primary for a read"),
        }
        let client = self.inner.any_server.get().await.map_err(|error| {
            tracing::warn!(%error, "no PostgreSQL server reachable for a read");
            StoreError::Unavailable
        })?;
        queries::tally(&client, poll_id, voter)
            .await
            .map_err(|error| {
                tracing::error!(error = %loggable(&error), "PostgreSQL read failed");
                StoreError::Unavailable
            })
    }

    async fn check_ready(&self) -> Result<(), &'static str> {
        let writer_open = self.inner.writer.is_open();
        let writer_runs = writer_open
            && self
                .inner
                .writer_task
                .lock()
                .await
                .as_ref()
                .is_some_and(|task| !task.is_finished());
        if !writer_runs {
            return Err("the vote writer is not running");
        }
        let Ok(client) = self.inner.pool.get().await else {
            return Err("no database server takes writes");
        };
        match client.query_one("SELECT pg_is_in_recovery()", &[]).await {
            Ok(row) if !row.get::<_, bool>(0) => Ok(()),
            Ok(_) => Err("the database server is a standby"),
            Err(error) => {
                tracing::warn!(error = %loggable(&error), "readiness: the primary does not answer");
                Err("the database server does not answer")
            }
        }
    }

    fn engine(&self) -> &'static str {
        "postgres"
    }

    fn writer_metrics(&self) -> WriterMetrics {
        self.inner.writer.metrics()
    }

    async fn shut_down(&self) {
        self.inner.writer.close();
        let task = self.inner.writer_task.lock().await.take();
        if let Some(task) = task
            && task.await.is_err()
        {
            tracing::error!("the PostgreSQL writer task failed");
        }
    }
}

/// A writer: waits for a vote, gathers every vote already queued behind it (or arriving within
/// `GROUP_WINDOW`), commits them together and answers each. The writers of a node take turns at
/// the queue: one gathers while the others commit. Ends when the store is shut down and the queue
/// is empty.
async fn run_writer(
    pool: Pool,
    shard: i16,
    queue: Arc<tokio::sync::Mutex<mpsc::Receiver<WriteJob>>>,
    metrics: WriterMetrics,
) {
    let mut batches: u64 = 0;
    loop {
        let group = {
            let mut jobs = queue.lock().await;
            let Some(first) = jobs.recv().await else {
                break;
            };
            let window_ends = Instant::now() + GROUP_WINDOW;
            let mut group = vec![first];
            while group.len() < MAX_GROUP {
                match jobs.try_recv() {
                    Ok(job) => group.push(job),
                    Err(_) => match tokio::time::timeout_at(window_ends, jobs.recv()).await {
                        Ok(Some(job)) => group.push(job),
                        _ => break,
                    },
                }
            }
            group
        };
        batches += 1;
        metrics.group_taken(group.len());
        let started = Instant::now();
        let votes: Vec<NewVote> = group.iter().map(|job| job.vote.clone()).collect();
        let with_tally: Vec<bool> = group.iter().map(|job| job.with_tally).collect();
        let outcomes = commit_group(
            &pool,
            shard,
            &votes,
            &with_tally,
            batches.is_multiple_of(PRUNE_EVERY),
        )
        .await;
        metrics.group_committed(started.elapsed());
        for (job, outcome) in group.into_iter().zip(outcomes) {
            job.answer(outcome);
        }
    }
}

/// How writing a batch failed.
enum BatchFailure {
    /// Before `COMMIT` was sent: nothing of the batch is stored.
    NotStored(tokio_postgres::Error),
    /// No connection could be had: nothing was sent.
    NoConnection(String),
    /// `COMMIT` was sent and no answer came back: the outcomes it would have had, in case it went in.
    CommitUnknown(tokio_postgres::Error, Vec<Result<Written, StoreError>>),
}

/// Writes the votes in one transaction and returns each vote's outcome, trying a broken batch again
/// on a fresh connection; see the module header for a `COMMIT` without an answer.
async fn commit_group(
    pool: &Pool,
    shard: i16,
    votes: &[NewVote],
    with_tally: &[bool],
    prune: bool,
) -> Vec<Result<Written, StoreError>> {
    let unavailable = || vec![Err(StoreError::Unavailable); votes.len()];
    for attempt in 1..=BATCH_ATTEMPTS {
        let batch_id = batch_id();
        match write_group(pool, shard, votes, with_tally, &batch_id, prune).await {
            Ok(outcomes) => return outcomes,
            Err(BatchFailure::NoConnection(error)) => {
                tracing::warn!(%error, attempt, votes = votes.len(), "no PostgreSQL connection for a batch");
            }
            Err(BatchFailure::NotStored(error)) => {
                tracing::warn!(error = %loggable(&error), attempt, votes = votes.len(), "a batch failed before its commit; none of it is stored");
            }
            Err(BatchFailure::CommitUnknown(error, outcomes)) => {
                tracing::warn!(error = %loggable(&error), attempt, "the commit of a batch got no answer; looking whether it went in");
                match batch_committed(pool, &batch_id).await {
                    Ok(true) => return outcomes,
                    Ok(false) => {}
                    Err(error) => {
                        tracing::error!(%error, votes = votes.len(), "cannot tell whether a batch was committed; its votes get 503");
                        return unavailable();
                    }
                }
            }
        }
    }
    unavailable()
}

/// What of a PostgreSQL error may go into a log: its code and message, never its detail, which
/// for a key violation repeats the key's values (a voter id among them).
fn loggable(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => error.to_string(),
    }
}

/// A random id for a batch's row in `vote_batch`.
fn batch_id() -> String {
    let mut bytes = [0u8; 16];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the batch `batch_id` was committed, asked on a fresh connection.
async fn batch_committed(pool: &Pool, batch_id: &str) -> Result<bool, String> {
    let client = pool.get().await.map_err(|error| error.to_string())?;
    client
        .query_opt("SELECT 1 FROM vote_batch WHERE id = $1", &[&batch_id])
        .await
        .map(|row| row.is_some())
        .map_err(|error| error.to_string())
}

/// Where asked, each vote's answer gets the tally as this batch leaves it: the counts read once per
/// poll, after all its votes; the voter's own answers are those just stored, read only for a
/// repeat that stored nothing or a reader with more than one vote in the batch, whose later vote
/// may have changed the earlier (one more round trip, for the rare vote that needs it).
async fn write_group(
    pool: &Pool,
    shard: i16,
    votes: &[NewVote],
    with_tally: &[bool],
    batch_id: &str,
    prune: bool,
) -> Result<Vec<Result<Written, StoreError>>, BatchFailure> {
    let mut client = pool
        .get()
        .await
        .map_err(|error| BatchFailure::NoConnection(error.to_string()))?;
    let tx = client
        .transaction()
        .await
        .map_err(BatchFailure::NotStored)?;
    // Every node writes its ballots in the same order (by poll and voter), so two batches that
    // touch the same readers wait for each other at most one way round, never in a deadlock.
    let mut order: Vec<usize> = (0..votes.len()).collect();
    order.sort_by(|&a, &b| {
        (&votes[a].poll_id, &votes[a].voter).cmp(&(&votes[b].poll_id, &votes[b].voter))
    });
    // A reader with more than one vote here sits beside their others in that order.
    let same_reader = |a: usize, b: usize| {
        votes[a].poll_id == votes[b].poll_id && votes[a].voter == votes[b].voter
    };
    let mut alone = vec![true; votes.len()];
    for pair in order.windows(2) {
        if same_reader(pair[0], pair[1]) {
            alone[pair[0]] = false;
            alone[pair[1]] = false;
        }
    }
    let mut outcomes = vec![Err(StoreError::Unavailable); votes.len()];
    let mut counts = CountChanges::default();
    for index in order {
        outcomes[index] = write_one(&tx, &votes[index], &mut counts)
            .await?
            .map(|outcome| (outcome, None));
    }
    queries::apply_counts(&tx, shard, &counts)
        .await
        .map_err(BatchFailure::NotStored)?;
    let mut poll_tallies: Vec<(&str, Tally)> = Vec::new();
    for (((vote, wanted), written), alone) in votes
        .iter()
        .zip(with_tally)
        .zip(outcomes.iter_mut())
        .zip(alone)
    {
        let Ok((outcome, tally)) = written else {
            continue;
        };
        let stored = matches!(outcome, VoteOutcome::Recorded | VoteOutcome::Changed);
        if !*wanted || !(stored || *outcome == VoteOutcome::AlreadyVoted) {
            continue;
        }
        let poll_id = vote.poll_id.as_str();
        let position = match poll_tallies.iter().position(|(poll, _)| *poll == poll_id) {
            Some(position) => position,
            None => {
                let poll_tally = queries::tally(&tx, poll_id, None)
                    .await
                    .map_err(BatchFailure::NotStored)?;
                poll_tallies.push((poll_id, poll_tally));
                poll_tallies.len() - 1
            }
        };
        let own_choices = if stored && alone {
            let mut choices = vote.choices.clone();
            choices.sort();
            choices.dedup();
            choices
        } else {
            queries::tally(&tx, poll_id, Some(&vote.voter))
                .await
                .map_err(BatchFailure::NotStored)?
                .own_choices
        };
        *tally = Some(Tally {
            own_choices,
            ..poll_tallies[position].1.clone()
        });
    }
    tx.execute("INSERT INTO vote_batch (id) VALUES ($1)", &[&batch_id])
        .await
        .map_err(BatchFailure::NotStored)?;
    if prune {
        tx.execute(
            "DELETE FROM vote_batch WHERE committed_at < now() - interval '1 hour'",
            &[],
        )
        .await
        .map_err(BatchFailure::NotStored)?;
    }
    match tx.commit().await {
        Ok(()) => Ok(outcomes),
        Err(error) if error.code().is_some() => Err(BatchFailure::NotStored(error)),
        Err(error) => Err(BatchFailure::CommitUnknown(error, outcomes)),
    }
}

/// Writes one vote under its own savepoint (`queries::record_vote` opens and releases it), so that a
/// vote that fails does not take the batch down; a deadlock or serialisation failure against
/// another node is tried again.
async fn write_one(
    tx: &deadpool_postgres::Transaction<'_>,
    vote: &NewVote,
    counts: &mut CountChanges,
) -> Result<Result<VoteOutcome, StoreError>, BatchFailure> {
    for attempt in 0..=VOTE_RETRIES {
        let mut changes = CountChanges::default();
        match queries::record_vote(tx, vote, &mut changes).await {
            Ok(outcome) => {
                counts.merge(changes);
                return Ok(Ok(outcome));
            }
            Err(error) if error.code().is_none() => return Err(BatchFailure::NotStored(error)),
            Err(error) => {
                tx.batch_execute("ROLLBACK TO SAVEPOINT vote; RELEASE SAVEPOINT vote")
                    .await
                    .map_err(BatchFailure::NotStored)?;
                let contended = matches!(
                    error.code(),
                    Some(&SqlState::T_R_DEADLOCK_DETECTED)
                        | Some(&SqlState::T_R_SERIALIZATION_FAILURE)
                );
                if contended && attempt < VOTE_RETRIES {
                    continue;
                }
                tracing::error!(error = %loggable(&error), "recording a vote failed; it was rolled back");
                return Ok(Err(StoreError::Unavailable));
            }
        }
    }
    Ok(Err(StoreError::Unavailable))
}

/// How a batch changes the running counts: per answer and per poll, added up before they are
/// written once per batch.
#[derive(Debug, Default)]
pub(crate) struct CountChanges {
    pub options: HashMap<i64, i64>,
    pub voters: HashMap<i64, i64>,
}

impl CountChanges {
    fn merge(&mut self, other: CountChanges) {
        for (option, change) in other.options {
            *self.options.entry(option).or_default() += change;
        }
        for (poll, change) in other.voters {
            *self.voters.entry(poll).or_default() += change;
        }
    }
}

#[cfg(test)]
mod contract_tests;
#[cfg(test)]
mod tests;
