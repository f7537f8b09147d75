//! Secrets at rest: sealed with an AEAD data key that lives outside the
//! database (the OS keyring, or an opt-in key file). SQLite holds
//! ciphertext only, and there is never a plaintext fallback.

mod data_key;
mod key_source;

pub use crate::model::Secret;
pub use key_source::{KeySource, KEY_FILE_NAME};

use crate::error::{Error, Result};
use crate::store::{meta, Store};
use data_key::DataKey;
use std::sync::{Arc, Mutex};

const KEY_CHECK_PURPOSE: &str = "meta:key_check";
const KEY_CHECK_TEXT: &[u8] = b"latchkey data key check";

/// An unlocked vault: the data key of one database.
pub struct Vault {
    key: DataKey,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(..)")
    }
}

impl Vault {
    /// Loads this database's data key, making it the first time.
    ///
    /// Runs inside a write transaction so two processes opening a new
    /// database at once cannot each make (and store) a different key.
    pub fn unlock(store: &Store, source: &KeySource) -> Result<Self> {
        store.write(|tx| {
            let database_id = meta::get(tx, meta::DATABASE_ID)?.ok_or_else(|| Error::Database {
                path: store.path().to_path_buf(),
                message: "it has no database id".into(),
            })?;
            let check = meta::get(tx, meta::KEY_CHECK)?;
            if let Some(key) = source.load(&database_id)? {
                match check.as_deref().map(hex_decode) {
                    Some(Some(blob)) if key.open(KEY_CHECK_PURPOSE, &blob).is_ok() => {}
                    // A key that fails the check is not this database's key.
                    Some(_) if meta::sealed_value_count(tx)? > 0 => {
                        return Err(Error::SecretsLost(source.wrong_key_message()))
                    }
                    _ => write_key_check(tx, &key)?,
                }
                return Ok(Self { key });
            }
            // No key. If anything was sealed, the key was lost: say so
            // rather than making a new key that cannot read them.
            if meta::sealed_value_count(tx)? > 0 {
                return Err(Error::SecretsLost(source.lost_message()));
            }
            let key = DataKey::generate();
            source.save(&database_id, &key)?;
            write_key_check(tx, &key)?;
            Ok(Self { key })
        })
    }

    /// Seals `plaintext` for one purpose, e.g. `service:3:client_secret`.
    pub fn seal(&self, purpose: &str, plaintext: &Secret) -> Vec<u8> {
        self.key.seal(purpose, plaintext.expose().as_bytes())
    }

    /// Seals bytes (a request, an answer) for one purpose, e.g. `history:7`.
    pub fn seal_bytes(&self, purpose: &str, plaintext: &[u8]) -> Vec<u8> {
        self.key.seal(purpose, plaintext)
    }

    /// Opens bytes sealed with [`Vault::seal_bytes`] for `purpose`.
    pub fn open_bytes(&self, purpose: &str, blob: &[u8]) -> Result<zeroize::Zeroizing<Vec<u8>>> {
        self.key.open(purpose, blob).map_err(|_| {
            Error::SecretsLost(format!(
                "a stored record ({purpose}) cannot be decrypted with this database's key"
            ))
        })
    }

    /// Opens a value sealed for `purpose`.
    pub fn open(&self, purpose: &str, blob: &[u8]) -> Result<Secret> {
        let lost = || {
            Error::SecretsLost(format!(
                "a stored secret ({purpose}) cannot be decrypted with this database's key: re-enter it"
            ))
        };
        let bytes = self.key.open(purpose, blob).map_err(|_| lost())?;
        let text = std::str::from_utf8(&bytes).map_err(|_| lost())?;
        Ok(Secret::new(text))
    }
}

/// One handle's vault: where its key is kept, and the vault once unlocked.
/// Unlocking waits for the first secret, so listing services works without
/// a keyring.
pub struct VaultSlot {
    key_source: Mutex<KeySource>,
    unlocked: Mutex<Option<Arc<Vault>>>,
}

impl VaultSlot {
    pub fn new(key_source: KeySource) -> Self {
        Self {
            key_source: Mutex::new(key_source),
            unlocked: Mutex::new(None),
        }
    }

    pub fn key_source(&self) -> KeySource {
        self.key_source
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Keeps the key in `source` from now on: unlocks with it first (making
    /// the key there when this database has none), so a failure changes
    /// nothing.
    pub fn switch(&self, store: &Store, source: KeySource) -> Result<()> {
        let vault = Arc::new(Vault::unlock(store, &source)?);
        let mut slot = self.unlocked.lock().unwrap_or_else(|p| p.into_inner());
        *self.key_source.lock().unwrap_or_else(|p| p.into_inner()) = source;
        *slot = Some(vault);
        Ok(())
    }

    /// The unlocked vault, unlocking (or creating the key) on first use.
    pub fn unlock(&self, store: &Store) -> Result<Arc<Vault>> {
        let mut slot = self.unlocked.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(vault) = slot.as_ref() {
            return Ok(Arc::clone(vault));
        }
        let vault = Arc::new(Vault::unlock(store, &self.key_source())?);
        *slot = Some(Arc::clone(&vault));
        drop(slot);
        // Requests stored readable by an older Latchkey are sealed now; a
        // failure leaves them as they were, to try again next time.
        let _ = crate::store::seal_older_rows(store, &|purpose, bytes| {
            vault.seal_bytes(purpose, bytes)
        });
        Ok(vault)
    }

    /// Forgets the unlocked vault; the next use unlocks again.
    pub fn forget(&self) {
        *self.unlocked.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

fn write_key_check(tx: &rusqlite::Connection, key: &DataKey) -> Result<()> {
    let blob = key.seal(KEY_CHECK_PURPOSE, KEY_CHECK_TEXT);
    meta::set(tx, meta::KEY_CHECK, &hex_encode(&blob))
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}
