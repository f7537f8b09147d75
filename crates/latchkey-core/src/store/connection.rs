//! Opening the database file with the pragmas every connection needs.

pub use super::cache::CacheCheck;
use super::cache::ReadCache;
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

/// How many idle read connections are kept for reuse; more are opened
/// when more threads read at once, and closed when they are done.
const IDLE_READERS: usize = 4;

/// An open, migrated database: one connection for writes and a small pool
/// for reads. In WAL mode readers see the last commit without waiting for
/// a writer, so a send's reads never queue behind another send's insert.
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    cache: ReadCache,
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
        let private = |err: std::io::Error| Error::Database {
            path: path.to_path_buf(),
            message: format!("cannot make it readable by its owner only ({err})"),
        };
        // Owner-only before SQLite writes a byte; its -wal and -shm files
        // take the database file's mode, and older ones are fixed here.
        crate::paths::ensure_private_file(path).map_err(private)?;
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut side = path.as_os_str().to_owned();
            side.push(suffix);
            crate::paths::private_file(Path::new(&side)).map_err(private)?;
        }
        let mut conn = Connection::open_with_flags(path, flags).map_err(wrap)?;
        // Every write (and so every history insert) takes this one
        // connection; its hot statements stay prepared.
        conn.set_prepared_statement_cache_capacity(32);
        conn.busy_timeout(BUSY_TIMEOUT).map_err(wrap)?;
        // Refuse a newer schema before anything (even journal_mode) writes.
        migrations::refuse_newer(&conn)?;
        use_wal(&conn).map_err(wrap)?;
        // secure_delete: deleted history and tokens are overwritten, not
        // left readable in free pages.
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;",
        )
        .map_err(wrap)?;
        migrations::migrate(&mut conn)?;
        meta::ensure_database_id(&conn)?;
        Ok(Self {
            path: path.to_path_buf(),
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            cache: ReadCache::new(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic elsewhere cannot leave the connection mid-transaction:
        // rusqlite rolls back on drop, so a poisoned lock is still usable.
        self.writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn idle_readers(&self) -> MutexGuard<'_, Vec<Connection>> {
        // The list only holds idle connections, so a poisoned lock is fine.
        self.readers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// An idle read connection, or a new one (the file is already migrated).
    fn take_reader(&self) -> Result<Connection> {
        if let Some(conn) = self.idle_readers().pop() {
            return Ok(conn);
        }
        let wrap = |err: rusqlite::Error| Error::Database {
            path: self.path.clone(),
            message: err.to_string(),
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags).map_err(wrap)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(wrap)?;
        // Opened read-write so WAL needs no special read-only handling, but
        // refusing writes: they belong in `write`'s IMMEDIATE transactions.
        conn.execute_batch("PRAGMA query_only = ON;")
            .map_err(wrap)?;
        conn.set_prepared_statement_cache_capacity(32);
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        // A connection still inside a transaction (a failed rollback) is
        // closed rather than reused.
        if conn.is_autocommit() {
            let mut idle = self.idle_readers();
            if idle.len() < IDLE_READERS {
                idle.push(conn);
            }
        }
    }

    /// Runs `f` in a read transaction on a read connection: one consistent
    /// snapshot, never waiting for a writer (WAL).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.take_reader()?;
        let result = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let value = f(&tx)?;
            // Nothing to commit: ending it releases the snapshot.
            tx.commit()?;
            Ok(value)
        })();
        self.give_back(conn);
        result
    }

    /// [`Store::read`] kept in memory under `key` until a commit by any
    /// connection or process changes services, users, credentials, service
    /// tokens or settings (see `store::cache`). For the reads every send
    /// repeats; `key` must name everything `f` depends on.
    pub fn read_cached<T: Clone + Send + 'static>(
        &self,
        key: &str,
        f: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<T> {
        self.cache.get(&self.path, key, None, || self.read(f))
    }

    /// Like [`Store::read_cached`] for a value derived from such reads
    /// (an unsealed client secret or token set), computed by `load`.
    pub fn cached<T: Clone + Send + 'static>(
        &self,
        key: &str,
        load: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        self.cache.get(&self.path, key, None, load)
    }

    /// Checks the read cache against the database once, for the reads of
    /// one send ([`Store::read_cached_as_of`], [`Store::cached_as_of`]).
    pub fn check_cache(&self) -> Result<CacheCheck> {
        self.cache.check(&self.path)
    }

    /// [`Store::read_cached`] as fresh as `checked`, without a check of its own.
    pub fn read_cached_as_of<T: Clone + Send + 'static>(
        &self,
        checked: CacheCheck,
        key: &str,
        f: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<T> {
        self.cache
            .get(&self.path, key, Some(checked), || self.read(f))
    }

    /// [`Store::cached`] as fresh as `checked`, without a check of its own.
    pub fn cached_as_of<T: Clone + Send + 'static>(
        &self,
        checked: CacheCheck,
        key: &str,
        load: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        self.cache.get(&self.path, key, Some(checked), load)
    }

    /// Runs `f` in a short write transaction: all of it commits, or none.
    ///
    /// Commits use `synchronous = NORMAL`: with WAL a power loss can drop
    /// the last commits but never corrupts the file. Writes that must
    /// survive power loss (tokens) use [`Store::write_durable`].
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        Self::transact(&mut self.lock(), f)
    }

    /// [`Store::write`] with `synchronous = FULL` for this commit: the WAL
    /// is synced before it returns, so a rotated refresh token (the old one
    /// is dead at the provider) is never lost to a power cut.
    pub fn write_durable<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        // SQLite refuses to change the level inside a transaction, so it is
        // set around it, and always set back.
        conn.pragma_update(None, "synchronous", "FULL")?;
        let result = Self::transact(&mut conn, f);
        // Ignored on failure: the outcome of `f` is what the caller must
        // see (an error here after a commit would claim nothing was
        // written); staying at FULL only makes later commits slower.
        let _ = conn.pragma_update(None, "synchronous", "NORMAL");
        result
    }

    fn transact<T>(
        conn: &mut Connection,
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// A connection of its own for [`Checkpointer::run`].
    pub(crate) fn checkpointer(&self) -> Result<Checkpointer> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(&self.path, flags).map_err(|err| Error::Database {
                path: self.path.clone(),
                message: err.to_string(),
            })?;
        Ok(Checkpointer(conn))
    }

    /// Copies the WAL into the main file (tests and backups read the file).
    pub fn checkpoint(&self) -> Result<()> {
        self.lock()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Copies what it can of the WAL into the database file without waiting
/// for or blocking anyone (a PASSIVE checkpoint). Run in the background,
/// it leaves the automatic checkpoint, which runs inside whichever commit
/// crosses its threshold, next to nothing to do.
pub(crate) struct Checkpointer(Connection);

impl Checkpointer {
    pub fn run(&self) -> Result<()> {
        self.0
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn store() -> (tempfile::TempDir, Store) {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open_file(&tmp.path().join(DATABASE_FILE)).unwrap();
        store
            .write(|tx| Ok(tx.execute_batch("CREATE TABLE t (v INTEGER NOT NULL)")?))
            .unwrap();
        (tmp, store)
    }

    fn count(store: &Store) -> i64 {
        store
            .read(|c| Ok(c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))?))
            .unwrap()
    }

    #[test]
    fn reads_with_a_check_see_what_was_committed_before_it() {
        let (tmp, store) = store();
        let counter = |checked: CacheCheck| {
            store
                .read_cached_as_of(checked, "counter", |c| {
                    let sql = "SELECT value FROM change_counter WHERE id = 1";
                    Ok(c.query_row(sql, [], |r| r.get::<_, i64>(0))?)
                })
                .unwrap()
        };
        let first = store.check_cache().unwrap();
        let before = counter(first);
        // Another process commits a change to a cached table.
        let other = rusqlite::Connection::open(tmp.path().join(DATABASE_FILE)).unwrap();
        other
            .execute(
                "UPDATE change_counter SET value = value + 1 WHERE id = 1",
                [],
            )
            .unwrap();
        // The send that checked before it keeps its view; the next send's
        // check sees the commit.
        assert_eq!(counter(first), before);
        let second = store.check_cache().unwrap();
        assert_ne!(first, second);
        assert_eq!(counter(second), before + 1);
        // A check from before the entries were dropped looks for itself.
        assert_eq!(counter(first), before + 1);
        assert_eq!(
            store.read_cached("counter", |_| Ok(0_i64)).unwrap(),
            before + 1
        );
    }

    #[test]
    fn checks_between_commits_agree_and_every_commit_is_seen() {
        let (tmp, store) = store();
        let other = rusqlite::Connection::open(tmp.path().join(DATABASE_FILE)).unwrap();
        let mut last = store.check_cache().unwrap();
        for _ in 0..20 {
            assert_eq!(store.check_cache().unwrap(), last, "nothing was committed");
            other
                .execute(
                    "UPDATE change_counter SET value = value + 1 WHERE id = 1",
                    [],
                )
                .unwrap();
            let now = store.check_cache().unwrap();
            assert_ne!(now, last, "a commit by another connection went unseen");
            last = now;
        }
    }

    #[test]
    fn readers_do_not_wait_for_a_writer_and_see_only_commits() {
        let (_tmp, store) = store();
        let (in_tx, writing) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let store = &store;
        std::thread::scope(|s| {
            let writer = s.spawn(move || {
                store
                    .write(|tx| {
                        tx.execute("INSERT INTO t VALUES (1)", [])?;
                        in_tx.send(()).unwrap();
                        // Hold the write transaction open until the readers are done.
                        released.recv().unwrap();
                        Ok(())
                    })
                    .unwrap();
            });
            writing.recv().unwrap();
            // Several readers at once, while the writer holds its lock and
            // its uncommitted row: none blocks, none sees the row.
            let readers: Vec<_> = (0..8).map(|_| s.spawn(|| count(store))).collect();
            for reader in readers {
                assert_eq!(reader.join().unwrap(), 0);
            }
            release.send(()).unwrap();
            writer.join().unwrap();
        });
        assert_eq!(count(store), 1, "the commit is seen by the next read");
        assert!(store.idle_readers().len() <= IDLE_READERS);
    }

    #[test]
    fn a_read_is_one_snapshot_and_cannot_write() {
        let (_tmp, store) = store();
        let seen = store
            .read(|c| {
                let before: i64 = c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))?;
                // A commit from the writer in the middle of the read...
                store.write(|tx| Ok(tx.execute("INSERT INTO t VALUES (2)", [])?))?;
                let after: i64 = c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))?;
                Ok((before, after))
            })
            .unwrap();
        // ...is not seen until the next read.
        assert_eq!(seen, (0, 0));
        assert_eq!(count(&store), 1);
        let refused = store.read(|c| Ok(c.execute("INSERT INTO t VALUES (3)", [])?));
        assert!(refused.is_err(), "reads go through query_only connections");
        assert_eq!(count(&store), 1);
    }

    #[test]
    fn durable_writes_sync_fully_and_then_go_back_to_normal() {
        let (_tmp, store) = store();
        let level = |tx: &Transaction<'_>| -> Result<i64> {
            Ok(tx.query_row("PRAGMA synchronous", [], |r| r.get(0))?)
        };
        // 1 = NORMAL, 2 = FULL.
        assert_eq!(store.write(level).unwrap(), 1);
        assert_eq!(store.write_durable(level).unwrap(), 2);
        assert_eq!(store.write(level).unwrap(), 1);
        let failed: Result<()> = store.write_durable(|_| Err(Error::InvalidInput("no".into())));
        assert!(failed.is_err());
        assert_eq!(store.write(level).unwrap(), 1);
    }
}
