//! Why a command failed, its one-sentence report on stderr and its exit code.

use latchkey_core::{Error, ErrorCode};

pub enum Failure {
    /// An error from the core.
    Core(Error),
    /// The request went through, but the answer has an error status (`HTTP 404 Not Found`).
    HttpStatus(String),
    /// A key or JSONPath matched nothing: like grep, a run-time outcome.
    NoMatch(String),
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Failure::Core(err)
    }
}

impl Failure {
    /// 2 for input the person can fix, 1 for everything that failed at run time.
    pub fn exit_code(&self) -> u8 {
        match self {
            // Signing in is the person's to do, like fixing an input.
            Failure::Core(Error::NotAuthorized { .. }) => 2,
            Failure::Core(err) => match err.code() {
                ErrorCode::InvalidInput
                | ErrorCode::NotFound
                | ErrorCode::Conflict
                | ErrorCode::InvalidJson
                | ErrorCode::OriginNotAllowed => 2,
                _ => 1,
            },
            Failure::HttpStatus(_) | Failure::NoMatch(_) => 1,
        }
    }

    /// `latchkey: ...` on stderr, or `{code, message}` with `--json`.
    pub fn report(&self, json: bool) {
        let (code, message) = match self {
            Failure::Core(err) if json => {
                eprintln!("{}", serde_json::json!(err.to_payload()));
                return;
            }
            Failure::Core(err) => ("", err.to_string()),
            Failure::HttpStatus(message) => ("http_status", message.clone()),
            Failure::NoMatch(message) => ("no_match", message.clone()),
        };
        if json {
            eprintln!(
                "{}",
                serde_json::json!({ "code": code, "message": message })
            );
        } else {
            eprintln!("latchkey: {message}");
        }
    }
}
