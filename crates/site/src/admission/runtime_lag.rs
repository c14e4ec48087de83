//! The run-queue watcher: the share of new page requests a full node refuses.
//!
//! `Admission::watch_runtime` looks for the queue in the runtime two ways each second: a timer that
//! should fire every 5 ms is late by the run queue's length when it was late by more than 50 ms
//! through the whole second (the same CoDel rule); and tokio's count of its workers' busy time says
//! they were busy 95 % of the second or more, never waiting for work. The timer alone misses a
//! queue of many short tasks, as tokio runs a task its timer just woke next, ahead of the queue.
//! While more than a thousand pages a second come in, a share of new page requests is refused at
//! once, outside the router: it grows by a tenth each second the timer stood, and each second the
//! workers were full while votes were refused more than pages; it shrinks by a tenth each second
//! they were full while pages were refused more than votes, holds while the workers are busy 85 %
//! or more, and shrinks by a fifth each other second. So the classes are refused alike when the
//! node is full, and refused pages free the workers for the votes waiting behind them
//! (`Verdict::of` says why not more). (A 5 ms target over 100 ms refused a browser test's page on a
//! CI machine busy with the browser itself: neither sign alone says the readers caused it, hence
//! the thousand pages.) A refusal spares the routing, the headers and the counters, not the
//! kernel's half of a request's cost (docs/performance.md has the profile), so this frees less of
//! the core than refusing a vote does. The desk and the health checks are never shed so.

use super::Admission;
use super::codel::Codel;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::runtime::RuntimeMetrics;
use tokio::time::Instant;

/// How often `watch_runtime` looks at the run queue.
const RUNTIME_TICK: Duration = Duration::from_millis(5);

/// The share of an interval the runtime's workers spent busy at or above which they are full: a
/// worker that hardly ever waits for work has a queue in front of it all along.
const BUSY_FULL: f64 = 0.95;
/// Below it the workers had time to spare and the share of pages refused comes down; between the
/// two it holds, so that it settles where the workers are just short of full instead of swinging
/// between none refused and a queue.
const BUSY_SPARE: f64 = 0.85;
/// How far apart the shares of votes and of pages refused may be before full workers move the
/// pages' share: a tenth, its own step, so it does not swing around the votes'.
const FAIRNESS_MARGIN: f64 = 0.1;

/// What an interval says about the runtime, for the share of pages refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Its run queue stood, or its workers were full while votes were refused more than pages:
    /// refuse more pages.
    Full,
    /// Its workers were full while pages were refused more than votes: refuse fewer.
    Unfair,
    /// Its workers were nearly full: keep the share as it is.
    Holding,
    /// Room to spare, or too few readers to blame.
    Spare,
}

/// What the watcher saw in one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Interval {
    /// The timer's lateness stood through it.
    pub lag_standing: bool,
    /// The share of it the workers spent busy, 0 to 1.
    pub busy_share: f64,
    /// The share of the votes that came in it that were refused, 0 to 1.
    pub votes_refused: f64,
    /// The share of the pages refused for the runtime's sake in it (the share in force), 0 to 1.
    pub pages_refused: f64,
    /// Readers came in numbers.
    pub readers_came: bool,
}

impl Verdict {
    /// The verdict on an interval.
    ///
    /// Full workers move the share towards refusing votes and pages alike, as far as each class
    /// goes: a page refused still costs the kernel's half of a page, so refusing pages until the
    /// workers have time to spare would refuse nearly all of them (tried: 74 % at twice the
    /// capacity, the workers still 97 % busy), and refusing them for as long as any vote is refused
    /// refused 61 % of the pages to serve 115 % of the votes. The share, in tenths, goes up while
    /// votes are refused more than a tenth above the pages' share, and down while they are refused
    /// more than a tenth below it.
    fn of(seen: Interval) -> Verdict {
        if !seen.readers_came {
            Verdict::Spare
        } else if seen.lag_standing {
            Verdict::Full
        } else if seen.busy_share >= BUSY_FULL {
            if seen.votes_refused > seen.pages_refused + FAIRNESS_MARGIN {
                Verdict::Full
            } else if seen.votes_refused + FAIRNESS_MARGIN < seen.pages_refused {
                Verdict::Unfair
            } else {
                Verdict::Holding
            }
        } else if seen.busy_share >= BUSY_SPARE {
            Verdict::Holding
        } else {
            Verdict::Spare
        }
    }
}

/// How busy the runtime's workers were since the last look, from tokio's own count of each
/// worker's busy time. That count runs on the system's clock, not tokio's (which tests pause), so
/// this measures the interval on the same clock.
struct BusyShare {
    runtime: RuntimeMetrics,
    busy_before: Duration,
    looked_at: std::time::Instant,
}

impl BusyShare {
    fn new(runtime: RuntimeMetrics) -> BusyShare {
        let busy_before = total_busy(&runtime);
        BusyShare {
            runtime,
            busy_before,
            looked_at: std::time::Instant::now(),
        }
    }

    /// The share of the time since the last look that the workers spent busy, 0 to 1.
    fn since_last_look(&mut self) -> f64 {
        let busy = total_busy(&self.runtime);
        let now = std::time::Instant::now();
        let available = now.duration_since(self.looked_at).as_secs_f64()
            * self.runtime.num_workers().max(1) as f64;
        let share = if available > 0.0 {
            busy.saturating_sub(self.busy_before).as_secs_f64() / available
        } else {
            0.0
        };
        self.busy_before = busy;
        self.looked_at = now;
        share.clamp(0.0, 1.0)
    }
}

fn total_busy(runtime: &RuntimeMetrics) -> Duration {
    (0..runtime.num_workers())
        .map(|worker| runtime.worker_total_busy_duration(worker))
        .sum()
}

/// The intervals' verdicts turned into the share of pages refused: up a tenth after a `Full` one,
/// down a tenth after an `Unfair` one, held after a `Holding` one and down a fifth after a `Spare`
/// one, at most nine tenths.
#[derive(Debug)]
struct RuntimeLag {
    codel: Codel,
    share: u32,
    interval_ends: Option<Instant>,
}

impl RuntimeLag {
    fn new(target: Duration, interval: Duration) -> RuntimeLag {
        RuntimeLag {
            codel: Codel::new(target, interval),
            share: 0,
            interval_ends: None,
        }
    }

    /// A timer late by `lag` at `now`; when that closes an interval, whether the run queue stood.
    fn close_interval(&mut self, lag: Duration, now: Instant) -> Option<bool> {
        self.codel.observe(lag, now);
        let ends = *self.interval_ends.get_or_insert(now + self.codel.interval);
        if now < ends {
            return None;
        }
        self.interval_ends = Some(now + self.codel.interval);
        Some(self.codel.standing(now))
    }

    /// The share after an interval with the verdict `verdict`.
    fn next_share(&mut self, verdict: Verdict) -> u32 {
        self.share = match verdict {
            Verdict::Full => (self.share + 100).min(900),
            Verdict::Unfair => self.share.saturating_sub(100),
            Verdict::Holding => self.share,
            Verdict::Spare => self.share.saturating_sub(200),
        };
        self.share
    }
}

impl Admission {
    /// Watches the runtime's run queue for as long as the node runs (the server spawns it): see the
    /// module's header.
    pub async fn watch_runtime(self: Arc<Self>) {
        let budgets = self.budgets;
        let mut lag = RuntimeLag::new(budgets.runtime_lag_target, budgets.runtime_lag_interval);
        let least_pages = (f64::from(budgets.runtime_lag_min_pages_per_second)
            * budgets.runtime_lag_interval.as_secs_f64()) as u32;
        let mut pages_before = self.pages_seen.load(Ordering::Relaxed);
        let mut votes_before = self.vote_counts();
        let mut busy = BusyShare::new(tokio::runtime::Handle::current().metrics());
        loop {
            let due = Instant::now() + RUNTIME_TICK;
            tokio::time::sleep_until(due).await;
            let now = Instant::now();
            let late = now.saturating_duration_since(due);
            let Some(standing) = lag.close_interval(late, now) else {
                continue;
            };
            // A standing run queue without readers arriving in numbers is not theirs to pay for.
            let pages = self.pages_seen.load(Ordering::Relaxed);
            let readers_came = pages.wrapping_sub(pages_before) >= least_pages;
            pages_before = pages;
            let votes = self.vote_counts();
            let (votes_came, votes_refused) = (
                votes.0.wrapping_sub(votes_before.0),
                votes.1.wrapping_sub(votes_before.1),
            );
            votes_before = votes;
            let verdict = Verdict::of(Interval {
                lag_standing: standing,
                busy_share: busy.since_last_look(),
                votes_refused: f64::from(votes_refused) / f64::from(votes_came.max(1)),
                pages_refused: f64::from(self.pages_shed_per_mille.load(Ordering::Relaxed))
                    / 1_000.0,
                readers_came,
            });
            let share = lag.next_share(verdict);
            self.pages_shed_per_mille.store(share, Ordering::Relaxed);
        }
    }

    /// The votes that came so far and those refused.
    fn vote_counts(&self) -> (u32, u32) {
        (
            self.votes_seen.load(Ordering::Relaxed),
            self.votes_refused.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admission::tests::admission;
    use crate::admission::{Budgets, RequestClass, Shed};
    use std::sync::Arc;

    const INTERVAL: Duration = Duration::from_millis(100);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_standing_run_queue_sheds_a_growing_share_of_pages_and_a_quiet_one_gives_it_back() {
        let start = Instant::now();
        let mut lag = RuntimeLag::new(ms(5), INTERVAL);
        let mut shares = Vec::new();
        // A second of timers 20 ms late, then a second of timers on time.
        for step in 0..400u64 {
            let late = if step < 200 { ms(20) } else { ms(0) };
            if let Some(standing) = lag.close_interval(late, start + ms(step * 5)) {
                shares.push(lag.next_share(Verdict::of(Interval {
                    lag_standing: standing,
                    busy_share: 0.5,
                    votes_refused: 0.0,
                    pages_refused: 0.0,
                    readers_came: true,
                })));
            }
        }
        let peak = *shares.iter().max().unwrap();
        assert!(peak >= 500, "{shares:?}");
        assert!(
            shares.windows(2).take(8).all(|pair| pair[1] >= pair[0]),
            "{shares:?}"
        );
        assert!(*shares.last().unwrap() < peak, "{shares:?}");
        assert!(shares.iter().all(|share| *share <= 900));
    }

    #[test]
    fn full_workers_move_the_share_towards_votes_and_pages_refused_alike() {
        let start = Instant::now();
        let mut lag = RuntimeLag::new(ms(50), INTERVAL);
        let mut step = 0;
        // Ticks of 5 ms until an interval closes; the share after it. The timer is never late:
        // only the workers' busy share and the classes' refusals speak.
        let mut share_after = |busy_share: f64, votes_refused: f64, readers_came: bool| loop {
            step += 1;
            if let Some(standing) = lag.close_interval(ms(1), start + ms(step * 5)) {
                let pages_refused = f64::from(lag.share) / 1_000.0;
                break lag.next_share(Verdict::of(Interval {
                    lag_standing: standing,
                    busy_share,
                    votes_refused,
                    pages_refused,
                    readers_came,
                }));
            }
        };
        let shares: Vec<u32> = (0..8).map(|_| share_after(0.99, 0.5, true)).collect();
        assert_eq!(
            shares,
            [100, 200, 300, 400, 400, 400, 400, 400],
            "up while votes are refused more than a tenth above pages, then held"
        );
        assert_eq!(
            share_after(0.99, 0.2, true),
            300,
            "down while pages are refused more than votes"
        );
        assert_eq!(share_after(0.9, 0.9, true), 300, "nearly full holds it");
        assert_eq!(
            share_after(0.99, 0.9, false),
            100,
            "without readers in numbers it is not theirs to pay for"
        );
        assert_eq!(share_after(0.5, 0.9, true), 0, "spare workers lower it");
    }

    #[test]
    fn the_busy_share_counts_the_time_a_worker_did_not_wait_for_work() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let mut busy = BusyShare::new(runtime.metrics());
        // Asleep in a task, the worker is busy: it is not waiting for work.
        runtime.block_on(async {
            tokio::spawn(async { std::thread::sleep(ms(200)) })
                .await
                .unwrap();
        });
        let working = busy.since_last_look();
        // Waiting on a timer, it is idle.
        runtime.block_on(async { tokio::time::sleep(ms(200)).await });
        let waiting = busy.since_last_look();
        assert!(working > 0.8, "{working}");
        assert!(waiting < 0.2, "{waiting}");
    }

    /// Keeps the test's only worker busy for 1.5 s as readers would: 4 ms of work, ten pages (2,500
    /// a second) and a vote between the timer task's turns, the timer late by far less than the
    /// 50 ms target. How many of the pages were refused.
    async fn pages_refused_while_the_worker_is_full(admission: Arc<Admission>) -> usize {
        let watcher = tokio::spawn(admission.clone().watch_runtime());
        let busy_until = std::time::Instant::now() + Duration::from_millis(1_500);
        let mut refused = 0;
        while std::time::Instant::now() < busy_until {
            std::thread::sleep(ms(4));
            for _ in 0..10 {
                if matches!(admission.admit(RequestClass::Pages), Err(Shed::Lag)) {
                    refused += 1;
                }
            }
            drop(admission.enter_vote(Instant::now()).await);
            tokio::task::yield_now().await;
        }
        watcher.abort();
        refused
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_full_worker_refusing_votes_sheds_a_share_of_pages_though_the_timer_is_on_time() {
        // No place for a vote and no queue: every vote is refused.
        let admission = Arc::new(admission(Budgets {
            runtime_lag_interval: ms(100),
            votes: 0,
            vote_queue: 0,
            ..Budgets::default()
        }));
        let refused = pages_refused_while_the_worker_is_full(admission.clone()).await;
        assert!(refused > 0, "no page refused");
        assert!(
            admission.admit(RequestClass::Desk).is_ok(),
            "never the desk"
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_full_worker_whose_votes_pass_refuses_no_page() {
        let admission = Arc::new(admission(Budgets {
            runtime_lag_interval: ms(100),
            ..Budgets::default()
        }));
        assert_eq!(pages_refused_while_the_worker_is_full(admission).await, 0);
    }
}
