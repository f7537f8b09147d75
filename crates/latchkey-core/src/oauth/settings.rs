//! Per-handle engine state: tunables, the event channel and the in-process
//! single-flight locks.

use super::events::AuthEvent;
use crate::error::Result;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;

/// Tunables of the OAuth engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthSettings {
    /// Refresh this long before the access token expires.
    pub refresh_skew: Duration,
    /// Longest wait for one answer from a token, device or revocation endpoint.
    pub http_timeout: Duration,
    /// How long a login link (pending authorization) stays usable.
    pub login_link_ttl: Duration,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            refresh_skew: Duration::from_secs(60),
            http_timeout: Duration::from_secs(15),
            login_link_ttl: Duration::from_secs(60 * 60),
        }
    }
}

/// Kept inside [`crate::Latchkey`].
pub struct AuthState {
    settings: Mutex<AuthSettings>,
    events: broadcast::Sender<AuthEvent>,
    /// One async mutex per user (or service token): concurrent callers in
    /// this process wait here instead of all polling the database lease.
    flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    http: Mutex<Option<(Duration, reqwest::Client)>>,
}

impl Default for AuthState {
    fn default() -> Self {
        Self {
            settings: Mutex::new(AuthSettings::default()),
            // Events are small and the shell drains them at once; a slow
            // receiver only loses old ones (it then re-reads the user list).
            events: broadcast::channel(256).0,
            flights: Mutex::new(HashMap::new()),
            http: Mutex::new(None),
        }
    }
}

impl AuthState {
    pub fn settings(&self) -> AuthSettings {
        *self.settings.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_settings(&self, settings: AuthSettings) {
        *self.settings.lock().unwrap_or_else(|p| p.into_inner()) = settings;
    }

    pub fn subscribe(&self) -> broadcast::Receiver<AuthEvent> {
        self.events.subscribe()
    }

    pub(crate) fn emit(&self, event: AuthEvent) {
        // No receivers is normal (the CLI never subscribes).
        let _ = self.events.send(event);
    }

    pub(crate) fn flight(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.flights.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(map.entry(key.to_string()).or_default())
    }

    /// The shared HTTP client for authorization servers (rebuilt only when
    /// the timeout setting changes).
    pub(crate) fn http_client(&self) -> Result<reqwest::Client> {
        let timeout = self.settings().http_timeout;
        let mut slot = self.http.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((t, client)) = slot.as_ref() {
            if *t == timeout {
                return Ok(client.clone());
            }
        }
        let client = crate::discovery::http_client_with_timeout(timeout)?;
        *slot = Some((timeout, client.clone()));
        Ok(client)
    }
}
