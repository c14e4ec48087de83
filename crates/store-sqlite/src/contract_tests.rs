//! The store's contract (`stembus_store::contract` and `desk_contract`) run on SQLite, each test on a
//! fresh database file of its own.

use async_trait::async_trait;
use std::sync::Arc;
use stembus_poll::PollDefinition;
use stembus_store::Store;
use stembus_store::contract::Engine;
use stembus_store::desk_contract::DeskEngine;

use crate::SqliteStore;

struct Sqlite {
    dir: tempfile::TempDir,
}

impl Sqlite {
    fn new() -> Sqlite {
        Sqlite {
            dir: tempfile::tempdir().unwrap(),
        }
    }
}

#[async_trait]
impl Engine for Sqlite {
    async fn open(&self, polls: &[&PollDefinition]) -> Store {
        Arc::new(SqliteStore::open(&self.dir.path().join("votes.db"), polls).unwrap())
    }

    async fn recount(&self, keys: &[&str]) -> (u64, Vec<u64>) {
        let conn = rusqlite::Connection::open(self.dir.path().join("votes.db")).unwrap();
        let count = |sql: &str, key: Option<&str>| -> u64 {
            let n: i64 = match key {
                Some(key) => conn.query_row(sql, [key], |row| row.get(0)),
                None => conn.query_row(sql, [], |row| row.get(0)),
            }
            .unwrap();
            n as u64
        };
        let ballots = count("SELECT COUNT(*) FROM ballot", None);
        let per_key = keys
            .iter()
            .map(|key| {
                count(
                    "SELECT COUNT(*) FROM ballot_choice c JOIN poll_option o ON o.id = c.option_id
                     WHERE o.key = ?1",
                    Some(key),
                )
            })
            .collect();
        (ballots, per_key)
    }
}

#[async_trait]
impl DeskEngine for Sqlite {
    async fn count(&self, sql: &str) -> u64 {
        let conn = rusqlite::Connection::open(self.dir.path().join("votes.db")).unwrap();
        conn.query_row(sql, [], |row| row.get::<_, i64>(0)).unwrap() as u64
    }

    async fn execute(&self, sql: &str) {
        let conn = rusqlite::Connection::open(self.dir.path().join("votes.db")).unwrap();
        conn.execute_batch(sql).unwrap();
    }
}

mod votes {
    use super::Sqlite;
    stembus_store::vote_contract!(Sqlite::new());
}

mod desk {
    use super::Sqlite;
    stembus_store::desk_contract!(Sqlite::new());
}
