//! The HTTP client requests go through, and the per-send options.

use crate::error::{Error, Result};
use crate::net;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use ts_rs::TS;

/// Limits of one send. Times in milliseconds, sizes in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SendOptions {
    pub connect_timeout_ms: u64,
    /// For the whole exchange: redirects, a token refresh, the body.
    pub timeout_ms: u64,
    /// 0: return a redirect as the response instead of following it.
    pub max_redirects: u32,
    /// Larger responses stop with a `too_large` error.
    pub max_response_bytes: u64,
    /// Larger bodies are written to a file in the data dir, not kept in memory.
    pub inline_body_bytes: u64,
}

impl Default for SendOptions {
    fn default() -> Self {
        Self {
            connect_timeout_ms: 10_000,
            timeout_ms: 60_000,
            max_redirects: 10,
            max_response_bytes: 100 * 1024 * 1024,
            inline_body_bytes: 2 * 1024 * 1024,
        }
    }
}

impl SendOptions {
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms.max(1))
    }

    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms.max(1))
    }
}

/// reqwest clients (one per connect timeout, as reqwest sets that per
/// client), kept so connections are reused across sends.
#[derive(Default)]
pub struct HttpClient {
    clients: Mutex<HashMap<Duration, reqwest::Client>>,
}

impl HttpClient {
    pub fn new() -> Self {
        Self::default()
    }

    /// One client per process, so the app and CLI reuse connections.
    pub fn shared() -> &'static HttpClient {
        static SHARED: std::sync::OnceLock<HttpClient> = std::sync::OnceLock::new();
        SHARED.get_or_init(HttpClient::new)
    }

    /// A client that never follows redirects itself: [`super::execute`]
    /// follows them so it can drop credentials on the way to another host.
    pub fn client(&self, connect_timeout: Duration) -> Result<reqwest::Client> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(client) = clients.get(&connect_timeout) {
            return Ok(client.clone());
        }
        let client = net::client(connect_timeout, None)?;
        clients.insert(connect_timeout, client.clone());
        Ok(client)
    }
}

/// A reqwest failure in words, naming the URL (never its query). reqwest's
/// timeout here is the connect timeout; the whole-send one is ours.
pub(super) fn transport_error(url: &str, err: reqwest::Error) -> Error {
    if err.is_timeout() {
        let cause = net::cause(&err);
        return Error::Timeout(format!(
            "could not connect to {url} in time (the connect timeout): {cause}"
        ));
    }
    net::network_error(url, err)
}
