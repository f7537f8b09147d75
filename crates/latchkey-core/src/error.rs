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

    /// Local I/O failed under Latchkey (a socket, a file it wrote, a thread
    /// it started): not something input can fix. Code `internal`.
    #[error("{action}: {source}")]
    Io {
        /// What was being done, e.g. "cannot read the listener's port".
        action: String,
        #[source]
        source: std::io::Error,
    },

    /// A value Latchkey made itself could not be written as JSON. Code
    /// `internal`.
    #[error("cannot encode {what}: {source}")]
    Encode {
        what: String,
        #[source]
        source: serde_json::Error,
    },

    /// Something Latchkey stored earlier cannot be read back. Code `internal`.
    #[error("{what} is damaged")]
    Damaged {
        /// The stored thing, e.g. "history entry 12".
        what: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A background task ended without an answer (it panicked or was
    /// stopped). Code `internal`.
    #[error("{what} failed: {source}")]
    Task {
        what: String,
        #[source]
        source: tokio::task::JoinError,
    },

    /// The provider no longer accepts the user's grant: authorize again.
    /// `reason` says what happened to it (e.g. its refresh was refused).
    #[error("user `{user}` of service `{service}` must authorize again ({reason}): `latchkey authorize {service} {user}`")]
    NeedsReauth {
        service: String,
        user: String,
        reason: String,
    },

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
            Error::Internal(_)
            | Error::Io { .. }
            | Error::Encode { .. }
            | Error::Damaged { .. }
            | Error::Task { .. } => ErrorCode::Internal,
            Error::NeedsReauth { .. } | Error::NotAuthorized { .. } => ErrorCode::NeedsReauth,
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

    /// Local I/O that failed while doing `action`.
    pub fn io(action: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let action = action.into();
        move |source| Error::Io { action, source }
    }

    /// JSON encoding of `what` that failed.
    pub fn encode(what: impl Into<String>) -> impl FnOnce(serde_json::Error) -> Self {
        let what = what.into();
        move |source| Error::Encode { what, source }
    }

    /// A stored `what` that cannot be read back, with no lower error to keep.
    pub fn damaged(what: impl Into<String>) -> Self {
        Error::Damaged {
            what: what.into(),
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
    fn lower_errors_stay_reachable_through_source() {
        use std::error::Error as _;
        let io = std::io::Error::from(std::io::ErrorKind::AddrNotAvailable);
        let err = Error::io("cannot read the bound address")(io);
        assert_eq!(err.code(), ErrorCode::Internal);
        assert!(
            err.to_string()
                .starts_with("cannot read the bound address: "),
            "{err}"
        );
        let source = err.source().expect("the io error is kept");
        assert_eq!(
            source.downcast_ref::<std::io::Error>().map(|e| e.kind()),
            Some(std::io::ErrorKind::AddrNotAvailable)
        );

        let json = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        let err = Error::Damaged {
            what: "a stored operation".into(),
            source: Some(Box::new(json)),
        };
        assert_eq!(err.to_string(), "a stored operation is damaged");
        assert!(err.source().is_some_and(|s| s.is::<serde_json::Error>()));
        assert_eq!(err.code(), ErrorCode::Internal);
    }

    #[test]
    fn auth_errors_carry_who_and_keep_their_code() {
        let err = Error::NeedsReauth {
            service: "goto".into(),
            user: "alice".into(),
            reason: "the provider refused its refresh token (invalid_grant)".into(),
        };
        assert_eq!(err.code(), ErrorCode::NeedsReauth);
        assert_eq!(
            err.to_string(),
            "user `alice` of service `goto` must authorize again (the provider refused its \
             refresh token (invalid_grant)): `latchkey authorize goto alice`"
        );
        let payload = serde_json::to_value(err.to_payload()).unwrap();
        assert_eq!(payload["code"], "needs_reauth");
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
