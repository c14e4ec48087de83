//! The yardstick for vote throughput: a bare rusqlite loop that stores votes the way the store does
//! (a ballot row and its answer row) with the store's pragmas, on a fresh database with the real
//! schema, with nothing else around it. `bench/votes.sh` reports HTTP votes per second as a share of
//! these loops, so the figure says what HTTP, the server function and the writer thread cost.
//!
//! Usage: `cargo bench --features ssr --bench raw_sqlite -- <folder> <seconds> <group size>`
//! Prints two lines: `raw one-per-transaction votes_per_s=…` and `raw group=G votes_per_s=…`.

use rusqlite::{Connection, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    // `cargo bench` appends `--bench` to a harness-less bench's arguments; it is not ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--bench")
        .collect();
    let [folder, seconds, group] = args.as_slice() else {
        eprintln!("usage: raw_sqlite <folder for the databases> <seconds per loop> <group size>");
        return ExitCode::from(2);
    };
    let (Ok(seconds), Ok(group)) = (seconds.parse::<f64>(), group.parse::<usize>()) else {
        eprintln!("raw_sqlite: seconds must be a number and the group size a whole number");
        return ExitCode::from(2);
    };
    if seconds.is_nan() || seconds <= 0.0 || group == 0 {
        eprintln!("raw_sqlite: seconds and the group size must be above zero");
        return ExitCode::from(2);
    }
    let duration = Duration::from_secs_f64(seconds);
    let folder = PathBuf::from(folder);
    match run(&folder, duration, group) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("raw_sqlite: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(folder: &Path, duration: Duration, group: usize) -> Result<(), Box<dyn std::error::Error>> {
    let one = measure(&folder.join("raw-one.db"), duration, 1)?;
    println!("raw one-per-transaction votes_per_s={one:.0}");
    let grouped = measure(&folder.join("raw-group.db"), duration, group)?;
    println!("raw group={group} votes_per_s={grouped:.0}");
    Ok(())
}

/// Votes per second committed in transactions of `group` votes for `duration`, on a fresh file.
fn measure(
    path: &Path,
    duration: Duration,
    group: usize,
) -> Result<f64, Box<dyn std::error::Error>> {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        match std::fs::remove_file(&file) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error.into()),
            _ => {}
        }
    }
    let mut conn = open(path)?;
    let options = set_up_poll(&conn)?;

    let mut voter: u64 = 0;
    let started = Instant::now();
    while started.elapsed() < duration {
        // BEGIN IMMEDIATE, as the writer does: it takes the write lock before reading.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for _ in 0..group {
            voter += 1;
            tx.prepare_cached("INSERT INTO ballot (poll_id, voter, cast_at) VALUES (1, ?1, ?2)")?
                .execute(params![format!("{voter:032x}"), 1_738_000_000_i64])?;
            let ballot = tx.last_insert_rowid();
            let option = options[(voter % options.len() as u64) as usize];
            tx.prepare_cached("INSERT INTO ballot_choice (ballot_id, option_id) VALUES (?1, ?2)")?
                .execute(params![ballot, option])?;
        }
        tx.commit()?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    drop(conn);
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(&file);
    }
    Ok(voter as f64 / elapsed)
}

/// A connection with the store's pragmas (`src/server/store/mod.rs`, `open_connection`) and the
/// schema from `crates/store-sqlite/migrations/`, applied in file-name order.
fn open(path: &Path) -> Result<Connection, Box<dyn std::error::Error>> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // This bench is stembus-server's; the engine's migrations are beside the engine.
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("../store-sqlite/migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&migrations)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .collect();
    files.sort();
    for file in files {
        conn.execute_batch(&std::fs::read_to_string(&file)?)?;
    }
    Ok(conn)
}

/// One poll with three answers, as the content sync writes it; returns the answers' row ids.
fn set_up_poll(conn: &Connection) -> rusqlite::Result<Vec<i64>> {
    conn.execute(
        "INSERT INTO poll (id, key, question) VALUES (1, 'raw', 'Raw?')",
        [],
    )?;
    let mut options = Vec::new();
    for (position, key) in ["ja", "nee", "weet-niet"].into_iter().enumerate() {
        conn.execute(
            "INSERT INTO poll_option (poll_id, key, label, position) VALUES (1, ?1, ?1, ?2)",
            params![key, position as i64],
        )?;
        options.push(conn.last_insert_rowid());
    }
    Ok(options)
}
