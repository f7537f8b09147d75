//! The `saved_requests` table: one service's named requests. The request
//! and its extractors are sealed by the vault (associated data
//! `saved_request:{id}`); the store never holds the key, so callers seal
//! and open.

use super::now_ms;
use super::services::json_column;
use crate::error::{Error, Result};
use crate::model::{SavedRequest, SavedRequestInput};
use rusqlite::{params, Connection, OptionalExtension, Row};

const COLUMNS: &str =
    "r.id, s.slug, r.name, r.spec, r.extractors, r.created_at, r.updated_at, r.sealed";

/// The vault purpose (associated data) of saved request `id`.
pub(crate) fn purpose(id: i64) -> String {
    format!("saved_request:{id}")
}

/// A saved request as stored, its sealed part still to open (`None` for
/// a row written before sealing).
pub struct StoredSaved {
    pub saved: SavedRequest,
    pub sealed: Option<Vec<u8>>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct SealedPart {
    request: crate::model::RequestSpec,
    extractors: Vec<crate::model::Extractor>,
}

impl StoredSaved {
    /// The request filled in from `plain`, the opened sealed part.
    pub fn with_opened(mut self, plain: &[u8]) -> Result<SavedRequest> {
        let part: SealedPart = serde_json::from_slice(plain).map_err(|err| Error::Damaged {
            what: format!("saved request `{}`", self.saved.name),
            source: Some(Box::new(err)),
        })?;
        self.saved.request = part.request;
        self.saved.extractors = part.extractors;
        Ok(self.saved)
    }
}

fn sealed_part(input: &SavedRequestInput) -> Vec<u8> {
    serde_json::to_vec(&SealedPart {
        request: input.request.clone(),
        extractors: input.extractors.clone(),
    })
    .unwrap_or_default()
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<StoredSaved> {
    Ok(StoredSaved {
        saved: SavedRequest {
            id: row.get(0)?,
            service: row.get(1)?,
            name: row.get(2)?,
            request: json_column(row, 3)?,
            extractors: json_column(row, 4)?,
            created_at: row.get(5)?,
            updated_at: row.get(6)?,
        },
        sealed: row.get(7)?,
    })
}

pub fn list(conn: &Connection, service_id: i64) -> Result<Vec<StoredSaved>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM saved_requests r JOIN services s ON s.id = r.service_id
         WHERE r.service_id = ?1 ORDER BY r.name COLLATE NOCASE"
    ))?;
    let rows = stmt
        .query_map([service_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn get(conn: &Connection, service_id: i64, name: &str) -> Result<StoredSaved> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM saved_requests r JOIN services s ON s.id = r.service_id
             WHERE r.service_id = ?1 AND r.name = ?2"
        ),
        params![service_id, name],
        from_row,
    )
    .optional()?
    .ok_or_else(|| {
        Error::NotFound(format!(
            "there is no saved request `{name}` for this service"
        ))
    })
}

fn duplicate(name: &str) -> Error {
    Error::Conflict(format!(
        "a saved request named `{name}` already exists for this service: choose another name"
    ))
}

fn name_taken(conn: &Connection, service_id: i64, name: &str, except: Option<i64>) -> Result<bool> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT id FROM saved_requests WHERE service_id = ?1 AND name = ?2",
            params![service_id, name],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.is_some_and(|id| Some(id) != except))
}

/// `input` must be validated; its request is sealed with `seal(purpose, bytes)`.
pub fn insert(
    conn: &Connection,
    service_id: i64,
    input: &SavedRequestInput,
    seal: impl FnOnce(&str, &[u8]) -> Vec<u8>,
) -> Result<i64> {
    if name_taken(conn, service_id, &input.name, None)? {
        return Err(duplicate(&input.name));
    }
    let now = now_ms();
    // The row exists first so its sealed part can name it.
    conn.execute(
        "INSERT INTO saved_requests (service_id, name, spec, extractors, created_at, updated_at)
         VALUES (?1, ?2, '{}', '[]', ?3, ?3)",
        params![service_id, input.name, now],
    )?;
    let id = conn.last_insert_rowid();
    let sealed = seal(&purpose(id), &sealed_part(input));
    conn.execute(
        "UPDATE saved_requests SET sealed = ?2 WHERE id = ?1",
        params![id, sealed],
    )?;
    Ok(id)
}

pub fn update(
    conn: &Connection,
    id: i64,
    service_id: i64,
    input: &SavedRequestInput,
    seal: impl FnOnce(&str, &[u8]) -> Vec<u8>,
) -> Result<()> {
    if name_taken(conn, service_id, &input.name, Some(id))? {
        return Err(duplicate(&input.name));
    }
    let sealed = seal(&purpose(id), &sealed_part(input));
    conn.execute(
        "UPDATE saved_requests SET name = ?2, spec = '{}', extractors = '[]', sealed = ?3,
             updated_at = ?4 WHERE id = ?1",
        params![id, input.name, sealed, now_ms()],
    )?;
    Ok(())
}

/// Rows written before sealing (at most `limit`): id, spec and extractors.
pub(crate) fn unsealed(conn: &Connection, limit: i64) -> Result<Vec<(i64, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT id, spec, extractors FROM saved_requests WHERE sealed IS NULL ORDER BY id LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Replaces an older row's readable request by its sealed form.
pub(crate) fn reseal(
    conn: &Connection,
    id: i64,
    spec: &str,
    extractors: &str,
    seal: impl FnOnce(&str, &[u8]) -> Vec<u8>,
) -> Result<()> {
    let part = serde_json::to_vec(&serde_json::json!({
        "request": serde_json::from_str::<serde_json::Value>(spec).unwrap_or_default(),
        "extractors": serde_json::from_str::<serde_json::Value>(extractors).unwrap_or_default(),
    }))
    .unwrap_or_default();
    let sealed = seal(&purpose(id), &part);
    conn.execute(
        "UPDATE saved_requests SET sealed = ?2, spec = '{}', extractors = '[]' WHERE id = ?1",
        params![id, sealed],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM saved_requests WHERE id = ?1", [id])?;
    Ok(())
}
