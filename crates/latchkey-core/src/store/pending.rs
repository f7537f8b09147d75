//! The `pending_authorizations` table: one-shot login attempts awaiting
//! their redirect.

use super::now_ms;
use crate::error::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone)]
pub struct PendingRow {
    pub state: String,
    pub user_id: i64,
    pub pkce_verifier_sealed: Option<Vec<u8>>,
    pub redirect_uri: String,
    pub expires_at: i64,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<PendingRow> {
    Ok(PendingRow {
        state: row.get(0)?,
        user_id: row.get(1)?,
        pkce_verifier_sealed: row.get(2)?,
        redirect_uri: row.get(3)?,
        expires_at: row.get(4)?,
    })
}

/// Starts a new attempt for the user, replacing older ones: only the newest
/// login link works, so a pasted bare code has exactly one place to go.
pub fn replace_for_user(conn: &Connection, row: &PendingRow) -> Result<()> {
    conn.execute(
        "DELETE FROM pending_authorizations WHERE user_id = ?1 OR expires_at < ?2",
        params![row.user_id, now_ms()],
    )?;
    conn.execute(
        "INSERT INTO pending_authorizations (state, user_id, pkce_verifier_sealed,
            redirect_uri, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            row.state,
            row.user_id,
            row.pkce_verifier_sealed,
            row.redirect_uri,
            now_ms(),
            row.expires_at
        ],
    )?;
    Ok(())
}

/// Removes and returns the attempt with this state: whoever takes it is the
/// only one that may exchange its code.
/// Only the user's own attempt is taken.
pub fn take(conn: &Connection, state: &str, user_id: i64) -> Result<Option<PendingRow>> {
    Ok(conn
        .query_row(
            "DELETE FROM pending_authorizations WHERE state = ?1 AND user_id = ?2
             RETURNING state, user_id, pkce_verifier_sealed, redirect_uri, expires_at",
            params![state, user_id],
            from_row,
        )
        .optional()?)
}

/// The states of the user's attempts (newest first).
pub fn states_for_user(conn: &Connection, user_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT state FROM pending_authorizations WHERE user_id = ?1 ORDER BY created_at DESC",
    )?;
    let rows = stmt.query_map([user_id], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn delete_for_user(conn: &Connection, user_id: i64) -> Result<()> {
    conn.execute(
        "DELETE FROM pending_authorizations WHERE user_id = ?1",
        [user_id],
    )?;
    Ok(())
}
