//! The presets catalogue: what each well-known provider needs, kept as data
//! in `presets.json` (embedded at compile time) so a fact can be corrected
//! without touching code. A unit test checks every entry.

use crate::error::{Error, Result};
use crate::model::{AuthKind, ClientAuth, PkceMode, TokenPlacement};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use ts_rs::TS;

/// One provider's settings, ready to pre-fill a service form.
///
/// Empty `authorize_url` / `token_url` (the generic entry) mean "enter by hand".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// Lowercase identifier, e.g. `gotomeeting`; also the suggested slug.
    pub id: String,
    /// Display name, e.g. `GoTo Meeting`.
    pub name: String,
    pub auth_kind: AuthKind,
    pub authorize_url: String,
    pub token_url: String,
    /// RFC 7009 endpoint; `null` when the provider revokes some other way.
    pub revocation_url: Option<String>,
    /// RFC 8628 endpoint, when the provider has a device flow.
    pub device_authorization_url: Option<String>,
    /// Issuer for OpenID Connect discovery, when it is a fixed URL.
    pub openid_issuer: Option<String>,
    /// Joins scopes in the authorize request: `" "` (RFC 6749) or `","`.
    pub scope_separator: String,
    pub default_scopes: Vec<String>,
    pub client_auth: ClientAuth,
    /// The PKCE mode to use; `off` where the provider does not document it.
    pub pkce: PkceMode,
    pub token_placement: TokenPlacement,
    pub api_base_url: Option<String>,
    /// Documented API hosts besides the API base URL's that take the token.
    #[serde(default)]
    pub token_origins: Vec<String>,
    pub extra_authorize_params: BTreeMap<String, String>,
    pub extra_token_params: BTreeMap<String, String>,
    /// Headers for token-endpoint requests, e.g. GitHub's `Accept: application/json`.
    pub token_request_headers: BTreeMap<String, String>,
    pub docs_url: String,
    /// Where the developer registers the client; `null` for the generic entry.
    pub console_url: Option<String>,
    /// Whether a refresh answers with a new refresh token that replaces the old one.
    pub refresh_tokens_rotate: bool,
    /// What the token endpoint answers, in words.
    pub token_response: String,
    /// Short human-readable notes on what differs from plain RFC 6749.
    pub quirks: Vec<String>,
}

static PRESETS: OnceLock<Vec<Preset>> = OnceLock::new();

fn parse(json: &str) -> serde_json::Result<Vec<Preset>> {
    serde_json::from_str(json)
}

/// Every preset, in catalogue order (parsed once).
pub fn presets() -> &'static [Preset] {
    PRESETS.get_or_init(|| {
        // Compile-time data, not input: `every_preset_parses_and_is_valid`
        // fails the build's tests before a broken file can ship.
        parse(include_str!("presets.json")).expect("presets.json is checked by unit tests")
    })
}

/// The preset with this id, ignoring case.
pub fn find_preset(id: &str) -> Option<&'static Preset> {
    let id = id.trim();
    presets().iter().find(|p| p.id.eq_ignore_ascii_case(id))
}

/// Like [`find_preset`], but a miss is an error that lists the valid ids.
pub fn preset(id: &str) -> Result<&'static Preset> {
    find_preset(id).ok_or_else(|| {
        let ids: Vec<&str> = presets().iter().map(|p| p.id.as_str()).collect();
        Error::InvalidInput(format!(
            "no preset named `{}`: choose one of {}",
            id.trim(),
            ids.join(", ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Url;
    use std::collections::HashSet;

    fn https(field: &str, value: &str) -> Vec<String> {
        match Url::parse(value) {
            Ok(u) if u.scheme() == "https" && u.host_str().is_some() => vec![],
            Ok(_) => vec![format!("{field} is not https: {value}")],
            Err(e) => vec![format!("{field} is not a URL ({e}): {value}")],
        }
    }

    fn problems(p: &Preset) -> Vec<String> {
        let mut out = vec![];
        let generic = p.id == "generic";
        let id_ok = !p.id.is_empty()
            && p.id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            out.push(format!("id `{}` is not lowercase [a-z0-9-]", p.id));
        }
        if p.name.trim().is_empty() {
            out.push("name is empty".into());
        }
        for origin in &p.token_origins {
            match crate::service::normalize_origin(origin) {
                Ok(normal) if &normal == origin => {}
                Ok(normal) => out.push(format!(
                    "token origin `{origin}` should be written `{normal}`"
                )),
                Err(message) => out.push(message),
            }
        }
        for (field, v) in [
            ("authorize_url", &p.authorize_url),
            ("token_url", &p.token_url),
        ] {
            if v.is_empty() {
                if !generic {
                    out.push(format!("{field} is empty"));
                }
            } else {
                out.extend(https(field, v));
            }
        }
        let optional = [
            ("revocation_url", &p.revocation_url),
            ("device_authorization_url", &p.device_authorization_url),
            ("openid_issuer", &p.openid_issuer),
            ("api_base_url", &p.api_base_url),
            ("console_url", &p.console_url),
        ];
        for (field, v) in optional {
            if let Some(v) = v {
                out.extend(https(field, v));
            }
        }
        out.extend(https("docs_url", &p.docs_url));
        if !generic && p.console_url.is_none() {
            out.push("console_url is missing".into());
        }
        if p.scope_separator != " " && p.scope_separator != "," {
            out.push(format!(
                "scope_separator {:?} is neither space nor comma",
                p.scope_separator
            ));
        }
        if p.default_scopes
            .iter()
            .any(|s| s.is_empty() || s.contains([' ', ',']))
        {
            out.push("a default scope is empty or contains a separator".into());
        }
        match &p.token_placement {
            TokenPlacement::Header { name, .. } | TokenPlacement::Query { name }
                if name.is_empty() =>
            {
                out.push("token placement has no name".into())
            }
            _ => {}
        }
        if p.token_response.trim().is_empty() || p.quirks.iter().any(|q| q.trim().is_empty()) {
            out.push("token_response or a quirk is empty".into());
        }
        out
    }

    #[test]
    fn every_preset_parses_and_is_valid() {
        let all = parse(include_str!("presets.json")).unwrap();
        assert!(all.len() >= 10, "only {} presets", all.len());
        let mut seen = HashSet::new();
        for p in &all {
            assert!(seen.insert(p.id.clone()), "duplicate preset id `{}`", p.id);
            let bad = problems(p);
            assert!(bad.is_empty(), "preset `{}`: {}", p.id, bad.join("; "));
        }
        for id in [
            "gotomeeting",
            "podio",
            "google",
            "microsoft",
            "github",
            "zoom",
            "slack",
            "dropbox",
            "spotify",
            "generic",
        ] {
            assert!(seen.contains(id), "missing preset `{id}`");
        }
        assert_eq!(presets(), all.as_slice());
    }

    #[test]
    fn unknown_enum_values_and_fields_are_refused() {
        let one = r#"{"id":"x","name":"X","auth_kind":"authorization_code","authorize_url":"","token_url":"",
            "revocation_url":null,"device_authorization_url":null,"openid_issuer":null,"scope_separator":" ",
            "default_scopes":[],"client_auth":"basic","pkce":"S256",
            "token_placement":{"kind":"header","name":"Authorization","prefix":"Bearer"},"api_base_url":null,
            "extra_authorize_params":{},"extra_token_params":{},"token_request_headers":{},
            "docs_url":"https://example.com","console_url":null,"refresh_tokens_rotate":true,
            "token_response":"json","quirks":[]}"#;
        assert!(parse(&format!("[{one}]")).is_ok());
        let bad_auth = one.replace(r#""client_auth":"basic""#, r#""client_auth":"jwt""#);
        assert!(parse(&format!("[{bad_auth}]")).is_err());
        let bad_pkce = one.replace(r#""pkce":"S256""#, r#""pkce":"s256""#);
        assert!(parse(&format!("[{bad_pkce}]")).is_err());
        let extra = one.replace(r#""quirks":[]"#, r#""quirks":[],"scope":"x""#);
        assert!(parse(&format!("[{extra}]")).is_err());
    }

    #[test]
    fn provider_quirks_are_recorded() {
        let podio = find_preset("podio").unwrap();
        assert_eq!(
            podio.token_placement,
            TokenPlacement::Header {
                name: "Authorization".into(),
                prefix: "OAuth2".into()
            }
        );
        let goto = find_preset("gotomeeting").unwrap();
        assert_eq!(goto.client_auth, ClientAuth::Basic);
        assert_eq!(
            goto.api_base_url.as_deref(),
            Some("https://api.getgo.com/G2M/rest")
        );
        let google = find_preset("google").unwrap();
        assert_eq!(google.extra_authorize_params["access_type"], "offline");
        assert_eq!(
            google.openid_issuer.as_deref(),
            Some("https://accounts.google.com")
        );
        let dropbox = find_preset("dropbox").unwrap();
        assert_eq!(
            dropbox.extra_authorize_params["token_access_type"],
            "offline"
        );
        let github = find_preset("github").unwrap();
        assert_eq!(github.token_request_headers["Accept"], "application/json");
        assert!(find_preset("microsoft").unwrap().refresh_tokens_rotate);
        assert!(find_preset("microsoft")
            .unwrap()
            .default_scopes
            .contains(&"offline_access".into()));
        assert!(find_preset("zoom").unwrap().refresh_tokens_rotate);
        assert_eq!(find_preset("slack").unwrap().scope_separator, ",");
        let generic = find_preset("generic").unwrap();
        assert_eq!(
            (generic.pkce, generic.client_auth),
            (PkceMode::S256, ClientAuth::Basic)
        );
        assert_eq!(generic.token_placement, TokenPlacement::default());
    }

    #[test]
    fn lookup_ignores_case_and_a_miss_lists_the_choices() {
        assert_eq!(find_preset(" GoToMeeting ").unwrap().id, "gotomeeting");
        assert!(find_preset("nope").is_none());
        let err = preset("nope").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
        let msg = err.to_string();
        assert!(
            msg.starts_with("no preset named `nope`: choose one of gotomeeting, podio, google"),
            "{msg}"
        );
        assert!(msg.ends_with("generic"), "{msg}");
    }
}
