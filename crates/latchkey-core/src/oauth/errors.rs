//! `oauth2` errors as Latchkey errors: specific, one sentence, never
//! carrying a body or token.

use super::normalize::clean;
use crate::error::Error;
use oauth2::{ErrorResponseType, RequestTokenError, StandardErrorResponse};

/// The OAuth `error` code and description of a provider's refusal.
pub fn describe<T: ErrorResponseType + std::fmt::Display + Clone + Send + Sync + 'static>(
    response: &StandardErrorResponse<T>,
) -> (String, String) {
    let code = serde_json::to_value(response.error())
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "error".into());
    let text = match response.error_description() {
        Some(d) => format!("{code}: {}", clean(d)),
        None => code.clone(),
    };
    (code, text)
}

/// The provider's OAuth error code, when the failure is one.
pub fn server_code<T: ErrorResponseType + std::fmt::Display + Clone + Send + Sync + 'static>(
    err: &RequestTokenError<Error, StandardErrorResponse<T>>,
) -> Option<String> {
    match err {
        RequestTokenError::ServerResponse(r) => Some(describe(r).0),
        _ => None,
    }
}

/// `what` names the request, e.g. "the token endpoint of `github`".
pub fn to_error<T: ErrorResponseType + std::fmt::Display + Clone + Send + Sync + 'static>(
    what: &str,
    err: RequestTokenError<Error, StandardErrorResponse<T>>,
) -> Error {
    match err {
        RequestTokenError::Request(e) => e,
        RequestTokenError::ServerResponse(r) => {
            Error::Provider(format!("{what} refused the request ({})", describe(&r).1))
        }
        // Only the path: serde's message can quote the offending value.
        RequestTokenError::Parse(e, _) => Error::Provider(format!(
            "{what} answered JSON that is not a valid token response (field `{}`)",
            e.path()
        )),
        RequestTokenError::Other(message) => {
            Error::Provider(format!("{what} answered unexpectedly: {}", clean(&message)))
        }
    }
}
