//! Reads that every send repeats (its service, user, sealed tokens, client
//! secret, the API key's hash, history limits), kept in memory between
//! changes. A dedicated connection watches `PRAGMA data_version`, which
//! moves when any connection or process commits; only then is the change
//! counter (kept by schema 9's triggers on the tables these reads come
//! from) read, and the cache is dropped when it moved. History commits move
//! the data version but not the counter, so they leave the cache alone.
//! While the WAL index's header is unchanged nothing was committed, so even
//! the data version (a read transaction, with file locks) is not asked.

use super::wal_index::{Header, WalIndex};
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::any::Any;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Tells apart the cache's contents between clears, across re-opens too.
static GENERATIONS: AtomicU64 = AtomicU64::new(1);

/// The cache as checked against the database at one moment: reads made
/// with it skip their own check while nothing was cleared since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheCheck {
    generation: u64,
}

pub(super) struct ReadCache {
    inner: Mutex<Option<Inner>>,
}

struct Inner {
    conn: Connection,
    /// Opened after `conn`, which keeps the `-shm` file in place while open.
    wal: WalIndex,
    /// The WAL index's header read just before the last full check.
    seen: Option<Header>,
    version: i64,
    counter: i64,
    generation: u64,
    entries: HashMap<String, Box<dyn Any + Send>>,
}

impl ReadCache {
    pub fn new() -> Self {
        Self {
            inner: Mutex::new(None),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<Inner>> {
        // Entries are only ever whole values: a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Checks the database for commits since the last look (dropping the
    /// entries when the cached tables changed).
    pub fn check(&self, path: &Path) -> Result<CacheCheck> {
        let mut guard = self.lock();
        let inner = opened(&mut guard, path)?;
        if inner.refresh().is_err() {
            // Unsure what changed: forget everything; reads with this check
            // (generation 0 matches none) look for themselves.
            *guard = None;
            return Ok(CacheCheck { generation: 0 });
        }
        Ok(CacheCheck {
            generation: inner.generation,
        })
    }

    /// The value under `key` as of the last commit (or as of `checked`, when
    /// nothing was dropped since), computed by `load` (on a snapshot at
    /// least as new as the counter checked) when missing.
    pub fn get<T: Clone + Send + 'static>(
        &self,
        path: &Path,
        key: &str,
        checked: Option<CacheCheck>,
        load: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let mut guard = self.lock();
        let inner = opened(&mut guard, path)?;
        let fresh = checked.is_some_and(|c| c.generation == inner.generation);
        if !fresh && inner.refresh().is_err() {
            // Unsure what changed: forget everything and read afresh.
            *guard = None;
            drop(guard);
            return load();
        }
        if let Some(hit) = inner.entries.get(key).and_then(|v| v.downcast_ref::<T>()) {
            return Ok(hit.clone());
        }
        let value = load()?;
        inner
            .entries
            .insert(key.to_string(), Box::new(value.clone()));
        Ok(value)
    }
}

/// The cache's connection and entries, opened on first use (and again after
/// a failed refresh dropped them).
fn opened<'a>(slot: &'a mut Option<Inner>, path: &Path) -> Result<&'a mut Inner> {
    match slot {
        Some(inner) => Ok(inner),
        None => Ok(slot.insert(Inner::open(path)?)),
    }
}

impl Inner {
    fn open(path: &Path) -> Result<Self> {
        let wrap = |err: rusqlite::Error| Error::Database {
            path: path.to_path_buf(),
            message: err.to_string(),
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(wrap)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(wrap)?;
        let version = data_version(&conn)?;
        let counter = change_counter(&conn)?;
        Ok(Self {
            conn,
            wal: WalIndex::of(path),
            seen: None,
            version,
            counter,
            generation: GENERATIONS.fetch_add(1, Ordering::Relaxed),
            entries: HashMap::new(),
        })
    }

    fn refresh(&mut self) -> Result<()> {
        // Read before the full check: a commit after this read changes the
        // header again, so the next look makes the full check.
        let header = self.wal.header();
        if header.is_some() && header == self.seen {
            return Ok(());
        }
        self.seen = None;
        let version = data_version(&self.conn)?;
        if version == self.version {
            self.seen = header;
            return Ok(());
        }
        // Read the counter before taking the new version: a commit between
        // the two makes the next call look again.
        let counter = change_counter(&self.conn)?;
        if counter != self.counter {
            self.entries.clear();
            self.counter = counter;
            self.generation = GENERATIONS.fetch_add(1, Ordering::Relaxed);
        }
        self.version = version;
        self.seen = header;
        Ok(())
    }
}

fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("PRAGMA data_version")?
        .query_row([], |row| row.get(0))?)
}

fn change_counter(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT value FROM change_counter WHERE id = 1")?
        .query_row([], |row| row.get(0))?)
}
