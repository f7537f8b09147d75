//! Where the data key lives: the OS keyring (default) or, opted into with
//! `LATCHKEY_KEY_FILE`, a file readable only by its owner. The key file is
//! the weaker choice (any process running as you can read it, and backups
//! copy it); it exists for headless machines without a keyring.

use super::data_key::DataKey;
use crate::error::{Error, Result};
use crate::keyring_probe::{self, KEYRING_SERVICE};
use crate::store::{meta, Store};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Opts into a key file instead of the OS keyring.
pub const KEY_FILE_ENV: &str = "LATCHKEY_KEY_FILE";

/// The key file the window's opt-in creates, inside the data directory.
pub const KEY_FILE_NAME: &str = "data.key";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The OS keyring, entry `latchkey` / `data-key:<database id>`.
    Keyring,
    /// A file holding the key as hex, mode 0600.
    File(PathBuf),
}

impl KeySource {
    /// `LATCHKEY_KEY_FILE` when set, else the OS keyring.
    pub fn from_env() -> Self {
        match std::env::var_os(KEY_FILE_ENV).filter(|v| !v.is_empty()) {
            Some(path) => KeySource::File(PathBuf::from(path)),
            None => KeySource::Keyring,
        }
    }

    /// Where this database's key is kept: `LATCHKEY_KEY_FILE` when set, else
    /// the key file chosen from the window (stored in the database), else
    /// the OS keyring.
    pub fn configured(store: &Store) -> Result<Self> {
        if let source @ KeySource::File(_) = Self::from_env() {
            return Ok(source);
        }
        Ok(match store.read(|conn| meta::get(conn, meta::KEY_FILE))? {
            Some(path) if !path.is_empty() => KeySource::File(PathBuf::from(path)),
            _ => KeySource::Keyring,
        })
    }

    /// The keyring user name of a database's data key.
    pub fn keyring_user(database_id: &str) -> String {
        format!("data-key:{database_id}")
    }

    /// The stored key, or `None` when there is none yet (or it was lost).
    pub fn load(&self, database_id: &str) -> Result<Option<DataKey>> {
        match self {
            KeySource::Keyring => load_from_keyring(database_id),
            KeySource::File(path) => load_from_file(path),
        }
    }

    /// Stores a newly made key.
    pub fn save(&self, database_id: &str, key: &DataKey) -> Result<()> {
        match self {
            KeySource::Keyring => entry(database_id)?
                .set_secret(key.as_bytes())
                .map_err(keyring_error),
            KeySource::File(path) => create_file(path, key),
        }
    }

    /// The sentence telling the person their key is gone.
    pub fn lost_message(&self) -> String {
        match self {
            KeySource::Keyring => {
                "the keyring entry for this database is gone: secrets cannot be read; re-enter them"
                    .to_string()
            }
            KeySource::File(path) => format!(
                "the key file {} for this database is gone: secrets cannot be read; re-enter them",
                path.display()
            ),
        }
    }

    /// The sentence for a key that exists but did not seal this database.
    pub fn wrong_key_message(&self) -> String {
        let place = match self {
            KeySource::Keyring => "the keyring entry for this database".to_string(),
            KeySource::File(path) => format!("the key file {}", path.display()),
        };
        format!("{place} holds a different key than the one that sealed this database's secrets: they cannot be read; re-enter them")
    }
}

fn entry(database_id: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, &KeySource::keyring_user(database_id))
        .map_err(keyring_error)
}

fn load_from_keyring(database_id: &str) -> Result<Option<DataKey>> {
    match entry(database_id)?.get_secret() {
        Ok(bytes) => DataKey::from_bytes(&bytes).map(Some).ok_or_else(|| {
            Error::SecretsLost(
                "the keyring entry for this database does not hold a Latchkey data key: secrets cannot be read; re-enter them".into(),
            )
        }),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(err) => Err(keyring_error(err)),
    }
}

fn keyring_error(err: keyring::Error) -> Error {
    let status = keyring_probe::classify(Err(err));
    Error::KeyringUnavailable(format!(
        "cannot reach the keyring that holds Latchkey's data key: {}; or, on a machine without a keyring, set {KEY_FILE_ENV} to a file path to keep the key in a file (weaker)",
        status.detail
    ))
}

fn load_from_file(path: &Path) -> Result<Option<DataKey>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => zeroize::Zeroizing::new(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(Error::KeyFile(format!(
                "cannot read the key file {} ({err}): check {KEY_FILE_ENV}",
                path.display()
            )))
        }
    };
    refuse_loose_permissions(path)?;
    DataKey::from_hex(&text).map(Some).ok_or_else(|| {
        Error::KeyFile(format!(
            "the key file {} does not hold a Latchkey data key (64 hex digits expected)",
            path.display()
        ))
    })
}

#[cfg(unix)]
fn refuse_loose_permissions(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|err| {
            Error::KeyFile(format!(
                "cannot read the key file {} ({err})",
                path.display()
            ))
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(Error::KeyFile(format!(
            "the key file {} can be read by other users (mode {:04o}): run `chmod 600 {}`",
            path.display(),
            mode & 0o7777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_loose_permissions(_path: &Path) -> Result<()> {
    Ok(())
}

fn create_file(path: &Path, key: &DataKey) -> Result<()> {
    let fail = |err: std::io::Error| {
        Error::KeyFile(format!(
            "cannot create the key file {} ({err}): check that its folder exists and is writable",
            path.display()
        ))
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    let mut text = key.to_hex();
    text.push('\n');
    file.write_all(text.as_bytes()).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    Ok(())
}
