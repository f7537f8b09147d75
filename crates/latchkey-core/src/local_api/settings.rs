//! Serving the local API as its settings say, and what the settings screen
//! shows of it (the settings and the key live with the facade).

use super::{Server, ServerHandle};
use crate::error::Result;
use crate::latchkey::{ApiKeyStatus, Latchkey, LocalApiSettings};
use crate::model::Secret;
use serde::Serialize;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use ts_rs::TS;

/// What the settings screen shows about the local API.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LocalApiStatus {
    pub settings: LocalApiSettings,
    /// `http://127.0.0.1:PORT` while serving.
    pub serving_at: Option<String>,
    pub key: ApiKeyStatus,
    /// Why it is not serving although enabled (e.g. the port is taken).
    pub problem: Option<String>,
}

/// A new API key, shown once; only its hash is kept.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RevealedApiKey {
    pub key: String,
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
