//! History records as the viewer and the CLI see them.

use super::param::Param;
use super::request::RequestSpec;
use super::response_body::ResponseBody;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a send came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HistorySource {
    #[default]
    App,
    Cli,
    Api,
}

impl HistorySource {
    pub fn as_str(self) -> &'static str {
        match self {
            HistorySource::App => "app",
            HistorySource::Cli => "cli",
            HistorySource::Api => "api",
        }
    }

    pub(crate) fn parse(text: &str) -> Self {
        match text {
            "cli" => HistorySource::Cli,
            "api" => HistorySource::Api,
            _ => HistorySource::App,
        }
    }
}

/// How much history is kept. Pruning runs in the insert's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct HistoryLimits {
    pub max_entries: u32,
    /// Total stored size (URLs, requests, headers, bodies).
    pub max_bytes: u64,
    /// Each response body is stored up to this size.
    pub max_body_bytes: u32,
}

impl Default for HistoryLimits {
    fn default() -> Self {
        Self {
            max_entries: 5000,
            max_bytes: 256 * 1024 * 1024,
            max_body_bytes: 256 * 1024,
        }
    }
}

/// Which history to list; newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct HistoryFilter {
    /// A service slug.
    pub service: Option<String>,
    /// A user's external id (with or without `service`).
    pub user: Option<String>,
    /// `200`, a class such as `4xx`, or `error` (no response).
    pub status: Option<String>,
    /// Found in the URL, method, request or error.
    pub text: Option<String>,
    pub offset: u32,
    /// Default 50, at most 500.
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HistorySummary {
    pub id: i64,
    /// Unix milliseconds.
    pub created_at: i64,
    pub source: HistorySource,
    pub service: Option<String>,
    pub user: Option<String>,
    pub method: String,
    /// Resolved and redacted.
    pub url: String,
    pub status: Option<u16>,
    pub duration_ms: Option<i64>,
    pub response_size: Option<i64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HistoryPage {
    pub entries: Vec<HistorySummary>,
    pub has_more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HistoryEntry {
    #[serde(flatten)]
    pub summary: HistorySummary,
    /// The request as sent, secrets redacted (re-run sends this with fresh auth).
    pub request: RequestSpec,
    pub reason: Option<String>,
    pub ttfb_ms: Option<i64>,
    pub response_headers: Vec<Param>,
    pub response_content_type: Option<String>,
    /// The stored part of the body.
    pub response_body: ResponseBody,
    /// The body was longer than what history keeps.
    pub response_truncated: bool,
    /// Where a large body was saved, if it still exists.
    pub response_file: Option<String>,
    pub error_code: Option<String>,
}

/// A row to insert: already redacted.
pub(crate) struct NewHistory {
    pub service_id: Option<i64>,
    pub user_id: Option<i64>,
    pub source: HistorySource,
    pub method: String,
    pub url: String,
    pub request: RequestSpec,
    pub status: Option<u16>,
    pub reason: Option<String>,
    pub duration_ms: Option<i64>,
    pub ttfb_ms: Option<i64>,
    pub response_size: Option<i64>,
    pub response_headers: Vec<Param>,
    pub response_content_type: Option<String>,
    pub response_body: Option<Vec<u8>>,
    pub response_truncated: bool,
    pub response_file: Option<String>,
    pub error: Option<String>,
    pub error_code: Option<String>,
}
