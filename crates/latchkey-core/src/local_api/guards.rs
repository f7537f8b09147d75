//! What every request passes before routing, in this order: the `Host`
//! check (DNS rebinding), the browser check (`Origin`, `Sec-Fetch-Site`),
//! the API key (all routes but `/v1/health`), and the body-size cap.

use super::problem::Problem;
use super::state::ApiState;
use super::MAX_BODY_BYTES;
use crate::store::CacheCheck;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The one route open without a key: liveness only, it reveals nothing.
pub const OPEN_PATH: &str = "/v1/health";

pub async fn guard(State(state): State<Arc<ApiState>>, mut req: Request, next: Next) -> Response {
    let checked = check_host(req.headers(), state.port)
        .and_then(|()| check_browser(req.headers()))
        .and_then(|()| {
            if req.uri().path() == OPEN_PATH {
                Ok(None)
            } else {
                check_key(&state, req.headers()).map(Some)
            }
        })
        .and_then(|fresh| check_length(req.headers()).map(|()| fresh));
    let mut response = match checked {
        Ok(fresh) => {
            // The key's check of the read cache, for a send to read as of.
            if let Some(fresh) = fresh {
                req.extensions_mut().insert(fresh);
            }
            next.run(req).await
        }
        Err(problem) => problem.into_response(),
    };
    let too_large = response.status() == StatusCode::PAYLOAD_TOO_LARGE;
    let headers = response.headers_mut();
    if too_large {
        // The unread body is still on the wire: tell the client not to reuse
        // this connection (it would read our reply to the next request wrong).
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    // Answers can hold tokens' fruits (meeting links, user data): never cache.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// A rebinding page reaches us as `evil.example:PORT`: only the loopback
/// names with our own port are accepted.
pub fn check_host(headers: &HeaderMap, port: u16) -> Result<(), Problem> {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| h.trim().to_ascii_lowercase());
    let allowed = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    match host {
        Some(h) if allowed.contains(&h) => Ok(()),
        other => Err(Problem::new(
            StatusCode::MISDIRECTED_REQUEST,
            "bad_host",
            "The Host header is not this server",
            format!(
                "the Host header must be 127.0.0.1:{port}, localhost:{port} or [::1]:{port}, not {}",
                other.map_or_else(|| "missing".to_string(), |h| format!("`{h}`"))
            ),
        )),
    }
}

/// Browsers add `Origin` (and `Sec-Fetch-Site`) to what pages send; no
/// script on a web page may call this API, so there is no CORS either.
pub fn check_browser(headers: &HeaderMap) -> Result<(), Problem> {
    if headers.contains_key(header::ORIGIN) {
        return Err(Problem::forbidden(
            "origin_refused",
            "requests with an Origin header (from a web page) are refused: call the API from a script, a server or curl",
        ));
    }
    let site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none");
    if !site.eq_ignore_ascii_case("none") {
        return Err(Problem::forbidden(
            "origin_refused",
            "requests made by a web page (Sec-Fetch-Site) are refused",
        ));
    }
    Ok(())
}

/// The read cache as the key's check saw it: the request began then, so
/// what it reads may be as fresh as that and no fresher.
#[derive(Debug, Clone, Copy)]
pub struct CheckedAtArrival(pub CacheCheck);

fn check_key(state: &ApiState, headers: &HeaderMap) -> Result<CheckedAtArrival, Problem> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(Problem::unauthorized(
            "send the API key as `Authorization: Bearer <key>` (`latchkey api-key rotate` makes a new one)",
            false,
        ));
    };
    let presented = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim());
    let Some(key) = presented else {
        return Err(Problem::unauthorized(
            "the Authorization header must be `Bearer <key>`",
            true,
        ));
    };
    match state.app.verify_api_key_checked(key) {
        Ok((true, checked)) => Ok(CheckedAtArrival(checked)),
        Ok((false, _)) => Err(Problem::unauthorized(
            "the API key is wrong or was rotated: use the current key (`latchkey api-key rotate` makes a new one)",
            true,
        )),
        Err(err) => Err(err.into()),
    }
}

/// Refuses a declared oversized body before reading it; a chunked one is
/// cut off by the body limit when it is read.
fn check_length(headers: &HeaderMap) -> Result<(), Problem> {
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match length {
        Some(n) if n > MAX_BODY_BYTES as u64 => Err(Problem::too_large(MAX_BODY_BYTES)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn host_must_be_loopback_with_our_port() {
        for ok in [
            "127.0.0.1:7412",
            "localhost:7412",
            "LOCALHOST:7412",
            "[::1]:7412",
        ] {
            let h = HeaderMap::from_iter([(header::HOST, HeaderValue::from_static(ok))]);
            assert!(check_host(&h, 7412).is_ok(), "{ok}");
        }
        for bad in [
            "evil.example:7412",
            "127.0.0.1:80",
            "127.0.0.1",
            "localhost",
        ] {
            let h = HeaderMap::from_iter([(header::HOST, HeaderValue::from_static(bad))]);
            assert_eq!(check_host(&h, 7412).unwrap_err().status, 421, "{bad}");
        }
        assert!(check_host(&HeaderMap::new(), 7412).is_err());
    }

    #[test]
    fn browsers_are_refused() {
        assert!(check_browser(&headers(&[("origin", "null")])).is_err());
        assert!(check_browser(&headers(&[("sec-fetch-site", "cross-site")])).is_err());
        assert!(check_browser(&headers(&[("sec-fetch-site", "none")])).is_ok());
        assert!(check_browser(&HeaderMap::new()).is_ok());
    }

    #[test]
    fn declared_large_bodies_are_refused() {
        assert!(check_length(&headers(&[("content-length", "10")])).is_ok());
        let big = HeaderMap::from_iter([(
            header::CONTENT_LENGTH,
            HeaderValue::from(MAX_BODY_BYTES as u64 + 1),
        )]);
        assert_eq!(check_length(&big).unwrap_err().status, 413);
    }
}
