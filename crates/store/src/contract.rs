//! The store's contract, one suite for every engine: each test is written once against `VoteStore`
//! and run by each engine crate (`vote_contract!`): on SQLite (a fresh file) and on PostgreSQL (a
//! fresh database in the cluster that `STEMBUS_TEST_DATABASE_URL` names; `scripts/test.sh` starts a
//! throwaway one). The PostgreSQL runs are `#[ignore]`d so that `cargo nextest run` works without a
//! database server; `scripts/test.sh` runs them with `--run-ignored all`, and without the variable
//! they fail. Behind the `contract` feature, which only the engines' tests turn on.

use crate::{NewVote, Store, StoreError, VoteOutcome};
use async_trait::async_trait;
use stembus_poll::moment::Moment;
use stembus_poll::test_support::poll;
use stembus_poll::{PollDefinition, PollOption, PollResults};

/// The variable that names the PostgreSQL cluster for the tests, as
/// `postgres://USER@HOST:PORT/DATABASE` (a database to connect to for creating the test's own).
pub const TEST_DATABASE_URL: &str = "STEMBUS_TEST_DATABASE_URL";

/// One engine with one database of its own for the test.
#[async_trait]
pub trait Engine: Send + Sync {
    /// A store on the test's database with `polls` synced: opening it again is a restart, opening
    /// two is two nodes.
    async fn open(&self, polls: &[&PollDefinition]) -> Store;

    /// The number of ballots, and of ballots choosing each of `keys`, counted from the ballot table
    /// itself: the check on the running counts.
    async fn recount(&self, keys: &[&str]) -> (u64, Vec<u64>);
}

fn vote(voter: &str, choices: &[&str]) -> NewVote {
    NewVote {
        poll_id: "deepseek".into(),
        choices: choices.iter().map(|c| c.to_string()).collect(),
        voter: voter.into(),
        cast_at: 1_737_936_000,
    }
}

/// The standing as the poll code computes it from the store's tally.
struct Standing {
    results: PollResults,
    own_choices: Vec<String>,
}

impl Standing {
    fn counts(&self) -> Vec<u64> {
        self.results.rows.iter().map(|row| row.votes).collect()
    }
}

async fn standing(store: &Store, poll: &PollDefinition, voter: Option<&str>) -> Standing {
    let tally = store.tally(&poll.id, voter).await.unwrap();
    Standing {
        results: PollResults::from_counts(poll, &tally.counts, tally.voters),
        own_choices: tally.own_choices,
    }
}

pub async fn a_vote_is_recorded_and_counted(engine: &dyn Engine) {
    let store = engine.open(&[&poll()]).await;
    assert_eq!(
        store.record_vote(vote("a", &["ja"])).await.unwrap(),
        VoteOutcome::Recorded
    );
    let standing = standing(&store, &poll(), Some("a")).await;
    assert_eq!(standing.counts(), vec![1, 0, 0]);
    assert_eq!(standing.results.voters, 1);
    assert_eq!(standing.own_choices, vec!["ja"]);
}

pub async fn second_vote_from_same_reader_is_not_counted_twice(engine: &dyn Engine) {
    let store = engine.open(&[&poll()]).await;
    store.record_vote(vote("a", &["ja"])).await.unwrap();
    let again = store.record_vote(vote("a", &["nee"])).await.unwrap();
    assert_eq!(again, VoteOutcome::AlreadyVoted);
    let standing = standing(&store, &poll(), Some("a")).await;
    assert_eq!(standing.counts(), vec![1, 0, 0]);
    assert_eq!(standing.own_choices, vec!["ja"], "the first vote stands");
}

pub async fn a_changed_vote_replaces_the_old_one_when_allowed(engine: &dyn Engine) {
    let mut changeable = poll();
    changeable.allow_change = true;
    let store = engine.open(&[&changeable]).await;
    store.record_vote(vote("a", &["ja"])).await.unwrap();
    store.record_vote(vote("b", &["ja"])).await.unwrap();
    assert_eq!(
        store.record_vote(vote("a", &["nee"])).await.unwrap(),
        VoteOutcome::Changed
    );
    let standing = standing(&store, &changeable, Some("a")).await;
    assert_eq!(standing.counts(), vec![1, 1, 0], "replaced, never added");
    assert_eq!(standing.results.voters, 2);
    assert_eq!(standing.own_choices, vec!["nee"]);
}

pub async fn multiple_choice_counts_each_answer_and_each_voter_once(engine: &dyn Engine) {
    let mut multiple = poll();
    multiple.max_choices = 2;
    let store = engine.open(&[&multiple]).await;
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
        standing.counts(),
        vec![1, 2, 0],
        "a repeated answer counts once"
    );
    assert_eq!(standing.results.voters, 2);
    assert_eq!(standing.own_choices, vec!["ja", "nee"]);
}

pub async fn wrong_answers_or_counts_store_nothing(engine: &dyn Engine) {
    let store = engine.open(&[&poll()]).await;
    let mut other_poll = vote("a", &["ja"]);
    other_poll.poll_id = "bestaat-niet".into();
    assert_eq!(
        store.record_vote(other_poll).await.unwrap(),
        VoteOutcome::UnknownPoll
    );
    for (choices, outcome) in [
        (&["misschien"][..], VoteOutcome::UnknownChoice),
        (&["ja", "misschien"][..], VoteOutcome::WrongChoiceCount),
        (&[][..], VoteOutcome::WrongChoiceCount),
        (&["ja", "nee"][..], VoteOutcome::WrongChoiceCount),
    ] {
        assert_eq!(
            store.record_vote(vote("a", choices)).await.unwrap(),
            outcome,
            "{choices:?}"
        );
    }
    assert_eq!(standing(&store, &poll(), None).await.results.voters, 0);
    assert_eq!(engine.recount(&[]).await.0, 0, "no ballot written");
    // The reader was not marked as having voted: a valid vote still counts.
    assert_eq!(
        store.record_vote(vote("a", &["nee"])).await.unwrap(),
        VoteOutcome::Recorded
    );
}

pub async fn votes_outside_the_opening_hours_are_refused_in_the_transaction(engine: &dyn Engine) {
    let mut timed = poll();
    timed.opens = Some(Moment::parse("2025-01-27T18:00:00+01:00").unwrap());
    timed.closes = Some(Moment::parse("2025-02-03T18:00:00+01:00").unwrap());
    let store = engine.open(&[&timed]).await;
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

pub async fn parallel_identical_votes_from_one_reader_count_once(engine: &dyn Engine) {
    let store = engine.open(&[&poll()]).await;
    let attempts: Vec<_> = (0..100)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.record_vote(vote("same", &["ja"])).await })
        })
        .collect();
    let mut recorded = 0;
    for attempt in attempts {
        match attempt.await.unwrap().unwrap() {
            VoteOutcome::Recorded => recorded += 1,
            VoteOutcome::AlreadyVoted => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(recorded, 1);
    assert_eq!(standing(&store, &poll(), None).await.results.voters, 1);
}

pub async fn a_hundred_readers_voting_at_once_all_count(engine: &dyn Engine) {
    let store = engine.open(&[&poll()]).await;
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
        standing(&store, &poll(), None).await.counts(),
        vec![75, 25, 0]
    );
}

pub async fn votes_survive_a_restart_and_a_changed_poll_definition(engine: &dyn Engine) {
    let store = engine.open(&[&poll()]).await;
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
    let store = engine.open(&[&edited]).await;
    let standing = standing(&store, &edited, Some("a")).await;
    assert_eq!(standing.counts(), vec![1, 1, 0, 0]);
    assert_eq!(standing.results.rows[0].label, "Ja, zeker");
    assert_eq!(standing.own_choices, vec!["ja"]);
    assert_eq!(
        store.record_vote(vote("a", &["later"])).await.unwrap(),
        VoteOutcome::AlreadyVoted,
        "the restart forgot nobody"
    );
}

pub async fn running_counts_match_the_ballots_after_votes_and_changes(engine: &dyn Engine) {
    let mut rules = poll();
    rules.max_choices = 2;
    rules.allow_change = true;
    let store = engine.open(&[&rules]).await;
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
    let (ballots, recount) = engine.recount(&["ja", "nee", "weet-niet"]).await;
    assert_eq!(standing.counts(), recount);
    assert_eq!(standing.counts(), vec![1, 1, 2]);
    assert_eq!(standing.results.voters, ballots);
    assert_eq!(ballots, 3);
}

pub async fn after_shut_down_votes_are_refused_not_lost(engine: &dyn Engine) {
    let store = engine.open(&[&poll()]).await;
    store.record_vote(vote("a", &["ja"])).await.unwrap();
    store.shut_down().await;
    assert_eq!(
        store.record_vote(vote("b", &["ja"])).await,
        Err(StoreError::Unavailable)
    );
    assert_eq!(engine.recount(&[]).await.0, 1, "the vote before it is in");
}

pub async fn two_nodes_voting_at_once_give_exact_totals(engine: &dyn Engine) {
    let mut changeable = poll();
    changeable.allow_change = true;
    let nodes = [
        engine.open(&[&changeable]).await,
        engine.open(&[&changeable]).await,
    ];
    let mut attempts = Vec::new();
    for i in 0..200 {
        let node = nodes[i % 2].clone();
        let choice = ["ja", "nee", "weet-niet"][i % 3];
        attempts.push(tokio::spawn(async move {
            node.record_vote(vote(&format!("lezer-{i}"), &[choice]))
                .await
        }));
    }
    // The same readers again, each on the other node, some changing their answer.
    for i in 0..60 {
        let node = nodes[(i + 1) % 2].clone();
        attempts.push(tokio::spawn(async move {
            node.record_vote(vote(&format!("lezer-{i}"), &["ja"])).await
        }));
    }
    for attempt in attempts {
        let outcome = attempt.await.unwrap().unwrap();
        assert!(
            matches!(outcome, VoteOutcome::Recorded | VoteOutcome::Changed),
            "{outcome:?}"
        );
    }
    let (ballots, recount) = engine.recount(&["ja", "nee", "weet-niet"]).await;
    assert_eq!(ballots, 200, "one ballot per reader, whichever node");
    for node in &nodes {
        let standing = standing(node, &changeable, None).await;
        assert_eq!(standing.results.voters, 200);
        assert_eq!(
            standing.counts(),
            recount,
            "each node sums every node's counts"
        );
        assert_eq!(standing.counts().iter().sum::<u64>(), 200);
    }
}

pub async fn a_running_store_is_ready_and_a_stopped_one_is_not(engine: &dyn Engine) {
    let store = engine.open(&[&poll()]).await;
    assert_eq!(store.check_ready().await, Ok(()));
    store.shut_down().await;
    assert_eq!(
        store.check_ready().await,
        Err("the vote writer is not running")
    );
}

pub async fn the_writer_reports_its_queue_and_batches(engine: &dyn Engine) {
    let store = engine.open(&[&poll()]).await;
    store.record_vote(vote("a", &["ja"])).await.unwrap();
    let figures = store.writer_metrics();
    assert_eq!(figures.batch_size.count(), 1, "one batch of one vote");
    assert_eq!(figures.batch_size.sum(), 1.0);
    assert_eq!(figures.commit_seconds.count(), 1, "its commit timed");
    assert_eq!(figures.queue_depth.get(), 0, "nothing left waiting");
}

/// Runs each contract test on both engines.
/// The tally that comes with a vote includes that vote, and the reader's own answers: alone, in a
/// group of votes at once, for a refused repeat (the first vote's answers) and for a change.
pub async fn the_tally_with_a_vote_includes_it(engine: &dyn Engine) {
    let mut changeable = poll();
    changeable.allow_change = true;
    let many = PollDefinition {
        id: "veel".into(),
        options: (0..40)
            .map(|i| PollOption {
                key: format!("antwoord-{i}"),
                label: format!("Antwoord {i}"),
            })
            .collect(),
        ..poll()
    };
    let store = engine.open(&[&changeable, &many]).await;
    let (outcome, tally) = store
        .record_vote_and_tally(vote("a", &["ja"]))
        .await
        .unwrap();
    assert_eq!(outcome, VoteOutcome::Recorded);
    let tally = tally.unwrap();
    assert_eq!(tally.voters, 1);
    assert_eq!(tally.own_choices, vec!["ja"]);
    assert!(tally.counts.contains(&("ja".to_string(), 1)));
    // Forty readers at once, in as few batches as the engine makes of them, each with an answer
    // of its own in a second poll: each answer's count in its own tally can only be its vote.
    let attempts: Vec<_> = (0..40)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let choice = format!("antwoord-{i}");
                let mine = NewVote {
                    poll_id: "veel".into(),
                    choices: vec![choice.clone()],
                    voter: format!("lezer-{i}"),
                    cast_at: 1_737_936_000,
                };
                let answer = store.record_vote_and_tally(mine).await;
                (choice, answer)
            })
        })
        .collect();
    for attempt in attempts {
        let (choice, answer) = attempt.await.unwrap();
        let (outcome, tally) = answer.unwrap();
        assert_eq!(outcome, VoteOutcome::Recorded);
        let tally = tally.unwrap();
        assert_eq!(tally.own_choices, vec![choice.clone()]);
        let chosen = tally
            .counts
            .iter()
            .find(|(key, _)| *key == choice)
            .map_or(0, |(_, n)| *n);
        assert_eq!(chosen, 1, "its own vote is in the counts: {tally:?}");
        assert!(tally.voters >= 1 && tally.voters <= 40, "{tally:?}");
    }
    let (outcome, tally) = store
        .record_vote_and_tally(vote("a", &["weet-niet"]))
        .await
        .unwrap();
    assert_eq!(outcome, VoteOutcome::Changed);
    let tally = tally.unwrap();
    assert_eq!(tally.own_choices, vec!["weet-niet"]);
    assert_eq!(tally.voters, 1);
    let total: u64 = tally.counts.iter().map(|(_, n)| n).sum();
    assert_eq!(total, 1, "the change moved a vote, added none");
}

/// A reader whose two votes (a change) arrive together, in one batch where the engine batches, is
/// told with each what the store holds after it: the answers it names are in that tally's counts.
pub async fn two_votes_of_one_reader_at_once_are_each_told_what_the_store_kept(
    engine: &dyn Engine,
) {
    let mut changeable = poll();
    changeable.allow_change = true;
    let store = engine.open(&[&changeable]).await;
    let (first, second) = tokio::join!(
        store.record_vote_and_tally(vote("a", &["ja"])),
        store.record_vote_and_tally(vote("a", &["nee"])),
    );
    for answer in [first, second] {
        let (_, tally) = answer.unwrap();
        let tally = tally.unwrap();
        assert_eq!(tally.voters, 1, "{tally:?}");
        for own in &tally.own_choices {
            let counted = tally
                .counts
                .iter()
                .find(|(key, _)| key == own)
                .map_or(0, |(_, n)| *n);
            assert_eq!(
                counted, 1,
                "told {own}, but the counts hold otherwise: {tally:?}"
            );
        }
    }
    let kept = store
        .tally("deepseek", Some("a"))
        .await
        .unwrap()
        .own_choices;
    assert_eq!(kept.len(), 1);
}

/// A repeat vote where changing is not allowed stores nothing, and its tally shows the first vote's
/// answers, not the repeat's.
pub async fn the_tally_with_a_refused_repeat_shows_the_first_vote(engine: &dyn Engine) {
    let store = engine.open(&[&poll()]).await;
    store.record_vote(vote("a", &["ja"])).await.unwrap();
    let (outcome, tally) = store
        .record_vote_and_tally(vote("a", &["nee"]))
        .await
        .unwrap();
    assert_eq!(outcome, VoteOutcome::AlreadyVoted);
    let tally = tally.unwrap();
    assert_eq!(tally.own_choices, vec!["ja"]);
    assert_eq!(tally.voters, 1);
}

/// The tests a contract macro runs, each a `#[tokio::test]` of the calling crate on a fresh
/// `$engine`; `ignore = "why"` before the engine `#[ignore]`s them. One body for both contracts and
/// both forms, so `vote_contract!` and `desk_contract!` only name their tests.
#[doc(hidden)]
#[macro_export]
macro_rules! __contract_tests {
    ($module:ident [ignore = $why:literal, $engine:expr] $($test:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = $why]
            async fn $test() {
                $crate::$module::$test(&$engine).await;
            }
        )*
    };
    ($module:ident [$engine:expr] $($test:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                $crate::$module::$test(&$engine).await;
            }
        )*
    };
}

/// Runs every test of the vote contract as a test of the calling crate, each on a fresh `$engine`
/// (an expression, evaluated inside the test: `Postgres::new().await` works). With
/// `ignore = "why"` first, each test is `#[ignore]`d with that reason (an engine that needs a
/// server the plain `cargo nextest run` does not have).
#[macro_export]
macro_rules! vote_contract {
    ($($engine:tt)*) => {
        $crate::__contract_tests!(contract [$($engine)*]
            a_vote_is_recorded_and_counted,
            second_vote_from_same_reader_is_not_counted_twice,
            a_changed_vote_replaces_the_old_one_when_allowed,
            multiple_choice_counts_each_answer_and_each_voter_once,
            wrong_answers_or_counts_store_nothing,
            votes_outside_the_opening_hours_are_refused_in_the_transaction,
            parallel_identical_votes_from_one_reader_count_once,
            a_hundred_readers_voting_at_once_all_count,
            votes_survive_a_restart_and_a_changed_poll_definition,
            running_counts_match_the_ballots_after_votes_and_changes,
            after_shut_down_votes_are_refused_not_lost,
            two_nodes_voting_at_once_give_exact_totals,
            a_running_store_is_ready_and_a_stopped_one_is_not,
            the_writer_reports_its_queue_and_batches,
            the_tally_with_a_vote_includes_it,
            two_votes_of_one_reader_at_once_are_each_told_what_the_store_kept,
            the_tally_with_a_refused_repeat_shows_the_first_vote
        );
    };
}
