//! Numbered, append-only schema migrations, embedded in the binary.
//!
//! The schema version is SQLite's `user_version`. Never edit a shipped
//! migration: append the next one to [`MIGRATIONS`].

use crate::error::{Error, Result};
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

/// Every migration, in order; schema N is the state after the first N.
pub const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_initial.sql")).foreign_key_check(),
    M::up(include_str!("migrations/0002_oauth.sql")).foreign_key_check(),
    M::up(include_str!("migrations/0003_requests.sql")).foreign_key_check(),
    M::up(include_str!("migrations/0004_history_totals.sql")),
    M::up(include_str!(
        "migrations/0005_token_origins_and_sealing.sql"
    )),
    M::up(include_str!(
        "migrations/0006_authorization_response_issuer.sql"
    )),
    M::up(include_str!("migrations/0007_operations.sql")).foreign_key_check(),
    M::up(include_str!("migrations/0008_variables.sql")).foreign_key_check(),
    M::up(include_str!("migrations/0009_change_counter.sql")),
];

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// The migration set, for callers (tests) that build older schemas.
pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// The database's schema version (0 for an empty file).
pub fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// Refuses, without writing anything, a database from a newer Latchkey.
pub fn refuse_newer(conn: &Connection) -> Result<()> {
    let found = user_version(conn)?;
    let known = latest_version();
    if found > known {
        return Err(Error::SchemaTooNew { found, known });
    }
    Ok(())
}

/// Brings the database to the latest schema, in one transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    // Two processes may open a new database at once. The loser's migration
    // transaction fails (busy, or "table already exists" because it read the
    // version before the winner committed) and rolls back; it then re-reads
    // the version and usually finds the work done.
    let mut attempts = 0;
    loop {
        refuse_newer(conn)?;
        let before = user_version(conn)?;
        if before == latest_version() {
            return Ok(());
        }
        match migrations().to_latest(conn) {
            Ok(()) => return Ok(()),
            Err(err) if attempts < 20 && (is_busy(&err) || user_version(conn)? != before) => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(err) => return Err(migration_error(err)),
        }
    }
}

fn is_busy(err: &rusqlite_migration::Error) -> bool {
    let sqlite = match err {
        rusqlite_migration::Error::RusqliteError { err, .. } => err,
        _ => return false,
    };
    matches!(
        sqlite.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn migration_error(err: rusqlite_migration::Error) -> Error {
    // The error's Display embeds the whole migration SQL; the cause is enough.
    let cause = match &err {
        rusqlite_migration::Error::RusqliteError { err, .. } => err.to_string(),
        other => other.to_string(),
    };
    Error::Database {
        path: super::DATABASE_FILE.into(),
        message: format!("upgrading its schema failed and nothing was changed ({cause})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn migrates_an_empty_database_to_the_latest_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), latest_version());
    }
}
