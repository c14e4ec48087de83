//! Admission by class: which requests a full node still takes. Pages and built files, votes, live
//! streams, the desk, the sign-in form's posts, and the health checks with the metrics each have a
//! budget of their own, so readers' load never starves the desk or a load balancer's health check,
//! and a page from memory is not shed like a vote; votes also wait in a queue of their own, which
//! refuses them early once waiting has become a standing queue (CoDel).
//!
//! The sign-in's posts are apart from the desk because anyone can send them, and each holds its
//! place while its body arrives and through its password check: 32 posts declaring a body they
//! never sent once held every desk place for the whole request timeout, and a signed-in editor got
//! the busy page. Every other desk request either sends no body or has its session checked before
//! its body is read (`stembus_desk::extract`), so only editors can hold the desk's places for
//! longer than a store read; a sign-in post holds one of its own few, and for 2 s at most while its
//! body comes.
//!
//! Hand-written rather than tower's `ConcurrencyLimit`, which covers one service with one count and
//! queues without bound behind it, or an adaptive-limit crate: the classes share one router (one
//! count per class, chosen by the request's path), and the vote queue's rule is a dozen lines of
//! folly's (and Facebook's RPC servers') CoDel for request queues: when the shortest wait of an
//! interval was above the target, there is a standing queue, and for the next interval a vote that
//! finds no free place is refused at once (503 and `Retry-After`) instead of queueing behind it.
//! A refused vote costs a few microseconds; a served one a write to the store.
//!
//! Pages come from memory in microseconds, so their count in flight stays low even when the node is
//! full: the queue then builds where no count sees it, in the runtime's run queue and the sockets.
//! The run-queue watcher (`runtime_lag`) refuses a share of new pages then, never the desk's.

mod codel;
mod runtime_lag;
mod vote_queue;

use crate::metrics::Metrics;
use axum::http::Method;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use vote_queue::VoteQueue;
// tokio's, not std's: the same clock as the queue's timeout, which tests can pause and move.
use tokio::time::Instant;

/// The kinds of request a node budgets apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestClass {
    /// Pages, built files, the API's reads, the embed: everything readers read.
    Pages,
    /// A vote (`POST` to the vote's door).
    Votes,
    /// A live-results stream being opened.
    Streams,
    /// The editors' desk, its sign-in form too: what must answer when readers fill the node.
    Desk,
    /// A post of the desk's sign-in form, which anyone can send before there is a session.
    SignIn,
    /// The health checks and the metrics: what a load balancer and the monitoring ask.
    Health,
}

impl RequestClass {
    pub const ALL: [RequestClass; 6] = [
        RequestClass::Pages,
        RequestClass::Votes,
        RequestClass::Streams,
        RequestClass::Desk,
        RequestClass::SignIn,
        RequestClass::Health,
    ];

    /// The class's name in `/metrics`.
    pub fn label(self) -> &'static str {
        match self {
            RequestClass::Pages => "pages",
            RequestClass::Votes => "votes",
            RequestClass::Streams => "streams",
            RequestClass::Desk => "desk",
            RequestClass::SignIn => "sign_in",
            RequestClass::Health => "health",
        }
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shed {
    /// The class had as many requests in flight as its budget (and, for votes, its queue was full).
    Full,
    /// Votes have been waiting longer than the target: a standing queue.
    Queue,
    /// New live streams come faster than the node admits them.
    Rate,
    /// The runtime's run queue has been standing: a share of new pages is refused.
    Lag,
    /// The listener held as many connections as it may: the request came on one past them.
    Connections,
}

impl Shed {
    /// The reason's name in `/metrics`.
    pub fn label(self) -> &'static str {
        match self {
            Shed::Full => "full",
            Shed::Queue => "queue",
            Shed::Rate => "rate",
            Shed::Lag => "lag",
            Shed::Connections => "connections",
        }
    }
}

/// What a node takes at once, per class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budgets {
    /// Page (and file, and API read) requests in flight. A page from memory takes microseconds:
    /// the bound is for rendered pages, which take a store read each.
    pub pages: usize,
    /// Votes in flight past the queue, each waiting for the store's writer: enough to fill the
    /// writer's batches (which commit together), few enough that each is answered quickly.
    pub votes: usize,
    /// Votes waiting for a place, at most.
    pub vote_queue: usize,
    /// The wait a vote may take without it being a standing queue (CoDel's target).
    pub vote_target: Duration,
    /// The window over which the shortest wait is taken (CoDel's interval).
    pub vote_interval: Duration,
    /// Live streams being opened at once (an open stream holds a slot of the stream hub instead;
    /// the hub also bounds how many are admitted a second). Readers reconnecting after a restart
    /// come hundreds at once.
    pub streams: usize,
    /// Desk requests in flight, the sign-in form's posts apart.
    pub desk: usize,
    /// Sign-in posts in flight: enough for a newsroom signing in at once (each takes a password
    /// check of tens of milliseconds), few enough that anyone filling them holds no more than that.
    pub sign_in: usize,
    /// Health check and metrics requests in flight.
    pub health: usize,
    /// How late the run-queue watcher's timer may be without the run queue standing, and the
    /// interval over which the shortest lateness is taken: long and lenient, as a machine busy with
    /// something else (a browser beside the server in CI) makes the timer late too.
    pub runtime_lag_target: Duration,
    pub runtime_lag_interval: Duration,
    /// Page requests a second below which the run queue is never the readers' doing: no page is
    /// shed for it, however late the timer.
    pub runtime_lag_min_pages_per_second: u32,
}

impl Default for Budgets {
    fn default() -> Budgets {
        Budgets {
            pages: 512,
            votes: 64,
            vote_queue: 1024,
            vote_target: Duration::from_millis(20),
            vote_interval: Duration::from_millis(100),
            streams: 512,
            desk: 32,
            sign_in: 8,
            health: 16,
            runtime_lag_target: Duration::from_millis(50),
            runtime_lag_interval: Duration::from_secs(1),
            runtime_lag_min_pages_per_second: 1_000,
        }
    }
}

/// The desk's sign-in form (`stembus_desk::SIGN_IN` is this): its posts are `RequestClass::SignIn`,
/// told apart before the router, as `/redactie` is for the desk's class.
pub const SIGN_IN_PATH: &str = "/redactie/aanmelden";

/// The seconds a refused request is told to wait (`Retry-After`): long enough for a standing queue
/// to drain, short enough that a reader trying again is not kept waiting.
pub const BUSY_RETRY_AFTER_SECONDS: u64 = 2;

/// When a request reached the node: stamped by the serve loop as hyper hands it over, so the
/// vote queue's wait counts the time the request spent behind others on the runtime too.
#[derive(Debug, Clone, Copy)]
pub struct Arrival(pub Instant);

/// The node's budgets, shared by the serve loop (pages, streams, desk) and the vote's door (votes).
pub struct Admission {
    budgets: Budgets,
    /// The share of new page requests refused now, in thousandths (`watch_runtime` sets it).
    pages_shed_per_mille: AtomicU32,
    /// Counts page requests, to pick which of them fall in the share.
    pages_seen: AtomicU32,
    /// Counts votes that came and votes refused, for the run-queue watcher to weigh the classes.
    votes_seen: AtomicU32,
    votes_refused: AtomicU32,
    vote_path: &'static str,
    pages: Arc<Semaphore>,
    streams: Arc<Semaphore>,
    desk: Arc<Semaphore>,
    sign_in: Arc<Semaphore>,
    health: Arc<Semaphore>,
    votes: VoteQueue,
    metrics: Arc<Metrics>,
}

/// A request's place in its class: held until its answer has been produced.
pub struct Admitted(#[allow(dead_code)] Option<OwnedSemaphorePermit>);

impl Admission {
    /// The budgets `budgets`, with votes being `POST`s to `vote_path`; refusals are counted in
    /// `metrics`.
    pub fn new(budgets: Budgets, vote_path: &'static str, metrics: Arc<Metrics>) -> Admission {
        Admission {
            budgets,
            pages_shed_per_mille: AtomicU32::new(0),
            pages_seen: AtomicU32::new(0),
            votes_seen: AtomicU32::new(0),
            votes_refused: AtomicU32::new(0),
            vote_path,
            pages: Arc::new(Semaphore::new(budgets.pages)),
            streams: Arc::new(Semaphore::new(budgets.streams)),
            desk: Arc::new(Semaphore::new(budgets.desk)),
            sign_in: Arc::new(Semaphore::new(budgets.sign_in)),
            health: Arc::new(Semaphore::new(budgets.health)),
            votes: VoteQueue::new(&budgets),
            metrics,
        }
    }

    /// The budgets this admission was made with.
    pub fn budgets(&self) -> Budgets {
        self.budgets
    }

    /// The class of a request for `path` with `method`.
    pub fn class_of(&self, method: &Method, path: &str) -> RequestClass {
        if path == self.vote_path && method == Method::POST {
            RequestClass::Votes
        } else if path.starts_with("/api/polls/") && path.ends_with("/live") {
            RequestClass::Streams
        } else if path == SIGN_IN_PATH && method == Method::POST {
            RequestClass::SignIn
        } else if path.starts_with("/redactie") {
            RequestClass::Desk
        } else if matches!(path, "/healthz" | "/readyz" | "/metrics") {
            RequestClass::Health
        } else {
            RequestClass::Pages
        }
    }

    /// A place for a request of `class` other than a vote, or the refusal, at once: these never
    /// wait, as a page, a stream's opening or a health check is answered in far less time than a
    /// reader would wait for a place. Votes take theirs in the vote's door (`enter_vote`), where
    /// the refusal can be shaped as the form that sent it; here they pass.
    pub fn admit(&self, class: RequestClass) -> Result<Admitted, Shed> {
        if class == RequestClass::Pages && self.in_shed_share() {
            self.count(class, Shed::Lag);
            return Err(Shed::Lag);
        }
        let budget = match class {
            RequestClass::Pages => &self.pages,
            RequestClass::Streams => &self.streams,
            RequestClass::Desk => &self.desk,
            RequestClass::SignIn => &self.sign_in,
            RequestClass::Health => &self.health,
            RequestClass::Votes => return Ok(Admitted(None)),
        };
        match budget.clone().try_acquire_owned() {
            Ok(permit) => Ok(Admitted(Some(permit))),
            Err(_) => {
                self.count(class, Shed::Full);
                Err(Shed::Full)
            }
        }
    }

    /// A place for a vote that reached the node at `arrived`: at once when one is free; else in
    /// the queue, unless the queue is standing (refused at once) or full; a vote that waited a
    /// whole interval without a place is refused then.
    pub async fn enter_vote(&self, arrived: Instant) -> Result<Admitted, Shed> {
        self.votes_seen.fetch_add(1, Ordering::Relaxed);
        let entered = self.votes.enter(arrived).await;
        if let Err(shed) = entered {
            self.votes_refused.fetch_add(1, Ordering::Relaxed);
            self.count(RequestClass::Votes, shed);
        }
        entered.map(|permit| Admitted(Some(permit)))
    }

    /// Whether this page request falls in the share refused now: requests are numbered, and of
    /// each thousand the first `share` are refused, spread by a multiplicative hash of the number
    /// (deterministic, no random source per request).
    fn in_shed_share(&self) -> bool {
        let n = self.pages_seen.fetch_add(1, Ordering::Relaxed);
        let share = self.pages_shed_per_mille.load(Ordering::Relaxed);
        share > 0 && n.wrapping_mul(2_654_435_761) % 1_000 < share
    }

    /// Counts a refusal made elsewhere for this node's budgets (the stream hub's admission rate).
    pub fn count(&self, class: RequestClass, shed: Shed) {
        self.metrics.request_shed(class.label(), shed.label());
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_shed_share_refuses_that_share_of_pages_and_never_the_desk() {
        let admission = admission(Budgets::default());
        admission.pages_shed_per_mille.store(300, Ordering::Relaxed);
        let refused = (0..10_000)
            .filter(|_| matches!(admission.admit(RequestClass::Pages), Err(Shed::Lag)))
            .count();
        assert!((2_800..=3_200).contains(&refused), "{refused}");
        assert!((0..100).all(|_| admission.admit(RequestClass::Desk).is_ok()));
        assert!((0..100).all(|_| admission.admit(RequestClass::Health).is_ok()));
        let metrics = admission.metrics.render();
        assert!(
            metrics.contains(&format!(
                "stembus_shed_requests_total{{class=\"pages\",reason=\"lag\"}} {refused}"
            )),
            "{metrics}"
        );
    }

    pub(super) fn admission(budgets: Budgets) -> Admission {
        let writer = stembus_store::writer::WriterMetrics::default();
        Admission::new(
            budgets,
            "/api/stem",
            Arc::new(Metrics::new("sqlite", &writer, 10)),
        )
    }

    #[test]
    fn requests_are_classed_by_path_and_method() {
        let admission = admission(Budgets::default());
        let class = |method: Method, path| admission.class_of(&method, path);
        assert_eq!(class(Method::POST, "/api/stem"), RequestClass::Votes);
        assert_eq!(class(Method::GET, "/api/stem"), RequestClass::Pages);
        assert_eq!(
            class(Method::GET, "/api/polls/p/live"),
            RequestClass::Streams
        );
        assert_eq!(class(Method::GET, "/api/polls/p"), RequestClass::Pages);
        assert_eq!(class(Method::GET, "/redactie/polls"), RequestClass::Desk);
        assert_eq!(
            class(Method::POST, "/redactie/inloggen"),
            RequestClass::Desk
        );
        assert_eq!(
            class(Method::POST, "/redactie/aanmelden"),
            RequestClass::SignIn
        );
        assert_eq!(
            class(Method::GET, "/redactie/aanmelden"),
            RequestClass::Desk,
            "the form itself is the desk's: it reads no body"
        );
        assert_eq!(class(Method::GET, "/healthz"), RequestClass::Health);
        assert_eq!(class(Method::GET, "/readyz"), RequestClass::Health);
        assert_eq!(class(Method::GET, "/metrics"), RequestClass::Health);
        assert_eq!(class(Method::GET, "/artikel/x"), RequestClass::Pages);
        assert_eq!(class(Method::GET, "/pkg/stembus.css"), RequestClass::Pages);
    }

    #[test]
    fn a_full_class_refuses_at_once_while_the_others_still_admit_and_refusals_are_counted() {
        let admission = admission(Budgets {
            pages: 2,
            desk: 1,
            sign_in: 2,
            ..Budgets::default()
        });
        let held = [
            admission.admit(RequestClass::Pages).unwrap(),
            admission.admit(RequestClass::Pages).unwrap(),
        ];
        assert!(matches!(
            admission.admit(RequestClass::Pages),
            Err(Shed::Full)
        ));
        assert!(
            admission.admit(RequestClass::Desk).is_ok(),
            "the desk has its own"
        );
        drop(held);
        assert!(
            admission.admit(RequestClass::Pages).is_ok(),
            "places come back"
        );
        // Sign-in posts, which anyone can send, filling their class reach neither the desk nor the
        // health checks.
        let sign_ins = [
            admission.admit(RequestClass::SignIn).unwrap(),
            admission.admit(RequestClass::SignIn).unwrap(),
        ];
        assert!(matches!(
            admission.admit(RequestClass::SignIn),
            Err(Shed::Full)
        ));
        let desk = admission.admit(RequestClass::Desk).unwrap();
        assert!(matches!(
            admission.admit(RequestClass::Desk),
            Err(Shed::Full)
        ));
        assert!(
            admission.admit(RequestClass::Health).is_ok(),
            "health has its own"
        );
        drop((desk, sign_ins));
        let metrics = admission.metrics.render();
        assert!(
            metrics.contains("stembus_shed_requests_total{class=\"pages\",reason=\"full\"} 1"),
            "{metrics}"
        );
        assert!(
            metrics.contains("stembus_shed_requests_total{class=\"sign_in\",reason=\"full\"} 1"),
            "{metrics}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_vote_that_finds_no_place_waits_for_one() {
        let admission = Arc::new(admission(Budgets {
            votes: 1,
            ..Budgets::default()
        }));
        let first = admission.enter_vote(Instant::now()).await.unwrap();
        let second = {
            let admission = admission.clone();
            tokio::spawn(async move { admission.enter_vote(Instant::now()).await.is_ok() })
        };
        tokio::time::sleep(ms(60)).await;
        drop(first);
        assert!(
            second.await.unwrap(),
            "taken once the first's place was free"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_standing_vote_queue_refuses_the_next_vote_at_once_until_it_drains() {
        let admission = Arc::new(admission(Budgets {
            votes: 1,
            ..Budgets::default()
        }));
        let waiter = |admission: &Arc<Admission>| {
            let admission = admission.clone();
            tokio::spawn(async move { admission.enter_vote(Instant::now()).await.is_ok() })
        };
        let held = admission.enter_vote(Instant::now()).await.unwrap();
        // Two intervals in which every waiting vote waited the whole interval in vain.
        let first = waiter(&admission);
        tokio::time::sleep(ms(101)).await;
        assert!(
            !first.await.unwrap(),
            "a vote that waited a whole interval is refused"
        );
        let second = waiter(&admission);
        tokio::time::sleep(ms(101)).await;
        assert!(!second.await.unwrap());
        let refused_at = Instant::now();
        assert!(matches!(
            admission.enter_vote(Instant::now()).await,
            Err(Shed::Queue)
        ));
        assert_eq!(Instant::now(), refused_at, "refused without waiting");
        drop(held);
        tokio::time::sleep(ms(250)).await;
        assert!(
            admission.enter_vote(Instant::now()).await.is_ok(),
            "once the queue drained, votes are taken again"
        );
        let metrics = admission.metrics.render();
        assert!(
            metrics.contains("stembus_shed_requests_total{class=\"votes\",reason=\"queue\"} 3"),
            "{metrics}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_vote_queue_refuses_at_once() {
        let admission = Arc::new(admission(Budgets {
            votes: 1,
            vote_queue: 1,
            ..Budgets::default()
        }));
        let _held = admission.enter_vote(Instant::now()).await.unwrap();
        let _waiter = {
            let admission = admission.clone();
            tokio::spawn(async move { admission.enter_vote(Instant::now()).await.is_ok() })
        };
        tokio::task::yield_now().await;
        assert!(matches!(
            admission.enter_vote(Instant::now()).await,
            Err(Shed::Full)
        ));
        let metrics = admission.metrics.render();
        assert!(
            metrics.contains("stembus_shed_requests_total{class=\"votes\",reason=\"full\"} 1"),
            "{metrics}"
        );
    }
}
