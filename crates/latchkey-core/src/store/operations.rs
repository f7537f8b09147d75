//! The `operations` table: a service's operations from its API description.

use crate::error::{Error, Result};
use crate::model::Operation;
use rusqlite::{params, Connection};

/// Replaces every operation of the service with `operations`.
pub fn replace(tx: &Connection, service_id: i64, operations: &[Operation]) -> Result<()> {
    tx.execute("DELETE FROM operations WHERE service_id = ?1", [service_id])?;
    let mut insert = tx.prepare(
        "INSERT INTO operations (service_id, position, method, path, operation_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, op) in operations.iter().enumerate() {
        let detail =
            serde_json::to_string(op).map_err(Error::encode(format!("operation {}", op.path)))?;
        insert.execute(params![
            service_id,
            position as i64,
            op.method,
            op.path,
            op.operation_id,
            detail
        ])?;
    }
    Ok(())
}

/// The service's operations in the document's order.
pub fn list(conn: &Connection, service_id: i64) -> Result<Vec<Operation>> {
    let mut stmt =
        conn.prepare("SELECT detail FROM operations WHERE service_id = ?1 ORDER BY position")?;
    let rows = stmt
        .query_map([service_id], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    rows.iter()
        .map(|text| {
            serde_json::from_str(text).map_err(|err| Error::Damaged {
                what: "a stored operation".into(),
                source: Some(Box::new(err)),
            })
        })
        .collect()
}
