//! The SQLite database: one file, `latchkey.db`, in the data directory.
//!
//! The desktop app and the CLI open it at the same time, so every write is a
//! short `BEGIN IMMEDIATE` transaction and every connection waits (busy
//! timeout) instead of failing when the other process holds the lock.

mod connection;
pub mod credentials;
pub mod history;
pub mod kinds;
pub mod locks;
pub mod meta;
pub mod migrations;
pub mod pending;
pub mod saved_requests;
pub mod service_tokens;
pub mod services;
pub(crate) mod sql_enum;
pub mod users;
pub mod watch;

pub use connection::{Store, DATABASE_FILE};

/// Now, as unix milliseconds: the one timestamp format of the database.
pub fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}
