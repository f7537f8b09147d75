//! Access to the local API, kept in the database so another process (the
//! CLI while the app serves) sees a change at once: whether the app serves
//! it and on which port (off until turned on), and its key.
//!
//! The key is 32 random bytes shown once as `lk_<base64url>`, stored only
//! as its SHA-256 (in `meta`), compared in constant time. The key is random
//! and long, so an unsalted hash is enough: nothing to guess. Every request
//! re-reads the hash, so a rotation takes effect at once.

use super::Latchkey;
use crate::error::{Error, Result};
use crate::model::Secret;
use crate::store::{meta, now_ms, CacheCheck};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use ts_rs::TS;

/// The port the local API serves on unless told otherwise.
pub const DEFAULT_PORT: u16 = 7412;

const HASH_KEY: &str = "local_api_key_sha256";
const CREATED_KEY: &str = "local_api_key_created_at";
const PREFIX: &str = "lk_";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ApiKeyStatus {
    /// Whether a key exists (the API refuses every call until one does).
    pub configured: bool,
    /// When the current key was made, unix milliseconds.
    pub created_at: Option<i64>,
}

fn hash_hex(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn new_key() -> Result<Secret> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("the OS random generator failed: {e}")))?;
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    Ok(Secret::new(format!("{PREFIX}{text}")))
}

impl Latchkey {
    /// The local API key's state (never the key: only its hash is kept).
    pub fn api_key_status(&self) -> Result<ApiKeyStatus> {
        self.store().read(|conn| {
            let configured = meta::get(conn, HASH_KEY)?.is_some();
            let created_at = meta::get(conn, CREATED_KEY)?.and_then(|t| t.parse().ok());
            Ok(ApiKeyStatus {
                configured,
                created_at,
            })
        })
    }

    /// Makes the key on first enable and returns it (to show once); `None`
    /// when one exists already (it cannot be shown again: rotate instead).
    pub fn enable_api_key(&self) -> Result<Option<Secret>> {
        let key = new_key()?;
        let hash = hash_hex(key.expose());
        let created = self.store().write(|tx| {
            if meta::get(tx, HASH_KEY)?.is_some() {
                return Ok(false);
            }
            meta::set(tx, HASH_KEY, &hash)?;
            meta::set(tx, CREATED_KEY, &now_ms().to_string())?;
            Ok(true)
        })?;
        Ok(created.then_some(key))
    }

    /// Replaces the key (the old one stops working at once); returns the new one.
    pub fn rotate_api_key(&self) -> Result<Secret> {
        let key = new_key()?;
        let hash = hash_hex(key.expose());
        self.store().write(|tx| {
            meta::set(tx, HASH_KEY, &hash)?;
            meta::set(tx, CREATED_KEY, &now_ms().to_string())
        })?;
        Ok(key)
    }

    /// Whether `presented` is the current key. False when none is set.
    pub fn verify_api_key(&self, presented: &str) -> Result<bool> {
        Ok(self.verify_api_key_checked(presented)?.0)
    }

    /// [`Latchkey::verify_api_key`], and the check of the read cache it
    /// made: the local API's request that follows reads as of it.
    pub(crate) fn verify_api_key_checked(&self, presented: &str) -> Result<(bool, CacheCheck)> {
        let checked = self.store().check_cache()?;
        let stored = self
            .store()
            .read_cached_as_of(checked, "api_key_hash", |conn| meta::get(conn, HASH_KEY))?;
        let Some(stored) = stored else {
            return Ok((false, checked));
        };
        let given = hash_hex(presented);
        Ok((given.as_bytes().ct_eq(stored.as_bytes()).into(), checked))
    }
}

const SETTINGS_KEY: &str = "local_api_settings";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LocalApiSettings {
    pub enabled: bool,
    pub port: u16,
}

impl Default for LocalApiSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            port: DEFAULT_PORT,
        }
    }
}

impl Latchkey {
    pub fn local_api_settings(&self) -> Result<LocalApiSettings> {
        let text = self.store().read(|conn| meta::get(conn, SETTINGS_KEY))?;
        Ok(text
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default())
    }

    pub fn set_local_api_settings(&self, settings: LocalApiSettings) -> Result<()> {
        if settings.port == 0 {
            return Err(Error::field(
                "port",
                "port 0 picks a different port each start: choose a fixed port such as 7412",
            ));
        }
        let text =
            serde_json::to_string(&settings).map_err(Error::encode("the local API settings"))?;
        self.store().write(|tx| meta::set(tx, SETTINGS_KEY, &text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::KeySource;

    #[test]
    fn keys_are_long_random_and_prefixed() {
        let a = new_key().unwrap();
        let b = new_key().unwrap();
        assert!(a.expose().starts_with("lk_"));
        assert_eq!(a.expose().len(), 3 + 43);
        assert_ne!(a.expose(), b.expose());
        assert_eq!(hash_hex("abc").len(), 64);
    }

    #[test]
    fn enable_once_rotate_and_verify() {
        let tmp = tempfile::tempdir().unwrap();
        let app = Latchkey::open(Some(tmp.path())).unwrap();
        assert!(!app.api_key_status().unwrap().configured);
        assert!(!app.verify_api_key("").unwrap());
        let first = app.enable_api_key().unwrap().unwrap();
        assert!(app.enable_api_key().unwrap().is_none());
        assert!(app.verify_api_key(first.expose()).unwrap());
        assert!(!app.verify_api_key("lk_wrong").unwrap());
        let second = app.rotate_api_key().unwrap();
        assert!(!app.verify_api_key(first.expose()).unwrap());
        assert!(app.verify_api_key(second.expose()).unwrap());
        let status = app.api_key_status().unwrap();
        assert!(status.configured && status.created_at.is_some());
        // Only the hash is stored.
        let stored = app
            .store()
            .read(|c| meta::get(c, HASH_KEY))
            .unwrap()
            .unwrap();
        assert!(!stored.contains(second.expose()));
    }

    #[test]
    fn off_by_default_then_remembered() {
        let tmp = tempfile::tempdir().unwrap();
        let app = Latchkey::open_with(Some(tmp.path()), KeySource::Keyring).unwrap();
        assert_eq!(
            app.local_api_settings().unwrap(),
            LocalApiSettings::default()
        );
        let on = LocalApiSettings {
            enabled: true,
            port: 7500,
        };
        app.set_local_api_settings(on).unwrap();
        let again = Latchkey::open_with(Some(tmp.path()), KeySource::Keyring).unwrap();
        assert_eq!(again.local_api_settings().unwrap(), on);
        let err = app
            .set_local_api_settings(LocalApiSettings {
                enabled: true,
                port: 0,
            })
            .unwrap_err();
        assert!(err.to_string().contains("fixed port"), "{err}");
    }
}
