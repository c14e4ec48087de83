//! The run-queue watcher's verdicts turned into the share of page requests refused (see the
//! admission module's header).

use super::codel::Codel;
use std::time::Duration;
use tokio::runtime::RuntimeMetrics;
use tokio::time::Instant;

/// How often `watch_runtime` looks at the run queue.
pub(super) const RUNTIME_TICK: Duration = Duration::from_millis(5);

/// The share of an interval the runtime's workers spent busy at or above which they are full: a
/// worker that hardly ever waits for work has a queue in front of it all along.
pub(super) const BUSY_FULL: f64 = 0.95;
/// Below it the workers had time to spare and the share of pages refused comes down; between the
/// two it holds, so that it settles where the workers are just short of full instead of swinging
/// between none refused and a queue.
pub(super) const BUSY_SPARE: f64 = 0.85;
/// How far apart the shares of votes and of pages refused may be before full workers move the
/// pages' share: a tenth, its own step, so it does not swing around the votes'.
const FAIRNESS_MARGIN: f64 = 0.1;

/// What an interval says about the runtime, for the share of pages refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
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
pub(super) struct Interval {
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
    pub(super) fn of(seen: Interval) -> Verdict {
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
pub(super) struct BusyShare {
    runtime: RuntimeMetrics,
    busy_before: Duration,
    looked_at: std::time::Instant,
}

impl BusyShare {
    pub(super) fn new(runtime: RuntimeMetrics) -> BusyShare {
        let busy_before = total_busy(&runtime);
        BusyShare {
            runtime,
            busy_before,
            looked_at: std::time::Instant::now(),
        }
    }

    /// The share of the time since the last look that the workers spent busy, 0 to 1.
    pub(super) fn since_last_look(&mut self) -> f64 {
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
pub(super) struct RuntimeLag {
    codel: Codel,
    share: u32,
    interval_ends: Option<Instant>,
}

impl RuntimeLag {
    pub(super) fn new(target: Duration, interval: Duration) -> RuntimeLag {
        RuntimeLag {
            codel: Codel::new(target, interval),
            share: 0,
            interval_ends: None,
        }
    }

    /// A timer late by `lag` at `now`; when that closes an interval, whether the run queue stood.
    pub(super) fn close_interval(&mut self, lag: Duration, now: Instant) -> Option<bool> {
        self.codel.observe(lag, now);
        let ends = *self.interval_ends.get_or_insert(now + self.codel.interval);
        if now < ends {
            return None;
        }
        self.interval_ends = Some(now + self.codel.interval);
        Some(self.codel.standing(now))
    }

    /// The share after an interval with the verdict `verdict`.
    pub(super) fn next_share(&mut self, verdict: Verdict) -> u32 {
        self.share = match verdict {
            Verdict::Full => (self.share + 100).min(900),
            Verdict::Unfair => self.share.saturating_sub(100),
            Verdict::Holding => self.share,
            Verdict::Spare => self.share.saturating_sub(200),
        };
        self.share
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
