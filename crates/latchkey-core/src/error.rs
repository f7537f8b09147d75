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
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::NoDataDir | Error::DataDir { .. } => ErrorCode::Storage,
            Error::KeyringUnavailable(_) => ErrorCode::KeyringUnavailable,
        }
    }

    pub fn to_payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code(),
            message: self.to_string(),
        }
    }
}

/// What an error looks like once it leaves Rust.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
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
