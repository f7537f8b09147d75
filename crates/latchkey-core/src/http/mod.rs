//! Sending requests as a user: validation, token placement, redirects that
//! keep credentials on their origin, refresh once on 401, timeouts,
//! cancellation, size caps, bodies spilled to disk; plus cURL import and
//! export and the redaction applied before history stores anything.

mod auth;
mod body;
mod client;
mod curl;
pub(crate) mod execute;
pub mod history;
pub mod redact;
mod redirect;
mod response;
mod saved;
mod spec;
mod spill;

pub use auth::{AuthPlacement, StaticToken, TokenProvider};
pub use body::BODIES_DIR;
pub use client::{HttpClient, SendOptions};
pub use curl::{from_curl, to_curl, TOKEN_PLACEHOLDER};
pub use execute::{execute, execute_with_tokens};
pub use history::{
    HistoryEntry, HistoryFilter, HistoryLimits, HistoryPage, HistorySource, HistorySummary,
};
pub use response::{HttpResponse, ResponseBody, Timings};
pub use saved::{
    run_extractors, validate_saved, ExtractedValue, Extractor, SavedRequest, SavedRequestInput,
};
pub use spec::{resolve_url, PreparedRequest, RequestBody, RequestSpec};
pub use tokio_util::sync::CancellationToken;

/// Decodes stored body bytes as a response body (text by charset, or binary).
pub fn decode_body(bytes: &[u8], content_type: Option<&str>) -> ResponseBody {
    body::decode(bytes, content_type)
}
