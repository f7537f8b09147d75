//! The database file: migrations, refusing newer schemas, and two
//! processes' worth of handles writing at once.

use latchkey_core::testing::schema::{latest_version, migrations, user_version, DATABASE_FILE};
use latchkey_core::{ErrorCode, Latchkey, UserInput};
use rusqlite::Connection;

#[test]
fn a_new_data_dir_gets_the_latest_schema_in_wal_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let app = crate::support::open(tmp.path());
    assert!(app.list_services().unwrap().is_empty());
    let conn = Connection::open(app.database_path()).unwrap();
    assert_eq!(user_version(&conn).unwrap(), latest_version());
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert!(!app.database_id().unwrap().is_empty());
}

/// Data typical of each schema version, written with that version's SQL.
/// Adding migration N means adding an arm for N here.
fn seed(conn: &Connection, version: i64) {
    // Schema 2 only added tables, so schema 1's data is written the same way.
    if version >= 1 {
        conn.execute_batch(
            "INSERT INTO services (id, slug, name, auth_kind, client_id, token_url, scopes,
                scope_separator, authorize_params, token_params, client_auth, pkce,
                token_placement, token_name, token_prefix, created_at, updated_at)
             VALUES (7, 'old', 'Old', 'client_credentials', 'cid', 'https://x.example/token',
                '[\"a\"]', ' ', '[]', '[]', 'post', 'off', 'header', 'Authorization',
                'Bearer', 1, 1);
             INSERT INTO users (service_id, external_id, status, granted_scopes, created_at,
                updated_at)
             VALUES (7, 'someone', 'authorized', '[\"a\"]', 1, 1);",
        )
        .unwrap();
    }
    if version >= 2 {
        conn.execute_batch(
            "INSERT INTO locks (name, owner, expires_at) VALUES ('refresh:user:1', 'gone', 1);",
        )
        .unwrap();
    }
    if version >= 5 {
        conn.execute_batch(
            "UPDATE services SET token_origins = '[\"https://files.x.example\"]' WHERE id = 7;",
        )
        .unwrap();
    }
    if version >= 6 {
        conn.execute_batch(
            "UPDATE services SET issuer = 'https://x.example', authorization_response_iss = 1
             WHERE id = 7;",
        )
        .unwrap();
    }
}

#[test]
fn a_database_from_every_earlier_schema_opens_and_migrates() {
    for version in 0..=latest_version() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        std::fs::create_dir_all(&dir).unwrap();
        {
            let mut conn = Connection::open(dir.join(DATABASE_FILE)).unwrap();
            migrations()
                .to_version(&mut conn, version as usize)
                .unwrap();
            seed(&conn, version);
        }
        let app = Latchkey::open(Some(&dir)).unwrap();
        let conn = Connection::open(app.database_path()).unwrap();
        assert_eq!(
            user_version(&conn).unwrap(),
            latest_version(),
            "from {version}"
        );
        if version >= 1 {
            let old = app.get_service("old").unwrap();
            assert_eq!(old.spec.client_id.as_deref(), Some("cid"));
            let users = app.list_users("old").unwrap();
            assert_eq!(users[0].external_id, "someone");
            let origins: &[&str] = if version >= 5 {
                &["https://files.x.example"]
            } else {
                &[]
            };
            assert_eq!(old.spec.token_origins, origins, "from {version}");
            // Older services know no issuer: sign-ins are not checked for `iss`.
            let issuer = (version >= 6).then_some("https://x.example");
            assert_eq!(old.spec.issuer.as_deref(), issuer, "from {version}");
            assert_eq!(old.spec.authorization_response_iss, version >= 6);
        }
        // And it still takes new data.
        app.create_service(&crate::support::valid_input("fresh"))
            .unwrap();
    }
}

#[test]
fn a_database_from_a_newer_latchkey_is_refused_and_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(DATABASE_FILE);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('y');
             PRAGMA user_version = {};",
            latest_version() + 1
        ))
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = match Latchkey::open(Some(&dir)) {
        Ok(_) => panic!("a newer schema was accepted"),
        Err(err) => err,
    };
    assert_eq!(err.code(), ErrorCode::SchemaTooNew);
    assert_eq!(
        err.to_string(),
        format!(
            "this database was written by a newer Latchkey (schema {}, this build knows {}): upgrade Latchkey",
            latest_version() + 1,
            latest_version()
        )
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!dir.join("latchkey.db-wal").exists());
}

#[test]
fn two_handles_writing_at_once_both_succeed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    // Both open a brand-new database at the same moment, too.
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let app = Latchkey::open(Some(&dir)).unwrap();
                for i in 0..25 {
                    let slug = format!("svc-{t}-{i}");
                    app.create_service(&crate::support::valid_input(&slug))
                        .unwrap();
                    let user = UserInput {
                        external_id: format!("user-{i}"),
                        label: None,
                    };
                    app.add_user(&slug, &user).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let app = Latchkey::open(Some(&dir)).unwrap();
    assert_eq!(app.list_services().unwrap().len(), 50);
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_data_dir_is_owner_only_and_so_is_every_file_in_it() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    // A database left readable by an older Latchkey, with its WAL.
    {
        std::fs::create_dir_all(&dir).unwrap();
        let conn = Connection::open(dir.join(DATABASE_FILE)).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE scratch (x);")
            .unwrap();
        for file in [DATABASE_FILE, "latchkey.db-wal", "latchkey.db-shm"] {
            let path = dir.join(file);
            if path.exists() {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            }
        }
        std::mem::forget(conn); // keep the -wal and -shm as a crash would
    }
    let app = crate::support::open(tmp.path());
    app.create_service(&crate::support::valid_input("goto"))
        .unwrap();
    crate::support::add_user(&app, "goto", "alice");
    assert_eq!(mode(app.data_dir()), 0o700);
    let files: Vec<_> = std::fs::read_dir(app.data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        files.iter().any(|f| f.ends_with("latchkey.db-wal")),
        "{files:?}"
    );
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    // A brand-new database: its -wal and -shm are made owner-only too.
    let fresh = crate::support::open(&tmp.path().join("fresh"));
    fresh
        .create_service(&crate::support::valid_input("goto"))
        .unwrap();
    for file in std::fs::read_dir(fresh.data_dir()).unwrap() {
        let path = file.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
}

#[test]
fn deleted_rows_are_overwritten_not_left_in_free_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let app = crate::support::open(tmp.path());
    let mut input = crate::support::valid_input("goto");
    input.name = Some("Name-To-Forget-8c1f".into());
    app.create_service(&input).unwrap();
    latchkey_core::testing::checkpoint(&app).unwrap();
    app.remove_service("goto", true).unwrap();
    latchkey_core::testing::checkpoint(&app).unwrap();
    let on = latchkey_core::testing::write_sql(&app, |tx| {
        Ok(tx.query_row("PRAGMA secure_delete", [], |r| r.get::<_, i64>(0))?)
    })
    .unwrap();
    assert_eq!(on, 1);
    for file in std::fs::read_dir(app.data_dir()).unwrap() {
        let path = file.unwrap().path();
        assert!(
            !crate::support::file_contains(&path, b"Name-To-Forget-8c1f"),
            "{} still holds the deleted row",
            path.display()
        );
    }
}

#[test]
fn history_and_saved_requests_from_before_sealing_are_sealed_on_first_unlock() {
    crate::support::require_keyring();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    std::fs::create_dir_all(&dir).unwrap();
    {
        let mut conn = Connection::open(dir.join(DATABASE_FILE)).unwrap();
        migrations().to_version(&mut conn, 4).unwrap();
        seed(&conn, 4);
        conn.execute_batch(
            "INSERT INTO history (id, service_id, source, method, url, request_spec, status,
                response_headers, response_body, stored_bytes, created_at)
             VALUES (3, 7, 'cli', 'GET', 'https://x.example/a',
                '{\"method\":\"GET\",\"url\":\"/a\",\"query\":[],\"headers\":[],\"body\":{\"kind\":\"raw\",\"content_type\":\"\",\"text\":\"old-REQUEST-body\"}}',
                200, '[]', CAST('old-ANSWER-body' AS BLOB), 10, 1);
             INSERT INTO saved_requests (service_id, name, spec, extractors, created_at, updated_at)
             VALUES (7, 'Old', '{\"method\":\"GET\",\"url\":\"/old-SAVED-url\",\"query\":[],\"headers\":[],\"body\":{\"kind\":\"none\"}}',
                '[]', 1, 1);",
        )
        .unwrap();
    }
    let app = crate::support::open(tmp.path());
    latchkey_core::testing::unlock_vault(&app).unwrap();
    let entry = app.history_entry(3).unwrap();
    assert!(serde_json::to_string(&entry)
        .unwrap()
        .contains("old-ANSWER-body"));
    assert!(serde_json::to_string(&entry.request)
        .unwrap()
        .contains("old-REQUEST-body"));
    assert_eq!(
        app.get_saved_request("old", "Old").unwrap().request.url,
        "/old-SAVED-url"
    );
    latchkey_core::testing::checkpoint(&app).unwrap();
    for file in std::fs::read_dir(app.data_dir()).unwrap() {
        let path = file.unwrap().path();
        for text in ["old-ANSWER-body", "old-REQUEST-body", "old-SAVED-url"] {
            assert!(
                !crate::support::file_contains(&path, text.as_bytes()),
                "{text} in {}",
                path.display()
            );
        }
    }
}
