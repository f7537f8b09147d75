//! The `users` table.

use super::now_ms;
use super::services::{json_column, to_json};
use crate::error::{Error, Result};
use crate::model::Service;
use crate::model::{User, UserStatus};
use rusqlite::{params, Connection, OptionalExtension, Row};

const COLUMNS: &str = "u.id, u.service_id, s.slug, u.external_id, u.label, u.status,
    u.granted_scopes, u.expires_at, u.subject, u.email, u.name, u.created_at, u.updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        service_id: row.get(1)?,
        service_slug: row.get(2)?,
        external_id: row.get(3)?,
        label: row.get(4)?,
        status: row.get(5)?,
        granted_scopes: json_column(row, 6)?,
        expires_at: row.get(7)?,
        subject: row.get(8)?,
        email: row.get(9)?,
        name: row.get(10)?,
        created_at: row.get(11)?,
        updated_at: row.get(12)?,
        // Only the vault can tell (the refresh token is sealed); the facade
        // fills it in for the users it lists.
        refreshable: None,
    })
}

pub fn list(conn: &Connection, service_id: i64) -> Result<Vec<User>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM users u JOIN services s ON s.id = u.service_id
         WHERE u.service_id = ?1 ORDER BY u.external_id"
    ))?;
    let rows = stmt.query_map([service_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, service: &Service, external_id: &str) -> Result<User> {
    // Cached: every send reads its user.
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users u JOIN services s ON s.id = u.service_id
         WHERE u.service_id = ?1 AND u.external_id = ?2"
    ))?
    .query_row(params![service.id, external_id], from_row)
    .optional()?
    .ok_or_else(|| {
        Error::NotFound(format!(
            "service `{}` has no user `{external_id}`: `latchkey user list {}` shows its users",
            service.spec.slug, service.spec.slug
        ))
    })
}

/// Who a new request goes out as: the authorized user the service's last
/// request used, else its first authorized user (in list order), else nobody.
pub fn default_sender(conn: &Connection, service_id: i64) -> Result<Option<String>> {
    let last_used = conn
        .query_row(
            "SELECT u.external_id FROM history h JOIN users u ON u.id = h.user_id
             WHERE h.service_id = ?1 AND u.status = 'authorized' ORDER BY h.id DESC LIMIT 1",
            [service_id],
            |row| row.get(0),
        )
        .optional()?;
    if last_used.is_some() {
        return Ok(last_used);
    }
    Ok(conn
        .query_row(
            "SELECT external_id FROM users WHERE service_id = ?1 AND status = 'authorized'
             ORDER BY external_id LIMIT 1",
            [service_id],
            |row| row.get(0),
        )
        .optional()?)
}

pub fn count(conn: &Connection, service_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM users WHERE service_id = ?1",
        [service_id],
        |row| row.get(0),
    )?)
}

pub fn insert(
    conn: &Connection,
    service: &Service,
    external_id: &str,
    label: Option<&str>,
) -> Result<i64> {
    let exists = conn
        .query_row(
            "SELECT 1 FROM users WHERE service_id = ?1 AND external_id = ?2",
            params![service.id, external_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if exists {
        return Err(Error::Conflict(format!(
            "service `{}` already has a user `{external_id}`: choose another id or use that user",
            service.spec.slug
        )));
    }
    let now = now_ms();
    conn.execute(
        "INSERT INTO users (service_id, external_id, label, status, granted_scopes,
            created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![
            service.id,
            external_id,
            label,
            UserStatus::New,
            to_json(&Vec::<String>::new()),
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM users WHERE id = ?1", [id])?;
    Ok(())
}

/// Records a successful authorization or refresh on the user row.
pub fn set_authorized(
    conn: &Connection,
    user_id: i64,
    granted_scopes: &[String],
    expires_at: Option<i64>,
    identity: Option<&crate::model::IdentityClaims>,
) -> Result<()> {
    conn.execute(
        "UPDATE users SET status = ?2, granted_scopes = ?3, expires_at = ?4, updated_at = ?5
         WHERE id = ?1",
        params![
            user_id,
            UserStatus::Authorized,
            to_json(&granted_scopes),
            expires_at,
            now_ms()
        ],
    )?;
    if let Some(id) = identity {
        // Only what the id token says replaces what was shown before.
        conn.execute(
            "UPDATE users SET subject = coalesce(?2, subject), email = coalesce(?3, email),
                name = coalesce(?4, name) WHERE id = ?1",
            params![user_id, id.sub, id.email, id.name],
        )?;
    }
    Ok(())
}

/// Changes only the status (needs_reauth, revoked); `clear_expiry` forgets
/// the token expiry shown for a user who no longer has tokens.
pub fn set_status(
    conn: &Connection,
    user_id: i64,
    status: UserStatus,
    clear_expiry: bool,
) -> Result<()> {
    conn.execute(
        "UPDATE users SET status = ?2, updated_at = ?3,
            expires_at = CASE WHEN ?4 THEN NULL ELSE expires_at END
         WHERE id = ?1",
        params![user_id, status, now_ms(), clear_expiry],
    )?;
    Ok(())
}

/// The user with this row id.
pub fn by_id(conn: &Connection, id: i64) -> Result<User> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM users u JOIN services s ON s.id = u.service_id WHERE u.id = ?1"
        ),
        [id],
        from_row,
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("user #{id} no longer exists")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrations;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations::migrate(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO services (id, slug, name, auth_kind, scope_separator, client_auth, pkce,
                token_placement, token_name, token_prefix, created_at, updated_at)
             VALUES (1, 'svc', 'svc', 'authorization_code', ' ', 'basic', 'S256', 'header',
                'Authorization', 'Bearer', 1, 1)",
            [],
        )
        .unwrap();
        conn
    }

    fn user(conn: &Connection, id: i64, external_id: &str, status: &str) {
        conn.execute(
            "INSERT INTO users (id, service_id, external_id, status, created_at, updated_at)
             VALUES (?1, 1, ?2, ?3, 1, 1)",
            params![id, external_id, status],
        )
        .unwrap();
    }

    fn sent_as(conn: &Connection, user_id: Option<i64>) {
        conn.execute(
            "INSERT INTO history (service_id, user_id, source, method, url, request_spec, created_at)
             VALUES (1, ?1, 'app', 'GET', 'https://api.example.com/', '{}', 1)",
            [user_id],
        )
        .unwrap();
    }

    #[test]
    fn the_default_sender_is_the_last_authorized_one_used_else_the_first_authorized() {
        let conn = db();
        assert_eq!(default_sender(&conn, 1).unwrap(), None);
        user(&conn, 1, "zoe", "authorized");
        user(&conn, 2, "alice", "new");
        assert_eq!(default_sender(&conn, 1).unwrap().as_deref(), Some("zoe"));
        user(&conn, 3, "bob", "authorized");
        assert_eq!(default_sender(&conn, 1).unwrap().as_deref(), Some("bob"));
        sent_as(&conn, Some(1));
        sent_as(&conn, None);
        assert_eq!(default_sender(&conn, 1).unwrap().as_deref(), Some("zoe"));
        // A last-used user who lost the authorization is passed over.
        conn.execute("UPDATE users SET status = 'needs_reauth' WHERE id = 1", [])
            .unwrap();
        assert_eq!(default_sender(&conn, 1).unwrap().as_deref(), Some("bob"));
    }
}
