//! The `stembus` command: with no arguments it serves the site; `stembus backup FILE` copies the
//! SQLite database while the site runs, `stembus restore FILE` puts a checked copy back (site stopped).
//! `backup` and the editor commands work on the site's existing database only: a SQLite file that
//! is not there is refused, never made, since a command run without the service's settings would
//! otherwise make (or copy) a database the site never reads. `restore` may make it (a new machine
//! after a loss has none yet), and says where, in full.

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
            on_sqlite(file, Missing::Refused, |database, file| {
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
            on_sqlite(file, Missing::Made, |database, file| {
                backup::restore(file, database)?;
                let restored = std::path::absolute(database).unwrap_or_else(|_| database.into());
                println!(
                    "stembus: {} restored from {}",
                    restored.display(),
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
    let settings = match startup::load_settings() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("stembus: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut input = std::io::stdin().lock();
    match run_editor(&settings, args, &mut input).await {
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

/// `stembus editor …` with `settings`, the password (if any) from `input`; fails before opening
/// anything when the database is a SQLite file that does not exist.
async fn run_editor(
    settings: &Settings,
    args: &[&str],
    input: &mut impl std::io::BufRead,
) -> Result<String, String> {
    existing_database(settings)?;
    let store = startup::open_store(settings, Vec::new()).await?;
    let now = SystemClock.unix_seconds();
    let outcome = desk::accounts::run_command(&store, args, input, now).await;
    store.shut_down().await;
    outcome
}

/// The database `settings` name, when the commands may work on it: a PostgreSQL one, or a SQLite
/// file that exists. Fails, naming the path it looked at, for a SQLite file that does not: the
/// site makes its database when it first starts, so a missing one means the command was not given
/// the site's settings (the unit's environment file, say) and would work on another database.
fn existing_database(settings: &Settings) -> Result<Database, String> {
    let database = settings.database();
    if let Database::Sqlite(path) = &database
        && !path.is_file()
    {
        let looked_at = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        return Err(format!(
            "no database at {}: the site makes its database when it first starts, so this is \
             not the site's (or the site never ran), and nothing was done. Give the command the \
             site's settings: STEMBUS_DATABASE_PATH or STEMBUS_DATABASE_URL as the service has \
             them in /etc/stembus/environment (deploy/stembus-command runs it with them; see \
             docs/operations.md)",
            looked_at.display()
        ));
    }
    Ok(database)
}

/// Whether a command may work on a SQLite database file that is not there yet.
enum Missing {
    Refused,
    Made,
}

/// Runs `command` on the configured SQLite database and `file`, off the async runtime.
async fn on_sqlite(
    file: &str,
    missing: Missing,
    command: impl FnOnce(&Path, &Path) -> Result<(), backup::BackupError> + Send + 'static,
) -> ExitCode {
    let settings = match startup::load_settings() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("stembus: {error}");
            return ExitCode::FAILURE;
        }
    };
    let database = match missing {
        Missing::Refused => existing_database(&settings),
        Missing::Made => Ok(settings.database()),
    };
    let database = match database {
        Err(message) => {
            eprintln!("stembus: {message}");
            return ExitCode::FAILURE;
        }
        Ok(Database::Sqlite(path)) => path,
        Ok(Database::Postgres(_)) => {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_at(path: &Path) -> Settings {
        Settings {
            database_path: path.to_path_buf(),
            ..Settings::default()
        }
    }

    #[tokio::test]
    async fn an_editor_command_without_the_sites_database_makes_none_and_says_where_it_looked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join("stembus.db");
        let mut password = "een-lang-genoeg-wachtwoord\n".as_bytes();

        let refused = run_editor(&settings_at(&path), &["add", "an"], &mut password).await;

        let message = refused.expect_err("no database there: refused");
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("STEMBUS_DATABASE_PATH"), "{message}");
        assert!(!path.exists(), "no database was made");
        assert!(!path.parent().unwrap().exists(), "nor its folder");
    }

    #[tokio::test]
    async fn an_editor_command_works_on_the_database_the_site_made() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stembus.db");
        let settings = settings_at(&path);
        startup::open_store(&settings, Vec::new())
            .await
            .unwrap()
            .shut_down()
            .await;
        let mut password = "een-lang-genoeg-wachtwoord\n".as_bytes();

        let added = run_editor(&settings, &["add", "an"], &mut password).await;

        assert!(added.is_ok(), "{added:?}");
        let listed = run_editor(&settings, &["list"], &mut "".as_bytes()).await;
        assert!(listed.unwrap().starts_with("an\t"));
    }

    #[test]
    fn backup_and_restore_refuse_a_sqlite_database_that_is_not_there() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("stembus.db");
        let message = existing_database(&settings_at(&missing)).unwrap_err();
        assert!(
            message.contains(&missing.display().to_string()),
            "{message}"
        );

        std::fs::write(&missing, b"").unwrap();
        assert_eq!(
            existing_database(&settings_at(&missing)),
            Ok(Database::Sqlite(missing.clone()))
        );
        let postgres = Settings {
            database_url: Some(Database::Postgres("postgres://db1/stembus".into())),
            ..settings_at(&missing)
        };
        assert!(matches!(
            existing_database(&postgres),
            Ok(Database::Postgres(_))
        ));
    }
}
