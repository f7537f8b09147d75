//! What came back, shaped for the viewer and the CLI.

use crate::error::{Error, Result};
use crate::model::{Param, ResponseBody};
use base64::Engine as _;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct Timings {
    /// From the start of the send to the last byte of the body.
    pub total_ms: u64,
    /// From the start of the send to the final response's headers.
    pub ttfb_ms: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct HttpResponse {
    pub status: u16,
    pub reason: String,
    /// The URL that answered (after redirects), token parameter redacted.
    pub url: String,
    /// How many redirects were followed.
    pub redirects: u32,
    pub headers: Vec<Param>,
    pub content_type: Option<String>,
    pub timings: Timings,
    /// Body size in bytes as received.
    pub size: u64,
    pub body: ResponseBody,
    /// The first bytes of the body, for history.
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) head: Vec<u8>,
    /// What opens a body file sealed on disk.
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) spill_key: Option<std::sync::Arc<crate::vault::Vault>>,
}

impl HttpResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body's bytes, reading the file when it was spilled to disk.
    pub fn body_bytes(&self) -> Result<Vec<u8>> {
        match &self.body {
            ResponseBody::Empty => Ok(Vec::new()),
            ResponseBody::Text { text, .. } => Ok(text.clone().into_bytes()),
            ResponseBody::Binary { base64, .. } => base64::engine::general_purpose::STANDARD
                .decode(base64)
                .map_err(|e| Error::Damaged {
                    what: "a stored body (not base64)".into(),
                    source: Some(Box::new(e)),
                }),
            ResponseBody::File { path, .. } => {
                super::spill::read_spilled(std::path::Path::new(path), self.spill_key.as_deref())
            }
        }
    }

    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        match &self.body {
            ResponseBody::Text { text, .. } => serde_json::from_str(text).ok(),
            ResponseBody::File { .. } => self
                .body_bytes()
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok()),
            _ => None,
        }
    }

    /// `200 OK`.
    pub fn status_line(&self) -> String {
        if self.reason.is_empty() {
            self.status.to_string()
        } else {
            format!("{} {}", self.status, self.reason)
        }
    }
}
