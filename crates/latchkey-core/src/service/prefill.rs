//! Starting points for a new service: a preset, or what discovery found.
//! Explicit values (flags, form edits) are applied on top by the caller.

use super::{Param, ServiceInput, DEFAULT_REDIRECT_URI};
use crate::discovery::DiscoveredEndpoints;
use crate::error::Result;
use crate::model::AuthKind;
use crate::presets::Preset;
use serde::Serialize;
use std::collections::BTreeMap;
use ts_rs::TS;

/// A new service's starting input: from the preset `preset` when given
/// (an unknown name is an error listing the presets), else blank.
pub fn draft(preset: Option<&str>, slug: &str) -> Result<ServiceInput> {
    let mut input = match preset {
        Some(name) => ServiceInput::from_preset(slug, crate::presets::preset(name)?),
        None => ServiceInput {
            slug: slug.to_string(),
            ..ServiceInput::default()
        },
    };
    // The form shows what saving stores: the default, not an empty box.
    if input.auth_kind == AuthKind::AuthorizationCode && input.redirect_uri.is_none() {
        input.redirect_uri = Some(DEFAULT_REDIRECT_URI.to_string());
    }
    Ok(input)
}

/// What a service gets for a field left empty, for forms to show and copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ServiceDefaults {
    /// Stored for an authorization-code service that names no redirect URI.
    pub redirect_uri: String,
}

pub fn defaults() -> ServiceDefaults {
    ServiceDefaults {
        redirect_uri: DEFAULT_REDIRECT_URI.to_string(),
    }
}

/// `input` with the endpoints found by discovery from `issuer`.
pub async fn discover_into(issuer: &str, mut input: ServiceInput) -> Result<ServiceInput> {
    let client = crate::discovery::http_client()?;
    let found = crate::discovery::discover(&client, issuer).await?;
    input.apply_discovery(&found);
    Ok(input)
}

/// What the form's Discover button gets: the input with the endpoints
/// filled, and the scopes the server says it supports, to pick from.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DiscoveryFill {
    pub input: ServiceInput,
    /// `scopes_supported` from the discovery document (may be empty).
    pub scopes_supported: Vec<String>,
}

/// [`discover_into`] for a form a person is filling in: also names the
/// service after the issuer's host and, for an OpenID Connect server, asks
/// for `openid`, when those fields are still empty.
pub async fn discover_for_form(issuer: &str, mut input: ServiceInput) -> Result<DiscoveryFill> {
    let client = crate::discovery::http_client()?;
    let found = crate::discovery::discover(&client, issuer).await?;
    input.apply_discovery(&found);
    input.suggest_from_discovery(&found);
    Ok(DiscoveryFill {
        input,
        scopes_supported: found.scopes_supported,
    })
}

impl ServiceInput {
    /// Fills what a person would otherwise type first: a name (the issuer's
    /// host) and, when the server speaks OpenID Connect, the `openid` scope.
    /// Fields already filled are left alone.
    pub fn suggest_from_discovery(&mut self, found: &DiscoveredEndpoints) {
        if self.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            if let Some(host) = url::Url::parse(&found.issuer)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
            {
                self.name = Some(host);
            }
        }
        if self.scopes.trim().is_empty() && found.scopes_supported.iter().any(|s| s == "openid") {
            self.scopes = "openid".to_string();
        }
    }

    /// An input pre-filled from `preset`, named `slug`.
    pub fn from_preset(slug: &str, preset: &Preset) -> Self {
        let non_empty = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
        Self {
            slug: slug.to_string(),
            name: Some(preset.name.clone()),
            preset: Some(preset.id.clone()),
            auth_kind: preset.auth_kind,
            authorize_url: non_empty(&preset.authorize_url),
            token_url: non_empty(&preset.token_url),
            revocation_url: preset.revocation_url.clone(),
            device_url: preset.device_authorization_url.clone(),
            scopes: preset.default_scopes.join(&preset.scope_separator),
            scope_separator: Some(preset.scope_separator.clone()),
            authorize_params: params(&preset.extra_authorize_params),
            token_params: params(&preset.extra_token_params),
            client_auth: preset.client_auth,
            pkce: preset.pkce,
            api_base_url: preset.api_base_url.clone(),
            token_placement: preset.token_placement.clone(),
            token_origins: preset.token_origins.clone(),
            ..Self::default()
        }
    }

    /// Fills the endpoints (and suggested PKCE and client auth) found by
    /// RFC 8414 / OpenID Connect discovery, and keeps the issuer and whether
    /// its authorization responses carry `iss`, for the RFC 9207 check.
    pub fn apply_discovery(&mut self, found: &DiscoveredEndpoints) {
        if let Some(url) = &found.authorization_endpoint {
            self.authorize_url = Some(url.clone());
        }
        self.token_url = Some(found.token_endpoint.clone());
        if let Some(url) = &found.revocation_endpoint {
            self.revocation_url = Some(url.clone());
        }
        if let Some(url) = &found.device_authorization_endpoint {
            self.device_url = Some(url.clone());
        }
        self.pkce = found.suggested_pkce;
        self.client_auth = found.suggested_client_auth;
        self.issuer = Some(found.issuer.clone());
        self.authorization_response_iss = found.authorization_response_iss_parameter_supported;
    }
}

fn params(map: &BTreeMap<String, String>) -> Vec<Param> {
    map.iter()
        .map(|(name, value)| Param {
            name: name.clone(),
            value: value.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_shows_the_redirect_uri_that_saving_stores() {
        let mut empty = draft(None, "svc").unwrap();
        assert_eq!(empty.redirect_uri.as_deref(), Some(DEFAULT_REDIRECT_URI));
        assert_eq!(defaults().redirect_uri, DEFAULT_REDIRECT_URI);
        empty.client_id = Some("client".into());
        empty.authorize_url = Some("https://auth.example.com/authorize".into());
        empty.token_url = Some("https://auth.example.com/token".into());
        let stored = super::super::validate(&empty).unwrap();
        assert_eq!(
            stored.spec.redirect_uri.as_deref(),
            Some(DEFAULT_REDIRECT_URI)
        );
        let goto = draft(Some("gotomeeting"), "goto").unwrap();
        assert_eq!(goto.redirect_uri.as_deref(), Some(DEFAULT_REDIRECT_URI));
    }

    #[test]
    fn every_preset_makes_a_valid_service_once_it_has_a_client_id() {
        for preset in crate::presets::presets() {
            let mut input = ServiceInput::from_preset("svc", preset);
            input.client_id = Some("client".into());
            if input.authorize_url.is_none() {
                // The generic entry: the person types the endpoints.
                input.authorize_url = Some("https://auth.example.com/authorize".into());
                input.token_url = Some("https://auth.example.com/token".into());
            }
            if let Err(err) = super::super::validate(&input) {
                panic!("preset {}: {err}", preset.id);
            }
        }
    }
}
