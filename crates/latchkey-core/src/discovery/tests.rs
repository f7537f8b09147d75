//! Discovery against a loopback HTTP fixture started inside each test.

use super::*;
use crate::ErrorCode;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const RFC8414: &str = "/.well-known/oauth-authorization-server";
const OIDC: &str = "/.well-known/openid-configuration";

#[derive(Clone)]
struct Reply {
    status: u16,
    content_type: &'static str,
    body: String,
}

fn json(body: String) -> Reply {
    Reply {
        status: 200,
        content_type: "application/json",
        body,
    }
}

fn html() -> Reply {
    Reply {
        status: 200,
        content_type: "text/html; charset=utf-8",
        body: "<!doctype html><title>Sign in</title>".into(),
    }
}

/// A complete metadata document for `issuer`, with endpoints under `base`.
fn document(issuer: &str, base: &str) -> String {
    serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "revocation_endpoint": format!("{base}/revoke"),
        "device_authorization_endpoint": format!("{base}/device"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "scopes_supported": ["openid", "email"],
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "grant_types_supported": ["authorization_code", "refresh_token"]
    })
    .to_string()
}

struct Fixture {
    base: String,
    /// The request heads the fixture received, in order.
    requests: Arc<Mutex<Vec<String>>>,
}

/// Serves fixed replies by exact path; anything else is a 404.
async fn serve(routes: impl FnOnce(&str) -> Vec<(String, Reply)>) -> Fixture {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let routes: Arc<HashMap<String, Reply>> = Arc::new(routes(&base).into_iter().collect());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let routes = routes.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut n = 0;
                while !buf[..n].windows(4).any(|w| w == b"\r\n\r\n") && n < buf.len() {
                    match sock.read(&mut buf[n..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => n += k,
                    }
                }
                let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                seen.lock().unwrap().push(head);
                let reply = routes.get(&path).cloned().unwrap_or(Reply {
                    status: 404,
                    content_type: "text/plain",
                    body: "not found".into(),
                });
                let text = format!(
                    "HTTP/1.1 {} Fixture\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                    reply.status,
                    reply.content_type,
                    reply.body.len(),
                    reply.body
                );
                let _ = sock.write_all(text.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    Fixture { base, requests }
}

fn client() -> Client {
    http_client_with_timeout(Duration::from_secs(5)).unwrap()
}

#[tokio::test]
async fn rfc8414_document_is_preferred() {
    let fx = serve(|base| {
        vec![
            (RFC8414.into(), json(document(base, base))),
            (
                OIDC.into(),
                json(document(base, "https://elsewhere.example")),
            ),
        ]
    })
    .await;
    let found = discover(&client(), &fx.base).await.unwrap();
    assert_eq!(found.issuer, fx.base);
    assert_eq!(found.document_url, format!("{}{RFC8414}", fx.base));
    assert_eq!(
        found.authorization_endpoint,
        Some(format!("{}/authorize", fx.base))
    );
    assert_eq!(found.token_endpoint, format!("{}/token", fx.base));
    assert_eq!(
        found.revocation_endpoint,
        Some(format!("{}/revoke", fx.base))
    );
    assert_eq!(
        found.device_authorization_endpoint,
        Some(format!("{}/device", fx.base))
    );
    assert_eq!(
        found.userinfo_endpoint,
        Some(format!("{}/userinfo", fx.base))
    );
    assert_eq!(found.scopes_supported, ["openid", "email"]);
    assert_eq!(
        found.grant_types_supported,
        ["authorization_code", "refresh_token"]
    );
    assert_eq!(found.suggested_pkce, PkceMode::S256);
    assert_eq!(found.suggested_client_auth, ClientAuth::Post);

    // The OIDC document (endpoints elsewhere) only fills gaps: none here.
    assert_eq!(found.documents.len(), 2);
    assert!(found
        .endpoint_sources
        .iter()
        .all(|s| s.document_url == format!("{}{RFC8414}", fx.base)));
    let requests = fx.requests.lock().unwrap();
    assert_eq!(requests.len(), 2, "both documents asked");
    let head = requests[0].to_ascii_lowercase();
    assert!(
        head.contains(&format!("user-agent: latchkey/{}", crate::VERSION)),
        "{head}"
    );
    assert!(head.contains("accept: application/json"), "{head}");
}

#[tokio::test]
async fn openid_only_server_is_found_second() {
    let fx = serve(|base| vec![(OIDC.into(), json(document(base, base)))]).await;
    let found = discover(&client(), &fx.base).await.unwrap();
    assert_eq!(found.document_url, format!("{}{OIDC}", fx.base));
    assert_eq!(found.token_endpoint, format!("{}/token", fx.base));
    let paths: Vec<String> = fx
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|h| h.split(' ').nth(1).unwrap().to_string())
        .collect();
    assert_eq!(paths, [RFC8414, OIDC]);
}

#[tokio::test]
async fn issuer_with_a_path_uses_path_insertion_then_appending() {
    let fx = serve(|base| {
        let issuer = format!("{base}/tenant/v2");
        vec![(format!("/tenant/v2{OIDC}"), json(document(&issuer, base)))]
    })
    .await;
    let issuer = format!("{}/tenant/v2", fx.base);
    let found = discover(&client(), &issuer).await.unwrap();
    assert_eq!(found.issuer, issuer);
    let paths: Vec<String> = fx
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|h| h.split(' ').nth(1).unwrap().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            format!("{RFC8414}/tenant/v2"),
            format!("/tenant/v2{OIDC}"),
            format!("/tenant/v2{RFC8414}")
        ]
    );

    let fx = serve(|base| {
        let issuer = format!("{base}/tenant/v2");
        vec![(
            format!("{RFC8414}/tenant/v2"),
            json(document(&issuer, base)),
        )]
    })
    .await;
    let found = discover(&client(), &format!("{}/tenant/v2", fx.base))
        .await
        .unwrap();
    assert_eq!(
        found.document_url,
        format!("{}{RFC8414}/tenant/v2", fx.base)
    );
}

#[test]
fn well_known_urls_follow_both_rules() {
    let urls = |s: &str| {
        well_known_urls(&Url::parse(s).unwrap())
            .into_iter()
            .map(|u| u.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        urls("https://as.example"),
        [
            "https://as.example/.well-known/oauth-authorization-server",
            "https://as.example/.well-known/openid-configuration"
        ]
    );
    assert_eq!(
        urls("https://as.example/realms/a/"),
        [
            "https://as.example/.well-known/oauth-authorization-server/realms/a",
            "https://as.example/realms/a/.well-known/openid-configuration",
            "https://as.example/realms/a/.well-known/oauth-authorization-server"
        ]
    );
}

/// django-oauth-toolkit under `/o/`: no path-insertion document, an OIDC
/// document without revocation, and the appended RFC 8414 document with it.
#[tokio::test]
async fn documents_are_merged_and_each_endpoint_names_its_source() {
    let fx = serve(|base| {
        let issuer = format!("{base}/o");
        let mut oidc: serde_json::Value =
            serde_json::from_str(&document(&issuer, &issuer)).unwrap();
        oidc.as_object_mut().unwrap().remove("revocation_endpoint");
        oidc.as_object_mut()
            .unwrap()
            .remove("device_authorization_endpoint");
        let mut appended: serde_json::Value =
            serde_json::from_str(&document(&issuer, &issuer)).unwrap();
        appended["authorization_response_iss_parameter_supported"] = true.into();
        vec![
            (format!("/o{OIDC}"), json(oidc.to_string())),
            (format!("/o{RFC8414}"), json(appended.to_string())),
        ]
    })
    .await;
    let issuer = format!("{}/o", fx.base);
    let found = discover(&client(), &issuer).await.unwrap();
    let oidc_url = format!("{issuer}{OIDC}");
    let appended_url = format!("{issuer}{RFC8414}");
    assert_eq!(found.document_url, oidc_url);
    assert_eq!(found.documents, [oidc_url.clone(), appended_url.clone()]);
    assert_eq!(found.revocation_endpoint, Some(format!("{issuer}/revoke")));
    assert!(found.authorization_response_iss_parameter_supported);
    let source = |name: &str| {
        found
            .endpoint_sources
            .iter()
            .find(|s| s.endpoint == name)
            .map(|s| s.document_url.clone())
    };
    assert_eq!(source("token_endpoint"), Some(oidc_url.clone()));
    assert_eq!(source("revocation_endpoint"), Some(appended_url.clone()));
    assert_eq!(source("device_authorization_endpoint"), Some(appended_url));
}

/// Each document is checked on its own: one for another issuer is not
/// used, even when another document is fine.
#[tokio::test]
async fn a_document_for_another_issuer_is_not_merged() {
    let fx = serve(|base| {
        let issuer = format!("{base}/o");
        let mut oidc: serde_json::Value =
            serde_json::from_str(&document(&issuer, &issuer)).unwrap();
        oidc.as_object_mut().unwrap().remove("revocation_endpoint");
        vec![
            (format!("/o{OIDC}"), json(oidc.to_string())),
            (
                format!("/o{RFC8414}"),
                json(document("https://evil.example", "https://evil.example")),
            ),
        ]
    })
    .await;
    let found = discover(&client(), &format!("{}/o", fx.base))
        .await
        .unwrap();
    assert_eq!(found.revocation_endpoint, None);
    assert_eq!(found.documents.len(), 1);
    assert!(found
        .endpoint_sources
        .iter()
        .all(|s| !s.url.contains("evil")));
}

#[tokio::test]
async fn issuer_mismatch_is_refused() {
    let fx =
        serve(|base| vec![(RFC8414.into(), json(document("https://evil.example", base)))]).await;
    let err = discover(&client(), &fx.base).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ProviderError);
    let msg = err.to_string();
    assert!(msg.contains("`https://evil.example`"), "{msg}");
    assert!(msg.contains(&format!("not `{}`", fx.base)), "{msg}");

    // A trailing slash is a different issuer too (RFC 8414 §3.3: identical).
    let fx = serve(|base| vec![(OIDC.into(), json(document(base, base)))]).await;
    let err = discover(&client(), &format!("{}/", fx.base))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ProviderError, "{err}");
}

#[tokio::test]
async fn html_answers_are_named_as_such() {
    let fx = serve(|_| vec![(RFC8414.into(), html()), (OIDC.into(), html())]).await;
    let err = discover(&client(), &fx.base).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ProviderError);
    let msg = err.to_string();
    assert!(
        msg.contains(&format!(
            "{}{RFC8414} answered text/html, not a JSON discovery document",
            fx.base
        )),
        "{msg}"
    );
    assert!(msg.ends_with("enter the endpoints by hand"), "{msg}");

    // An HTML page at one URL does not hide a valid document at the other.
    let fx = serve(|base| {
        vec![
            (RFC8414.into(), html()),
            (OIDC.into(), json(document(base, base))),
        ]
    })
    .await;
    assert!(discover(&client(), &fx.base).await.is_ok());
}

#[tokio::test]
async fn a_body_that_is_not_json_or_not_metadata_is_named() {
    let fx = serve(|_| {
        vec![
            (
                RFC8414.into(),
                Reply {
                    status: 200,
                    content_type: "application/json",
                    body: "{oops".into(),
                },
            ),
            (OIDC.into(), json("[1, 2]".into())),
        ]
    })
    .await;
    let msg = discover(&client(), &fx.base).await.unwrap_err().to_string();
    assert!(
        msg.contains("answered application/json that is not JSON"),
        "{msg}"
    );
    assert!(
        msg.contains("answered JSON that is not a discovery document"),
        "{msg}"
    );
}

#[tokio::test]
async fn not_found_on_both_paths_says_so() {
    let fx = serve(|_| vec![]).await;
    let err = discover(&client(), &fx.base).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ProviderError);
    assert_eq!(
        err.to_string(),
        format!(
            "no discovery document at {b}{RFC8414} or {b}{OIDC}: enter the endpoints by hand",
            b = fx.base
        )
    );
}

#[tokio::test]
async fn server_errors_and_redirects_are_reported_with_their_status() {
    let fx = serve(|_| {
        vec![
            (
                RFC8414.into(),
                Reply {
                    status: 500,
                    content_type: "text/plain",
                    body: "boom".into(),
                },
            ),
            (
                OIDC.into(),
                Reply {
                    status: 302,
                    content_type: "text/plain",
                    body: String::new(),
                },
            ),
        ]
    })
    .await;
    let msg = discover(&client(), &fx.base).await.unwrap_err().to_string();
    assert!(
        msg.contains(&format!(
            "{}{RFC8414} answered HTTP 500 Internal Server Error",
            fx.base
        )),
        "{msg}"
    );
    assert!(msg.contains("HTTP 302 (a redirect"), "{msg}");
}

#[tokio::test]
async fn missing_required_fields_are_named() {
    let fx = serve(|base| {
        let mut doc: serde_json::Value = serde_json::from_str(&document(base, base)).unwrap();
        doc.as_object_mut().unwrap().remove("token_endpoint");
        vec![(RFC8414.into(), json(doc.to_string()))]
    })
    .await;
    let err = discover(&client(), &fx.base).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ProviderError);
    assert!(err.to_string().contains("has no `token_endpoint`"), "{err}");

    let fx = serve(|base| {
        let mut doc: serde_json::Value = serde_json::from_str(&document(base, base)).unwrap();
        doc.as_object_mut()
            .unwrap()
            .remove("authorization_endpoint");
        vec![(RFC8414.into(), json(doc.to_string()))]
    })
    .await;
    let err = discover(&client(), &fx.base).await.unwrap_err();
    assert!(
        err.to_string().contains("has no `authorization_endpoint`"),
        "{err}"
    );

    let fx = serve(|base| {
        vec![(
            OIDC.into(),
            json(format!(r#"{{"token_endpoint":"{base}/token"}}"#)),
        )]
    })
    .await;
    let err = discover(&client(), &fx.base).await.unwrap_err();
    assert!(err.to_string().contains("has no `issuer`"), "{err}");
}

#[tokio::test]
async fn client_credentials_only_server_needs_no_authorize_endpoint() {
    let fx = serve(|base| {
        let doc = serde_json::json!({
            "issuer": base,
            "token_endpoint": format!("{base}/token"),
            "grant_types_supported": ["client_credentials"]
        });
        vec![(RFC8414.into(), json(doc.to_string()))]
    })
    .await;
    let found = discover(&client(), &fx.base).await.unwrap();
    assert_eq!(found.authorization_endpoint, None);
    assert_eq!(found.suggested_client_auth, ClientAuth::Basic);
}

#[tokio::test]
async fn plain_http_endpoints_on_remote_hosts_are_refused() {
    let fx = serve(|base| {
        let mut doc: serde_json::Value = serde_json::from_str(&document(base, base)).unwrap();
        doc["token_endpoint"] = "http://as.example/token?api_key=hunter2".into();
        vec![(RFC8414.into(), json(doc.to_string()))]
    })
    .await;
    let err = discover(&client(), &fx.base).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ProviderError);
    let msg = err.to_string();
    assert!(
        msg.contains("`token_endpoint`") && msg.contains("must use https"),
        "{msg}"
    );
    assert!(!msg.contains("hunter2"), "a query string leaked: {msg}");
}

#[tokio::test]
async fn connection_refused_names_the_url() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap().port()
    };
    let issuer = format!("http://127.0.0.1:{port}");
    let err = discover(&client(), &issuer).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Network);
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "cannot reach {issuer}{RFC8414}: could not connect"
        )),
        "{msg}"
    );
}

#[tokio::test]
async fn dns_failure_names_the_url() {
    // `.invalid` never resolves (RFC 6761).
    let err = discover(&client(), "https://latchkey-test.invalid")
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Network, "{err}");
    assert!(
        err.to_string()
            .contains("https://latchkey-test.invalid/.well-known/"),
        "{err}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            open.push(sock); // accepted, never answered
        }
    });
    let client = http_client_with_timeout(Duration::from_millis(300)).unwrap();
    let started = std::time::Instant::now();
    let err = discover(&client, &base).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.code(), ErrorCode::Network);
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("{base}{RFC8414}")) && msg.contains("timed out"),
        "{msg}"
    );
    held.abort();
}

#[tokio::test]
async fn bad_issuers_are_refused_before_any_request() {
    let c = client();
    for (issuer, needle) in [
        ("", "the issuer URL is empty"),
        ("login.example.com", "is not a URL"),
        ("http://login.example.com", "must use https"),
        ("ftp://login.example.com", "must use https"),
        (
            "https://login.example.com/?token=hunter2",
            "has a query or fragment",
        ),
        ("not a url?access_token=hunter2", "is not a URL"),
    ] {
        let err = discover(&c, issuer).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{issuer}: {err}");
        let msg = err.to_string();
        assert!(msg.contains(needle), "{issuer}: {msg}");
        assert!(!msg.contains("hunter2"), "a query string leaked: {msg}");
    }
}

#[test]
fn loopback_http_issuers_are_allowed() {
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost:9000/realm",
        "http://[::1]:1",
    ] {
        assert!(parse_issuer(ok).is_ok(), "{ok}");
    }
    assert!(parse_issuer("http://127.0.0.1.example.com").is_err());
}

#[test]
fn suggestions_follow_the_supported_lists() {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(suggest_pkce(&v(&[])), PkceMode::S256);
    assert_eq!(suggest_pkce(&v(&["plain", "S256"])), PkceMode::S256);
    // Never plain or off: those are a person's explicit choice.
    assert_eq!(suggest_pkce(&v(&["plain"])), PkceMode::S256);
    assert_eq!(suggest_pkce(&v(&["S512"])), PkceMode::S256);
    assert_eq!(suggest_client_auth(&v(&[])), ClientAuth::Basic);
    assert_eq!(
        suggest_client_auth(&v(&["client_secret_post", "client_secret_basic"])),
        ClientAuth::Basic
    );
    assert_eq!(
        suggest_client_auth(&v(&["private_key_jwt", "client_secret_post"])),
        ClientAuth::Post
    );
    assert_eq!(suggest_client_auth(&v(&["none"])), ClientAuth::None);
    assert_eq!(
        suggest_client_auth(&v(&["private_key_jwt"])),
        ClientAuth::Basic
    );
}
