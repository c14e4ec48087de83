//! Store tests, each on its own fresh temporary database.

use super::*;
use crate::poll::PollOption;

fn poll() -> PollDefinition {
    PollDefinition {
        opens: None,
        closes: None,
        id: "deepseek".into(),
        question: "Schade?".into(),
        options: vec![
            PollOption {
                key: "ja".into(),
                label: "Ja".into(),
            },
            PollOption {
                key: "nee".into(),
                label: "Nee".into(),
            },
        ],
    }
}

fn vote(voter: &str, choice: &str) -> NewVote {
    NewVote {
        poll_id: "deepseek".into(),
        choice: choice.into(),
        voter: voter.into(),
        cast_at: 1_737_936_000,
    }
}

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("votes.db"), &[&poll()]).unwrap()
}

fn counts(results: &PollResults) -> Vec<u64> {
    results.rows.iter().map(|row| row.votes).collect()
}

#[test]
fn migrations_are_valid() {
    migrations().validate().unwrap();
}

#[tokio::test]
async fn a_vote_is_recorded_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    assert_eq!(
        store.record_vote(vote("a", "ja")).await.unwrap(),
        VoteOutcome::Recorded
    );
    let results = store.results(&poll(), Some("a".into())).await.unwrap();
    assert_eq!(counts(&results), vec![1, 0]);
    assert_eq!(results.own_choice.as_deref(), Some("ja"));
}

#[tokio::test]
async fn second_vote_from_same_reader_is_not_counted_twice() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    store.record_vote(vote("a", "ja")).await.unwrap();
    let again = store.record_vote(vote("a", "nee")).await.unwrap();
    assert_eq!(again, VoteOutcome::AlreadyVoted);
    let results = store.results(&poll(), Some("a".into())).await.unwrap();
    assert_eq!(counts(&results), vec![1, 0]);
    assert_eq!(
        results.own_choice.as_deref(),
        Some("ja"),
        "the first vote stands"
    );
}

#[tokio::test]
async fn unknown_poll_or_answer_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let mut other_poll = vote("a", "ja");
    other_poll.poll_id = "bestaat-niet".into();
    assert_eq!(
        store.record_vote(other_poll).await.unwrap(),
        VoteOutcome::UnknownPoll
    );
    assert_eq!(
        store.record_vote(vote("a", "misschien")).await.unwrap(),
        VoteOutcome::UnknownChoice
    );
    let results = store.results(&poll(), None).await.unwrap();
    assert_eq!(results.total, 0);
    // The reader was not marked as having voted: a valid vote still counts.
    assert_eq!(
        store.record_vote(vote("a", "nee")).await.unwrap(),
        VoteOutcome::Recorded
    );
}

#[tokio::test]
async fn parallel_identical_votes_from_one_reader_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let attempts: Vec<_> = (0..100)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.record_vote(vote("same", "ja")).await })
        })
        .collect();
    let mut recorded = 0;
    for attempt in attempts {
        if attempt.await.unwrap().unwrap() == VoteOutcome::Recorded {
            recorded += 1;
        }
    }
    assert_eq!(recorded, 1);
    assert_eq!(store.results(&poll(), None).await.unwrap().total, 1);
}

#[tokio::test]
async fn parallel_votes_from_many_readers_all_count() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let attempts: Vec<_> = (0..100)
        .map(|i| {
            let store = store.clone();
            let choice = if i % 4 == 0 { "nee" } else { "ja" };
            tokio::spawn(
                async move { store.record_vote(vote(&format!("lezer-{i}"), choice)).await },
            )
        })
        .collect();
    for attempt in attempts {
        assert_eq!(attempt.await.unwrap().unwrap(), VoteOutcome::Recorded);
    }
    assert_eq!(
        counts(&store.results(&poll(), None).await.unwrap()),
        vec![75, 25]
    );
}

#[tokio::test]
async fn votes_survive_a_restart_and_a_changed_poll_definition() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    store.record_vote(vote("a", "ja")).await.unwrap();
    store.record_vote(vote("b", "nee")).await.unwrap();
    store.shut_down();
    drop(store);

    let mut edited = poll();
    edited.question = "Blijvende schade?".into();
    edited.options[0].label = "Ja, zeker".into();
    edited.options.push(PollOption {
        key: "weet-niet".into(),
        label: "Weet ik niet".into(),
    });
    let store = Store::open(&dir.path().join("votes.db"), &[&edited]).unwrap();
    let results = store.results(&edited, Some("a".into())).await.unwrap();
    assert_eq!(counts(&results), vec![1, 1, 0]);
    assert_eq!(results.rows[0].label, "Ja, zeker");
    assert_eq!(results.own_choice.as_deref(), Some("ja"));
}

#[tokio::test]
async fn results_for_voter_are_hidden_until_they_voted() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    assert_eq!(
        store.results_for_voter(&poll(), "a".into()).await.unwrap(),
        None
    );
    store.record_vote(vote("a", "nee")).await.unwrap();
    let results = store
        .results_for_voter(&poll(), "a".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(results.own_choice.as_deref(), Some("nee"));
}

#[tokio::test]
async fn after_shut_down_votes_are_refused_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    store.record_vote(vote("a", "ja")).await.unwrap();
    store.shut_down();
    assert_eq!(
        store.record_vote(vote("b", "ja")).await,
        Err(AppError::Unavailable)
    );
}

#[test]
fn the_database_runs_in_wal_mode_with_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("votes.db");
    let _store = Store::open(&path, &[&poll()]).unwrap();
    let conn = open_connection(&path, false).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    let sync: i64 = conn
        .pragma_query_value(None, "synchronous", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(sync, 2, "2 is FULL");
}
