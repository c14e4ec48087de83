//! What only the SQLite engine has to show: its migrations, including the one that carried the first
//! schema's votes over into ballots, and its pragmas. Everything a vote store promises is tested on
//! both engines by `store/contract.rs`.

use super::*;
use crate::test_support::poll;

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
