//! RFC 9457 problem details: every error the local API answers, including
//! the guards' refusals and unknown routes, is `application/problem+json`.

use crate::error::{Error, ErrorCode, FieldError};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// The `type` URI of a problem: a stable name per code, not a web page.
pub fn type_uri(code: &str) -> String {
    format!("urn:latchkey:problem:{code}")
}

/// A problem document. Kept small (it is the error type of every guard):
/// `type` is derived from `code` when serialized.
#[derive(Debug, Clone)]
pub struct Problem {
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// The core's stable error code (or the API's own, e.g. `unauthorized`).
    pub code: String,
    /// Per-field problems of a bad request, when there are some.
    pub errors: Vec<FieldError>,
    www_authenticate: Option<&'static str>,
}

#[derive(Serialize)]
struct Wire<'a> {
    #[serde(rename = "type")]
    type_uri: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
}

impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Wire {
            type_uri: self.type_uri(),
            title: self.title,
            status: self.status,
            detail: &self.detail,
            code: &self.code,
            errors: &self.errors,
        }
        .serialize(serializer)
    }
}

impl Problem {
    pub fn type_uri(&self) -> String {
        type_uri(&self.code)
    }

    pub fn new(
        status: StatusCode,
        code: &str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            title,
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_string(),
            errors: Vec::new(),
            www_authenticate: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_input",
            "The request is not valid",
            detail,
        )
    }

    /// 401 with the `WWW-Authenticate` challenge RFC 6750 describes.
    pub fn unauthorized(detail: impl Into<String>, presented: bool) -> Self {
        let mut problem = Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "A valid API key is required",
            detail,
        );
        problem.www_authenticate = Some(if presented {
            r#"Bearer realm="latchkey", error="invalid_token""#
        } else {
            r#"Bearer realm="latchkey""#
        });
        problem
    }

    pub fn forbidden(code: &str, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            code,
            "Requests from web pages are refused",
            detail,
        )
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "The request body is too large",
            format!("request bodies are limited to {limit} bytes"),
        )
    }

    pub fn not_found_route(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "no_such_route",
            "There is no such endpoint",
            format!("{method} {path} is not an endpoint of this API: see GET /v1/openapi.json"),
        )
    }
}

impl From<Error> for Problem {
    fn from(err: Error) -> Self {
        let code = err.code();
        let (status, title) = status_of(code);
        let code_text = serde_json::to_value(code)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_else(|| "internal".into());
        let mut problem = Problem::new(status, &code_text, title, err.to_string());
        match err {
            Error::Validation(fields) => problem.errors = fields,
            Error::NotAuthorized { service, user, .. } => {
                problem.title = "The user must authorize first";
                problem.detail.push_str(&login_link_hint(&service, &user));
            }
            Error::NeedsReauth { service, user, .. } => {
                problem.detail.push_str(&login_link_hint(&service, &user));
            }
            _ => {}
        }
        problem
    }
}

/// How a client of this API signs the user in.
fn login_link_hint(service: &str, user: &str) -> String {
    format!(
        "; over this API, POST /v1/services/{service}/users/{user}/login-link and open the link"
    )
}

/// The HTTP status a client expects for each core error code.
pub fn status_of(code: ErrorCode) -> (StatusCode, &'static str) {
    match code {
        ErrorCode::InvalidInput | ErrorCode::InvalidJson => {
            (StatusCode::BAD_REQUEST, "The request is not valid")
        }
        ErrorCode::NotFound => (StatusCode::NOT_FOUND, "Not found"),
        ErrorCode::NeedsReauth | ErrorCode::AuthorizationFailed => {
            (StatusCode::CONFLICT, "The user must authorize again")
        }
        ErrorCode::Conflict => (StatusCode::CONFLICT, "Conflict"),
        ErrorCode::OriginNotAllowed => (
            StatusCode::FORBIDDEN,
            "The credential may not go to this origin",
        ),
        ErrorCode::Network | ErrorCode::ProviderError | ErrorCode::TooLarge => {
            (StatusCode::BAD_GATEWAY, "The upstream API failed")
        }
        ErrorCode::Timeout => (StatusCode::GATEWAY_TIMEOUT, "The upstream API timed out"),
        ErrorCode::Cancelled => (StatusCode::SERVICE_UNAVAILABLE, "The request was cancelled"),
        ErrorCode::Storage
        | ErrorCode::KeyringUnavailable
        | ErrorCode::Internal
        | ErrorCode::SchemaTooNew
        | ErrorCode::SecretsLost
        | ErrorCode::KeyFile => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Latchkey cannot do this right now",
        ),
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
        if let Some(challenge) = self.www_authenticate {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_codes_map_to_the_statuses_clients_expect() {
        let cases = [
            (Error::InvalidInput("x".into()), 400, "invalid_input"),
            (Error::NotFound("x".into()), 404, "not_found"),
            (
                Error::NeedsReauth {
                    service: "s".into(),
                    user: "u".into(),
                    reason: "r".into(),
                },
                409,
                "needs_reauth",
            ),
            (Error::network("u", "d"), 502, "network"),
            (Error::Provider("x".into()), 502, "provider_error"),
            (Error::Timeout("x".into()), 504, "timeout"),
        ];
        for (err, status, code) in cases {
            let p = Problem::from(err);
            assert_eq!((p.status, p.code.as_str()), (status, code));
            assert_eq!(p.type_uri(), format!("urn:latchkey:problem:{code}"));
        }
    }

    #[test]
    fn validation_lists_its_fields() {
        let p = Problem::from(Error::field("url", "the URL is empty"));
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["errors"][0]["field"], "url");
        assert_eq!(v["status"], 400);
    }
}
