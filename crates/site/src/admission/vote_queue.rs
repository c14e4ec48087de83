//! The votes' places and the queue in front of them: a vote takes a free place at once, else waits,
//! unless CoDel says the queue is standing (then it is refused at once) or the queue is full.

use super::codel::Codel;
use super::{Budgets, Shed};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The votes' places and the queue in front of them.
pub(super) struct VoteQueue {
    places: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    longest_wait: Duration,
    codel: Mutex<Codel>,
}

impl VoteQueue {
    pub(super) fn new(budgets: &Budgets) -> VoteQueue {
        VoteQueue {
            places: Arc::new(Semaphore::new(budgets.votes)),
            waiting: AtomicUsize::new(0),
            max_waiting: budgets.vote_queue,
            longest_wait: budgets.vote_interval,
            codel: Mutex::new(Codel::new(budgets.vote_target, budgets.vote_interval)),
        }
    }

    pub(super) async fn enter(&self, arrived: Instant) -> Result<OwnedSemaphorePermit, Shed> {
        if let Ok(place) = self.places.clone().try_acquire_owned() {
            self.observe(arrived.elapsed());
            return Ok(place);
        }
        if self.lock().standing(Instant::now()) {
            return Err(Shed::Queue);
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(Shed::Full);
        }
        let waited = tokio::time::timeout_at(
            arrived + self.longest_wait,
            self.places.clone().acquire_owned(),
        )
        .await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        match waited {
            Ok(Ok(place)) => {
                self.observe(arrived.elapsed());
                Ok(place)
            }
            // Timed out (or the semaphore closed, which this one never is).
            _ => {
                self.observe(arrived.elapsed());
                Err(Shed::Queue)
            }
        }
    }

    fn observe(&self, wait: Duration) {
        self.lock().observe(wait, Instant::now());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Codel> {
        // A panic while holding it cannot leave the figures half-written: they are plain values.
        self.codel
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
