//! Service definitions as stored and shown: plain data. Validation lives in
//! [`crate::service`], storage in the store.

use super::auth_types::{AuthKind, ClientAuth, PkceMode, TokenPlacement};
use super::param::Param;
use super::secret::Secret;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A stored service, as the UI and CLI show it (never its secret).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Service {
    pub id: i64,
    #[serde(flatten)]
    pub spec: ServiceSpec,
    /// Whether a client secret is stored (sealed) for it.
    pub has_client_secret: bool,
    /// Whether an API key is stored (sealed) for it.
    pub has_api_key: bool,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// A validated service definition.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ServiceSpec {
    pub slug: String,
    pub name: String,
    /// The preset this service started from (its quirks apply), if any.
    pub preset: Option<String>,
    pub auth_kind: AuthKind,
    pub client_id: Option<String>,
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    pub revocation_url: Option<String>,
    pub device_url: Option<String>,
    pub scopes: Vec<String>,
    pub scope_separator: String,
    pub authorize_params: Vec<Param>,
    pub token_params: Vec<Param>,
    pub client_auth: ClientAuth,
    pub pkce: PkceMode,
    pub redirect_uri: Option<String>,
    pub api_base_url: Option<String>,
    /// A header such as `Authorization: Bearer` (Podio: `OAuth2`) or a
    /// query parameter.
    pub token_placement: TokenPlacement,
    /// Origins (`https://host[:port]`) the service's credentials may go to
    /// besides the API base URL's own, normalized.
    pub token_origins: Vec<String>,
    /// The authorization server's issuer identifier (from discovery); an
    /// `iss` on a sign-in redirect must equal it (RFC 9207).
    pub issuer: Option<String>,
    /// The server puts `iss` on every authorization response (it advertised
    /// `authorization_response_iss_parameter_supported`): one without it is
    /// refused.
    pub authorization_response_iss: bool,
}

/// What a form, the CLI or an import file submits to create or edit a
/// service. Unset optional fields take the defaults named on each field.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceInput {
    /// Lowercase letters, digits and hyphens, e.g. `gotomeeting`.
    pub slug: String,
    /// Display name; defaults to the slug.
    pub name: Option<String>,
    /// A preset id (see `latchkey presets`) whose provider quirks apply.
    pub preset: Option<String>,
    pub auth_kind: AuthKind,
    pub client_id: Option<String>,
    /// A new client secret. On edit, leaving it out keeps the stored one.
    #[serde(skip_serializing)]
    #[ts(as = "Option<String>", optional)]
    pub client_secret: Option<Secret>,
    /// On edit: forget the stored client secret.
    #[serde(skip_serializing)]
    pub clear_client_secret: bool,
    /// An `api_key` service's key. On edit, leaving it out keeps the
    /// stored one. Never serialized, so no export carries it.
    #[serde(skip_serializing)]
    #[ts(as = "Option<String>", optional)]
    pub api_key: Option<Secret>,
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    pub revocation_url: Option<String>,
    pub device_url: Option<String>,
    /// Scopes as one string, split on `scope_separator`.
    pub scopes: String,
    /// Defaults to a space (RFC 6749); GitHub, Slack and others use a comma.
    pub scope_separator: Option<String>,
    pub authorize_params: Vec<Param>,
    pub token_params: Vec<Param>,
    pub client_auth: ClientAuth,
    pub pkce: PkceMode,
    /// Defaults to [`DEFAULT_REDIRECT_URI`] for the authorization code grant.
    pub redirect_uri: Option<String>,
    pub api_base_url: Option<String>,
    /// Defaults to `Authorization: Bearer <token>`.
    pub token_placement: TokenPlacement,
    /// Origins the credentials may go to besides the API base URL's
    /// (`https://files.example.com`); plain http only for this machine.
    pub token_origins: Vec<String>,
    /// The authorization server's issuer identifier, kept from discovery;
    /// a sign-in redirect whose `iss` differs is refused.
    pub issuer: Option<String>,
    /// The server sends `iss` on authorization responses (RFC 9207).
    pub authorization_response_iss: bool,
}

impl Default for ServiceInput {
    fn default() -> Self {
        Self {
            slug: String::new(),
            name: None,
            preset: None,
            auth_kind: AuthKind::AuthorizationCode,
            client_id: None,
            client_secret: None,
            clear_client_secret: false,
            api_key: None,
            authorize_url: None,
            token_url: None,
            revocation_url: None,
            device_url: None,
            scopes: String::new(),
            scope_separator: None,
            authorize_params: Vec::new(),
            token_params: Vec::new(),
            client_auth: ClientAuth::Basic,
            pkce: PkceMode::S256,
            redirect_uri: None,
            api_base_url: None,
            token_placement: TokenPlacement::default(),
            token_origins: Vec::new(),
            issuer: None,
            authorization_response_iss: false,
        }
    }
}

impl From<&ServiceSpec> for ServiceInput {
    /// The input that would recreate `spec` (an edit form's starting point).
    fn from(spec: &ServiceSpec) -> Self {
        Self {
            slug: spec.slug.clone(),
            name: Some(spec.name.clone()),
            preset: spec.preset.clone(),
            auth_kind: spec.auth_kind,
            client_id: spec.client_id.clone(),
            client_secret: None,
            clear_client_secret: false,
            api_key: None,
            authorize_url: spec.authorize_url.clone(),
            token_url: spec.token_url.clone(),
            revocation_url: spec.revocation_url.clone(),
            device_url: spec.device_url.clone(),
            scopes: spec.scopes.join(&spec.scope_separator),
            scope_separator: Some(spec.scope_separator.clone()),
            authorize_params: spec.authorize_params.clone(),
            token_params: spec.token_params.clone(),
            client_auth: spec.client_auth,
            pkce: spec.pkce,
            redirect_uri: spec.redirect_uri.clone(),
            api_base_url: spec.api_base_url.clone(),
            token_placement: spec.token_placement.clone(),
            token_origins: spec.token_origins.clone(),
            issuer: spec.issuer.clone(),
            authorization_response_iss: spec.authorization_response_iss,
        }
    }
}

/// What removing a service removed.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RemovedService {
    pub slug: String,
    pub users_removed: i64,
}
