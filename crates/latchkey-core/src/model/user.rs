//! The people (or accounts) a service's tokens are kept for.

use crate::error::{Error, FieldError, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const MAX_EXTERNAL_ID: usize = 200;
const MAX_LABEL: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    /// Added, never authorized.
    #[default]
    New,
    Authorized,
    /// The provider refused the refresh token: authorize again.
    NeedsReauth,
    Revoked,
}

impl std::fmt::Display for UserStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct User {
    pub id: i64,
    pub service_id: i64,
    pub service_slug: String,
    /// The id the person chose: an email, a CRM item id, anything.
    pub external_id: String,
    pub label: Option<String>,
    pub status: UserStatus,
    pub granted_scopes: Vec<String>,
    /// When the access token expires, unix milliseconds.
    pub expires_at: Option<i64>,
    /// From the id token, when there is one.
    pub subject: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Whether the stored tokens include a refresh token, so an expired
    /// access token is renewed on the next use; `None` when the user has
    /// no tokens or they could not be read (no keyring).
    pub refreshable: Option<bool>,
}

/// Who signed in, from an OpenID Connect id token (shown, never trusted
/// for access decisions).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct IdentityClaims {
    pub sub: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
}

/// What a form or the CLI submits to add a user.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct UserInput {
    pub external_id: String,
    pub label: Option<String>,
}

impl UserInput {
    /// Checks the fields; returns the label trimmed, `None` when blank.
    pub fn validate(&self) -> Result<Option<String>> {
        let mut errors = Vec::new();
        let id = self.external_id.as_str();
        if id.trim().is_empty() {
            errors.push(FieldError::new(
                "external_id",
                "user id is required: any text that names the user, e.g. an email",
            ));
        } else if id.chars().count() > MAX_EXTERNAL_ID {
            errors.push(FieldError::new(
                "external_id",
                format!("user id is longer than {MAX_EXTERNAL_ID} characters"),
            ));
        } else if id.chars().any(char::is_control) {
            errors.push(FieldError::new(
                "external_id",
                "user id must not contain line breaks or control characters",
            ));
        } else if id.trim() != id {
            errors.push(FieldError::new(
                "external_id",
                format!("user id `{id}` starts or ends with a space: remove it"),
            ));
        }
        let label = self
            .label
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        if let Some(label) = label {
            if label.chars().count() > MAX_LABEL || label.chars().any(char::is_control) {
                errors.push(FieldError::new(
                    "label",
                    format!("label must be one line of at most {MAX_LABEL} characters"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(label.map(str::to_string))
        } else {
            Err(Error::Validation(errors))
        }
    }
}
