//! Sending requests as a user: validation, token placement, redirects that
//! keep credentials on their origin, refresh once on 401, timeouts,
//! cancellation, size caps, bodies spilled to disk; plus cURL import and
//! export and the redaction applied before history stores anything.

mod auth;
mod body;
mod client;
mod curl;
pub(crate) mod execute;
mod progress;
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
pub use progress::{Received, ReportProgress, REPORT_EVERY};
pub use response::{HttpResponse, Timings};
pub use saved::validate_saved;
pub use spec::{resolve_url, PreparedRequest};
// The request vocabulary lives in `model`; these names keep `http::…` paths
// working while callers move over.
pub use crate::json::run_extractors;
pub use crate::model::{
    decode_body, ExtractedValue, Extractor, HistoryEntry, HistoryFilter, HistoryLimits,
    HistoryPage, HistorySource, HistorySummary, RequestBody, RequestSpec, ResponseBody,
    SavedRequest, SavedRequestInput,
};
pub use tokio_util::sync::CancellationToken;
