//! A user's (or service's) token set as it is kept: sealed JSON, one blob,
//! replaced whole so the access and refresh tokens always belong together.

use super::client::TokenResponse;
use crate::error::{Error, Result};
use crate::model::Secret;
use crate::store::now_ms;
use crate::vault::Vault;
use oauth2::TokenResponse as _;
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
pub struct StoredTokens {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub id_token: Option<String>,
    pub token_type: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Unix ms; `None` when the provider did not say.
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// When it was obtained (unix ms), to size the refresh skew.
    #[serde(default)]
    pub obtained_at: Option<i64>,
    /// The rest of the provider's answer, kept as sent.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl std::fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredTokens")
            .field("token_type", &self.token_type)
            .field("scopes", &self.scopes)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The vault purpose of a user's token set.
pub fn user_purpose(user_id: i64) -> String {
    format!("user:{user_id}:tokens")
}

/// The vault purpose of a service's client-credentials token.
pub fn service_purpose(service_id: i64) -> String {
    format!("service:{service_id}:token")
}

impl StoredTokens {
    /// The new set from a token answer. A refresh answer without a new
    /// refresh token (no rotation) or id token keeps the previous ones; an
    /// answer without `scope` means the scopes asked for (RFC 6749 §5.1).
    pub fn from_response(
        response: &TokenResponse,
        previous: Option<&StoredTokens>,
        requested: &[String],
        separator: &str,
    ) -> Self {
        let scopes = match response.scopes() {
            Some(list) => list
                .iter()
                .flat_map(|s| split_scopes(s, separator))
                .collect(),
            None => previous
                .map(|p| p.scopes.clone())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| requested.to_vec()),
        };
        let now = now_ms();
        let expires_at = response
            .expires_in()
            .map(|d| now.saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2)));
        let extra = response.extra_fields();
        Self {
            access_token: response.access_token().secret().clone(),
            refresh_token: response
                .refresh_token()
                .map(|t| t.secret().clone())
                .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
            id_token: extra
                .id_token
                .clone()
                .or_else(|| previous.and_then(|p| p.id_token.clone())),
            token_type: response.token_type().as_ref().to_string(),
            scopes,
            expires_at,
            obtained_at: Some(now),
            extra: extra.other.clone(),
        }
    }

    pub fn seal(&self, vault: &Vault, purpose: &str) -> Result<Vec<u8>> {
        let json = serde_json::to_string(self).map_err(Error::encode("a token set"))?;
        Ok(vault.seal(purpose, &Secret::new(json)))
    }

    pub fn open(vault: &Vault, purpose: &str, blob: &[u8]) -> Result<Self> {
        let json = vault.open(purpose, blob)?;
        serde_json::from_str(json.expose()).map_err(|_| {
            Error::SecretsLost(format!(
                "a stored token set ({purpose}) is unreadable: authorize again"
            ))
        })
    }

    /// Usable now, with `skew_ms` to spare. No known expiry counts as usable.
    /// The skew is at most half the token's lifetime, so a provider issuing
    /// one-minute tokens does not get a refresh on every call.
    pub fn fresh(&self, now: i64, skew_ms: i64) -> bool {
        let Some(at) = self.expires_at else {
            return true;
        };
        let skew = match self.obtained_at {
            Some(got) if at > got => skew_ms.min((at - got) / 2),
            _ => skew_ms,
        };
        at > now.saturating_add(skew)
    }
}

/// Scopes as a provider wrote them: RFC 6749 spaces, or its own separator.
pub fn split_scopes(text: &str, separator: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || separator.contains(c))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A usable access token, as callers (the HTTP engine, `latchkey token`) get it.
#[derive(Debug, Clone)]
pub struct ValidToken {
    pub access_token: Secret,
    pub token_type: String,
    /// Unix ms; `None` when unknown.
    pub expires_at: Option<i64>,
    pub scopes: Vec<String>,
    /// Whether this call fetched it from the provider (false: from the store).
    pub refreshed: bool,
}

impl ValidToken {
    pub fn from_stored(tokens: &StoredTokens, refreshed: bool) -> Self {
        Self {
            access_token: Secret::new(tokens.access_token.clone()),
            token_type: tokens.token_type.clone(),
            expires_at: tokens.expires_at,
            scopes: tokens.scopes.clone(),
            refreshed,
        }
    }
}
