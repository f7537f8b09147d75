//! Secrets at rest, against the real Secret Service (gnome-keyring under
//! the private D-Bus session of scripts/with-keyring.sh).

use latchkey_core::{ErrorCode, KeySource, Latchkey, Secret, ServiceInput};

const KNOWN_SECRET: &str = "known-secret-7f3a9c1e5b";

fn with_secret(slug: &str) -> ServiceInput {
    ServiceInput {
        client_secret: Some(Secret::new(KNOWN_SECRET)),
        ..crate::support::valid_input(slug)
    }
}

#[test]
fn the_client_secret_is_never_in_the_database_or_wal_files() {
    crate::support::require_keyring();
    let tmp = tempfile::tempdir().unwrap();
    let app = crate::support::open(tmp.path());
    let service = app.create_service(&with_secret("goto")).unwrap();
    assert!(service.has_client_secret);
    // Edits re-seal and leave the old ciphertext in WAL frames: still nothing.
    let mut input = with_secret("goto");
    input.client_id = Some("other".into());
    app.update_service("goto", &input).unwrap();

    let db = app.database_path().to_path_buf();
    let wal = db.with_file_name("latchkey.db-wal");
    assert!(wal.exists(), "the WAL should hold the recent writes");
    for path in [&db, &wal] {
        assert!(
            !crate::support::file_contains(path, KNOWN_SECRET.as_bytes()),
            "{path:?}"
        );
    }
    latchkey_core::testing::checkpoint(&app).unwrap();
    drop(app);
    assert!(!crate::support::file_contains(&db, KNOWN_SECRET.as_bytes()));
    assert!(!crate::support::file_contains(
        &wal,
        KNOWN_SECRET.as_bytes()
    ));
    // ... yet a new handle reads it back through the keyring.
    let app = crate::support::open(tmp.path());
    let secret = app.client_secret("goto").unwrap().unwrap();
    assert_eq!(secret.expose(), KNOWN_SECRET);
}

#[test]
fn a_lost_keyring_entry_is_reported_as_lost_secrets() {
    crate::support::require_keyring();
    let tmp = tempfile::tempdir().unwrap();
    let app = crate::support::open(tmp.path());
    app.create_service(&with_secret("goto")).unwrap();
    let user = KeySource::keyring_user(&app.database_id().unwrap());
    drop(app);
    keyring::Entry::new("latchkey", &user)
        .unwrap()
        .delete_credential()
        .unwrap();

    let app = crate::support::open(tmp.path());
    // Reading without secrets still works.
    assert!(app.get_service("goto").unwrap().has_client_secret);
    let err = app.client_secret("goto").unwrap_err();
    assert_eq!(err.code(), ErrorCode::SecretsLost);
    assert_eq!(
        err.to_string(),
        "the keyring entry for this database is gone: secrets cannot be read; re-enter them"
    );
    // Sealing a new secret under a new key would hide the loss: refused too.
    let err = app
        .update_service("goto", &with_secret("goto"))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::SecretsLost);

    // The way out: drop what cannot be read, then re-enter.
    assert_eq!(app.discard_unreadable_secrets().unwrap(), 1);
    assert!(!app.get_service("goto").unwrap().has_client_secret);
    app.update_service("goto", &with_secret("goto")).unwrap();
    assert_eq!(
        app.client_secret("goto").unwrap().unwrap().expose(),
        KNOWN_SECRET
    );
}

#[test]
fn two_data_dirs_have_their_own_keys() {
    crate::support::require_keyring();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let app_a = crate::support::open(a.path());
    let app_b = crate::support::open(b.path());
    assert_ne!(app_a.database_id().unwrap(), app_b.database_id().unwrap());
    app_a.create_service(&with_secret("x")).unwrap();
    app_b.create_service(&with_secret("x")).unwrap();
    assert_eq!(
        app_b.client_secret("x").unwrap().unwrap().expose(),
        KNOWN_SECRET
    );
}

#[test]
fn services_without_secrets_never_touch_the_keyring() {
    // A key source that cannot work proves the vault stayed locked.
    let tmp = tempfile::tempdir().unwrap();
    let key_file = tmp.path().join("no-such-dir/key");
    let app =
        Latchkey::open_with(Some(&tmp.path().join("data")), KeySource::File(key_file)).unwrap();
    app.create_service(&crate::support::valid_input("plain"))
        .unwrap();
    assert!(app.client_secret("plain").unwrap().is_none());
    let err = app.create_service(&with_secret("sealed")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeyFile);
    assert!(
        err.to_string().contains("cannot create the key file"),
        "{err}"
    );
    assert!(app.get_service("sealed").is_err(), "nothing half-written");
}

#[cfg(unix)]
#[test]
fn the_key_file_is_created_owner_only_and_refused_when_readable_by_others() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let key_file = tmp.path().join("latchkey.key");
    let data = tmp.path().join("data");
    let open = || Latchkey::open_with(Some(&data), KeySource::File(key_file.clone())).unwrap();

    let app = open();
    app.create_service(&with_secret("goto")).unwrap();
    let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert_eq!(text.trim().len(), 64);
    assert!(!crate::support::file_contains(
        app.database_path(),
        KNOWN_SECRET.as_bytes()
    ));
    drop(app);
    assert_eq!(
        open().client_secret("goto").unwrap().unwrap().expose(),
        KNOWN_SECRET
    );

    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = open().client_secret("goto").unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeyFile);
    assert!(
        err.to_string()
            .contains("can be read by other users (mode 0644)"),
        "{err}"
    );
    assert!(err.to_string().contains("chmod 600"), "{err}");

    // A deleted key file is a lost key, said so.
    std::fs::remove_file(&key_file).unwrap();
    let err = open().client_secret("goto").unwrap_err();
    assert_eq!(err.code(), ErrorCode::SecretsLost);
    assert!(err
        .to_string()
        .contains("is gone: secrets cannot be read; re-enter them"));
}

#[test]
fn a_different_key_is_reported_not_crashed_on() {
    let tmp = tempfile::tempdir().unwrap();
    let key_file = tmp.path().join("k");
    let data = tmp.path().join("data");
    let app = Latchkey::open_with(Some(&data), KeySource::File(key_file.clone())).unwrap();
    app.create_service(&with_secret("goto")).unwrap();
    drop(app);
    // Replace the key with another valid one.
    std::fs::remove_file(&key_file).unwrap();
    let other = tempfile::tempdir().unwrap();
    let other_key = other.path().join("k");
    Latchkey::open_with(
        Some(&other.path().join("d")),
        KeySource::File(other_key.clone()),
    )
    .unwrap()
    .create_service(&with_secret("x"))
    .unwrap();
    std::fs::copy(&other_key, &key_file).unwrap();
    let app = Latchkey::open_with(Some(&data), KeySource::File(key_file)).unwrap();
    let err = app.client_secret("goto").unwrap_err();
    assert_eq!(err.code(), ErrorCode::SecretsLost);
    assert!(err.to_string().contains("holds a different key"), "{err}");
}

#[test]
fn the_key_file_opt_in_is_refused_while_secrets_are_sealed_with_the_keyring() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let app = Latchkey::open_with(Some(&data), KeySource::Keyring).unwrap();
    app.create_service(&with_secret("goto")).unwrap();

    let err = app.use_key_file().unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeyFile);
    assert!(err.to_string().contains("start the keyring"), "{err}");
    assert_eq!(app.key_source(), KeySource::Keyring, "nothing changed");
    assert!(!data.join("data.key").exists());
    assert_eq!(
        app.client_secret("goto").unwrap().unwrap().expose(),
        KNOWN_SECRET
    );
}

#[test]
fn after_the_key_file_opt_in_secrets_are_sealed_with_the_file_and_survive_a_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let app = Latchkey::open_with(Some(&data), KeySource::Keyring).unwrap();
    app.create_service(&crate::support::valid_input("plain"))
        .unwrap();
    let key_file = app.use_key_file().unwrap();
    app.create_service(&with_secret("goto")).unwrap();
    drop(app);

    // A fresh open (as the CLI does) finds the choice in the database.
    let again = Latchkey::open(Some(&data)).unwrap();
    assert_eq!(again.key_source(), KeySource::File(key_file));
    assert_eq!(
        again.client_secret("goto").unwrap().unwrap().expose(),
        KNOWN_SECRET
    );
}
