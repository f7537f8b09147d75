//! Following redirects by hand, so credentials never leave the origin
//! they were meant for (the rule curl and browsers follow).

use super::spec::PreparedRequest;
use reqwest::header::{
    HeaderMap, HeaderName, AUTHORIZATION, CONTENT_ENCODING, CONTENT_LANGUAGE, CONTENT_LENGTH,
    CONTENT_LOCATION, CONTENT_TYPE, COOKIE, LOCATION, PROXY_AUTHORIZATION,
};
use reqwest::{Method, StatusCode, Url};

pub(crate) fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// Scheme, host and port: what must stay the same for credentials to follow.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// The request to send after a redirect, or `None` when there is no
/// usable `Location`. The caller decides whether credentials go along.
pub(crate) fn next_request(
    current: &PreparedRequest,
    status: StatusCode,
    headers: &HeaderMap,
) -> Option<PreparedRequest> {
    let location = headers.get(LOCATION)?.to_str().ok()?;
    let url = current.url.join(location).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let mut next = current.clone();
    next.url = url;
    // RFC 9110 §15.4: 303 always becomes GET; 301/302 turn a POST into a
    // GET as every browser does; 307/308 repeat the request as it was.
    let to_get = match status.as_u16() {
        303 => current.method != Method::HEAD,
        301 | 302 => current.method == Method::POST,
        _ => false,
    };
    if to_get {
        next.method = Method::GET;
        next.body = None;
        for name in [
            CONTENT_TYPE,
            CONTENT_LENGTH,
            CONTENT_ENCODING,
            CONTENT_LANGUAGE,
            CONTENT_LOCATION,
        ] {
            next.headers.remove(name);
        }
    }
    Some(next)
}

/// Removes everything that can carry a credential: the standard headers,
/// the service's token header and the token query parameter.
pub(crate) fn strip_credentials(
    request: &mut PreparedRequest,
    token_header: Option<&str>,
    token_query: Option<&str>,
) {
    for name in [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE] {
        request.headers.remove(name);
    }
    if let Some(name) = token_header.and_then(|n| HeaderName::from_bytes(n.trim().as_bytes()).ok())
    {
        request.headers.remove(name);
    }
    if let Some(name) = token_query {
        if request.url.query_pairs().any(|(k, _)| k == name) {
            let kept: Vec<(String, String)> = request
                .url
                .query_pairs()
                .filter(|(k, _)| k != name)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            if kept.is_empty() {
                request.url.set_query(None);
            } else {
                request.url.query_pairs_mut().clear().extend_pairs(kept);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{RequestBody, RequestSpec};
    use reqwest::header::HeaderValue;

    fn post() -> PreparedRequest {
        RequestSpec {
            method: "POST".into(),
            url: "https://api.example.com/a/b?access_token=t&x=1".into(),
            body: RequestBody::Json { text: "{}".into() },
            ..Default::default()
        }
        .prepare(None)
        .unwrap()
    }

    fn location(to: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, HeaderValue::from_str(to).unwrap());
        headers
    }

    #[test]
    fn methods_change_as_browsers_do() {
        let req = post();
        let next = next_request(&req, StatusCode::SEE_OTHER, &location("/c")).unwrap();
        assert_eq!(
            (next.method.as_str(), next.url.as_str()),
            ("GET", "https://api.example.com/c")
        );
        assert!(next.body.is_none() && !next.headers.contains_key(CONTENT_TYPE));
        let next = next_request(&req, StatusCode::FOUND, &location("d")).unwrap();
        assert_eq!(
            (next.method.as_str(), next.url.as_str()),
            ("GET", "https://api.example.com/a/d")
        );
        let next = next_request(
            &req,
            StatusCode::PERMANENT_REDIRECT,
            &location("https://other/"),
        )
        .unwrap();
        assert_eq!(next.method, Method::POST);
        assert!(next.body.is_some());
        assert!(next_request(&req, StatusCode::FOUND, &HeaderMap::new()).is_none());
        assert!(next_request(&req, StatusCode::FOUND, &location("file:///etc/passwd")).is_none());
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(
            &u("https://a.com/x"),
            &u("https://a.com:443/y?z")
        ));
        assert!(!same_origin(&u("https://a.com/"), &u("http://a.com/")));
        assert!(!same_origin(&u("https://a.com/"), &u("https://b.a.com/")));
        assert!(!same_origin(
            &u("http://127.0.0.1:1/"),
            &u("http://127.0.0.1:2/")
        ));
    }

    #[test]
    fn strips_every_credential() {
        let mut req = post();
        req.headers
            .insert(AUTHORIZATION, HeaderValue::from_static("Bearer t"));
        req.headers
            .insert("x-api-key", HeaderValue::from_static("k"));
        req.headers.insert(COOKIE, HeaderValue::from_static("s=1"));
        strip_credentials(&mut req, Some("X-Api-Key"), Some("access_token"));
        assert!(req.headers.get(AUTHORIZATION).is_none());
        assert!(req.headers.get("x-api-key").is_none());
        assert!(req.headers.get(COOKIE).is_none());
        assert_eq!(req.url.query(), Some("x=1"));
    }
}
