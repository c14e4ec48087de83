//! What each voter chose, kept in memory so that a voter's page is served without a store read:
//! a reader who voted sees their own answers on every later page view, and reading them was most of
//! that page's time (issue 14).
//!
//! Exact on one node: every vote of this process passes through `writing`, which drops the voter's
//! entry once the vote is stored, and a read that overlapped a vote is not kept (each key's shard
//! counts the votes begun and ended; a read is kept only if the count did not move while it ran).
//! Where other nodes write to the same database (PostgreSQL), an entry is kept at most `ttl`: a
//! vote cast through another node shows on this one within that time. Bounded in memory: two
//! generations per poll; when the newer is full the older is dropped, so the voters seen least
//! recently go first.
//!
//! Hand-written: the two generations and the shard counters are a few lines, and no cache crate
//! in the tree offers the "keep only if no write overlapped" rule the exactness needs.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use stembus_site::voter_cookie::VoterId;

/// Voters kept per poll and generation: at most twice this many per poll (about 150 bytes each).
const PER_GENERATION: usize = 65_536;
/// Counters the keys are spread over: a vote stops only reads of keys in its shard from being kept.
const SHARDS: usize = 256;

/// A voter's own answers in a poll, with the key their page is kept under.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choices {
    pub list: Vec<String>,
    /// The answers joined by commas: the same for every voter who chose the same.
    pub key: String,
}

impl Choices {
    pub fn new(list: Vec<String>) -> Choices {
        let key = list.join(",");
        Choices { list, key }
    }
}

struct Entry {
    choices: Arc<Choices>,
    read_at: Instant,
}

#[derive(Default)]
struct Generations {
    current: HashMap<String, Entry>,
    previous: HashMap<String, Entry>,
}

/// The kept answers of every poll's voters. Shared by reference (`Arc`) in the state.
pub struct OwnAnswers {
    ttl: Option<Duration>,
    polls: Mutex<HashMap<String, Generations>>,
    writes: Box<[AtomicU64]>,
    shard_of: RandomState,
}

/// Taken before reading a voter's answers from the store; `keep` keeps the read unless a vote of
/// the same shard began or ended meanwhile.
pub struct Reading {
    shard: usize,
    writes_before: u64,
}

/// Held while a vote is being stored; dropping it (the vote stored, refused or failed) drops the
/// voter's kept answers, so the next page reads them anew.
pub struct Writing {
    answers: Arc<OwnAnswers>,
    shard: usize,
    poll_id: String,
    voter: String,
}

impl OwnAnswers {
    /// Answers kept until a vote of this node changes them: for a database only this node writes.
    pub fn exact() -> OwnAnswers {
        OwnAnswers::with_ttl(None)
    }

    /// Answers kept at most `ttl`: for a database other nodes write to as well.
    pub fn for_at_most(ttl: Duration) -> OwnAnswers {
        OwnAnswers::with_ttl(Some(ttl))
    }

    /// The right kind for the store engine `engine` (`sqlite` is written by one process only).
    pub fn for_engine(engine: &str, ttl: Duration) -> OwnAnswers {
        if engine == "sqlite" {
            OwnAnswers::exact()
        } else {
            OwnAnswers::for_at_most(ttl)
        }
    }

    fn with_ttl(ttl: Option<Duration>) -> OwnAnswers {
        OwnAnswers {
            ttl,
            polls: Mutex::default(),
            writes: (0..SHARDS).map(|_| AtomicU64::new(0)).collect(),
            shard_of: RandomState::new(),
        }
    }

    /// The kept answers of `voter` in `poll_id`, if any (and fresh).
    pub fn get(&self, poll_id: &str, voter: &VoterId) -> Option<Arc<Choices>> {
        let mut polls = self.lock();
        let poll = polls.get_mut(poll_id)?;
        let fresh = |entry: &Entry| self.ttl.is_none_or(|ttl| entry.read_at.elapsed() < ttl);
        if let Some(entry) = poll.current.get(voter.as_str()) {
            return fresh(entry).then(|| entry.choices.clone());
        }
        // Seen recently enough to be in the older generation: moved up, so it stays.
        let entry = poll.previous.remove(voter.as_str())?;
        if !fresh(&entry) {
            return None;
        }
        let choices = entry.choices.clone();
        insert(poll, voter.as_str().to_string(), entry);
        Some(choices)
    }

    /// Marks the start of a store read of `voter`'s answers in `poll_id`.
    pub fn reading(&self, poll_id: &str, voter: &VoterId) -> Reading {
        let shard = self.shard(poll_id, voter.as_str());
        Reading {
            shard,
            writes_before: self.writes[shard].load(Ordering::SeqCst),
        }
    }

    /// Keeps `list`, just read from the store under `reading`, unless a vote may have changed it
    /// meanwhile; returns it either way.
    pub fn keep(
        &self,
        reading: Reading,
        poll_id: &str,
        voter: &VoterId,
        list: Vec<String>,
    ) -> Arc<Choices> {
        let choices = Arc::new(Choices::new(list));
        let mut polls = self.lock();
        // Checked under the lock that `Writing::drop` takes to remove the entry: a vote that ends
        // after this check removes what is inserted here.
        if self.writes[reading.shard].load(Ordering::SeqCst) == reading.writes_before {
            let entry = Entry {
                choices: choices.clone(),
                read_at: Instant::now(),
            };
            let poll = polls.entry(poll_id.to_string()).or_default();
            poll.previous.remove(voter.as_str());
            insert(poll, voter.as_str().to_string(), entry);
        }
        choices
    }

    /// Marks a vote of `voter` in `poll_id` as being stored until the guard is dropped.
    pub fn writing(self: &Arc<Self>, poll_id: &str, voter: &VoterId) -> Writing {
        let shard = self.shard(poll_id, voter.as_str());
        self.writes[shard].fetch_add(1, Ordering::SeqCst);
        Writing {
            answers: self.clone(),
            shard,
            poll_id: poll_id.to_string(),
            voter: voter.as_str().to_string(),
        }
    }

    /// Drops every kept answer of `poll_id` (its voter ids were removed from the store), and keeps
    /// no read that overlapped this.
    pub fn forget_poll(&self, poll_id: &str) {
        let mut polls = self.lock();
        for writes in &self.writes {
            writes.fetch_add(1, Ordering::SeqCst);
        }
        polls.remove(poll_id);
    }

    /// How many voters' answers are kept, over every poll.
    pub fn len(&self) -> usize {
        self.lock()
            .values()
            .map(|poll| poll.current.len() + poll.previous.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard(&self, poll_id: &str, voter: &str) -> usize {
        (self.shard_of.hash_one((poll_id, voter)) % SHARDS as u64) as usize
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Generations>> {
        self.polls
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        let mut polls = self.answers.lock();
        self.answers.writes[self.shard].fetch_add(1, Ordering::SeqCst);
        if let Some(poll) = polls.get_mut(&self.poll_id) {
            poll.current.remove(&self.voter);
            poll.previous.remove(&self.voter);
        }
    }
}

/// Inserts into the newer generation, turning generations first when it is full.
fn insert(poll: &mut Generations, voter: String, entry: Entry) {
    if poll.current.len() >= PER_GENERATION {
        poll.previous = std::mem::take(&mut poll.current);
    }
    poll.current.insert(voter, entry);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voter(n: u32) -> VoterId {
        VoterId::parse(&format!("{n:032x}")).unwrap()
    }

    fn read(answers: &OwnAnswers, poll: &str, who: &VoterId, list: &[&str]) -> Arc<Choices> {
        let reading = answers.reading(poll, who);
        answers.keep(
            reading,
            poll,
            who,
            list.iter().map(|s| s.to_string()).collect(),
        )
    }

    #[test]
    fn a_read_is_kept_per_poll_and_voter() {
        let answers = OwnAnswers::exact();
        read(&answers, "p", &voter(1), &["ja"]);
        assert_eq!(answers.get("p", &voter(1)).unwrap().key, "ja");
        assert!(answers.get("p", &voter(2)).is_none(), "another voter");
        assert!(answers.get("q", &voter(1)).is_none(), "another poll");
    }

    #[test]
    fn a_vote_drops_the_kept_answers_and_a_read_overlapping_it_is_not_kept() {
        let answers = Arc::new(OwnAnswers::exact());
        read(&answers, "p", &voter(1), &[]);
        // A page starts reading, then the voter votes, then the (old) read lands.
        let stale = answers.reading("p", &voter(1));
        {
            let _vote = answers.writing("p", &voter(1));
        }
        assert!(answers.get("p", &voter(1)).is_none(), "dropped by the vote");
        answers.keep(stale, "p", &voter(1), Vec::new());
        assert!(
            answers.get("p", &voter(1)).is_none(),
            "a read that overlapped a vote is never kept"
        );
        // A read begun during a vote is not kept either.
        let vote = answers.writing("p", &voter(1));
        let during = answers.reading("p", &voter(1));
        drop(vote);
        answers.keep(during, "p", &voter(1), Vec::new());
        assert!(answers.get("p", &voter(1)).is_none());
        read(&answers, "p", &voter(1), &["nee"]);
        assert_eq!(answers.get("p", &voter(1)).unwrap().key, "nee");
    }

    #[test]
    fn answers_for_a_shared_database_expire() {
        let answers = OwnAnswers::for_at_most(Duration::from_millis(30));
        read(&answers, "p", &voter(1), &["ja"]);
        assert!(answers.get("p", &voter(1)).is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(answers.get("p", &voter(1)).is_none());
    }

    #[test]
    fn memory_is_bounded_and_recent_voters_stay() {
        let answers = OwnAnswers::exact();
        read(&answers, "p", &voter(0), &["ja"]);
        for n in 1..(PER_GENERATION as u32 * 2 + 10) {
            read(&answers, "p", &voter(n), &["nee"]);
            if n % 1000 == 0 {
                // Voter 0 keeps reading pages: moved up each time the generations turn.
                assert!(answers.get("p", &voter(0)).is_some(), "after {n}");
            }
        }
        assert!(answers.len() <= 2 * PER_GENERATION);
        assert!(
            answers.get("p", &voter(1)).is_none(),
            "the oldest went first"
        );
    }
}
