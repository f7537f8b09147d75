//! What the person asks to send: plain data. Validation and sending live in
//! [`crate::http`].

use super::param::Param;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct RequestSpec {
    /// Any HTTP method token, including custom ones (`PROPFIND`).
    pub method: String,
    /// Absolute, or relative to the service's API base URL (`/meetings`).
    pub url: String,
    /// Appended to the URL's own query.
    pub query: Vec<Param>,
    pub headers: Vec<Param>,
    pub body: RequestBody,
}

impl Default for RequestSpec {
    fn default() -> Self {
        Self {
            method: "GET".into(),
            url: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: RequestBody::None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequestBody {
    #[default]
    None,
    /// JSON text, checked before sending.
    Json { text: String },
    /// `application/x-www-form-urlencoded`.
    Form { fields: Vec<Param> },
    /// Any text with its content type (empty: none sent).
    Raw { content_type: String, text: String },
}
