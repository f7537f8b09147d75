//! API descriptions: OpenAPI 3.0, 3.1 (and 3.2's device flow) and Swagger
//! 2.0, in JSON or YAML. Reads the base URL, the OAuth scheme and every
//! operation.
//!
//! No maintained crate reads all three versions (`openapiv3` reads only
//! 3.0, `oas3` only 3.1, and neither Swagger 2.0), and Latchkey needs only
//! a few fields of each, so documents are read as JSON values with a local
//! `$ref` resolver that cuts cycles and bounds its work.

mod document;
mod form;
mod operations;
mod refs;
mod security;
mod skeleton;

pub use document::Spec;
pub use form::form_rows;
pub use security::{Flow, OAuthScheme};
pub use skeleton::skeleton;

use crate::error::{Error, Result};
use crate::model::{AuthKind, Operation};
use serde_json::Value;
use std::time::Duration;
use url::Url;

/// Documents bigger than this are refused (the largest public ones are a
/// few MB).
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;

/// What a document says, once read.
#[derive(Debug, Clone)]
pub struct ApiDescription {
    pub spec: Spec,
    /// `info.title`.
    pub title: Option<String>,
    pub base_url: Option<String>,
    /// The OAuth flow the service is made from (`None` when only the
    /// operations were asked for).
    pub oauth: Option<OAuthScheme>,
    pub operations: Vec<Operation>,
    /// Things the person should know (a relative server, a refresh URL
    /// that differs from the token URL).
    pub notes: Vec<String>,
}

/// What a document is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A new service: it must have an OAuth scheme (for this kind of
    /// service, when given).
    Service(Option<AuthKind>),
    /// Only the operations (refreshing an existing service's).
    Operations,
}

/// Reads a document. `source` names it in messages; `location` is where it
/// came from when fetched (relative server URLs resolve against it).
pub fn read(
    text: &str,
    source: &str,
    location: Option<&Url>,
    purpose: Purpose,
) -> Result<ApiDescription> {
    let doc = document::parse_text(text, source)?;
    let spec = document::spec_of(&doc, source)?;
    let resolver = refs::Resolver::new(&doc);
    let mut notes = Vec::new();
    let base_url = base_url(&doc, &spec, location, &mut notes)?;
    let base = base_url.as_deref().and_then(|u| Url::parse(u).ok());
    let (usable, unusable) = security::schemes(&doc, &spec, &resolver, base.as_ref().or(location))
        .map_err(|e| Error::InvalidInput(format!("{source}: {e}")))?;
    let oauth = match purpose {
        Purpose::Service(kind) => Some(security::choose(&usable, &unusable, kind, source)?),
        Purpose::Operations => None,
    };
    if let Some((Some(refresh), Some(token))) =
        oauth.as_ref().map(|o| (&o.refresh_url, &o.token_url))
    {
        if refresh != token {
            notes.push(format!(
                "the document's refreshUrl ({refresh}) differs from its tokenUrl; Latchkey refreshes at the token URL"
            ));
        }
    }
    let operations = operations::operations(&doc, &spec, &resolver)
        .map_err(|e| Error::InvalidInput(format!("{source}: {e}")))?;
    let title = doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    Ok(ApiDescription {
        spec,
        title,
        base_url,
        oauth,
        operations,
        notes,
    })
}

/// The API base URL: `servers[0]` with its variables' defaults (3.x), or
/// `schemes` + `host` + `basePath` (2.0).
fn base_url(
    doc: &Value,
    spec: &Spec,
    location: Option<&Url>,
    notes: &mut Vec<String>,
) -> Result<Option<String>> {
    let written = match spec {
        Spec::OpenApi3(_) => {
            let Some(server) = doc.pointer("/servers/0") else {
                notes.push("the document names no server: give --api-base-url".into());
                return Ok(None);
            };
            let mut url = server
                .get("url")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let variables = server.get("variables").and_then(Value::as_object);
            while let Some(start) = url.find('{') {
                let Some(len) = url[start..].find('}') else {
                    break;
                };
                let name = url[start + 1..start + len].to_string();
                let value = variables
                    .and_then(|v| v.get(&name))
                    .and_then(|v| v.get("default"))
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        Error::InvalidInput(format!(
                            "servers[0] uses the variable `{{{name}}}`, which has no default"
                        ))
                    })?;
                url.replace_range(start..start + len + 1, value);
            }
            url
        }
        Spec::Swagger2 => {
            let Some(host) = doc.get("host").and_then(Value::as_str) else {
                match location {
                    Some(_) => {}
                    None => {
                        notes.push("the document names no host: give --api-base-url".into());
                        return Ok(None);
                    }
                }
                let path = doc.get("basePath").and_then(Value::as_str).unwrap_or("/");
                return Ok(location
                    .and_then(|l| l.join(path).ok())
                    .map(|u| u.to_string()));
            };
            let schemes: Vec<&str> = doc
                .get("schemes")
                .and_then(Value::as_array)
                .map(|s| s.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let scheme = if schemes.contains(&"https") {
                "https"
            } else {
                schemes
                    .first()
                    .copied()
                    .or(location.map(Url::scheme))
                    .unwrap_or("https")
            };
            let base_path = doc.get("basePath").and_then(Value::as_str).unwrap_or("");
            format!("{scheme}://{host}{base_path}")
        }
    };
    if written.trim().is_empty() {
        notes.push("the document's server URL is empty: give --api-base-url".into());
        return Ok(None);
    }
    match security::absolute(written.trim(), location) {
        Ok(url) => Ok(Some(url.trim_end_matches('/').to_string())),
        Err(_) if location.is_none() && !written.contains("://") => {
            notes.push(format!(
                "the document's server URL `{written}` is relative: give --api-base-url"
            ));
            Ok(None)
        }
        Err(why) => Err(Error::InvalidInput(format!("the server URL {why}"))),
    }
}

/// Where a description is read from: a file, or an http(s) URL.
pub enum DocumentSource<'a> {
    File(&'a std::path::Path),
    Url(Url),
}

impl<'a> DocumentSource<'a> {
    /// An http(s) URL when `text` is one, else a file path.
    pub fn parse(text: &'a str) -> Self {
        match Url::parse(text) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => DocumentSource::Url(url),
            _ => DocumentSource::File(std::path::Path::new(text)),
        }
    }

    pub fn label(&self) -> String {
        match self {
            DocumentSource::File(path) => path.display().to_string(),
            DocumentSource::Url(url) => crate::net::shown_url(url, None),
        }
    }
}

/// Reads and parses the description at `source`.
pub async fn load(source: &DocumentSource<'_>, purpose: Purpose) -> Result<ApiDescription> {
    let label = source.label();
    match source {
        DocumentSource::File(path) => {
            let bytes = std::fs::read(path).map_err(|err| {
                Error::InvalidInput(format!("cannot read the API description {label} ({err})"))
            })?;
            if bytes.len() > MAX_DOCUMENT_BYTES {
                return Err(too_large(&label));
            }
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::InvalidInput(format!(
                    "{label} is not UTF-8 text: an OpenAPI document (JSON or YAML) was expected"
                ))
            })?;
            read(&text, &label, None, purpose)
        }
        DocumentSource::Url(url) => {
            let (text, final_url) = fetch(url).await?;
            read(&text, &label, Some(&final_url), purpose)
        }
    }
}

fn too_large(label: &str) -> Error {
    Error::TooLarge(format!(
        "{label} is over {} MB: that is not an API description Latchkey reads",
        MAX_DOCUMENT_BYTES / (1024 * 1024)
    ))
}

/// GETs a document, following up to five redirects, bounded in size and time.
async fn fetch(url: &Url) -> Result<(String, Url)> {
    let client = crate::net::client(Duration::from_secs(10), Some(Duration::from_secs(60)))?;
    let mut current = url.clone();
    for _ in 0..=5 {
        let shown = crate::net::shown_url(&current, None);
        let mut response = client
            .get(current.clone())
            .header(
                reqwest::header::ACCEPT,
                "application/json, application/yaml, text/yaml, */*",
            )
            .send()
            .await
            .map_err(|err| crate::net::network_error(&shown, err))?;
        let status = response.status();
        if status.is_redirection() {
            let next = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|loc| current.join(loc).ok())
                .ok_or_else(|| {
                    Error::Provider(format!(
                        "{shown} answered {status} without a usable Location"
                    ))
                })?;
            current = next;
            continue;
        }
        if !status.is_success() {
            return Err(Error::Provider(format!(
                "{shown} answered {status}: no API description was read"
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| crate::net::network_error(&shown, err))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_DOCUMENT_BYTES {
                return Err(too_large(&shown));
            }
        }
        let text = String::from_utf8(body)
            .map_err(|_| Error::InvalidInput(format!("{shown} did not answer with UTF-8 text")))?;
        return Ok((text, current));
    }
    Err(Error::Provider(format!(
        "{} redirected more than five times",
        crate::net::shown_url(url, None)
    )))
}
