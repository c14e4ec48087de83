//! The yardstick for vote throughput on PostgreSQL: a bare tokio-postgres loop that stores votes as
//! the PostgreSQL engine does (a ballot with `ON CONFLICT DO NOTHING RETURNING`, its answer, and the
//! running counts of one shard), on a fresh database with the real schema, with nothing around it.
//! `bench/votes.sh` (engine `postgres`) reports HTTP votes per second as a share of these loops.
//!
//! Usage: `cargo bench --features ssr --bench raw_postgres -- <admin URL> <seconds> <group size>`
//! (the admin URL reaches a database from which fresh ones are created, as
//! `scripts/with-postgres.sh` exports it). Prints `raw one-per-transaction votes_per_s=…` and
//! `raw group=G votes_per_s=…`.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use stembus_store_postgres::create_database;
use tokio_postgres::{Client, NoTls};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // `cargo bench` appends `--bench` to a harness-less bench's arguments; it is not ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--bench")
        .collect();
    let [admin, seconds, group] = args.as_slice() else {
        eprintln!("usage: raw_postgres <admin URL> <seconds per loop> <group size>");
        return ExitCode::from(2);
    };
    let (Ok(seconds), Ok(group)) = (seconds.parse::<f64>(), group.parse::<usize>()) else {
        eprintln!("raw_postgres: seconds must be a number and the group size a whole number");
        return ExitCode::from(2);
    };
    if seconds.is_nan() || seconds <= 0.0 || group == 0 {
        eprintln!("raw_postgres: seconds and the group size must be above zero");
        return ExitCode::from(2);
    }
    let duration = Duration::from_secs_f64(seconds);
    match run(admin, duration, group).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("raw_postgres: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(
    admin: &str,
    duration: Duration,
    group: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let one = measure(admin, "raw_one", duration, 1).await?;
    println!("raw one-per-transaction votes_per_s={one:.0}");
    let grouped = measure(admin, "raw_group", duration, group).await?;
    println!("raw group={group} votes_per_s={grouped:.0}");
    Ok(())
}

/// Votes per second committed in transactions of `group` votes for `duration`, on a fresh database.
async fn measure(
    admin: &str,
    name: &str,
    duration: Duration,
    group: usize,
) -> Result<f64, Box<dyn std::error::Error>> {
    let mut suffix = [0u8; 4];
    getrandom::fill(&mut suffix)?;
    let name = format!("{name}_{:08x}", u32::from_le_bytes(suffix));
    let url = create_database(admin, &name).await?;
    let (mut client, connection) = tokio_postgres::connect(&url, NoTls).await?;
    tokio::spawn(connection);
    // This bench is stembus-server's; the engine's migrations are beside the engine.
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../store-postgres/migrations/0001_polls_ballots_and_counts.sql");
    client
        .batch_execute(&std::fs::read_to_string(schema)?)
        .await?;
    let options = set_up_poll(&client).await?;

    let ballot = client
        .prepare(
            "INSERT INTO ballot (poll_id, voter, cast_at) VALUES (1, $1, $2)
             ON CONFLICT (poll_id, voter) DO NOTHING RETURNING id",
        )
        .await?;
    let choice = client
        .prepare("INSERT INTO ballot_choice (ballot_id, option_id) VALUES ($1, $2)")
        .await?;
    let count = client
        .prepare(
            "INSERT INTO option_count (option_id, shard, votes) VALUES ($1, 0, $2)
             ON CONFLICT (option_id, shard) DO UPDATE SET votes = option_count.votes + excluded.votes",
        )
        .await?;
    let voters = client
        .prepare(
            "INSERT INTO poll_voter_count (poll_id, shard, voters) VALUES (1, 0, $1)
             ON CONFLICT (poll_id, shard) DO UPDATE
             SET voters = poll_voter_count.voters + excluded.voters",
        )
        .await?;
    let mut voter: u64 = 0;
    let started = Instant::now();
    while started.elapsed() < duration {
        let tx = client.transaction().await?;
        let mut per_option = vec![0i64; options.len()];
        for _ in 0..group {
            voter += 1;
            let row = tx
                .query_one(&ballot, &[&format!("{voter:032x}"), &1_738_000_000_i64])
                .await?;
            let id: i64 = row.get(0);
            let index = (voter % options.len() as u64) as usize;
            tx.execute(&choice, &[&id, &options[index]]).await?;
            per_option[index] += 1;
        }
        for (option, votes) in options.iter().zip(per_option) {
            if votes > 0 {
                tx.execute(&count, &[option, &votes]).await?;
            }
        }
        tx.execute(&voters, &[&(group as i64)]).await?;
        tx.commit().await?;
    }
    Ok(voter as f64 / started.elapsed().as_secs_f64())
}

/// One poll with three answers, as the content sync writes it; returns the answers' row ids.
async fn set_up_poll(client: &Client) -> Result<Vec<i64>, tokio_postgres::Error> {
    client
        .execute(
            "INSERT INTO poll (id, key, question) VALUES (1, 'raw', 'Raw?')",
            &[],
        )
        .await?;
    let mut options = Vec::new();
    for (position, key) in ["ja", "nee", "weet-niet"].into_iter().enumerate() {
        let row = client
            .query_one(
                "INSERT INTO poll_option (poll_id, key, label, position) VALUES (1, $1, $1, $2)
                 RETURNING id",
                &[&key, &(position as i32)],
            )
            .await?;
        options.push(row.get(0));
    }
    Ok(options)
}
