//! CoDel's standing-queue rule for a request queue (folly's variant), shared by the vote queue
//! and the run-queue watcher: the shortest wait of each interval says whether the queue ever
//! drained in it.

use std::time::Duration;
use tokio::time::Instant;

/// CoDel's standing-queue detector for a request queue: the shortest wait seen in each interval;
/// when that was above the target, the queue was never empty then, and the next interval counts
/// as standing.
#[derive(Debug)]
pub(super) struct Codel {
    target: Duration,
    pub(super) interval: Duration,
    /// When the current interval ends; none before the first wait.
    interval_ends: Option<Instant>,
    /// The shortest wait of the current interval.
    shortest: Duration,
    /// The last whole interval's shortest wait was above the target.
    overloaded: bool,
}

impl Codel {
    pub(super) fn new(target: Duration, interval: Duration) -> Codel {
        Codel {
            target,
            interval,
            interval_ends: None,
            shortest: Duration::MAX,
            overloaded: false,
        }
    }

    /// A request that waited `wait`, taken (or given up) at `now`.
    pub(super) fn observe(&mut self, wait: Duration, now: Instant) {
        self.roll(now);
        self.shortest = self.shortest.min(wait);
        if self.interval_ends.is_none() {
            self.interval_ends = Some(now + self.interval);
        }
    }

    /// Whether the queue is standing at `now`.
    pub(super) fn standing(&mut self, now: Instant) -> bool {
        self.roll(now);
        self.overloaded
    }

    /// Closes the interval when it has ended: its verdict holds for the next one. An interval
    /// without any request says nothing, and after a quiet one the queue is not standing.
    fn roll(&mut self, now: Instant) {
        let Some(ends) = self.interval_ends else {
            return;
        };
        if now < ends {
            return;
        }
        self.overloaded = now < ends + self.interval && self.shortest > self.target;
        self.shortest = Duration::MAX;
        self.interval_ends = Some(now + self.interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: Duration = Duration::from_millis(20);
    const INTERVAL: Duration = Duration::from_millis(100);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn short_waits_never_make_a_standing_queue() {
        let start = Instant::now();
        let mut codel = Codel::new(TARGET, INTERVAL);
        for step in 0..50 {
            codel.observe(ms(step % 30), start + ms(step * 10));
            assert!(!codel.standing(start + ms(step * 10)));
        }
    }

    #[test]
    fn a_whole_interval_of_long_waits_is_a_standing_queue_until_a_short_one_is_seen() {
        let start = Instant::now();
        let mut codel = Codel::new(TARGET, INTERVAL);
        for step in 0..10 {
            codel.observe(ms(50), start + ms(step * 10));
        }
        assert!(
            codel.standing(start + ms(101)),
            "every wait of the interval was above the target"
        );
        // One short wait in the next interval: when it closes, the queue drained once.
        codel.observe(ms(1), start + ms(150));
        codel.observe(ms(60), start + ms(180));
        assert!(
            codel.standing(start + ms(190)),
            "the verdict holds for the interval"
        );
        assert!(!codel.standing(start + ms(205)));
    }

    #[test]
    fn one_long_wait_among_short_ones_is_a_burst_not_a_queue() {
        let start = Instant::now();
        let mut codel = Codel::new(TARGET, INTERVAL);
        codel.observe(ms(200), start);
        codel.observe(ms(2), start + ms(50));
        assert!(!codel.standing(start + ms(120)));
    }

    #[test]
    fn a_quiet_spell_ends_the_standing_queue() {
        let start = Instant::now();
        let mut codel = Codel::new(TARGET, INTERVAL);
        codel.observe(ms(80), start);
        assert!(codel.standing(start + ms(100)));
        // Nothing for two intervals: the old verdict is stale.
        let mut quiet = Codel::new(TARGET, INTERVAL);
        quiet.observe(ms(80), start);
        assert!(!quiet.standing(start + ms(250)));
    }
}
