//! Endpoint discovery from an issuer URL: RFC 8414 authorization server
//! metadata (path insertion), OpenID Connect Discovery 1.0, and the RFC 8414
//! document appended to the issuer's path (where servers mounted under a
//! path, such as django-oauth-toolkit at `/o/`, publish it). Every document
//! that answers is checked against the issuer on its own; what they say is
//! merged, the first to name an endpoint giving it, and each endpoint keeps
//! the URL of the document it came from.
//!
//! Every failure names the URL it tried. URLs in messages never carry a query
//! string or credentials.

use crate::error::{Error, Result};
use crate::model::{ClientAuth, PkceMode};
use crate::net::{self, shown_input};
use reqwest::{header, Client, StatusCode, Url};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

/// Discovery documents are a few KB; anything past this is not one.
const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(15);

/// What discovery found, with Latchkey's suggestions for the service form.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DiscoveredEndpoints {
    pub issuer: String,
    /// Absent on servers without a browser flow (e.g. client credentials only).
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: String,
    pub revocation_endpoint: Option<String>,
    pub device_authorization_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub scopes_supported: Vec<String>,
    pub code_challenge_methods_supported: Vec<String>,
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub grant_types_supported: Vec<String>,
    /// The first well-known URL that answered with a usable document.
    pub document_url: String,
    /// Every document used, in the order they were asked.
    pub documents: Vec<String>,
    /// Where each endpoint found came from.
    pub endpoint_sources: Vec<EndpointSource>,
    /// RFC 9207: the server puts `iss` in its authorization responses.
    pub authorization_response_iss_parameter_supported: bool,
    pub suggested_pkce: PkceMode,
    pub suggested_client_auth: ClientAuth,
}

/// One endpoint and the discovery document that named it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct EndpointSource {
    /// The metadata field, e.g. `revocation_endpoint`.
    pub endpoint: String,
    pub url: String,
    pub document_url: String,
}

/// The metadata fields Latchkey reads; others are ignored.
#[derive(Debug, Deserialize)]
struct Metadata {
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    revocation_endpoint: Option<String>,
    device_authorization_endpoint: Option<String>,
    userinfo_endpoint: Option<String>,
    scopes_supported: Option<Vec<String>>,
    code_challenge_methods_supported: Option<Vec<String>>,
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    grant_types_supported: Option<Vec<String>>,
    authorization_response_iss_parameter_supported: Option<bool>,
}

/// A client for talking to authorization servers: bounded waits, no
/// redirects (a metadata document must come from the issuer's own host),
/// and an honest User-Agent.
pub fn http_client() -> Result<Client> {
    http_client_with_timeout(TOTAL_TIMEOUT)
}

/// [`http_client`] with another total timeout (tests use a short one).
pub fn http_client_with_timeout(total: Duration) -> Result<Client> {
    crate::net::client(CONNECT_TIMEOUT.min(total), Some(total))
}

/// Fetches every well-known document of the issuer, checks each against
/// the issuer, and merges the ones that pass (earlier documents win).
/// A document for another issuer is never used; if none is usable, the
/// error names each URL and why.
pub async fn discover(client: &Client, issuer: &str) -> Result<DiscoveredEndpoints> {
    let issuer = issuer.trim();
    let issuer_url = parse_issuer(issuer)?;
    let mut failures = Vec::new();
    let mut found: Option<DiscoveredEndpoints> = None;
    let mut refused: Option<Error> = None;
    for url in well_known_urls(&issuer_url) {
        match fetch(client, &url).await? {
            Fetched::Document(meta) => match endpoints(issuer, &url, meta) {
                Ok(doc) => {
                    found = Some(match found {
                        None => doc,
                        Some(earlier) => merge(earlier, doc),
                    })
                }
                Err(err) => {
                    failures.push(Miss {
                        url: shown(&url),
                        not_found: false,
                        reason: err.to_string(),
                    });
                    refused.get_or_insert(err);
                }
            },
            Fetched::Failed(miss) => failures.push(miss),
        }
    }
    match (found, refused) {
        (Some(found), _) => Ok(found),
        // One document said something wrong (another issuer, no token
        // endpoint): that is the message to act on.
        (None, Some(err)) => Err(err),
        (None, None) => Err(no_document(&failures)),
    }
}

/// `earlier` completed by `later`: endpoints and lists `earlier` lacks.
fn merge(mut earlier: DiscoveredEndpoints, later: DiscoveredEndpoints) -> DiscoveredEndpoints {
    let fill = |mine: &mut Option<String>, theirs: Option<String>| {
        if mine.is_none() {
            *mine = theirs;
        }
    };
    fill(
        &mut earlier.authorization_endpoint,
        later.authorization_endpoint,
    );
    fill(&mut earlier.revocation_endpoint, later.revocation_endpoint);
    fill(
        &mut earlier.device_authorization_endpoint,
        later.device_authorization_endpoint,
    );
    fill(&mut earlier.userinfo_endpoint, later.userinfo_endpoint);
    let fill_list = |mine: &mut Vec<String>, theirs: Vec<String>| {
        if mine.is_empty() {
            *mine = theirs;
        }
    };
    fill_list(&mut earlier.scopes_supported, later.scopes_supported);
    fill_list(
        &mut earlier.code_challenge_methods_supported,
        later.code_challenge_methods_supported,
    );
    fill_list(
        &mut earlier.token_endpoint_auth_methods_supported,
        later.token_endpoint_auth_methods_supported,
    );
    fill_list(
        &mut earlier.grant_types_supported,
        later.grant_types_supported,
    );
    earlier.authorization_response_iss_parameter_supported |=
        later.authorization_response_iss_parameter_supported;
    for source in later.endpoint_sources {
        if !earlier
            .endpoint_sources
            .iter()
            .any(|s| s.endpoint == source.endpoint)
        {
            earlier.endpoint_sources.push(source);
        }
    }
    earlier.documents.extend(later.documents);
    earlier.suggested_client_auth =
        suggest_client_auth(&earlier.token_endpoint_auth_methods_supported);
    earlier
}

/// Discovery always proposes PKCE S256, whatever the server lists: RFC 7636
/// makes S256 mandatory to implement, and RFC 9700 asks clients to use it.
/// `plain` or `off` are for a person to choose, knowingly.
pub fn suggest_pkce(_code_challenge_methods_supported: &[String]) -> PkceMode {
    PkceMode::S256
}

/// Suggests client authentication. An absent list means
/// `client_secret_basic` (RFC 8414 §2); methods Latchkey cannot do (JWT,
/// mTLS) fall back to Basic so the form still has a sensible default.
pub fn suggest_client_auth(token_endpoint_auth_methods_supported: &[String]) -> ClientAuth {
    let has = |m: &str| token_endpoint_auth_methods_supported.iter().any(|x| x == m);
    if token_endpoint_auth_methods_supported.is_empty() || has("client_secret_basic") {
        ClientAuth::Basic
    } else if has("client_secret_post") {
        ClientAuth::Post
    } else if has("none") {
        ClientAuth::None
    } else {
        ClientAuth::Basic
    }
}

/// Checks an issuer: an absolute https URL (http only on loopback), with no
/// query or fragment (RFC 8414 §2).
fn parse_issuer(issuer: &str) -> Result<Url> {
    if issuer.is_empty() {
        return Err(Error::InvalidInput(
            "the issuer URL is empty: enter the provider's issuer, like https://login.example.com"
                .into(),
        ));
    }
    let url = Url::parse(issuer).map_err(|e| {
        Error::InvalidInput(format!(
            "the issuer `{}` is not a URL ({e}): enter it like https://login.example.com",
            shown_input(issuer)
        ))
    })?;
    check_scheme(&url, &format!("the issuer {}", shown_input(issuer)))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::InvalidInput(format!(
            "the issuer {} has a query or fragment: an issuer is a plain https URL",
            shown(&url)
        )));
    }
    Ok(url)
}

/// https everywhere; http only for a server on this machine. `what` names
/// the URL in the message.
fn check_scheme(url: &Url, what: &str) -> Result<()> {
    let ok = match url.scheme() {
        "https" => url.host().is_some(),
        "http" => is_loopback(url),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "{what} must use https (http is allowed only for 127.0.0.1, localhost and [::1])"
        )))
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The places to look, in order. RFC 8414 §3.1 inserts the well-known
/// segment between host and path; OpenID Connect Discovery §4 appends it;
/// many servers under a path also append the RFC 8414 segment (the same
/// URL as the first when the issuer has no path, so asked once).
fn well_known_urls(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let mut rfc8414 = issuer.clone();
    rfc8414.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    let mut oidc = issuer.clone();
    oidc.set_path(&format!("{path}/.well-known/openid-configuration"));
    let mut appended = issuer.clone();
    appended.set_path(&format!("{path}/.well-known/oauth-authorization-server"));
    let mut urls = vec![rfc8414, oidc];
    if !urls.contains(&appended) {
        urls.push(appended);
    }
    urls
}

enum Fetched {
    Document(Metadata),
    Failed(Miss),
}

/// Why one well-known URL gave no usable document.
struct Miss {
    url: String,
    not_found: bool,
    reason: String,
}

/// GETs one well-known URL. Only transport failures are errors here: a
/// 404 or a bad body lets the caller try the next URL.
async fn fetch(client: &Client, url: &Url) -> Result<Fetched> {
    let shown_url = shown(url);
    let miss = |not_found: bool, reason: String| {
        Ok(Fetched::Failed(Miss {
            url: shown_url.clone(),
            not_found,
            reason,
        }))
    };
    let mut response = client
        .get(url.clone())
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| network_error(&shown_url, e))?;
    let status = response.status();
    if status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
        return miss(true, format!("answered HTTP {}", status.as_u16()));
    }
    if !status.is_success() {
        let reason = if status.is_redirection() {
            format!(
                "answered HTTP {} (a redirect, which discovery does not follow)",
                status.as_u16()
            )
        } else {
            format!("answered HTTP {}", status_text(status))
        };
        return miss(false, reason);
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    if content_type.contains("html") {
        return miss(
            false,
            format!("answered {content_type}, not a JSON discovery document"),
        );
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| network_error(&shown_url, e))?
    {
        if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
            return miss(
                false,
                "answered more than 1 MB, not a discovery document".into(),
            );
        }
        body.extend_from_slice(&chunk);
    }
    match serde_json::from_slice::<Metadata>(&body) {
        Ok(meta) => Ok(Fetched::Document(meta)),
        Err(e) if e.is_data() => miss(
            false,
            format!("answered JSON that is not a discovery document ({e})"),
        ),
        Err(_) => {
            let what = if content_type.is_empty() {
                "a body".to_string()
            } else {
                content_type
            };
            miss(
                false,
                format!("answered {what} that is not JSON, not a discovery document"),
            )
        }
    }
}

/// Checks a metadata document against the requested issuer and turns it
/// into endpoints.
fn endpoints(issuer: &str, url: &Url, meta: Metadata) -> Result<DiscoveredEndpoints> {
    let at = shown(url);
    let doc_issuer = meta.issuer.ok_or_else(|| {
        Error::Provider(format!("the discovery document at {at} has no `issuer`"))
    })?;
    // RFC 8414 §3.3 and OIDC Discovery §4.3: identical, or the data must not be used.
    if doc_issuer != issuer {
        return Err(Error::Provider(format!(
            "the discovery document at {at} is for the issuer `{}`, not `{issuer}`: \
             use exactly that issuer if you trust it",
            shown_input(&doc_issuer)
        )));
    }
    let grant_types = meta.grant_types_supported.unwrap_or_default();
    let token_endpoint =
        endpoint(&at, "token_endpoint", meta.token_endpoint)?.ok_or_else(|| {
            Error::Provider(format!(
                "the discovery document at {at} has no `token_endpoint`"
            ))
        })?;
    let authorization_endpoint =
        endpoint(&at, "authorization_endpoint", meta.authorization_endpoint)?;
    // Absent grant types default to authorization_code (RFC 8414 §2).
    let needs_authorize =
        grant_types.is_empty() || grant_types.iter().any(|g| g == "authorization_code");
    if authorization_endpoint.is_none() && needs_authorize {
        return Err(Error::Provider(format!(
            "the discovery document at {at} has no `authorization_endpoint`"
        )));
    }
    let code_challenge_methods = meta.code_challenge_methods_supported.unwrap_or_default();
    let auth_methods = meta
        .token_endpoint_auth_methods_supported
        .unwrap_or_default();
    let revocation_endpoint = endpoint(&at, "revocation_endpoint", meta.revocation_endpoint)?;
    let device_authorization_endpoint = endpoint(
        &at,
        "device_authorization_endpoint",
        meta.device_authorization_endpoint,
    )?;
    let userinfo_endpoint = endpoint(&at, "userinfo_endpoint", meta.userinfo_endpoint)?;
    let endpoint_sources = [
        ("authorization_endpoint", &authorization_endpoint),
        ("token_endpoint", &Some(token_endpoint.clone())),
        ("revocation_endpoint", &revocation_endpoint),
        (
            "device_authorization_endpoint",
            &device_authorization_endpoint,
        ),
        ("userinfo_endpoint", &userinfo_endpoint),
    ]
    .into_iter()
    .filter_map(|(name, url)| {
        url.as_ref().map(|url| EndpointSource {
            endpoint: name.to_string(),
            url: url.clone(),
            document_url: at.clone(),
        })
    })
    .collect();
    Ok(DiscoveredEndpoints {
        issuer: doc_issuer,
        authorization_endpoint,
        token_endpoint,
        revocation_endpoint,
        device_authorization_endpoint,
        userinfo_endpoint,
        scopes_supported: meta.scopes_supported.unwrap_or_default(),
        suggested_pkce: suggest_pkce(&code_challenge_methods),
        suggested_client_auth: suggest_client_auth(&auth_methods),
        code_challenge_methods_supported: code_challenge_methods,
        token_endpoint_auth_methods_supported: auth_methods,
        grant_types_supported: grant_types,
        documents: vec![at.clone()],
        endpoint_sources,
        authorization_response_iss_parameter_supported: meta
            .authorization_response_iss_parameter_supported
            .unwrap_or(false),
        document_url: at,
    })
}

/// An endpoint from the document must be a usable URL, held to the same
/// https rule as the issuer.
fn endpoint(at: &str, field: &str, value: Option<String>) -> Result<Option<String>> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    let url = Url::parse(&value).map_err(|_| {
        Error::Provider(format!(
            "the discovery document at {at} has a `{field}` that is not a URL: `{}`",
            shown_input(&value)
        ))
    })?;
    let what = format!(
        "the `{field}` {} in the discovery document at {at}",
        shown(&url)
    );
    check_scheme(&url, &what).map_err(|e| Error::Provider(e.to_string()))?;
    Ok(Some(value))
}

fn no_document(failures: &[Miss]) -> Error {
    if failures.iter().all(|m| m.not_found) {
        let urls: Vec<&str> = failures.iter().map(|m| m.url.as_str()).collect();
        return Error::Provider(format!(
            "no discovery document at {}: enter the endpoints by hand",
            urls.join(" or ")
        ));
    }
    let reasons: Vec<String> = failures
        .iter()
        .map(|m| format!("{} {}", m.url, m.reason))
        .collect();
    Error::Provider(format!(
        "{}: enter the endpoints by hand",
        reasons.join("; ")
    ))
}

fn network_error(url: &str, err: reqwest::Error) -> Error {
    if err.is_timeout() {
        return net::network_error_with(url, "no answer in time (timed out)".into(), err);
    }
    net::network_error(url, err)
}

fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// A URL as shown in messages: no credentials, query or fragment.
fn shown(url: &Url) -> String {
    net::shown_url(url, None)
}

#[cfg(test)]
mod tests;
