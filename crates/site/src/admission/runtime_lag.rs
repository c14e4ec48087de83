//! The run-queue watcher's verdicts turned into the share of page requests refused (see the
//! admission module's header).

use super::codel::Codel;
use std::time::Duration;
use tokio::time::Instant;

/// How often `watch_runtime` looks at the run queue.
pub(super) const RUNTIME_TICK: Duration = Duration::from_millis(5);

/// The run queue's verdicts turned into the share of pages refused: up a tenth after each interval
/// in which the queue stood (and readers came in numbers), down a fifth after each other one, at
/// most nine tenths.
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

    /// The share after an interval in which the queue did (or did not) stand for readers.
    pub(super) fn next_share(&mut self, standing: bool) -> u32 {
        self.share = if standing {
            (self.share + 100).min(900)
        } else {
            self.share.saturating_sub(200)
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
                shares.push(lag.next_share(standing));
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
}
