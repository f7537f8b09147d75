//! URL rules: endpoints need https unless they are on this machine, and the
//! redirect URI must be one Latchkey's loopback listener can serve.

use url::{Host, Url};

/// The redirect URI used when a service does not name one.
pub const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1:8749/callback";

/// Whether `url` points at this machine (RFC 8252 §7.3 loopback).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Checks an endpoint or API base URL; `label` is how the message names it.
pub fn check_endpoint(label: &str, text: &str) -> Result<String, String> {
    let url = parse(label, text)?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(format!(
                "{label} `{text}` must use https: plain http is allowed only for 127.0.0.1, localhost and [::1]"
            ))
        }
        other => return Err(format!("{label} `{text}` must use https, not `{other}`")),
    }
    if url.host().is_none() {
        return Err(format!("{label} `{text}` has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "{label} `{text}` must not contain a user name or password"
        ));
    }
    if url.fragment().is_some() {
        return Err(format!("{label} `{text}` must not contain a #fragment"));
    }
    Ok(text.trim().to_string())
}

/// Checks a redirect URI: http on a loopback host, an explicit port, a path.
pub fn check_redirect(text: &str) -> Result<String, String> {
    let label = "redirect URI";
    let url = parse(label, text)?;
    if url.scheme() != "http" {
        return Err(format!(
            "{label} `{text}` must use http: Latchkey catches the redirect with a plain-http listener on this machine"
        ));
    }
    if !is_loopback(&url) {
        return Err(format!(
            "{label} `{text}` must point at 127.0.0.1, localhost or [::1] so Latchkey can catch the redirect"
        ));
    }
    if url.port().is_none() {
        return Err(format!(
            "{label} `{text}` needs an explicit port, e.g. {DEFAULT_REDIRECT_URI}"
        ));
    }
    if url.path() == "/" {
        return Err(format!(
            "{label} `{text}` needs a path after the port, e.g. /callback"
        ));
    }
    if url.fragment().is_some() {
        return Err(format!("{label} `{text}` must not contain a #fragment"));
    }
    Ok(text.trim().to_string())
}

fn parse(label: &str, text: &str) -> Result<Url, String> {
    Url::parse(text.trim()).map_err(|err| match err {
        // Usually a host and path typed without the scheme.
        url::ParseError::RelativeUrlWithoutBase => {
            format!("{label} `{text}` is not a valid URL: write it in full, starting with https://")
        }
        err => format!("{label} `{text}` is not a valid URL ({err})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_on_loopback_only() {
        assert!(check_endpoint("token URL", "https://api.example.com/token").is_ok());
        for ok in [
            "http://127.0.0.1:8080/token",
            "http://localhost/token",
            "http://[::1]:9000/token",
        ] {
            assert!(check_endpoint("token URL", ok).is_ok(), "{ok}");
        }
        let err = check_endpoint("token URL", "http://example.com/token").unwrap_err();
        assert!(err.contains("must use https"), "{err}");
        let err = check_endpoint("token URL", "ftp://example.com/token").unwrap_err();
        assert!(err.contains("not `ftp`"), "{err}");
        let err = check_endpoint("token URL", "example.com/token").unwrap_err();
        assert!(err.contains("not a valid URL"), "{err}");
    }

    #[test]
    fn redirect_must_be_servable_by_the_loopback_listener() {
        assert!(check_redirect("http://127.0.0.1:8749/callback").is_ok());
        assert!(check_redirect("http://localhost:3000/oauth/cb").is_ok());
        assert!(check_redirect("http://[::1]:3000/cb").is_ok());
        let cases = [
            ("https://127.0.0.1:8749/callback", "must use http"),
            (
                "http://example.com:8749/callback",
                "must point at 127.0.0.1",
            ),
            ("http://127.0.0.1/callback", "explicit port"),
            ("http://127.0.0.1:8749", "needs a path"),
            ("http://127.0.0.1:8749/", "needs a path"),
        ];
        for (text, want) in cases {
            let err = check_redirect(text).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
        }
    }
}
