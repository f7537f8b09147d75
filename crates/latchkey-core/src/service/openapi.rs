//! A service drafted from an OpenAPI / Swagger document: its endpoints,
//! scopes, base URL and name; an openIdConnect scheme is followed through
//! discovery.

use super::ServiceInput;
use crate::discovery::DiscoveredEndpoints;
use crate::error::{Error, Result};
use crate::model::AuthKind;
use crate::openapi::{ApiDescription, DocumentSource, Flow, Purpose};
use serde::Serialize;
use ts_rs::TS;

/// A document read, and what discovery found for its openIdConnect scheme.
#[derive(Debug, Clone)]
pub struct ImportedApi {
    pub description: ApiDescription,
    pub discovered: Option<DiscoveredEndpoints>,
}

/// Reads the document at `source` (a file or an http(s) URL) and, for an
/// openIdConnect scheme, runs discovery.
pub async fn import_api(source: &str, purpose: Purpose) -> Result<ImportedApi> {
    let description = crate::openapi::load(&DocumentSource::parse(source), purpose).await?;
    let discovery_url = description
        .oauth
        .as_ref()
        .and_then(|o| o.discovery_url.as_ref());
    let discovered = match discovery_url {
        Some(url) => {
            let issuer = issuer_of(url)?;
            let client = crate::discovery::http_client()?;
            Some(crate::discovery::discover(&client, &issuer).await?)
        }
        None => None,
    };
    Ok(ImportedApi {
        description,
        discovered,
    })
}

/// `source` trimmed, or what to give when it is empty.
pub fn given(source: &str) -> Result<&str> {
    let source = source.trim();
    if source.is_empty() {
        return Err(Error::InvalidInput(
            "give the path of an OpenAPI / Swagger file (JSON or YAML) or its http(s) URL".into(),
        ));
    }
    Ok(source)
}

/// What the form's "Import API description" gets: the input filled from
/// the document, how many operations it describes, and what the person
/// should know (a relative server, a refresh URL Latchkey does not use).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ApiImportFill {
    pub input: ServiceInput,
    pub operations: u32,
    pub notes: Vec<String>,
}

/// [`import_api`] for a form a person is filling in: the document's name,
/// endpoints, scopes and base URL over `input`; the slug, client id and
/// secret typed so far are kept. Saving reads the operations again
/// ([`Purpose::Operations`]), so nothing is held between the two calls.
pub async fn import_for_form(source: &str, mut input: ServiceInput) -> Result<ApiImportFill> {
    let api = import_api(given(source)?, Purpose::Service(None)).await?;
    input.apply_api(&api);
    Ok(ApiImportFill {
        operations: u32::try_from(api.description.operations.len()).unwrap_or(u32::MAX),
        notes: api.description.notes,
        input,
    })
}

/// The issuer whose metadata `url` (an `openIdConnectUrl`) is.
fn issuer_of(url: &str) -> Result<String> {
    for suffix in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        if let Some((before, after)) = url.split_once(suffix) {
            let issuer = format!("{before}{after}");
            return Ok(issuer.trim_end_matches('/').to_string());
        }
    }
    Err(Error::InvalidInput(format!(
        "the openIdConnectUrl {} is not a /.well-known/openid-configuration address: register the service with --issuer ISSUER instead",
        crate::net::shown_url_text(url)
    )))
}

impl ServiceInput {
    /// Fills what the document says: the name, the flow's endpoints and
    /// scopes, and the API base URL. Flags are applied over this.
    pub fn apply_api(&mut self, api: &ImportedApi) {
        let description = &api.description;
        if let Some(title) = &description.title {
            self.name = Some(title.clone());
        }
        if let Some(base) = &description.base_url {
            self.api_base_url = Some(base.clone());
        }
        let Some(oauth) = &description.oauth else {
            return;
        };
        self.auth_kind = match oauth.flow {
            Flow::AuthorizationCode => AuthKind::AuthorizationCode,
            Flow::DeviceAuthorization => AuthKind::DeviceCode,
            Flow::ClientCredentials => AuthKind::ClientCredentials,
            Flow::OpenIdConnect => self.auth_kind,
        };
        let set = |target: &mut Option<String>, value: &Option<String>| {
            if value.is_some() {
                target.clone_from(value);
            }
        };
        set(&mut self.authorize_url, &oauth.authorize_url);
        set(&mut self.token_url, &oauth.token_url);
        set(&mut self.device_url, &oauth.device_url);
        if let Some(found) = &api.discovered {
            self.apply_discovery(found);
        }
        let mut scopes = oauth.scopes.clone();
        if oauth.flow == Flow::OpenIdConnect && !scopes.iter().any(|s| s == "openid") {
            scopes.insert(0, "openid".into());
        }
        if !scopes.is_empty() {
            let separator = self.scope_separator.clone().unwrap_or_else(|| " ".into());
            self.scopes = scopes.join(&separator);
        }
        if self.auth_kind != AuthKind::AuthorizationCode {
            self.redirect_uri = None;
        } else if self.redirect_uri.is_none() {
            self.redirect_uri = Some(super::DEFAULT_REDIRECT_URI.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_is_the_discovery_url_without_its_well_known_part() {
        assert_eq!(
            issuer_of("https://id.example.com/.well-known/openid-configuration").unwrap(),
            "https://id.example.com"
        );
        assert_eq!(
            issuer_of("https://id.example.com/tenant/.well-known/openid-configuration").unwrap(),
            "https://id.example.com/tenant"
        );
        assert!(issuer_of("https://id.example.com/metadata.json")
            .unwrap_err()
            .to_string()
            .contains("--issuer"));
    }
}
