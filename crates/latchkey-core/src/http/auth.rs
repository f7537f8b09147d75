//! Where a token goes on a request, and the seam through which the OAuth
//! engine supplies (and refreshes) tokens.

use super::spec::PreparedRequest;
use crate::error::{Error, Result};
use crate::model::Secret;
use crate::model::TokenPlacement;
use reqwest::header::{HeaderName, HeaderValue};
use std::future::Future;

/// A token and where to put it.
#[derive(Debug, Clone)]
pub enum AuthPlacement {
    /// `{name}: {prefix} {token}` (no prefix: the bare token).
    Header {
        name: String,
        prefix: String,
        token: Secret,
    },
    /// `?{name}={token}`.
    Query { name: String, token: Secret },
}

impl AuthPlacement {
    pub fn new(placement: &TokenPlacement, token: Secret) -> Self {
        match placement {
            TokenPlacement::Header { name, prefix } => AuthPlacement::Header {
                name: name.clone(),
                prefix: prefix.clone(),
                token,
            },
            TokenPlacement::Query { name } => AuthPlacement::Query {
                name: name.clone(),
                token,
            },
        }
    }

    pub fn token(&self) -> &Secret {
        match self {
            AuthPlacement::Header { token, .. } | AuthPlacement::Query { token, .. } => token,
        }
    }

    /// The header that carries the token, if it goes in a header.
    pub fn header_name(&self) -> Option<&str> {
        match self {
            AuthPlacement::Header { name, .. } => Some(name),
            AuthPlacement::Query { .. } => None,
        }
    }

    /// The query parameter that carries the token, if it goes in the query.
    pub fn query_name(&self) -> Option<&str> {
        match self {
            AuthPlacement::Query { name, .. } => Some(name),
            AuthPlacement::Header { .. } => None,
        }
    }

    /// Puts the token on `request`, replacing any value the person typed.
    pub(crate) fn apply(&self, request: &mut PreparedRequest) -> Result<()> {
        match self {
            AuthPlacement::Header {
                name,
                prefix,
                token,
            } => {
                let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
                    Error::InvalidInput(format!(
                        "the service's token header `{name}` is not a valid header name"
                    ))
                })?;
                let text = if prefix.trim().is_empty() {
                    token.expose().to_string()
                } else {
                    format!("{} {}", prefix.trim(), token.expose())
                };
                // The message never echoes the value: it is the token.
                let mut value = HeaderValue::from_str(&text).map_err(|_| {
                    Error::InvalidInput(
                        "the token has characters that cannot go in an HTTP header".into(),
                    )
                })?;
                value.set_sensitive(true);
                request.headers.insert(name, value);
            }
            AuthPlacement::Query { name, token } => {
                let kept: Vec<(String, String)> = request
                    .url
                    .query_pairs()
                    .filter(|(k, _)| k != name)
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                let mut pairs = request.url.query_pairs_mut();
                pairs.clear();
                pairs.extend_pairs(kept);
                pairs.append_pair(name, token.expose());
            }
        }
        Ok(())
    }
}

/// Supplies the token for one request. The OAuth engine implements this
/// for a (service, user): `force_refresh` asks for a new token after the
/// API answered 401 to the current one.
pub trait TokenProvider: Send + Sync {
    fn token(&self, force_refresh: bool) -> impl Future<Output = Result<Secret>> + Send;

    /// Whether asking again with `force_refresh` can give another token;
    /// when false a 401 is returned as is, without a retry.
    fn can_refresh(&self) -> bool {
        true
    }
}

/// A fixed token (an API key, or one the caller already holds).
#[derive(Debug, Clone)]
pub struct StaticToken(pub Secret);

impl TokenProvider for StaticToken {
    async fn token(&self, _force_refresh: bool) -> Result<Secret> {
        Ok(self.0.clone())
    }

    fn can_refresh(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::RequestSpec;

    fn request(url: &str) -> PreparedRequest {
        RequestSpec {
            url: url.into(),
            ..Default::default()
        }
        .prepare(None)
        .unwrap()
    }

    #[test]
    fn header_placement_uses_the_prefix_and_replaces_a_typed_value() {
        let mut req = request("https://x/");
        req.headers
            .insert("authorization", HeaderValue::from_static("typed"));
        let placement = AuthPlacement::new(&TokenPlacement::default(), Secret::new("tok"));
        placement.apply(&mut req).unwrap();
        assert_eq!(req.headers.get_all("authorization").iter().count(), 1);
        assert_eq!(req.headers["authorization"], "Bearer tok");
        assert!(req.headers["authorization"].is_sensitive());
        let podio = TokenPlacement::Header {
            name: "Authorization".into(),
            prefix: "OAuth2".into(),
        };
        AuthPlacement::new(&podio, Secret::new("t"))
            .apply(&mut req)
            .unwrap();
        assert_eq!(req.headers["authorization"], "OAuth2 t");
        let bare = TokenPlacement::Header {
            name: "X-Api-Key".into(),
            prefix: "".into(),
        };
        AuthPlacement::new(&bare, Secret::new("k"))
            .apply(&mut req)
            .unwrap();
        assert_eq!(req.headers["x-api-key"], "k");
    }

    #[test]
    fn query_placement_replaces_the_parameter() {
        let mut req = request("https://x/p?a=1&access_token=old");
        let placement = AuthPlacement::new(
            &TokenPlacement::Query {
                name: "access_token".into(),
            },
            Secret::new("n w"),
        );
        placement.apply(&mut req).unwrap();
        assert_eq!(req.url.as_str(), "https://x/p?a=1&access_token=n+w");
        let err = AuthPlacement::new(&TokenPlacement::default(), Secret::new("bad\ntoken"))
            .apply(&mut req)
            .unwrap_err();
        assert!(!err.to_string().contains("bad"));
    }
}
