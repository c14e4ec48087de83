//! What only the SQLite engine has to show: its migrations, including the one that carried the first
//! schema's votes over into ballots, its pragmas, and its backups. Everything a vote store promises
//! is tested on both engines by `store/contract.rs`.

use super::*;
use stembus_poll::test_support::poll;

#[test]
fn migrations_are_valid() {
    migrations().validate().unwrap();
}

#[test]
fn votes_stored_before_ballots_existed_are_carried_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("votes.db");
    let mut conn = Connection::open(&path).unwrap();
    Migrations::new(vec![M::up(include_str!(
        "../migrations/0001_polls_and_votes.sql"
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
    let tally = runtime
        .block_on(store.tally("deepseek", Some("oud")))
        .unwrap();
    assert_eq!(tally.voters, 1);
    assert_eq!(
        tally.counts,
        vec![("ja".into(), 0), ("nee".into(), 1), ("weet-niet".into(), 0)]
    );
    assert_eq!(tally.own_choices, vec!["nee"]);
}

#[test]
fn ballots_and_their_answers_survive_the_migration_that_lets_voter_ids_go() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("votes.db");
    let mut conn = open_connection(&path, Some(Durability::Full)).unwrap();
    Migrations::new(MIGRATIONS[..4].iter().map(|sql| M::up(sql)).collect())
        .to_latest(&mut conn)
        .unwrap();
    conn.execute_batch(
        "INSERT INTO poll (id, key, question, voter_count) VALUES (1, 'deepseek', 'Schade?', 2);
         INSERT INTO poll_option (id, poll_id, key, label, position, vote_count)
             VALUES (1, 1, 'ja', 'Ja', 0, 1), (2, 1, 'nee', 'Nee', 1, 2);
         INSERT INTO void_window (id, poll_id, starts_at, ends_at, ballots, voided_by, voided_at)
             VALUES (1, 1, 0, 10, 1, 'anna', 20);
         INSERT INTO ballot (id, poll_id, voter, cast_at, voided_window)
             VALUES (1, 1, 'oud', 1, NULL), (2, 1, 'ander', 5, 1);
         INSERT INTO ballot_choice (ballot_id, option_id) VALUES (1, 1), (1, 2), (2, 2);",
    )
    .unwrap();
    drop(conn);

    let store = SqliteStore::open(&path, &[&poll()]).unwrap();
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |row| row.get::<_, i64>(0)).unwrap();
    assert_eq!(
        count("SELECT COUNT(*) FROM ballot_choice"),
        3,
        "no answer lost"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM ballot WHERE voided_window = 1 AND voter = 'ander'"),
        1
    );
    conn.execute("UPDATE ballot SET voter = NULL", []).unwrap();
    conn.execute(
        "INSERT INTO ballot (poll_id, voter, cast_at) VALUES (1, NULL, 9), (1, 'oud', 9)",
        [],
    )
    .unwrap();
    assert!(
        conn.execute(
            "INSERT INTO ballot (poll_id, voter, cast_at) VALUES (1, 'oud', 9)",
            []
        )
        .is_err(),
        "a kept id is still one ballot per poll"
    );
    let broken = conn
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |_| Ok(()))
        .unwrap()
        .count();
    assert_eq!(broken, 0, "every reference holds");
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

fn vote(voter: &str) -> NewVote {
    NewVote {
        poll_id: "deepseek".into(),
        choices: vec!["nee".into()],
        voter: voter.into(),
        cast_at: 1_737_936_000,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_votes_arrive_holds_every_vote_acknowledged_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("votes.db");
    let store = SqliteStore::open(&database, &[&poll()]).unwrap();
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let voting = {
        let (store, acknowledged) = (store.clone(), acknowledged.clone());
        tokio::spawn(async move {
            for i in 0..3000 {
                let voter = format!("lezer-{i}");
                if store.record_vote(vote(&voter)).await == Ok(VoteOutcome::Recorded) {
                    acknowledged.lock().unwrap().push(voter);
                }
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let copy = dir.path().join("kopie.db");
    let target = copy.clone();
    tokio::task::spawn_blocking(move || backup::backup(&database, &target))
        .await
        .unwrap()
        .unwrap();
    voting.await.unwrap();
    assert!(
        !before.is_empty(),
        "votes were arriving when the backup began"
    );

    let conn = Connection::open_with_flags(&copy, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mut in_copy = conn.prepare("SELECT voter FROM ballot").unwrap();
    let in_copy: std::collections::HashSet<String> = in_copy
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let missing: Vec<_> = before.iter().filter(|v| !in_copy.contains(*v)).collect();
    assert!(
        missing.is_empty(),
        "acknowledged before the backup, not in it: {missing:?}"
    );
    assert!(
        backup::backup(&dir.path().join("votes.db"), &copy).is_err(),
        "never overwrites"
    );
}

#[tokio::test]
async fn a_backup_reported_made_is_a_whole_database_at_its_path() {
    // That the copy and its folder reach the disk before success is reported (the fsyncs) shows
    // only after a power cut; what a test can see is that the synced copy is whole and usable.
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("votes.db");
    let store = SqliteStore::open(&database, &[&poll()]).unwrap();
    store.record_vote(vote("in-de-kopie")).await.unwrap();
    let copy = dir.path().join("kopie.db");

    backup::backup(&database, &copy).unwrap();

    let conn = Connection::open_with_flags(&copy, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, KNOWN_MIGRATIONS);
    let voters: i64 = conn
        .query_row("SELECT COUNT(*) FROM ballot", [], |row| row.get(0))
        .unwrap();
    assert_eq!(voters, 1);
    store.shut_down().await;
}

#[tokio::test]
async fn a_restore_checks_the_copy_and_waits_for_the_site_to_stop() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("votes.db");
    let store = SqliteStore::open(&database, &[&poll()]).unwrap();
    store.record_vote(vote("voor-de-kopie")).await.unwrap();
    let copy = dir.path().join("kopie.db");
    backup::backup(&database, &copy).unwrap();
    store.record_vote(vote("na-de-kopie")).await.unwrap();

    assert!(matches!(
        backup::restore(&copy, &database),
        Err(backup::BackupError::InUse)
    ));
    store.shut_down().await;
    drop(store);

    let garbage = dir.path().join("rommel.db");
    std::fs::write(&garbage, b"dit is geen databank").unwrap();
    assert!(matches!(
        backup::restore(&garbage, &database),
        Err(backup::BackupError::NotADatabase(..))
    ));
    let newer = dir.path().join("nieuwer.db");
    std::fs::copy(&copy, &newer).unwrap();
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    assert!(matches!(
        backup::restore(&newer, &database),
        Err(backup::BackupError::Newer { found: 99, .. })
    ));

    backup::restore(&copy, &database).unwrap();
    let store = SqliteStore::open(&database, &[&poll()]).unwrap();
    let tally = store
        .tally("deepseek", Some("voor-de-kopie"))
        .await
        .unwrap();
    assert_eq!(
        tally.voters, 1,
        "the vote after the copy is gone with the restore"
    );
    assert_eq!(tally.own_choices, vec!["nee"]);
}

#[test]
fn a_vote_whose_error_ends_the_transaction_fails_its_group_and_no_vote_is_stored_unacknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("votes.db");
    let store = SqliteStore::open(&path, &[&poll()]).unwrap();
    // What a failing disk does mid-group: on an I/O error, a full disk or memory, SQLite rolls
    // back the whole transaction, not only the statement. A trigger's RAISE(ROLLBACK) does the
    // same, for one voter in the middle of votes sent together (the writer groups them).
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER failing_disk BEFORE INSERT ON ballot WHEN NEW.voter = 'v100'
             BEGIN SELECT RAISE(ROLLBACK, 'disk I/O error'); END;",
        )
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let vote = |voter: String| NewVote {
        poll_id: "deepseek".into(),
        choices: vec!["ja".into()],
        voter,
        cast_at: 1,
    };
    let answers = runtime.block_on(async {
        let mut votes = tokio::task::JoinSet::new();
        for n in 0..200 {
            let store = store.clone();
            let voter = format!("v{n}");
            votes.spawn(async move { (voter.clone(), store.record_vote(vote(voter)).await) });
        }
        votes.join_all().await
    });
    let acknowledged: std::collections::BTreeSet<String> = answers
        .iter()
        .filter(|(_, answer)| answer.is_ok())
        .map(|(voter, _)| voter.clone())
        .collect();
    assert!(!acknowledged.contains("v100"));
    let stored: std::collections::BTreeSet<String> = Connection::open(&path)
        .unwrap()
        .prepare("SELECT voter FROM ballot")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let lost: Vec<&String> = acknowledged.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged, not stored: {lost:?}");
    assert_eq!(
        stored, acknowledged,
        "none stored without its acknowledgement"
    );
    // The writer goes on.
    let after = runtime.block_on(store.record_vote(vote("after".into())));
    assert_eq!(after, Ok(VoteOutcome::Recorded));
}

/// The plan SQLite makes for `sql`, as its lines.
fn plan(conn: &Connection, sql: &str) -> String {
    let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let lines: Vec<String> = statement
        .query_map([], |row| row.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    lines.join("\n")
}

#[test]
fn a_polls_audit_lines_and_its_last_hour_are_read_by_their_indexes_not_by_walking_everything() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open_connection(&dir.path().join("votes.db"), Some(Durability::Full)).unwrap();
    migrations().to_latest(&mut conn).unwrap();
    let audit = plan(
        &conn,
        &desk::AUDIT_LOG_OF_POLL
            .replace("?1", "'p'")
            .replace("?2", "10"),
    );
    assert!(audit.contains("audit_log_by_poll"), "{audit}");
    let last_hour = plan(
        &conn,
        &desk::BALLOTS_SINCE.replace("?1", "'p'").replace("?2", "0"),
    );
    assert!(last_hour.contains("ballot_by_poll_and_time"), "{last_hour}");
}
