//! The `stembus` command: with no arguments it serves the site; `stembus backup FILE` copies the
//! SQLite database while the site runs, `stembus restore FILE` puts a checked copy back (site stopped).

use crate::startup;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stembus_desk as desk;
use stembus_site::clock::{Clock, SystemClock};
use stembus_site::config::{Database, Settings};
use stembus_store_sqlite::backup;

const USAGE: &str = "usage: stembus                      serve the site
       stembus backup FILE          copy the SQLite database to the new FILE while the site runs
       stembus restore FILE         put a copy made by `stembus backup` back (stop the site first)
       stembus editor add NAME      add an editor; the password is the first line of standard input
       stembus editor list          list the editors
       stembus editor remove NAME   remove an editor and end their sessions
       stembus editor password NAME set a new password (first line of standard input)";

/// Runs what the command line asks for.
pub async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => startup::run().await,
        ["backup", file] => {
            on_sqlite(file, |database, file| {
                backup::backup(database, file)?;
                println!(
                    "stembus: {} copied to {}",
                    database.display(),
                    file.display()
                );
                Ok(())
            })
            .await
        }
        ["restore", file] => {
            on_sqlite(file, |database, file| {
                backup::restore(file, database)?;
                println!(
                    "stembus: {} restored from {}",
                    database.display(),
                    file.display()
                );
                Ok(())
            })
            .await
        }
        ["editor", rest @ ..] => editor(rest).await,
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `stembus editor …` on the configured database, whichever engine it is.
async fn editor(args: &[&str]) -> ExitCode {
    if !matches!(args, ["list"] | ["add" | "remove" | "password", _]) {
        eprintln!("{}", desk::accounts::USAGE);
        return ExitCode::from(2);
    }
    let settings = match Settings::load(&startup::config_file()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("stembus: {error}");
            return ExitCode::FAILURE;
        }
    };
    let store = match startup::open_store(&settings, Vec::new()).await {
        Ok(store) => store,
        Err(message) => {
            eprintln!("stembus: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut input = std::io::stdin().lock();
    let now = SystemClock.unix_seconds();
    let outcome = desk::accounts::run_command(&store, args, &mut input, now).await;
    store.shut_down().await;
    match outcome {
        Ok(message) => {
            println!("stembus: {message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("stembus: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `command` on the configured SQLite database and `file`, off the async runtime.
async fn on_sqlite(
    file: &str,
    command: impl FnOnce(&Path, &Path) -> Result<(), backup::BackupError> + Send + 'static,
) -> ExitCode {
    let settings = match Settings::load(&startup::config_file()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("stembus: {error}");
            return ExitCode::FAILURE;
        }
    };
    let database = match settings.database() {
        Database::Sqlite(path) => path,
        Database::Postgres(_) => {
            eprintln!(
                "stembus: backup and restore are for SQLite; for PostgreSQL use its own tools \
                 (pg_dump, pg_basebackup, WAL archiving), see docs/operations.md"
            );
            return ExitCode::from(2);
        }
    };
    let file = PathBuf::from(file);
    match tokio::task::spawn_blocking(move || command(&database, &file)).await {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(error)) => {
            eprintln!("stembus: {error}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("stembus: the command failed");
            ExitCode::FAILURE
        }
    }
}
