//! The `service_tokens` table: a service's client-credentials token, sealed.

use super::now_ms;
use super::services::to_json;
use crate::error::Result;
use rusqlite::{params, Connection, OptionalExtension};

pub struct SealedServiceToken {
    pub tokens_sealed: Vec<u8>,
    pub updated_at: i64,
}

pub fn get(conn: &Connection, service_id: i64) -> Result<Option<SealedServiceToken>> {
    Ok(conn
        .query_row(
            "SELECT tokens_sealed, updated_at FROM service_tokens
             WHERE service_id = ?1",
            [service_id],
            |row| {
                Ok(SealedServiceToken {
                    tokens_sealed: row.get(0)?,
                    updated_at: row.get(1)?,
                })
            },
        )
        .optional()?)
}

pub fn put(
    conn: &Connection,
    service_id: i64,
    tokens_sealed: &[u8],
    scopes: &[String],
    expires_at: Option<i64>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO service_tokens (service_id, tokens_sealed, scopes, expires_at,
            created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (service_id) DO UPDATE SET tokens_sealed = excluded.tokens_sealed,
            scopes = excluded.scopes, expires_at = excluded.expires_at,
            updated_at = max(excluded.updated_at, service_tokens.updated_at + 1)",
        params![
            service_id,
            tokens_sealed,
            to_json(&scopes),
            expires_at,
            now_ms()
        ],
    )?;
    Ok(())
}
