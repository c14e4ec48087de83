//! The wall clock, passed in through the state so that a test can stand on any date.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Where the site reads the time of day: poll opening hours, the transparency box, the rate limit's
/// day key. (Durations such as the page cache's age use `Instant`, which no test needs to set.)
pub trait Clock: Send + Sync {
    /// Seconds since 1970 (UTC).
    fn unix_seconds(&self) -> i64;

    /// Milliseconds since 1970 (UTC): when a standing was read, so that the island can tell which
    /// of two readings is the newer. A clock that only knows seconds gives their start.
    fn unix_millis(&self) -> i64 {
        self.unix_seconds() * 1_000
    }
}

/// The clock handed around in the state.
pub type SharedClock = Arc<dyn Clock>;

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn unix_seconds(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs() as i64)
    }

    fn unix_millis(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_millis() as i64)
    }
}

/// A clock that shows what it is told: for tests, and for nothing else.
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    pub fn at(unix_seconds: i64) -> Arc<FixedClock> {
        Arc::new(FixedClock(AtomicI64::new(unix_seconds)))
    }

    pub fn set(&self, unix_seconds: i64) {
        self.0.store(unix_seconds, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn unix_seconds(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}
