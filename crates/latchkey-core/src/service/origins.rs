//! Token origins: the only places (scheme + host + port) a service's
//! credentials may go. The API base URL's origin always counts; a service
//! lists any others (a preset adds its provider's documented API hosts).
//! Plain `http` qualifies only on this machine.

use super::urls::is_loopback;
use super::ServiceSpec;
use crate::error::Error;
use url::{Origin, Url};

/// Checks one origin as typed (`https://api.example.com`, a trailing `/`
/// allowed) and returns it normalized: `scheme://host[:port]`, the default
/// port left out.
pub fn normalize_origin(text: &str) -> Result<String, String> {
    let text = text.trim();
    let url = Url::parse(text).map_err(|err| {
        format!("token origin `{text}` is not a URL ({err}): write it as https://api.example.com")
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(format!(
                "token origin `{text}` uses plain http: a token never goes over http except to 127.0.0.1, localhost or [::1], so use https"
            ))
        }
        other => {
            return Err(format!(
                "token origin `{text}` must be an https URL, not `{other}`"
            ))
        }
    }
    if url.host().is_none() {
        return Err(format!("token origin `{text}` has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "token origin `{text}` must not contain a user name or password"
        ));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "token origin `{text}` must be only scheme, host and port (no path, query or #fragment), e.g. {}",
            url.origin().ascii_serialization()
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// Checks and normalizes a list of origins, dropping duplicates.
pub fn normalize_origins(list: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for text in list.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let origin = normalize_origin(text)?;
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    Ok(out)
}

/// Where one service's credentials may go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenOrigins {
    /// The service slug, for messages; `None` when there is no service.
    service: Option<String>,
    origins: Vec<Origin>,
}

impl TokenOrigins {
    /// No origin at all: any credential is refused (a send with no service).
    pub fn none() -> Self {
        Self::default()
    }

    /// The service's API base URL origin plus its listed token origins.
    pub fn of_service(spec: &ServiceSpec) -> Self {
        let mut origins = Vec::new();
        let listed = spec.api_base_url.iter().chain(&spec.token_origins);
        for text in listed {
            if let Ok(url) = Url::parse(text.trim()) {
                let origin = url.origin();
                if origin.is_tuple() && !origins.contains(&origin) {
                    origins.push(origin);
                }
            }
        }
        Self {
            service: Some(spec.slug.clone()),
            origins,
        }
    }

    /// Exactly these origins (URLs whose path is ignored); for callers of
    /// the low-level HTTP functions, which have no service.
    pub fn of_urls(urls: &[&str]) -> Self {
        let origins = urls
            .iter()
            .filter_map(|u| Url::parse(u).ok())
            .map(|u| u.origin())
            .filter(Origin::is_tuple)
            .collect();
        Self {
            service: None,
            origins,
        }
    }

    /// Whether a credential may go to `url`: its origin is listed, and it
    /// is https or on this machine.
    pub fn allows(&self, url: &Url) -> bool {
        let secure = url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url));
        secure && self.origins.contains(&url.origin())
    }

    /// The origins as text, for messages and the form.
    pub fn shown(&self) -> Vec<String> {
        self.origins
            .iter()
            .map(Origin::ascii_serialization)
            .collect()
    }

    /// The error for a send refused because `url` is not allowed: names the
    /// origin and says how to allow it or to send without a credential.
    pub fn refusal(&self, url: &Url) -> Error {
        let origin = url.origin().ascii_serialization();
        let without =
            "or send without a token (`--no-auth`, or \"no auth\" in the request builder)";
        if url.scheme() == "http" && !is_loopback(url) {
            return Error::OriginNotAllowed(format!(
                "not sent: a token never goes over plain http to another machine ({origin}); use https, {without}"
            ));
        }
        let Some(slug) = &self.service else {
            return Error::OriginNotAllowed(format!(
                "not sent: a token goes only to its service's token origins and {origin} is not one of them: choose the service it belongs to, {without}"
            ));
        };
        let allowed = match self.shown() {
            list if list.is_empty() => "none yet (the service has no API base URL)".to_string(),
            list => list.join(", "),
        };
        Error::OriginNotAllowed(format!(
            "not sent: {origin} is not one of the token origins of service `{slug}` ({allowed}). To allow it, add it to the service's token origins (`latchkey service edit {slug} --token-origin {origin}`, or Token origins in the service form), {without}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn origins_are_normalized_and_checked() {
        assert_eq!(
            normalize_origin(" https://API.example.com:443/ ").unwrap(),
            "https://api.example.com"
        );
        assert_eq!(
            normalize_origin("http://127.0.0.1:9412").unwrap(),
            "http://127.0.0.1:9412"
        );
        for bad in [
            "http://api.example.com",
            "ftp://x.com",
            "https://x.com/path",
            "https://x.com/?q=1",
            "https://u:p@x.com",
            "api.example.com",
        ] {
            assert!(normalize_origin(bad).is_err(), "{bad}");
        }
        assert_eq!(
            normalize_origins(&["https://a.com".into(), "https://a.com/".into(), " ".into()])
                .unwrap(),
            vec!["https://a.com".to_string()]
        );
    }

    #[test]
    fn only_listed_secure_origins_are_allowed() {
        let origins = TokenOrigins::of_urls(&[
            "https://api.example.com/v1",
            "http://127.0.0.1:9412/",
            "http://cdn.example.com/",
        ]);
        assert!(origins.allows(&u("https://api.example.com/other?x")));
        assert!(origins.allows(&u("https://api.example.com:443/")));
        assert!(!origins.allows(&u("https://api.example.com:8443/")));
        assert!(!origins.allows(&u("http://api.example.com/")));
        assert!(!origins.allows(&u("https://evil.example.com/")));
        assert!(origins.allows(&u("http://127.0.0.1:9412/x")));
        assert!(!origins.allows(&u("http://127.0.0.1:9413/x")));
        // Listed, but plain http to another machine: never.
        assert!(!origins.allows(&u("http://cdn.example.com/")));
        assert!(!TokenOrigins::none().allows(&u("https://api.example.com/")));
    }

    #[test]
    fn a_refusal_names_the_origin_and_both_ways_out() {
        let origins = TokenOrigins {
            service: Some("goto".into()),
            origins: vec![u("https://api.getgo.com").origin()],
        };
        let msg = origins
            .refusal(&u("http://127.0.0.1:9412/x?t=1"))
            .to_string();
        assert!(msg.contains("http://127.0.0.1:9412"), "{msg}");
        assert!(
            msg.contains("--token-origin http://127.0.0.1:9412"),
            "{msg}"
        );
        assert!(msg.contains("--no-auth"), "{msg}");
        assert!(!msg.contains("t=1"), "{msg}");
        assert_eq!(
            origins.refusal(&u("https://x.com/")).code(),
            crate::error::ErrorCode::OriginNotAllowed
        );
    }
}
