//! The `meta` table: facts about this database file itself.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension};

/// A random id naming this database, so two data directories never share
/// a keyring entry.
pub const DATABASE_ID: &str = "database_id";
/// A constant sealed with the data key, to tell a wrong key from a lost one.
pub const KEY_CHECK: &str = "key_check";
/// The key file the person chose (from the window) instead of the OS keyring;
/// the app and the CLI both read it, so the choice holds for both.
pub const KEY_FILE: &str = "key_file";

pub fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |row| row.get(0))
        .optional()?)
}

pub fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// Gives the database its id the first time it is opened.
pub fn ensure_database_id(conn: &Connection) -> Result<()> {
    if get(conn, DATABASE_ID)?.is_none() {
        // OR IGNORE: another process may have given it one just now.
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
            [DATABASE_ID, &uuid::Uuid::new_v4().to_string()],
        )?;
    }
    Ok(())
}

/// How many sealed values the database holds (all tables).
pub fn sealed_value_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM services WHERE client_secret_sealed IS NOT NULL)
              + (SELECT count(*) FROM services WHERE api_key_sealed IS NOT NULL)
              + (SELECT count(*) FROM credentials)
              + (SELECT count(*) FROM service_tokens)
              + (SELECT count(*) FROM pending_authorizations WHERE pkce_verifier_sealed IS NOT NULL)
              + (SELECT count(*) FROM variables WHERE secret = 1)",
        [],
        |row| row.get(0),
    )?)
}

/// Drops every sealed value and the key check (the key is gone); users who
/// had tokens must authorize again. Returns how many values were dropped.
pub fn discard_sealed_values(conn: &Connection) -> Result<i64> {
    let count = sealed_value_count(conn)?;
    conn.execute_batch(
        "UPDATE users SET status = 'needs_reauth'
           WHERE id IN (SELECT user_id FROM credentials);
         DELETE FROM credentials;
         DELETE FROM service_tokens;
         DELETE FROM pending_authorizations;
         UPDATE services SET client_secret_sealed = NULL
           WHERE client_secret_sealed IS NOT NULL;
         UPDATE services SET api_key_sealed = NULL WHERE api_key_sealed IS NOT NULL;
         DELETE FROM variables WHERE secret = 1;",
    )?;
    conn.execute("DELETE FROM meta WHERE key = ?1", [KEY_CHECK])?;
    Ok(count)
}
