//! The `variables` table. A secret variable's value is sealed by the
//! vault (associated data [`purpose`]); the store never holds the key.

use super::now_ms;
use crate::error::Result;
use crate::model::Variable;
use rusqlite::{params, Connection, OptionalExtension};

/// The vault purpose (associated data) of variable `id`.
pub(crate) fn purpose(id: i64) -> String {
    format!("variable:{id}")
}

/// A row as stored: a plain value or a sealed one.
pub struct StoredVariable {
    pub id: i64,
    pub variable: Variable,
    pub sealed: Option<Vec<u8>>,
}

const SELECT: &str = "SELECT v.id, v.name, s.slug, v.secret, v.value, v.updated_at, v.sealed
    FROM variables v LEFT JOIN services s ON s.id = v.service_id";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredVariable> {
    Ok(StoredVariable {
        id: row.get(0)?,
        variable: Variable {
            name: row.get(1)?,
            service: row.get(2)?,
            secret: row.get(3)?,
            value: row.get(4)?,
            updated_at: row.get(5)?,
        },
        sealed: row.get(6)?,
    })
}

/// Global variables and those of `service_id` (when given), by name.
pub fn list(conn: &Connection, service_id: Option<i64>) -> Result<Vec<StoredVariable>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE v.service_id IS NULL OR v.service_id = ?1
         ORDER BY v.name, v.service_id IS NOT NULL"
    ))?;
    let rows = stmt
        .query_map([service_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every variable, global and per service.
pub fn list_all(conn: &Connection) -> Result<Vec<StoredVariable>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} ORDER BY s.slug IS NOT NULL, s.slug, v.name"
    ))?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The variable `name` in exactly this scope.
pub fn get(
    conn: &Connection,
    service_id: Option<i64>,
    name: &str,
) -> Result<Option<StoredVariable>> {
    Ok(conn
        .query_row(
            &format!("{SELECT} WHERE IFNULL(v.service_id, 0) = IFNULL(?1, 0) AND v.name = ?2"),
            params![service_id, name],
            from_row,
        )
        .optional()?)
}

/// Sets a plain value, replacing whatever the scope had under `name`.
pub fn set_plain(
    conn: &Connection,
    service_id: Option<i64>,
    name: &str,
    value: &str,
) -> Result<()> {
    delete(conn, service_id, name)?;
    conn.execute(
        "INSERT INTO variables (service_id, name, secret, value, updated_at) VALUES (?1, ?2, 0, ?3, ?4)",
        params![service_id, name, value, now_ms()],
    )?;
    Ok(())
}

/// Sets a secret value: `seal(id)` seals it for the new row's id.
pub fn set_secret(
    conn: &Connection,
    service_id: Option<i64>,
    name: &str,
    seal: &dyn Fn(i64) -> Vec<u8>,
) -> Result<()> {
    delete(conn, service_id, name)?;
    // The row id is the sealing's associated data, so insert first with an
    // empty blob, then seal for that id.
    conn.execute(
        "INSERT INTO variables (service_id, name, secret, sealed, updated_at) VALUES (?1, ?2, 1, X'', ?3)",
        params![service_id, name, now_ms()],
    )?;
    let id = conn.last_insert_rowid();
    conn.execute(
        "UPDATE variables SET sealed = ?1 WHERE id = ?2",
        params![seal(id), id],
    )?;
    Ok(())
}

/// Removes `name` from the scope; whether it was there.
pub fn delete(conn: &Connection, service_id: Option<i64>, name: &str) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM variables WHERE IFNULL(service_id, 0) = IFNULL(?1, 0) AND name = ?2",
        params![service_id, name],
    )? > 0)
}
