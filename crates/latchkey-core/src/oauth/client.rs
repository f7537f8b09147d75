//! Builds the `oauth2` client for one service from its stored settings.

use super::http::TokenHttp;
use super::Context;
use crate::error::{Error, Result};
use crate::model::ClientAuth;
use crate::presets::find_preset;
use crate::service::Service;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, ClientId, ClientSecret, DeviceAuthorizationUrl, EndpointMaybeSet,
    EndpointNotSet, ExtraTokenFields, RedirectUrl, RevocationUrl, StandardRevocableToken,
    StandardTokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

/// Fields of a token answer beyond RFC 6749's: the OpenID Connect id token,
/// and everything else kept as sent (e.g. Slack's `team`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExtraFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl ExtraTokenFields for ExtraFields {}

pub type TokenResponse = StandardTokenResponse<ExtraFields, BasicTokenType>;

pub type OauthClient = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointMaybeSet,
    EndpointMaybeSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Everything a grant needs: the client, the HTTP client, the service.
pub struct Grant {
    pub client: OauthClient,
    pub http: TokenHttp,
    pub service: Service,
}

impl Grant {
    /// Loads the client secret (when the service authenticates with one)
    /// and builds the client. `redirect_uri` is set for the code grant only.
    pub fn new(app: &Context<'_>, service: &Service, redirect_uri: Option<&str>) -> Result<Self> {
        let spec = &service.spec;
        let slug = &spec.slug;
        let client_id = spec.client_id.clone().filter(|c| !c.is_empty()).ok_or_else(|| {
            Error::InvalidInput(format!(
                "service `{slug}` has no client id: `latchkey service edit {slug} --client-id ID` sets it"
            ))
        })?;
        let revocation = revocation_url(spec.revocation_url.as_deref());
        let mut client = oauth2::Client::new(ClientId::new(client_id))
            .set_auth_uri_option(parse_url(
                slug,
                "authorize URL",
                &spec.authorize_url,
                AuthUrl::new,
            )?)
            .set_token_uri_option(parse_url(
                slug,
                "token URL",
                &spec.token_url,
                TokenUrl::new,
            )?)
            .set_revocation_url_option(parse_url(
                slug,
                "revocation URL",
                &revocation.0,
                RevocationUrl::new,
            )?)
            .set_device_authorization_url_option(parse_url(
                slug,
                "device URL",
                &spec.device_url,
                DeviceAuthorizationUrl::new,
            )?);
        client = match spec.client_auth {
            ClientAuth::None => client.set_auth_type(AuthType::RequestBody),
            auth => {
                let secret = app.client_secret(slug)?.ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "service `{slug}` authenticates with a client secret ({auth}) but none is stored: `latchkey service edit {slug} --client-secret-stdin` sets it"
                    ))
                })?;
                let kind = if auth == ClientAuth::Basic {
                    AuthType::BasicAuth
                } else {
                    AuthType::RequestBody
                };
                client
                    .set_client_secret(ClientSecret::new(secret.expose().to_string()))
                    .set_auth_type(kind)
            }
        };
        if let Some(uri) = redirect_uri {
            let url = RedirectUrl::new(uri.to_string()).map_err(|_| {
                Error::InvalidInput(format!(
                    "service `{slug}` has an invalid redirect URI `{uri}`"
                ))
            })?;
            client = client.set_redirect_uri(url);
        }
        let headers: Vec<(String, String)> = spec
            .preset
            .as_deref()
            .and_then(find_preset)
            .map(|p| {
                p.token_request_headers
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let settings = app.auth().settings();
        let mut http = TokenHttp::new(app.auth().http_client()?, settings.http_timeout, &headers);
        if let Some(plain) = revocation.1 {
            http.send_as_http(plain);
        }
        Ok(Self {
            client,
            http,
            service: service.clone(),
        })
    }

    /// The scopes as the provider wants them in one parameter.
    pub fn scope_param(&self) -> Option<String> {
        let spec = &self.service.spec;
        (!spec.scopes.is_empty()).then(|| spec.scopes.join(&spec.scope_separator))
    }

    /// The service's extra token parameters as (name, value).
    pub fn token_params(&self) -> Vec<(String, String)> {
        self.service
            .spec
            .token_params
            .iter()
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect()
    }
}

fn parse_url<T>(
    slug: &str,
    label: &str,
    value: &Option<String>,
    make: impl FnOnce(String) -> std::result::Result<T, url::ParseError>,
) -> Result<Option<T>> {
    match value.as_deref().filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => make(v.to_string()).map(Some).map_err(|_| {
            Error::InvalidInput(format!("service `{slug}` has an invalid {label} `{v}`"))
        }),
    }
}

/// `oauth2` refuses a revocation URL that is not https (RFC 7009 §2), but
/// service validation allows plain http on loopback (local servers, the
/// test fixture). Such a URL is handed to `oauth2` as https and sent as
/// http again by [`TokenHttp`]; only exact loopback URLs are rewritten.
fn revocation_url(url: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(text) = url.filter(|u| !u.is_empty()) else {
        return (None, None);
    };
    match url::Url::parse(text) {
        Ok(mut parsed) if parsed.scheme() == "http" && is_loopback(&parsed) => {
            if parsed.set_scheme("https").is_ok() {
                // An explicit port survives; a default :80 must be spelled out.
                if parsed.port().is_none() {
                    let _ = parsed.set_port(Some(80));
                }
                return (Some(parsed.to_string()), Some(parsed.to_string()));
            }
            (Some(text.to_string()), None)
        }
        _ => (Some(text.to_string()), None),
    }
}

/// The error for a grant whose endpoint the service does not define.
pub fn missing_endpoint(slug: &str, label: &str, flag: &str) -> Error {
    Error::InvalidInput(format!(
        "service `{slug}` has no {label}: `latchkey service edit {slug} --{flag} URL` sets it"
    ))
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}
