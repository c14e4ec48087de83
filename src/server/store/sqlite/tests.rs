//! Store tests, each on its own fresh temporary database.

use super::*;
use crate::moment::Moment;
use crate::poll::{PollOption, PollResults};
use crate::test_support::poll;

/// The standing as the poll code computes it from the store's tally.
struct Standing {
    results: PollResults,
    own_choices: Vec<String>,
}

async fn standing(store: &SqliteStore, poll: &PollDefinition, voter: Option<&str>) -> Standing {
    let tally = store.tally(&poll.id, voter).await.unwrap();
    Standing {
        results: PollResults::from_counts(poll, &tally.counts, tally.voters),
        own_choices: tally.own_choices,
    }
}

fn vote(voter: &str, choices: &[&str]) -> NewVote {
    NewVote {
        poll_id: "deepseek".into(),
        choices: choices.iter().map(|c| c.to_string()).collect(),
        voter: voter.into(),
        cast_at: 1_737_936_000,
    }
}

fn open_with(dir: &tempfile::TempDir, poll: &PollDefinition) -> SqliteStore {
    SqliteStore::open(&dir.path().join("votes.db"), &[poll]).unwrap()
}

fn open(dir: &tempfile::TempDir) -> SqliteStore {
    open_with(dir, &poll())
}

fn counts(standing: &Standing) -> Vec<u64> {
    standing.results.rows.iter().map(|row| row.votes).collect()
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
        store.record_vote(vote("a", &["ja"])).await.unwrap(),
        VoteOutcome::Recorded
    );
    let standing = standing(&store, &poll(), Some("a")).await;
    assert_eq!(counts(&standing), vec![1, 0, 0]);
    assert_eq!(standing.results.voters, 1);
    assert_eq!(standing.own_choices, vec!["ja"]);
}

#[tokio::test]
async fn second_vote_from_same_reader_is_not_counted_twice() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    store.record_vote(vote("a", &["ja"])).await.unwrap();
    let again = store.record_vote(vote("a", &["nee"])).await.unwrap();
    assert_eq!(again, VoteOutcome::AlreadyVoted);
    let standing = standing(&store, &poll(), Some("a")).await;
    assert_eq!(counts(&standing), vec![1, 0, 0]);
    assert_eq!(standing.own_choices, vec!["ja"], "the first vote stands");
}

#[tokio::test]
async fn a_changed_vote_replaces_the_old_one_when_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let mut changeable = poll();
    changeable.allow_change = true;
    let store = open_with(&dir, &changeable);
    store.record_vote(vote("a", &["ja"])).await.unwrap();
    store.record_vote(vote("b", &["ja"])).await.unwrap();
    assert_eq!(
        store.record_vote(vote("a", &["nee"])).await.unwrap(),
        VoteOutcome::Changed
    );
    let standing = standing(&store, &changeable, Some("a")).await;
    assert_eq!(counts(&standing), vec![1, 1, 0], "replaced, never added");
    assert_eq!(standing.results.voters, 2);
    assert_eq!(standing.own_choices, vec!["nee"]);
}

#[tokio::test]
async fn multiple_choice_counts_each_answer_and_each_voter_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut multiple = poll();
    multiple.max_choices = 2;
    let store = open_with(&dir, &multiple);
    assert_eq!(
        store.record_vote(vote("a", &["ja", "nee"])).await.unwrap(),
        VoteOutcome::Recorded
    );
    assert_eq!(
        store.record_vote(vote("b", &["nee", "nee"])).await.unwrap(),
        VoteOutcome::Recorded
    );
    assert_eq!(
        store
            .record_vote(vote("c", &["ja", "nee", "weet-niet"]))
            .await
            .unwrap(),
        VoteOutcome::WrongChoiceCount
    );
    let standing = standing(&store, &multiple, Some("a")).await;
    assert_eq!(
        counts(&standing),
        vec![1, 2, 0],
        "a repeated answer counts once"
    );
    assert_eq!(standing.results.voters, 2);
    assert_eq!(standing.own_choices, vec!["ja", "nee"]);
}

#[tokio::test]
async fn wrong_answers_or_counts_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let mut other_poll = vote("a", &["ja"]);
    other_poll.poll_id = "bestaat-niet".into();
    assert_eq!(
        store.record_vote(other_poll).await.unwrap(),
        VoteOutcome::UnknownPoll
    );
    assert_eq!(
        store.record_vote(vote("a", &["misschien"])).await.unwrap(),
        VoteOutcome::UnknownChoice
    );
    assert_eq!(
        store
            .record_vote(vote("a", &["ja", "misschien"]))
            .await
            .unwrap(),
        VoteOutcome::WrongChoiceCount
    );
    assert_eq!(
        store.record_vote(vote("a", &[])).await.unwrap(),
        VoteOutcome::WrongChoiceCount
    );
    assert_eq!(
        store.record_vote(vote("a", &["ja", "nee"])).await.unwrap(),
        VoteOutcome::WrongChoiceCount
    );
    assert_eq!(standing(&store, &poll(), None).await.results.voters, 0);
    // The reader was not marked as having voted: a valid vote still counts.
    assert_eq!(
        store.record_vote(vote("a", &["nee"])).await.unwrap(),
        VoteOutcome::Recorded
    );
}

#[tokio::test]
async fn votes_outside_the_opening_hours_are_refused_in_the_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let mut timed = poll();
    timed.opens = Some(Moment::parse("2025-01-27T18:00:00+01:00").unwrap());
    timed.closes = Some(Moment::parse("2025-02-03T18:00:00+01:00").unwrap());
    let store = open_with(&dir, &timed);
    let at = |voter: &str, cast_at: i64| NewVote {
        cast_at,
        ..vote(voter, &["ja"])
    };
    let opens = timed.opens.unwrap().unix_seconds();
    let closes = timed.closes.unwrap().unix_seconds();
    assert_eq!(
        store.record_vote(at("a", opens - 1)).await.unwrap(),
        VoteOutcome::Closed
    );
    assert_eq!(
        store.record_vote(at("b", opens)).await.unwrap(),
        VoteOutcome::Recorded
    );
    assert_eq!(
        store.record_vote(at("c", closes)).await.unwrap(),
        VoteOutcome::Closed
    );
    assert_eq!(standing(&store, &timed, None).await.results.voters, 1);
}

#[tokio::test]
async fn parallel_identical_votes_from_one_reader_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let attempts: Vec<_> = (0..100)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.record_vote(vote("same", &["ja"])).await })
        })
        .collect();
    let mut recorded = 0;
    for attempt in attempts {
        if attempt.await.unwrap().unwrap() == VoteOutcome::Recorded {
            recorded += 1;
        }
    }
    assert_eq!(recorded, 1);
    assert_eq!(standing(&store, &poll(), None).await.results.voters, 1);
}

#[tokio::test]
async fn parallel_votes_from_many_readers_all_count() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let attempts: Vec<_> = (0..100)
        .map(|i| {
            let store = store.clone();
            let choice = if i % 4 == 0 { "nee" } else { "ja" };
            tokio::spawn(async move {
                store
                    .record_vote(vote(&format!("lezer-{i}"), &[choice]))
                    .await
            })
        })
        .collect();
    for attempt in attempts {
        assert_eq!(attempt.await.unwrap().unwrap(), VoteOutcome::Recorded);
    }
    assert_eq!(
        counts(&standing(&store, &poll(), None).await),
        vec![75, 25, 0]
    );
}

#[tokio::test]
async fn votes_survive_a_restart_and_a_changed_poll_definition() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    store.record_vote(vote("a", &["ja"])).await.unwrap();
    store.record_vote(vote("b", &["nee"])).await.unwrap();
    store.shut_down().await;
    drop(store);

    let mut edited = poll();
    edited.question = "Blijvende schade?".into();
    edited.options[0].label = "Ja, zeker".into();
    edited.options.push(PollOption {
        key: "later".into(),
        label: "Later".into(),
    });
    let store = open_with(&dir, &edited);
    let standing = standing(&store, &edited, Some("a")).await;
    assert_eq!(counts(&standing), vec![1, 1, 0, 0]);
    assert_eq!(standing.results.rows[0].label, "Ja, zeker");
    assert_eq!(standing.own_choices, vec!["ja"]);
}

#[test]
fn votes_stored_before_ballots_existed_are_carried_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("votes.db");
    let mut conn = Connection::open(&path).unwrap();
    Migrations::new(vec![M::up(include_str!(
        "../../../../migrations/sqlite/0001_polls_and_votes.sql"
    ))])
    .to_latest(&mut conn)
    .unwrap();
    conn.execute_batch(
        "INSERT INTO poll (id, key, question) VALUES (1, 'deepseek', 'Schade?');
         INSERT INTO poll_option (id, poll_id, key, label, position) VALUES (1, 1, 'ja', 'Ja', 0);
         INSERT INTO poll_option (id, poll_id, key, label, position) VALUES (2, 1, 'nee', 'Nee', 1);
         INSERT INTO vote (poll_id, option_id, voter, cast_at) VALUES (1, 2, 'oud', 1);",
    )
    .unwrap();
    drop(conn);

    let store = SqliteStore::open(&path, &[&poll()]).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let standing = runtime.block_on(standing(&store, &poll(), Some("oud")));
    assert_eq!(counts(&standing), vec![0, 1, 0]);
    assert_eq!(standing.own_choices, vec!["nee"]);
}

#[tokio::test]
async fn running_counts_match_a_full_recount_after_votes_and_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut rules = poll();
    rules.max_choices = 2;
    rules.allow_change = true;
    let store = open_with(&dir, &rules);
    let script: [(&str, &[&str]); 7] = [
        ("a", &["ja"]),
        ("b", &["ja", "nee"]),
        ("a", &["nee", "weet-niet"]),
        ("c", &["weet-niet"]),
        ("b", &["ja"]),
        ("d", &["misschien"]),
        ("c", &["ja", "nee", "weet-niet"]),
    ];
    for (voter, choices) in script {
        store.record_vote(vote(voter, choices)).await.unwrap();
    }
    let standing = standing(&store, &rules, None).await;
    store.shut_down().await;

    let conn = Connection::open(dir.path().join("votes.db")).unwrap();
    let recount: Vec<u64> = ["ja", "nee", "weet-niet"]
        .iter()
        .map(|key| {
            conn.query_row(
                "SELECT COUNT(*) FROM ballot_choice c JOIN poll_option o ON o.id = c.option_id
                 WHERE o.key = ?1",
                [key],
                |row| row.get::<_, i64>(0),
            )
            .unwrap() as u64
        })
        .collect();
    let voters: i64 = conn
        .query_row("SELECT COUNT(*) FROM ballot", [], |row| row.get(0))
        .unwrap();
    assert_eq!(counts(&standing), recount);
    assert_eq!(counts(&standing), vec![1, 1, 2]);
    assert_eq!(standing.results.voters, voters as u64);
    assert_eq!(voters, 3);
}

#[tokio::test]
async fn after_shut_down_votes_are_refused_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    store.record_vote(vote("a", &["ja"])).await.unwrap();
    store.shut_down().await;
    assert_eq!(
        store.record_vote(vote("b", &["ja"])).await,
        Err(StoreError::Unavailable)
    );
}

#[test]
fn the_database_runs_in_wal_mode_with_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("votes.db");
    let _store = SqliteStore::open(&path, &[&poll()]).unwrap();
    // WAL belongs to the file: a plain connection sees what the store's writer set.
    let plain = Connection::open(&path).unwrap();
    let mode: String = plain
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // `synchronous` belongs to a connection: the writer's is set by `open_connection`.
    for (durability, expected) in [(Durability::Full, 2), (Durability::Normal, 1)] {
        let conn = open_connection(&path, Some(durability)).unwrap();
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |row| row.get(0))
            .unwrap();
        assert_eq!(sync, expected, "{durability:?}: 2 is FULL, 1 is NORMAL");
    }
}
