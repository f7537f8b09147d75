//! The `saved_requests` table: one service's named requests.

use super::now_ms;
use super::services::{json_column, to_json};
use crate::error::{Error, Result};
use crate::model::{SavedRequest, SavedRequestInput};
use rusqlite::{params, Connection, OptionalExtension, Row};

const COLUMNS: &str = "r.id, s.slug, r.name, r.spec, r.extractors, r.created_at, r.updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<SavedRequest> {
    Ok(SavedRequest {
        id: row.get(0)?,
        service: row.get(1)?,
        name: row.get(2)?,
        request: json_column(row, 3)?,
        extractors: json_column(row, 4)?,
        created_at: row.get(5)?,
        updated_at: row.get(6)?,
    })
}

pub fn list(conn: &Connection, service_id: i64) -> Result<Vec<SavedRequest>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM saved_requests r JOIN services s ON s.id = r.service_id
         WHERE r.service_id = ?1 ORDER BY r.name COLLATE NOCASE"
    ))?;
    let rows = stmt
        .query_map([service_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn get(conn: &Connection, service_id: i64, name: &str) -> Result<SavedRequest> {
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

/// `input` must be validated.
pub fn insert(conn: &Connection, service_id: i64, input: &SavedRequestInput) -> Result<i64> {
    if name_taken(conn, service_id, &input.name, None)? {
        return Err(duplicate(&input.name));
    }
    let now = now_ms();
    conn.execute(
        "INSERT INTO saved_requests (service_id, name, spec, extractors, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![
            service_id,
            input.name,
            to_json(&input.request),
            to_json(&input.extractors),
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update(
    conn: &Connection,
    id: i64,
    service_id: i64,
    input: &SavedRequestInput,
) -> Result<()> {
    if name_taken(conn, service_id, &input.name, Some(id))? {
        return Err(duplicate(&input.name));
    }
    conn.execute(
        "UPDATE saved_requests SET name = ?2, spec = ?3, extractors = ?4, updated_at = ?5 WHERE id = ?1",
        params![id, input.name, to_json(&input.request), to_json(&input.extractors), now_ms()],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM saved_requests WHERE id = ?1", [id])?;
    Ok(())
}
