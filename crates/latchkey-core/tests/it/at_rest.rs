//! What a send leaves under the data dir: large answers and saved requests
//! sealed, history sealed and, as shown, redacted by name and by value.

use crate::support::{file_contains, open};
use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;
use latchkey_core::http::{
    AuthPlacement, CancellationToken, HistoryFilter, RequestBody, RequestSpec, ResponseBody,
    SavedRequestInput,
};
use latchkey_core::{Latchkey, Param, Secret, SendRequest, TokenPlacement};
use std::net::SocketAddr;
use std::path::PathBuf;

const TOKEN: &str = "tok-ATREST-3c4d5e6f";
const NEW_ACCESS: &str = "gho_NEWaccess55667788";
const NEW_REFRESH: &str = "ghr_NEWrefresh99aabbcc";

/// `/big`: 3 MB echoing the Authorization header; `/form-token`: a
/// form-encoded token answer; anything else: the request echoed as JSON.
async fn server() -> SocketAddr {
    async fn handle(req: Request) -> axum::response::Response {
        let auth = crate::support::header(&req, "authorization");
        let path = req.uri().path().to_string();
        let body = axum::body::to_bytes(req.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        match path.as_str() {
            "/api/big" => {
                let doc = format!(
                    "{{\"auth\":\"{auth}\",\"pad\":\"{}\"}}",
                    "y".repeat(3 * 1024 * 1024)
                );
                ([("content-type", "application/json")], doc).into_response()
            }
            "/api/form-token" => (
                [("content-type", "application/x-www-form-urlencoded")],
                format!("access_token={NEW_ACCESS}&token_type=bearer&refresh_token={NEW_REFRESH}"),
            )
                .into_response(),
            _ => (
                [("content-type", "text/plain")],
                String::from_utf8_lossy(&body).into_owned(),
            )
                .into_response(),
        }
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, Router::new().fallback(any(handle))).await;
    });
    addr
}

fn setup(tmp: &std::path::Path, addr: SocketAddr) -> Latchkey {
    crate::support::require_keyring();
    let app = open(tmp);
    let mut input = crate::support::valid_input("svc");
    input.api_base_url = Some(format!("http://{addr}/api"));
    app.create_service(&input).unwrap();
    app
}

fn send(url: &str) -> SendRequest {
    SendRequest {
        service: Some("svc".into()),
        request: RequestSpec {
            method: "POST".into(),
            url: url.into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn bearer() -> Option<AuthPlacement> {
    Some(AuthPlacement::new(
        &TokenPlacement::default(),
        Secret::new(TOKEN),
    ))
}

fn everything_under(app: &Latchkey) -> Vec<PathBuf> {
    latchkey_core::testing::checkpoint(app).unwrap();
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(app.data_dir(), &mut out);
    out
}

#[tokio::test]
async fn a_large_answer_echoing_the_token_is_sealed_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let addr = server().await;
    let app = setup(tmp.path(), addr);
    let sent = app
        .send_request(&send("/big"), bearer(), &CancellationToken::new())
        .await
        .unwrap();
    let ResponseBody::File { path, .. } = &sent.response.body else {
        panic!("{:?}", sent.response.body)
    };
    // The person still gets the whole answer...
    let bytes = sent.response.body_bytes().unwrap();
    assert!(bytes.len() > 3 * 1024 * 1024);
    assert_eq!(
        sent.response.json().unwrap()["auth"],
        format!("Bearer {TOKEN}")
    );
    // ...while the file holds neither the token nor even the padding.
    assert!(!file_contains(path.as_ref(), TOKEN.as_bytes()));
    assert!(!file_contains(path.as_ref(), b"yyyyyyyy"));
    for file in everything_under(&app) {
        assert!(
            !file_contains(&file, TOKEN.as_bytes()),
            "{}",
            file.display()
        );
    }
    // A file cut short does not open as if it were whole.
    let len = std::fs::metadata(path).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len - 100_000)
        .unwrap();
    let err = sent.response.body_bytes().unwrap_err();
    assert!(err.to_string().contains("damaged"), "{err}");
}

#[tokio::test]
async fn a_form_encoded_token_answer_is_redacted_in_history() {
    let tmp = tempfile::tempdir().unwrap();
    let addr = server().await;
    let app = setup(tmp.path(), addr);
    let sent = app
        .send_request(&send("/form-token"), None, &CancellationToken::new())
        .await
        .unwrap();
    let entry = app.history_entry(sent.history_id.unwrap()).unwrap();
    let ResponseBody::Text { text, .. } = &entry.response_body else {
        panic!("{:?}", entry.response_body)
    };
    assert_eq!(
        text,
        "access_token=[redacted]&token_type=[redacted]&refresh_token=[redacted]"
    );
    for file in everything_under(&app) {
        for secret in [NEW_ACCESS, NEW_REFRESH] {
            assert!(
                !file_contains(&file, secret.as_bytes()),
                "{}",
                file.display()
            );
        }
    }
}

#[tokio::test]
async fn raw_bodies_and_credential_headers_are_redacted_in_history() {
    let tmp = tempfile::tempdir().unwrap();
    let addr = server().await;
    let app = setup(tmp.path(), addr);
    let mut request = send("/echo");
    request.request.headers = vec![
        Param {
            name: "X-Auth-Key".into(),
            value: "authkey-SECRET-1234".into(),
        },
        Param {
            name: "Ocp-Apim-Subscription-Key".into(),
            value: "apim-SECRET-5678".into(),
        },
        Param {
            name: "Accept".into(),
            value: "text/plain".into(),
        },
    ];
    request.request.body = RequestBody::Raw {
        content_type: "text/plain".into(),
        text: "grant_type=client_credentials&client_secret=raw-SECRET-9abc".into(),
    };
    let sent = app
        .send_request(&request, None, &CancellationToken::new())
        .await
        .unwrap();
    let entry = app.history_entry(sent.history_id.unwrap()).unwrap();
    let shown: Vec<(&str, &str)> = entry
        .request
        .headers
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("X-Auth-Key", "[redacted]"),
            ("Ocp-Apim-Subscription-Key", "[redacted]"),
            ("Accept", "text/plain")
        ]
    );
    let RequestBody::Raw { text, .. } = &entry.request.body else {
        panic!()
    };
    assert_eq!(
        text,
        "grant_type=client_credentials&client_secret=[redacted]"
    );
    // The echoed answer names nothing, but the value is known by now.
    let whole = serde_json::to_string(&entry).unwrap();
    for secret in ["authkey-SECRET-1234", "apim-SECRET-5678", "raw-SECRET-9abc"] {
        assert!(!whole.contains(secret), "{secret} in {whole}");
    }
}

#[tokio::test]
async fn saved_requests_are_sealed_at_rest_and_read_back_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let addr = server().await;
    let app = setup(tmp.path(), addr);
    let request = RequestSpec {
        method: "POST".into(),
        url: "/meetings".into(),
        headers: vec![Param {
            name: "X-Api-Key".into(),
            value: "typed-key-SECRET-4242".into(),
        }],
        body: RequestBody::Json {
            text: r#"{"subject":"Weekly-sync-subject"}"#.into(),
        },
        ..Default::default()
    };
    app.create_saved_request(
        "svc",
        &SavedRequestInput {
            name: "Create".into(),
            request: request.clone(),
            extractors: vec![],
        },
    )
    .unwrap();
    assert_eq!(
        app.get_saved_request("svc", "Create").unwrap().request,
        request
    );
    assert_eq!(app.list_saved_requests("svc").unwrap()[0].request, request);
    for file in everything_under(&app) {
        for text in ["typed-key-SECRET-4242", "Weekly-sync-subject"] {
            assert!(
                !file_contains(&file, text.as_bytes()),
                "{text} in {}",
                file.display()
            );
        }
    }
    assert!(app
        .history(&HistoryFilter::default())
        .unwrap()
        .entries
        .is_empty());
}
