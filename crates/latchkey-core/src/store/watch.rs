//! Noticing commits made by other connections and processes (the CLI, the
//! local API, this process's other connections). SQLite changes a
//! connection's `PRAGMA data_version` whenever another connection commits;
//! reading it is a check of shared memory, so polling it costs next to
//! nothing. Only when it moves are the tables fingerprinted, to say which
//! kinds of things changed.

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// Which groups of tables changed since the last look.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changed {
    pub services: bool,
    pub users: bool,
    pub history: bool,
    /// Something else (settings, saved requests, tokens of a service).
    pub other: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Fingerprint {
    services: (i64, i64, i64),
    users: (i64, i64, i64),
    history: (i64, i64),
}

pub struct ChangeWatch {
    conn: Connection,
    version: i64,
    seen: Fingerprint,
}

impl ChangeWatch {
    /// Watches the (already migrated) database at `path` from a read-only
    /// connection of its own.
    pub fn open(path: &Path) -> Result<Self> {
        let wrap = |err: rusqlite::Error| Error::Database {
            path: path.to_path_buf(),
            message: err.to_string(),
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(wrap)?;
        conn.busy_timeout(std::time::Duration::from_millis(200))
            .map_err(wrap)?;
        let version = data_version(&conn)?;
        let seen = fingerprint(&conn)?;
        Ok(Self {
            conn,
            version,
            seen,
        })
    }

    /// What changed since the last call, or `None` when nothing was committed.
    pub fn poll(&mut self) -> Result<Option<Changed>> {
        let version = data_version(&self.conn)?;
        if version == self.version {
            return Ok(None);
        }
        self.version = version;
        let now = fingerprint(&self.conn)?;
        let changed = Changed {
            services: now.services != self.seen.services,
            users: now.users != self.seen.users,
            history: now.history != self.seen.history,
            other: now == self.seen,
        };
        self.seen = now;
        Ok(Some(changed))
    }
}

fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |row| row.get(0))?)
}

/// Count, newest change and id sum per table: a row added, removed or
/// updated (every update sets `updated_at`) moves one of them.
fn fingerprint(conn: &Connection) -> Result<Fingerprint> {
    let triple = |table: &str| -> Result<(i64, i64, i64)> {
        Ok(conn.query_row(
            &format!(
                "SELECT count(*), coalesce(max(updated_at), 0), coalesce(sum(id), 0) FROM {table}"
            ),
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?)
    };
    let history = conn.query_row(
        "SELECT count(*), coalesce(max(id), 0) FROM history",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(Fingerprint {
        services: triple("services")?,
        users: triple("users")?,
        history,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, DATABASE_FILE};

    #[test]
    fn sees_commits_of_other_connections_and_says_what_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(DATABASE_FILE);
        let store = Store::open_file(&path).unwrap();
        let mut watch = ChangeWatch::open(&path).unwrap();
        assert_eq!(watch.poll().unwrap(), None);

        store
            .write(|tx| {
                tx.execute(
                    "INSERT INTO services (id, slug, name, auth_kind, scope_separator, client_auth,
                        pkce, token_placement, token_name, token_prefix, created_at, updated_at)
                     VALUES (1, 'svc', 'svc', 'none', ' ', 'none', 'off', 'header',
                        'Authorization', 'Bearer', 1, 1)",
                    [],
                )?;
                Ok(())
            })
            .unwrap();
        let changed = watch.poll().unwrap().expect("a change");
        assert!(changed.services && !changed.users && !changed.history);
        assert_eq!(watch.poll().unwrap(), None);

        // Another process: a connection of its own, as the CLI would have.
        let other = Connection::open(&path).unwrap();
        other
            .execute(
                "INSERT INTO users (service_id, external_id, status, created_at, updated_at)
                 VALUES (1, 'alice', 'new', 2, 2)",
                [],
            )
            .unwrap();
        let changed = watch.poll().unwrap().expect("a change");
        assert!(changed.users && !changed.services);
        other
            .execute("UPDATE users SET status = 'authorized', updated_at = 3", [])
            .unwrap();
        assert!(watch.poll().unwrap().expect("a change").users);
        other
            .execute("INSERT INTO meta (key, value) VALUES ('x', 'y')", [])
            .unwrap();
        let changed = watch.poll().unwrap().expect("a change");
        assert!(changed.other && !changed.users);
    }
}
