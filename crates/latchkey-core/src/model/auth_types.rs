//! The vocabulary of a service's OAuth settings, shared by presets,
//! discovery and service definitions so the three never drift apart.
//!
//! The serialized spellings are the ones the CLI flags and DESIGN.md use
//! (`authorization_code`, `basic`, `S256`, ...).

use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;

/// How a service obtains tokens for a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    AuthorizationCode,
    ClientCredentials,
    DeviceCode,
    ApiKey,
    None,
}

/// How the client proves itself to the token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// `Authorization: Basic base64(client_id:client_secret)`.
    Basic,
    /// `client_id` and `client_secret` in the form body.
    Post,
    /// Public client: `client_id` in the body, no secret.
    None,
}

/// Proof Key for Code Exchange (RFC 7636) as sent by Latchkey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub enum PkceMode {
    S256,
    #[serde(rename = "plain")]
    Plain,
    #[serde(rename = "off")]
    Off,
}

/// Where the access token goes on an API request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TokenPlacement {
    /// `{name}: {prefix} {token}`, e.g. `Authorization: Bearer …` or
    /// Podio's `Authorization: OAuth2 …`. An empty prefix sends the bare token.
    Header { name: String, prefix: String },
    /// `?{name}={token}` on the URL.
    Query { name: String },
}

impl Default for TokenPlacement {
    fn default() -> Self {
        TokenPlacement::Header {
            name: "Authorization".into(),
            prefix: "Bearer".into(),
        }
    }
}

impl AuthKind {
    /// The kind in words, for messages a person reads in the window and the
    /// CLI alike ("authorization code", not `authorization_code`).
    pub fn in_words(self) -> &'static str {
        match self {
            AuthKind::AuthorizationCode => "authorization code",
            AuthKind::ClientCredentials => "client credentials",
            AuthKind::DeviceCode => "device code",
            AuthKind::ApiKey => "API key",
            AuthKind::None => "no-auth",
        }
    }
}

impl fmt::Display for AuthKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthKind::AuthorizationCode => "authorization_code",
            AuthKind::ClientCredentials => "client_credentials",
            AuthKind::DeviceCode => "device_code",
            AuthKind::ApiKey => "api_key",
            AuthKind::None => "none",
        })
    }
}

impl fmt::Display for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ClientAuth::Basic => "basic",
            ClientAuth::Post => "post",
            ClientAuth::None => "none",
        })
    }
}

impl fmt::Display for PkceMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PkceMode::S256 => "S256",
            PkceMode::Plain => "plain",
            PkceMode::Off => "off",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_spellings_match_the_cli_flags() {
        let json = serde_json::to_value((
            AuthKind::AuthorizationCode,
            ClientAuth::Post,
            PkceMode::S256,
            PkceMode::Off,
        ))
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!(["authorization_code", "post", "S256", "off"])
        );
        assert_eq!(AuthKind::DeviceCode.to_string(), "device_code");
        assert_eq!(PkceMode::Plain.to_string(), "plain");
    }

    #[test]
    fn token_placement_is_tagged_by_kind() {
        let json = serde_json::to_value(TokenPlacement::default()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "header", "name": "Authorization", "prefix": "Bearer"})
        );
        let q: TokenPlacement =
            serde_json::from_value(serde_json::json!({"kind": "query", "name": "access_token"}))
                .unwrap();
        assert_eq!(
            q,
            TokenPlacement::Query {
                name: "access_token".into()
            }
        );
    }
}
