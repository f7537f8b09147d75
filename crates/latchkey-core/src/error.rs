//! Typed errors with a stable machine-readable code.
//!
//! Errors cross IPC as [`ErrorPayload`] (`{code, message}`); the UI switches
//! on `code`, never on the message text.

use serde::Serialize;
use std::path::PathBuf;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    InvalidInput(String),

    #[error("cannot find a home or data directory for Latchkey: set LATCHKEY_DATA_DIR to a writable folder")]
    NoDataDir,

    #[error("cannot use the data directory {path}: {source}. Check that it exists and is writable, or set LATCHKEY_DATA_DIR to another folder")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{0}")]
    KeyringUnavailable(String),

    /// One or more form fields are wrong; each names its field for the UI.
    #[error("{}", FieldError::join(.0))]
    Validation(Vec<FieldError>),

    #[error("{0}")]
    NotFound(String),

    #[error("{0}")]
    Conflict(String),

    #[error("this database was written by a newer Latchkey (schema {found}, this build knows {known}): upgrade Latchkey")]
    SchemaTooNew { found: i64, known: i64 },

    #[error("the database {path} cannot be used: {message}")]
    Database { path: PathBuf, message: String },

    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),

    /// The data key that sealed stored secrets is missing or different.
    #[error("{0}")]
    SecretsLost(String),

    #[error("{0}")]
    KeyFile(String),

    /// A server could not be reached or did not answer in time. `url` never
    /// carries a query string (tokens can hide there).
    #[error("cannot reach {url}: {detail}")]
    Network {
        url: String,
        detail: String,
        /// The transport's own error, for logs and `source()` chains.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A provider answered, but not with what the standard requires.
    #[error("{0}")]
    Provider(String),

    /// A bug or a broken environment, not something the user can fix by input.
    #[error("{0}")]
    Internal(String),

    /// The provider no longer accepts the user's grant: authorize again.
    #[error("{0}")]
    NeedsReauth(String),

    /// The user has no tokens (never signed in, or signed out), so nothing
    /// can be sent as them. Its code is `needs_reauth`: the way out is the
    /// same, sign in; each front end can name its own way from the fields.
    #[error("user `{user}` of service `{service}` is not authorized yet (status {status}): authorize first with `latchkey authorize {service} {user}`")]
    NotAuthorized {
        service: String,
        user: String,
        /// The user's status as stored (`new`, `revoked`).
        status: String,
    },

    /// A wait ran out: a server that did not answer, or a login never finished.
    #[error("{0}")]
    Timeout(String),

    /// The person or the provider refused an authorization, or its callback
    /// was not the one expected (wrong state, replayed, expired).
    #[error("{0}")]
    AuthorizationFailed(String),

    /// The person (or the app on their behalf) stopped a request in flight.
    #[error("{0}")]
    Cancelled(String),

    /// A response or document over a configured size cap.
    #[error("{0}")]
    TooLarge(String),

    /// A credential would go to an origin that is not one of its service's
    /// token origins (or over plain http to another machine): refused
    /// before anything was sent.
    #[error("{0}")]
    OriginNotAllowed(String),

    /// Text that should be JSON is not; `line` and `column` are 1-based.
    #[error("{message}")]
    InvalidJson {
        message: String,
        line: usize,
        column: usize,
    },
}

/// The stable codes the UI and scripts switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    NotFound,
    Storage,
    KeyringUnavailable,
    Internal,
    Conflict,
    SchemaTooNew,
    SecretsLost,
    KeyFile,
    Network,
    ProviderError,
    NeedsReauth,
    Timeout,
    AuthorizationFailed,
    Cancelled,
    TooLarge,
    InvalidJson,
    OriginNotAllowed,
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::NoDataDir | Error::DataDir { .. } => ErrorCode::Storage,
            Error::KeyringUnavailable(_) => ErrorCode::KeyringUnavailable,
            Error::Validation(_) => ErrorCode::InvalidInput,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            Error::Database { .. } | Error::Sql(_) => ErrorCode::Storage,
            Error::SecretsLost(_) => ErrorCode::SecretsLost,
            Error::KeyFile(_) => ErrorCode::KeyFile,
            Error::Network { .. } => ErrorCode::Network,
            Error::Provider(_) => ErrorCode::ProviderError,
            Error::Internal(_) => ErrorCode::Internal,
            Error::NeedsReauth(_) | Error::NotAuthorized { .. } => ErrorCode::NeedsReauth,
            Error::Timeout(_) => ErrorCode::Timeout,
            Error::AuthorizationFailed(_) => ErrorCode::AuthorizationFailed,
            Error::Cancelled(_) => ErrorCode::Cancelled,
            Error::TooLarge(_) => ErrorCode::TooLarge,
            Error::InvalidJson { .. } => ErrorCode::InvalidJson,
            Error::OriginNotAllowed(_) => ErrorCode::OriginNotAllowed,
        }
    }

    pub fn to_payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code(),
            message: self.to_string(),
            fields: match self {
                Error::Validation(fields) => fields.clone(),
                _ => Vec::new(),
            },
        }
    }

    /// A server that could not be reached, with no lower error to keep.
    pub fn network(url: impl Into<String>, detail: impl Into<String>) -> Self {
        Error::Network {
            url: url.into(),
            detail: detail.into(),
            source: None,
        }
    }

    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Error::Validation(vec![FieldError::new(field, message)])
    }
}

/// What is wrong with one input field, so the UI can show it beside that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FieldError {
    /// The input's field name, e.g. `token_url`.
    pub field: String,
    /// One sentence saying what is wrong and what would be accepted.
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
        }
    }

    fn join(fields: &[FieldError]) -> String {
        let messages: Vec<&str> = fields.iter().map(|f| f.message.as_str()).collect();
        messages.join("; ")
    }
}

/// What an error looks like once it leaves Rust.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
    /// Per-field problems when `code` is `invalid_input` from a form; else empty.
    pub fields: Vec<FieldError>,
}

impl From<Error> for ErrorPayload {
    fn from(err: Error) -> Self {
        err.to_payload()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_serializes_code_in_snake_case() {
        let payload = Error::InvalidInput("slug must be lowercase".into()).to_payload();
        let json = serde_json::to_value(&payload).unwrap();
        assert_eq!(json["code"], "invalid_input");
        assert_eq!(json["message"], "slug must be lowercase");
    }

    #[test]
    fn data_dir_error_names_the_path_and_the_fix() {
        let err = Error::DataDir {
            path: PathBuf::from("/nope/latchkey"),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        let msg = err.to_string();
        assert!(msg.contains("/nope/latchkey"), "{msg}");
        assert!(msg.contains("LATCHKEY_DATA_DIR"), "{msg}");
        assert_eq!(err.code(), ErrorCode::Storage);
    }
}
