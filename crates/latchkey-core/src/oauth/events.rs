//! What the engine reports to the desktop shell (which forwards each as a
//! Tauri event) so the UI updates without polling.

use crate::error::{Error, ErrorCode};
use crate::model::UserStatus;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AuthEvent {
    /// The service slug.
    pub service: String,
    /// The user's external id; `None` for a service-level (client
    /// credentials) token.
    pub user: Option<String>,
    pub kind: AuthEventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AuthEventKind {
    /// An authorization (browser, pasted, device, client credentials) stored tokens.
    Succeeded { status: UserStatus },
    /// An authorization attempt ended without tokens.
    Failed { code: ErrorCode, message: String },
    /// The user's status or token expiry changed (refresh, needs_reauth, sign-out).
    StatusChanged { status: UserStatus },
}

impl AuthEventKind {
    pub fn failed(err: &Error) -> Self {
        AuthEventKind::Failed {
            code: err.code(),
            message: err.to_string(),
        }
    }
}
