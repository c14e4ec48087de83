//! The store's contract (`stembus_store::contract` and `desk_contract`) run on PostgreSQL, each
//! test on a fresh database in the cluster `STEMBUS_TEST_DATABASE_URL` names; `#[ignore]`d so that
//! `cargo nextest run` works without one (`scripts/test.sh` starts a throwaway cluster and runs them).

use async_trait::async_trait;
use std::sync::Arc;
use stembus_poll::PollDefinition;
use stembus_store::Store;
use stembus_store::contract::{Engine, TEST_DATABASE_URL};
use stembus_store::desk_contract::DeskEngine;

use crate::PostgresStore;

struct Postgres {
    url: String,
}

impl Postgres {
    /// A fresh database in the test cluster.
    async fn new() -> Postgres {
        let admin = std::env::var(TEST_DATABASE_URL).unwrap_or_else(|_| {
            panic!("{TEST_DATABASE_URL} is not set: run scripts/test.sh, which starts PostgreSQL")
        });
        let mut name = [0u8; 8];
        getrandom::fill(&mut name).unwrap();
        let name: String = name.iter().map(|b| format!("{b:02x}")).collect();
        let url = crate::create_database(&admin, &format!("stembus_test_{name}"))
            .await
            .unwrap();
        Postgres { url }
    }

    async fn client(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
    }
}

#[async_trait]
impl Engine for Postgres {
    async fn open(&self, polls: &[&PollDefinition]) -> Store {
        Arc::new(PostgresStore::open(&self.url, polls).await.unwrap())
    }

    async fn recount(&self, keys: &[&str]) -> (u64, Vec<u64>) {
        let client = self.client().await;
        let ballots: i64 = client
            .query_one("SELECT COUNT(*) FROM ballot", &[])
            .await
            .unwrap()
            .get(0);
        let mut per_key = Vec::new();
        for key in keys {
            let n: i64 = client
                .query_one(
                    "SELECT COUNT(*) FROM ballot_choice c JOIN poll_option o ON o.id = c.option_id
                     WHERE o.key = $1",
                    &[key],
                )
                .await
                .unwrap()
                .get(0);
            per_key.push(n as u64);
        }
        (ballots as u64, per_key)
    }
}

#[async_trait]
impl DeskEngine for Postgres {
    async fn count(&self, sql: &str) -> u64 {
        let client = self.client().await;
        client.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) as u64
    }

    async fn execute(&self, sql: &str) {
        self.client().await.batch_execute(sql).await.unwrap();
    }
}

mod votes {
    use super::Postgres;
    stembus_store::vote_contract!(
        ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)",
        Postgres::new().await
    );
}

mod desk {
    use super::Postgres;
    stembus_store::desk_contract!(
        ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)",
        Postgres::new().await
    );
}
