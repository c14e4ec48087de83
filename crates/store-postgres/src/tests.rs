//! What only the PostgreSQL engine has to show: a connection lost around `COMMIT`, and a vote the
//! database itself refuses inside a batch. The store talks
//! to the test cluster through a proxy that cuts the connection at the moment the client sends
//! `COMMIT`, before passing it on (nothing is stored) or after (it is stored, the answer is lost).
//! The vote must be acknowledged exactly when it is stored, and counted once. These tests need the
//! cluster `STEMBUS_TEST_DATABASE_URL` names, like the PostgreSQL half of the contract suite.

use super::*;
use std::sync::atomic::{AtomicU8, Ordering};
use stembus_poll::test_support::poll;
use stembus_store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does with the next `COMMIT`, and with new connections.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
enum Cut {
    /// Everything passes.
    Nothing = 0,
    /// The next `COMMIT` is dropped with its connection: it never reaches the server.
    BeforeCommit = 1,
    /// The next `COMMIT` reaches the server; its answer and the connection are dropped.
    AfterCommit = 2,
    /// As `AfterCommit`, and from then on every connection is closed at once: the database is
    /// out of reach.
    AfterCommitThenEverything = 3,
    /// Every new connection is closed at once.
    Everything = 4,
}

/// A TCP proxy to the test cluster on a port of its own.
struct Proxy {
    port: u16,
    mode: Arc<AtomicU8>,
}

impl Proxy {
    async fn start(target: (String, u16)) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mode = Arc::new(AtomicU8::new(Cut::Nothing as u8));
        let shared = mode.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if shared.load(Ordering::SeqCst) == Cut::Everything as u8 {
                    continue;
                }
                let Ok(server) = TcpStream::connect((target.0.as_str(), target.1)).await else {
                    continue;
                };
                tokio::spawn(relay(client, server, shared.clone()));
            }
        });
        Proxy { port, mode }
    }

    fn cut(&self, cut: Cut) {
        self.mode.store(cut as u8, Ordering::SeqCst);
    }

    fn mode(&self) -> u8 {
        self.mode.load(Ordering::SeqCst)
    }
}

/// Copies both ways, watching the client's bytes for the simple query `COMMIT`.
async fn relay(client: TcpStream, server: TcpStream, mode: Arc<AtomicU8>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let cut = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let answers = {
        let cut = cut.clone();
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                let Ok(n) = server_read.read(&mut buffer).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                // After a cut the answers are swallowed, but the connection stays open until the
                // relay closes it: the client must not learn of the cut before the server is done.
                if cut.load(Ordering::SeqCst) {
                    continue;
                }
                if client_write.write_all(&buffer[..n]).await.is_err() {
                    return;
                }
            }
        })
    };
    let mut buffer = vec![0u8; 64 * 1024];
    while let Ok(n) = client_read.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        let chunk = &buffer[..n];
        let commits = chunk.windows(7).any(|window| window == b"COMMIT\0");
        let now = mode.load(Ordering::SeqCst);
        if commits && now == Cut::BeforeCommit as u8 {
            mode.store(Cut::Nothing as u8, Ordering::SeqCst);
            break;
        }
        if commits && (now == Cut::AfterCommit as u8 || now == Cut::AfterCommitThenEverything as u8)
        {
            cut.store(true, Ordering::SeqCst);
            let _ = server_write.write_all(chunk).await;
            // Long enough for the server to commit before the connection goes.
            tokio::time::sleep(Duration::from_millis(300)).await;
            let next = if now == Cut::AfterCommit as u8 {
                Cut::Nothing
            } else {
                Cut::Everything
            };
            mode.store(next as u8, Ordering::SeqCst);
            break;
        }
        if server_write.write_all(chunk).await.is_err() {
            break;
        }
    }
    answers.abort();
}

/// A fresh database in the test cluster, and a store on it reached through a proxy.
async fn store_behind_proxy() -> (Store, Proxy, String) {
    let admin = std::env::var(stembus_store::contract::TEST_DATABASE_URL).expect(
        "STEMBUS_TEST_DATABASE_URL is not set: run scripts/test.sh, which starts PostgreSQL",
    );
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).unwrap();
    let name: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let direct = create_database(&admin, &format!("stembus_cut_{name}"))
        .await
        .unwrap();
    let config = tokio_postgres::Config::from_str(&direct).unwrap();
    let host = match &config.get_hosts()[0] {
        tokio_postgres::config::Host::Tcp(host) => host.clone(),
        other => panic!("the test cluster is reached over TCP, not {other:?}"),
    };
    let port = config.get_ports()[0];
    let proxy = Proxy::start((host.clone(), port)).await;
    let proxied = direct.replacen(
        &format!("{host}:{port}"),
        &format!("127.0.0.1:{}", proxy.port),
        1,
    );
    let store: Store = Arc::new(PostgresStore::open(&proxied, &[&poll()]).await.unwrap());
    (store, proxy, direct)
}

fn vote(voter: &str) -> NewVote {
    NewVote {
        poll_id: "deepseek".into(),
        choices: vec!["ja".into()],
        voter: voter.into(),
        cast_at: 1_737_936_000,
    }
}

/// Ballots and the summed count of "ja", read past the proxy.
async fn stored(direct: &str) -> (i64, i64) {
    let (client, connection) = tokio_postgres::connect(direct, NoTls).await.unwrap();
    tokio::spawn(connection);
    let ballots: i64 = client
        .query_one("SELECT COUNT(*) FROM ballot", &[])
        .await
        .unwrap()
        .get(0);
    let counted: i64 = client
        .query_one(
            "SELECT COALESCE(SUM(c.votes), 0)::BIGINT FROM option_count c
             JOIN poll_option o ON o.id = c.option_id WHERE o.key = 'ja'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    (ballots, counted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)"]
async fn a_commit_that_never_arrived_is_written_again_and_counted_once() {
    let (store, proxy, direct) = store_behind_proxy().await;
    proxy.cut(Cut::BeforeCommit);
    assert_eq!(
        store.record_vote(vote("a")).await,
        Ok(VoteOutcome::Recorded)
    );
    assert_eq!(proxy.mode(), Cut::Nothing as u8, "the cut happened");
    assert_eq!(stored(&direct).await, (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)"]
async fn a_commit_whose_answer_was_lost_is_found_and_not_written_twice() {
    let (store, proxy, direct) = store_behind_proxy().await;
    proxy.cut(Cut::AfterCommit);
    assert_eq!(
        store.record_vote(vote("a")).await,
        Ok(VoteOutcome::Recorded),
        "the batch's row says it went in"
    );
    assert_eq!(proxy.mode(), Cut::Nothing as u8, "the cut happened");
    assert_eq!(stored(&direct).await, (1, 1), "stored and counted once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)"]
async fn a_vote_whose_fate_cannot_be_told_is_never_acknowledged() {
    let (store, proxy, direct) = store_behind_proxy().await;
    proxy.cut(Cut::AfterCommitThenEverything);
    assert_eq!(
        store.record_vote(vote("a")).await,
        Err(StoreError::Unavailable),
        "stored, but nobody could tell: a 503, not an acknowledgement"
    );
    assert_eq!(stored(&direct).await, (1, 1));
    proxy.cut(Cut::Nothing);
    assert_eq!(
        store.record_vote(vote("a")).await,
        Ok(VoteOutcome::AlreadyVoted),
        "the reader's retry finds the vote and does not count it again"
    );
    assert_eq!(stored(&direct).await, (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)"]
async fn a_vote_the_database_refuses_is_rolled_back_alone_and_its_batch_goes_in() {
    // A NUL byte is no text to PostgreSQL: the ballot's insert fails on the server, after the
    // savepoint, the rules and the answers went out and with the release pipelined behind it.
    let (store, _proxy, direct) = store_behind_proxy().await;
    let (before, refused, after) = tokio::join!(
        store.record_vote(vote("a")),
        store.record_vote(vote("b\0")),
        store.record_vote(vote("c")),
    );
    assert_eq!(before, Ok(VoteOutcome::Recorded));
    assert_eq!(refused, Err(StoreError::Unavailable));
    assert_eq!(after, Ok(VoteOutcome::Recorded));
    assert_eq!(
        stored(&direct).await,
        (2, 2),
        "both good votes stored and counted"
    );
    assert_eq!(
        store.record_vote(vote("a")).await,
        Ok(VoteOutcome::AlreadyVoted),
        "the connection and its transactions go on as before"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)"]
async fn nodes_starting_together_migrate_and_sync_once() {
    let admin = std::env::var(stembus_store::contract::TEST_DATABASE_URL).expect(
        "STEMBUS_TEST_DATABASE_URL is not set: run scripts/test.sh, which starts PostgreSQL",
    );
    let url = create_database(&admin, "stembus_start_together")
        .await
        .unwrap();
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { PostgresStore::open(&url, &[&poll()]).await.is_ok() })
        })
        .collect();
    for start in starts {
        assert!(start.await.unwrap(), "every node starts");
    }
    let (client, connection) = tokio_postgres::connect(&url, NoTls).await.unwrap();
    tokio::spawn(connection);
    let migrations: i64 = client
        .query_one("SELECT COUNT(*) FROM schema_migration", &[])
        .await
        .unwrap()
        .get(0);
    let answers: i64 = client
        .query_one("SELECT COUNT(*) FROM poll_option", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!((migrations, answers), (migrate::MIGRATIONS.len() as i64, 3));
}

#[tokio::test]
async fn an_unreachable_database_names_the_key_and_never_the_password() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("postgres://stembus:geheim@127.0.0.1:{port}/stembus");
    let Err(error) = PostgresStore::open(&url, &[&poll()]).await else {
        panic!("nothing listens on port {port}");
    };
    let message = error.to_string();
    assert!(message.contains("`database_url`"), "{message}");
    assert!(
        message.contains(&format!("127.0.0.1:{port}/stembus")),
        "{message}"
    );
    assert!(!message.contains("geheim"), "{message}");
}
