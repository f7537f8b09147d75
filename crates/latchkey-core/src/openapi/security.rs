//! The OAuth 2.0 security schemes of a document, and the one a service is
//! made from.

use super::document::Spec;
use super::refs::Resolver;
use crate::error::{Error, Result};
use crate::model::AuthKind;
use serde_json::Value;
use url::Url;

/// How a scheme gets tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    AuthorizationCode,
    DeviceAuthorization,
    ClientCredentials,
    /// `openIdConnect`: the endpoints come from discovery.
    OpenIdConnect,
}

impl Flow {
    pub fn label(self) -> &'static str {
        match self {
            Flow::AuthorizationCode => "authorization code",
            Flow::DeviceAuthorization => "device authorization",
            Flow::ClientCredentials => "client credentials",
            Flow::OpenIdConnect => "OpenID Connect discovery",
        }
    }

    /// Whether a service of `kind` can be made from this flow.
    fn serves(self, kind: AuthKind) -> bool {
        match self {
            Flow::AuthorizationCode => kind == AuthKind::AuthorizationCode,
            Flow::DeviceAuthorization => kind == AuthKind::DeviceCode,
            Flow::ClientCredentials => kind == AuthKind::ClientCredentials,
            Flow::OpenIdConnect => matches!(
                kind,
                AuthKind::AuthorizationCode | AuthKind::DeviceCode | AuthKind::ClientCredentials
            ),
        }
    }
}

/// One usable flow of one OAuth security scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthScheme {
    /// The scheme's name in the document.
    pub name: String,
    pub flow: Flow,
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    pub refresh_url: Option<String>,
    pub device_url: Option<String>,
    /// `openIdConnectUrl`.
    pub discovery_url: Option<String>,
    /// The scopes the document's security requirements ask for with this
    /// scheme, else every scope the flow defines.
    pub scopes: Vec<String>,
}

/// Every usable flow, in the order Latchkey prefers them, and a line for
/// each scheme it cannot use.
pub fn schemes(
    doc: &Value,
    spec: &Spec,
    resolver: &Resolver<'_>,
    base: Option<&Url>,
) -> Result<(Vec<OAuthScheme>, Vec<String>)> {
    let defined = match spec {
        Spec::Swagger2 => doc.get("securityDefinitions"),
        Spec::OpenApi3(_) => doc.pointer("/components/securitySchemes"),
    };
    let mut usable = Vec::new();
    let mut unusable = Vec::new();
    let Some(defined) = defined.and_then(Value::as_object) else {
        return Ok((usable, unusable));
    };
    let asked = asked_scopes(doc);
    for (name, scheme) in defined {
        let scheme = resolver
            .follow(scheme)
            .map_err(|e| Error::InvalidInput(format!("security scheme `{name}`: {e}")))?;
        let kind = scheme.get("type").and_then(Value::as_str).unwrap_or("?");
        let url = |v: Option<&Value>, field: &str| -> Result<Option<String>> {
            match v
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                None => Ok(None),
                Some(text) => absolute(text, base).map(Some).map_err(|why| {
                    Error::InvalidInput(format!("security scheme `{name}`: `{field}` {why}"))
                }),
            }
        };
        match kind {
            "oauth2" => {
                let flows: Vec<(Flow, &Value)> = match spec {
                    Spec::Swagger2 => {
                        let flow = match scheme.get("flow").and_then(Value::as_str) {
                            Some("accessCode") => Some(Flow::AuthorizationCode),
                            Some("application") => Some(Flow::ClientCredentials),
                            _ => None,
                        };
                        flow.map(|f| vec![(f, scheme)]).unwrap_or_default()
                    }
                    Spec::OpenApi3(_) => [
                        ("authorizationCode", Flow::AuthorizationCode),
                        ("deviceAuthorization", Flow::DeviceAuthorization),
                        ("clientCredentials", Flow::ClientCredentials),
                    ]
                    .into_iter()
                    .filter_map(|(key, flow)| {
                        scheme.pointer(&format!("/flows/{key}")).map(|v| (flow, v))
                    })
                    .collect(),
                };
                if flows.is_empty() {
                    unusable.push(format!("`{name}` (oauth2 with only the implicit or password flow, which Latchkey does not use)"));
                }
                for (flow, body) in flows {
                    let defined_scopes: Vec<String> = body
                        .get("scopes")
                        .and_then(Value::as_object)
                        .map(|s| s.keys().cloned().collect())
                        .unwrap_or_default();
                    let scopes = asked
                        .iter()
                        .find(|(scheme, _)| scheme == name)
                        .map(|(_, s)| s.clone())
                        .filter(|s| !s.is_empty())
                        .unwrap_or(defined_scopes);
                    usable.push(OAuthScheme {
                        name: name.clone(),
                        flow,
                        authorize_url: url(body.get("authorizationUrl"), "authorizationUrl")?,
                        token_url: url(body.get("tokenUrl"), "tokenUrl")?,
                        refresh_url: url(body.get("refreshUrl"), "refreshUrl")?,
                        device_url: url(
                            body.get("deviceAuthorizationUrl"),
                            "deviceAuthorizationUrl",
                        )?,
                        discovery_url: None,
                        scopes,
                    });
                }
            }
            "openIdConnect" => {
                let Some(discovery_url) = url(scheme.get("openIdConnectUrl"), "openIdConnectUrl")?
                else {
                    return Err(Error::InvalidInput(format!(
                        "security scheme `{name}` is openIdConnect but has no `openIdConnectUrl`"
                    )));
                };
                let scopes = asked
                    .iter()
                    .find(|(scheme, _)| scheme == name)
                    .map(|(_, s)| s.clone())
                    .unwrap_or_default();
                usable.push(OAuthScheme {
                    name: name.clone(),
                    flow: Flow::OpenIdConnect,
                    authorize_url: None,
                    token_url: None,
                    refresh_url: None,
                    device_url: None,
                    discovery_url: Some(discovery_url),
                    scopes,
                });
            }
            other => unusable.push(format!("`{name}` ({other})")),
        }
    }
    let rank = |f: Flow| match f {
        Flow::AuthorizationCode => 0,
        Flow::OpenIdConnect => 1,
        Flow::DeviceAuthorization => 2,
        Flow::ClientCredentials => 3,
    };
    usable.sort_by_key(|s| rank(s.flow));
    Ok((usable, unusable))
}

/// Picks the flow for a service of `kind` (any when `None`), or says
/// precisely why none fits.
pub fn choose(
    usable: &[OAuthScheme],
    unusable: &[String],
    kind: Option<AuthKind>,
    source: &str,
) -> Result<OAuthScheme> {
    let found = usable
        .iter()
        .find(|s| kind.is_none_or(|k| s.flow.serves(k)));
    if let Some(found) = found {
        return Ok(found.clone());
    }
    let others = if unusable.is_empty() {
        String::new()
    } else {
        format!(" (it has {})", unusable.join(", "))
    };
    match kind {
        Some(kind) if !usable.is_empty() => {
            let offered: Vec<String> = usable
                .iter()
                .map(|s| format!("`{}` ({})", s.name, s.flow.label()))
                .collect();
            Err(Error::InvalidInput(format!(
                "{source} has no OAuth flow for --auth-kind {kind}: it offers {}",
                offered.join(", ")
            )))
        }
        _ => Err(Error::InvalidInput(format!(
            "{source} has no OAuth 2.0 security scheme with the authorization code, client credentials or device flow, nor an openIdConnect scheme{others}; nothing was stored. Register the service with `latchkey service add SLUG` and its flags instead"
        ))),
    }
}

/// Scopes the document's `security` requirements ask for, per scheme, in
/// order of first mention (the document's, then each operation's).
fn asked_scopes(doc: &Value) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |requirements: &Value| {
        for requirement in requirements.as_array().into_iter().flatten() {
            for (scheme, scopes) in requirement.as_object().into_iter().flatten() {
                let index = match out.iter().position(|(s, _)| s == scheme) {
                    Some(i) => i,
                    None => {
                        out.push((scheme.clone(), Vec::new()));
                        out.len() - 1
                    }
                };
                for scope in scopes
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    if !out[index].1.iter().any(|s| s == scope) {
                        out[index].1.push(scope.to_string());
                    }
                }
            }
        }
    };
    if let Some(global) = doc.get("security") {
        add(global);
    }
    for item in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            if let Some(security) = op.get("security") {
                add(security);
            }
        }
    }
    out
}

/// `text` as an absolute http(s) URL, resolved against `base` when relative.
pub(crate) fn absolute(text: &str, base: Option<&Url>) -> std::result::Result<String, String> {
    let parsed = match Url::parse(text) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => match base {
            Some(base) => base
                .join(text)
                .map_err(|e| format!("`{text}` is not a URL ({e})"))?,
            None => {
                return Err(format!(
                    "is relative (`{text}`) and the document gives no absolute server URL to resolve it against"
                ))
            }
        },
        Err(e) => return Err(format!("is not a URL ({e})")),
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "must be an http(s) URL, not `{}:`",
            parsed.scheme()
        ));
    }
    Ok(parsed.to_string())
}
