//! The `credentials` table: one sealed token set per user, replaced whole.

use super::now_ms;
use super::services::to_json;
use crate::error::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// A user's stored token set, still sealed.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedCredentials {
    pub user_id: i64,
    pub tokens_sealed: Vec<u8>,
    pub token_type: Option<String>,
    /// Unix ms; `None` when the provider did not say.
    pub expires_at: Option<i64>,
    /// Changes on every write, so a reader can tell "someone refreshed".
    pub updated_at: i64,
}

pub fn get(conn: &Connection, user_id: i64) -> Result<Option<SealedCredentials>> {
    // Cached: every send as a user reads its tokens.
    Ok(conn
        .prepare_cached(
            "SELECT user_id, tokens_sealed, token_type, expires_at, updated_at
             FROM credentials WHERE user_id = ?1",
        )?
        .query_row([user_id], |row| {
            Ok(SealedCredentials {
                user_id: row.get(0)?,
                tokens_sealed: row.get(1)?,
                token_type: row.get(2)?,
                expires_at: row.get(3)?,
                updated_at: row.get(4)?,
            })
        })
        .optional()?)
}

/// Replaces the user's token set (call inside the transaction that also
/// updates the user's status, so the two never disagree).
pub fn put(
    conn: &Connection,
    user_id: i64,
    tokens_sealed: &[u8],
    token_type: Option<&str>,
    scopes: &[String],
    expires_at: Option<i64>,
) -> Result<()> {
    // Strictly increasing, so two writes in one millisecond still differ.
    let now = now_ms();
    conn.execute(
        "INSERT INTO credentials (user_id, tokens_sealed, token_type, scopes, expires_at,
            created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT (user_id) DO UPDATE SET tokens_sealed = excluded.tokens_sealed,
            token_type = excluded.token_type, scopes = excluded.scopes,
            expires_at = excluded.expires_at,
            updated_at = max(excluded.updated_at, credentials.updated_at + 1)",
        params![
            user_id,
            tokens_sealed,
            token_type,
            to_json(&scopes),
            expires_at,
            now
        ],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, user_id: i64) -> Result<bool> {
    Ok(conn.execute("DELETE FROM credentials WHERE user_id = ?1", [user_id])? > 0)
}
