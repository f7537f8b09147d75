//! [`ApiJson`]: a JSON body whose every failure is a problem document.

use super::problem::Problem;
use super::MAX_BODY_BYTES;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

/// A JSON request body. An empty body reads as `{}`. A body that a web form
/// could send (form, multipart, text/plain) is refused: only JSON (or no
/// content type) passes, so a browser can never post one without a preflight.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        if let Some(value) = req.headers().get(header::CONTENT_TYPE) {
            let text = value.to_str().unwrap_or_default().to_ascii_lowercase();
            let essence = text.split(';').next().unwrap_or_default().trim();
            if essence != "application/json" && !essence.ends_with("+json") {
                return Err(Problem::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "The body must be JSON",
                    format!("send `Content-Type: application/json` (curl --json), not `{essence}`"),
                ));
            }
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::too_large(MAX_BODY_BYTES)
            } else {
                Problem::bad_request(format!("cannot read the request body: {rejection}"))
            }
        })?;
        let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        serde_json::from_slice(bytes).map(ApiJson).map_err(|err| {
            use serde_json::error::Category;
            match err.classify() {
                Category::Data => Problem::bad_request(format!("the request body: {err}")),
                _ => Problem::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_json",
                    "The request body is not JSON",
                    format!("the request body is not valid JSON: {err}"),
                ),
            }
        })
    }
}
