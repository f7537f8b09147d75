//! The `locks` table: named leases shared by every process using the
//! database (see `oauth::lock` for why a lease and not a long transaction).

use crate::error::Result;
use rusqlite::{params, Connection};

/// Takes `name` for `owner` until `expires_at` unless someone else holds an
/// unexpired lease on it. Returns whether `owner` now holds it.
pub fn try_acquire(
    conn: &Connection,
    name: &str,
    owner: &str,
    now: i64,
    expires_at: i64,
) -> Result<bool> {
    let changed = conn.execute(
        "INSERT INTO locks (name, owner, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE locks.expires_at < ?4 OR locks.owner = excluded.owner",
        params![name, owner, expires_at, now],
    )?;
    Ok(changed == 1)
}

/// Who holds `name` now, expired or not.
pub fn holder(conn: &Connection, name: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT owner FROM locks WHERE name = ?1", [name], |row| {
            row.get(0)
        })
        .optional()?)
}

/// Gives the lease back (only if `owner` still holds it).
pub fn release(conn: &Connection, name: &str, owner: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM locks WHERE name = ?1 AND owner = ?2",
        params![name, owner],
    )?;
    Ok(())
}
