//! What the handlers share.

use crate::http::CancellationToken;
use crate::latchkey::Latchkey;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;

pub struct ApiState {
    pub app: Arc<Latchkey>,
    /// The bound port, for the `Host` check.
    pub port: u16,
    /// `http://127.0.0.1:PORT`, for the OpenAPI document's `servers`.
    pub base_url: String,
    /// Cancelled when the server stops: in-flight sends end with it.
    pub cancel: CancellationToken,
    /// Logins waiting on their loopback listener, by (service, user).
    pub logins: Mutex<HashMap<(String, String), JoinHandle<()>>>,
}

impl ApiState {
    pub fn logins(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), JoinHandle<()>>> {
        // A panicked handler cannot leave the map half-changed.
        self.logins.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stops every waiting login (their listeners close).
    pub fn abort_logins(&self) {
        for (_, task) in self.logins().drain() {
            task.abort();
        }
    }
}
