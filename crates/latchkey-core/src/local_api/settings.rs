//! Whether the desktop app serves the local API, and on which port. Kept in
//! the database so the setting survives restarts; off until turned on.

use super::{Server, ServerHandle, DEFAULT_PORT};
use crate::error::{Error, Result};
use crate::latchkey::Latchkey;
use crate::model::Secret;
use crate::store::meta;
use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use ts_rs::TS;

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

/// What the settings screen shows about the local API.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LocalApiStatus {
    pub settings: LocalApiSettings,
    /// `http://127.0.0.1:PORT` while serving.
    pub serving_at: Option<String>,
    pub key: super::ApiKeyStatus,
    /// Why it is not serving although enabled (e.g. the port is taken).
    pub problem: Option<String>,
}

/// A new API key, shown once; only its hash is kept.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RevealedApiKey {
    pub key: String,
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
        let text = serde_json::to_string(&settings)
            .map_err(|err| Error::Internal(format!("cannot store the setting: {err}")))?;
        self.store().write(|tx| meta::set(tx, SETTINGS_KEY, &text))
    }
}

/// Turns the API on as `settings` say: binds first, so a taken port changes
/// nothing (not the setting, not the key); then remembers the setting and
/// makes the key if there is none yet (returned that once, to show).
pub async fn start_enabled(
    app: Arc<Latchkey>,
    settings: LocalApiSettings,
) -> Result<(ServerHandle, Option<Secret>)> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, settings.port));
    let server = Server::bind(Arc::clone(&app), addr).await?;
    app.set_local_api_settings(LocalApiSettings {
        enabled: true,
        ..settings
    })?;
    let new_key = app.enable_api_key()?;
    Ok((server.spawn(), new_key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::KeySource;

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
