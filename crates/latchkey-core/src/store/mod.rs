//! The SQLite database: one file, `latchkey.db`, in the data directory.
//!
//! The desktop app and the CLI open it at the same time, so every write is a
//! short `BEGIN IMMEDIATE` transaction and every connection waits (busy
//! timeout) instead of failing when the other process holds the lock.

mod cache;
mod connection;
pub mod credentials;
pub mod history;
pub mod kinds;
pub mod locks;
pub mod meta;
pub mod migrations;
pub mod operations;
pub mod pending;
pub mod saved_requests;
pub mod service_tokens;
pub mod services;
pub(crate) mod sql_enum;
pub mod users;
pub mod variables;
mod wal_index;
pub mod watch;

pub use connection::{CacheCheck, Store, DATABASE_FILE};

/// Now, as unix milliseconds: the one timestamp format of the database.
pub fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

/// Seals history rows and saved requests written before they were sealed
/// (by an older Latchkey), a batch per transaction; `seal(purpose, bytes)`
/// is the vault's.
pub(crate) fn seal_older_rows(
    store: &Store,
    seal: &dyn Fn(&str, &[u8]) -> Vec<u8>,
) -> crate::error::Result<()> {
    const BATCH: i64 = 200;
    loop {
        let done = store.write(|tx| {
            let rows = history::unsealed(tx, BATCH)?;
            for (id, request, headers, body) in &rows {
                history::reseal(tx, *id, request, headers, body, seal)?;
            }
            let saved = saved_requests::unsealed(tx, BATCH)?;
            for (id, spec, extractors) in &saved {
                saved_requests::reseal(tx, *id, spec, extractors, seal)?;
            }
            Ok((rows.len() as i64) < BATCH && (saved.len() as i64) < BATCH)
        })?;
        if done {
            return Ok(());
        }
    }
}
