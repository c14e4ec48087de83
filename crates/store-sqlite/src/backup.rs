//! Online backups of the SQLite database and putting one back: `stembus backup FILE` copies the
//! database while the site runs and takes votes (`VACUUM INTO` reads one consistent snapshot,
//! beside the writer, in WAL mode), and `stembus restore FILE` puts a copy in place after checking it,
//! only while no store has the database open (they hold a shared lock on `<database>.lock`).

use super::{KNOWN_MIGRATIONS, open_connection};
use rusqlite::{Connection, OpenFlags};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Why a backup or a restore did not happen; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} exists already; name a new file")]
    TargetExists(String),
    #[error("cannot read the database {path}: {source}")]
    Source {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot write the copy {path}: {source}")]
    Copy {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot make the copy {path} durable (it was removed): {source}")]
    Sync {
        path: String,
        source: std::io::Error,
    },
    #[error("{0} is not a stembus database: {1}")]
    NotADatabase(String, String),
    #[error("{0} fails SQLite's integrity check: {1}")]
    Damaged(String, String),
    #[error("{path} comes from a newer stembus (migration {found}; this one knows {known})")]
    Newer {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("the site has the database open: stop it before a restore")]
    InUse,
    #[error("cannot put the copy in place at {path}: {source}")]
    Replace {
        path: String,
        source: std::io::Error,
    },
}

/// The lock file beside the database.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn open_lock(database: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(database))
}

/// The shared lock a store holds while it has the database open; fails while a restore runs.
pub fn lock_shared(database: &Path) -> std::io::Result<File> {
    let file = open_lock(database)?;
    file.try_lock_shared().map_err(std::io::Error::other)?;
    Ok(file)
}

/// Copies the database at `database` to the new file `target`: a consistent snapshot of every
/// committed vote, taken without stopping the site (the writer goes on beside it), and flushed to
/// disk with its folder before it returns. Fails if either does (a copy not flushed is removed).
pub fn backup(database: &Path, target: &Path) -> Result<(), BackupError> {
    if target.exists() {
        return Err(BackupError::TargetExists(target.display().to_string()));
    }
    let source = |source| BackupError::Source {
        path: database.display().to_string(),
        source,
    };
    let conn = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(source)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(source)?;
    conn.execute("VACUUM INTO ?1", [target.to_string_lossy()])
        .map_err(|error| BackupError::Copy {
            path: target.display().to_string(),
            source: error,
        })?;
    drop(conn);
    // Whether SQLite flushes the file `VACUUM INTO` writes depends on its version and the
    // connection's `synchronous`, not on anything promised: until the file and its folder's entry
    // are on disk, a power cut could take a backup already reported as made.
    if let Err(error) = sync_file_and_folder(target) {
        // A copy that may not be on disk is no backup; gone, the same name can be tried again.
        let _ = std::fs::remove_file(target);
        return Err(BackupError::Sync {
            path: target.display().to_string(),
            source: error,
        });
    }
    Ok(())
}

/// Flushes the file at `path` and then its folder (which holds the file's name) to disk.
fn sync_file_and_folder(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()?;
    sync_folder_of(path)
}

/// Flushes the folder holding `path` to disk, so a file made or renamed there survives a crash.
fn sync_folder_of(path: &Path) -> std::io::Result<()> {
    let folder = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    File::open(folder)?.sync_all()
}

/// Checks the copy `source` (it opens, passes `integrity_check`, and its migrations are ones this
/// build knows) and puts it in place of the database at `database`, with no store running.
pub fn restore(source: &Path, database: &Path) -> Result<(), BackupError> {
    check(source)?;
    let lock = open_lock(database).map_err(|error| BackupError::Replace {
        path: database.display().to_string(),
        source: error,
    })?;
    if lock.try_lock().is_err() {
        return Err(BackupError::InUse);
    }
    let replace = |error| BackupError::Replace {
        path: database.display().to_string(),
        source: error,
    };
    let mut staged = database.as_os_str().to_owned();
    staged.push(".restoring");
    let staged = PathBuf::from(staged);
    std::fs::copy(source, &staged).map_err(replace)?;
    File::open(&staged)
        .and_then(|file| file.sync_all())
        .map_err(replace)?;
    // The old file's write-ahead log belongs to the old file: it must not be replayed into the copy.
    for suffix in ["-wal", "-shm"] {
        let mut old = database.as_os_str().to_owned();
        old.push(suffix);
        match std::fs::remove_file(PathBuf::from(old)) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                return Err(replace(error));
            }
            _ => {}
        }
    }
    std::fs::rename(&staged, database).map_err(replace)?;
    // The rename is durable only once the folder is.
    sync_folder_of(database).map_err(replace)?;
    // Opening it once as the store does leaves it in WAL mode, as the site expects.
    open_connection(database, Some(super::Durability::Full)).map_err(|error| {
        BackupError::Source {
            path: database.display().to_string(),
            source: error,
        }
    })?;
    Ok(())
}

/// What `restore` checks before it changes anything.
fn check(source: &Path) -> Result<(), BackupError> {
    let shown = source.display().to_string();
    let not_ours = |reason: String| BackupError::NotADatabase(shown.clone(), reason);
    if !source.is_file() {
        return Err(not_ours("no such file".into()));
    }
    let conn = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|error| not_ours(error.to_string()))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|error| not_ours(error.to_string()))?;
    if integrity != "ok" {
        return Err(BackupError::Damaged(shown, integrity));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(|error| not_ours(error.to_string()))?;
    if version > KNOWN_MIGRATIONS {
        return Err(BackupError::Newer {
            path: shown,
            found: version,
            known: KNOWN_MIGRATIONS,
        });
    }
    let has_polls: bool = conn
        .query_row(
            "SELECT COUNT(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'poll'",
            [],
            |row| row.get(0),
        )
        .map_err(|error| not_ours(error.to_string()))?;
    if version < 1 || !has_polls {
        return Err(not_ours("it holds no stembus schema".into()));
    }
    Ok(())
}
