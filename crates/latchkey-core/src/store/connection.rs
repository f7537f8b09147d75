//! Opening the database file with the pragmas every connection needs.

use super::{meta, migrations};
use crate::error::{Error, Result};
use crate::paths::DataDir;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The database file name inside the data directory.
pub const DATABASE_FILE: &str = "latchkey.db";

/// How long a connection waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// One open, migrated database connection.
pub struct Store {
    path: PathBuf,
    conn: Mutex<Connection>,
}

/// Switches a new database to WAL. The switch needs an exclusive lock and
/// SQLite may answer "busy" without waiting for it when another process is
/// opening the same new file, so it is retried briefly.
fn use_wal(conn: &Connection) -> rusqlite::Result<()> {
    let mut attempts = 0;
    loop {
        // journal_mode answers with a row, so it is read rather than executed.
        let mode: rusqlite::Result<String> = conn
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .and_then(|mode: String| {
                if mode.eq_ignore_ascii_case("wal") {
                    Ok(mode)
                } else {
                    conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
                }
            });
        match mode {
            Ok(_) => return Ok(()),
            Err(err)
                if attempts < 100
                    && err.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) =>
            {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(err) => return Err(err),
        }
    }
}

impl Store {
    /// Opens (creating if needed) and migrates `latchkey.db` in `dir`.
    pub fn open(dir: &DataDir) -> Result<Self> {
        dir.ensure()?;
        Self::open_file(&dir.path().join(DATABASE_FILE))
    }

    /// Opens and migrates the database at `path`.
    pub fn open_file(path: &Path) -> Result<Self> {
        let wrap = |err: rusqlite::Error| Error::Database {
            path: path.to_path_buf(),
            message: err.to_string(),
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(wrap)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(wrap)?;
        // Refuse a newer schema before anything (even journal_mode) writes.
        migrations::refuse_newer(&conn)?;
        use_wal(&conn).map_err(wrap)?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .map_err(wrap)?;
        migrations::migrate(&mut conn)?;
        meta::ensure_database_id(&conn)?;
        Ok(Self {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic elsewhere cannot leave the connection mid-transaction:
        // rusqlite rolls back on drop, so a poisoned lock is still usable.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` with the connection for reads.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.lock())
    }

    /// Runs `f` in a short write transaction: all of it commits, or none.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Copies the WAL into the main file (tests and backups read the file).
    pub fn checkpoint(&self) -> Result<()> {
        self.lock()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}
