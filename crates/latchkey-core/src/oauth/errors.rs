//! `oauth2` errors as Latchkey errors: specific, one sentence, never
//! carrying a body or token.

use super::normalize::clean;
use crate::error::Error;
use crate::model::ClientAuth;
use crate::service::Service;
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

/// A token endpoint's refusal. `invalid_client` also says what to check
/// and which client auth method this request used, since the provider's
/// own text rarely does.
pub fn token_error<T: ErrorResponseType + std::fmt::Display + Clone + Send + Sync + 'static>(
    service: &Service,
    what: &str,
    err: RequestTokenError<Error, StandardErrorResponse<T>>,
) -> Error {
    if server_code(&err).as_deref() != Some("invalid_client") {
        return to_error(what, err);
    }
    let spec = &service.spec;
    let used = match spec.client_auth {
        ClientAuth::Basic => "`basic` (client id and secret in an HTTP Basic header)",
        ClientAuth::Post => "`post` (client id and secret in the form body)",
        ClientAuth::None => "`none` (a public client: the client id only, no secret)",
    };
    let other = match spec.client_auth {
        ClientAuth::Basic => ClientAuth::Post,
        _ => ClientAuth::Basic,
    };
    let client_id = spec.client_id.as_deref().unwrap_or("(none set)");
    Error::Provider(format!(
        "{}. The provider did not accept the client: check the client id (`{client_id}`), \
         the client secret, and the client auth method. This request used {used}; if the \
         provider expects the other one: `latchkey service edit {} --client-auth {other}`",
        to_error(what, err),
        spec.slug
    ))
}
