//! A scripted session through every way a secret can reach Latchkey, then
//! a search of every byte under the data dir for every secret value: none
//! may be there in readable form.

use crate::support::{setup, sign_in, stored_tokens, OauthServer, BASIC};
use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;
use base64::Engine as _;
use latchkey_core::http::{
    CancellationToken, HistoryFilter, HistorySource, RequestBody, RequestSpec, SavedRequestInput,
};
use latchkey_core::local_api::Server;
use latchkey_core::{AuthKind, Param, Secret, SendRequest, ServiceInput, TokenPlacement};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a GitHub-style token endpoint answers without `Accept: application/json`.
const FORM_ACCESS: &str = "gho_FORMaccess0123456789abcdef";
const FORM_REFRESH: &str = "ghr_FORMrefresh0123456789abcdef";
const RAW_SECRET: &str = "raw-client-SECRET-5a6b7c8d";
const API_KEY: &str = "apikey-SECRET-0f1e2d3c4b";
const SAVED_SECRET: &str = "saved-header-SECRET-77aa88";
const SAVED_PASSWORD: &str = "saved-PASSWORD-99bb00";
const VARIABLE_SECRET: &str = "variable-SECRET-3c4d5e6f";

/// More API on loopback: an echo, a 3 MB answer that embeds the caller's
/// Authorization header, and a form-encoded token answer.
async fn extra_api() -> std::net::SocketAddr {
    async fn handle(req: Request) -> axum::response::Response {
        let path = req.uri().path().to_string();
        let auth = crate::support::header(&req, "authorization");
        let headers = crate::support::headers_json(&req);
        let body = axum::body::to_bytes(req.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        match path.as_str() {
            "/big" => {
                let mut doc = String::from("{\"echo\":\"");
                doc.push_str(&auth);
                doc.push_str("\",\"pad\":\"");
                doc.push_str(&"x".repeat(3 * 1024 * 1024));
                doc.push_str("\",\"again\":\"");
                doc.push_str(&auth);
                doc.push_str("\"}");
                ([("content-type", "application/json")], doc).into_response()
            }
            "/token-form" => (
                [("content-type", "application/x-www-form-urlencoded")],
                format!("access_token={FORM_ACCESS}&scope=repo&token_type=bearer&refresh_token={FORM_REFRESH}"),
            )
                .into_response(),
            _ => {
                let doc = serde_json::json!({
                    "headers": headers,
                    "body": String::from_utf8_lossy(&body),
                });
                ([("content-type", "application/json")], doc.to_string()).into_response()
            }
        }
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, Router::new().fallback(any(handle))).await;
    });
    addr
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn request(method: &str, url: &str) -> RequestSpec {
    RequestSpec {
        method: method.into(),
        url: url.into(),
        ..Default::default()
    }
}

/// Every string under a key that names a token, at any depth.
fn token_values(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(s) if k.contains("token") && k != "token_type" => {
                        out.push(s.clone())
                    }
                    other => token_values(other, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| token_values(v, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_is_readable_anywhere_under_the_data_dir() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = Arc::new(setup(tmp.path(), &server, BASIC));
    let extra = extra_api().await;
    let cancel = CancellationToken::new();

    // Authorize against the real OAuth server.
    let user = sign_in(&app).await;
    let mut secrets: Vec<String> = vec![BASIC.1.to_string()];
    let stored = stored_tokens(&app, user.id).unwrap();
    token_values(&stored, &mut secrets);
    let refresh = stored["refresh_token"].as_str().unwrap().to_string();

    // The extra API is one of the service's token origins.
    let mut edit = ServiceInput::from(&app.get_service("svc").unwrap().spec);
    edit.token_origins.push(format!("http://{extra}"));
    app.update_service("svc", &edit).unwrap();

    // A token answer through the request path: a refresh grant typed in
    // the builder ("no auth"), client authenticated by a typed Basic header.
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", BASIC.0, BASIC.1));
    secrets.push(basic.clone());
    let mut grant = request("POST", &server.endpoint("token_endpoint"));
    grant.headers = vec![Param {
        name: "Authorization".into(),
        value: format!("Basic {basic}"),
    }];
    grant.body = RequestBody::Form {
        fields: vec![
            Param {
                name: "grant_type".into(),
                value: "refresh_token".into(),
            },
            Param {
                name: "refresh_token".into(),
                value: refresh.clone(),
            },
        ],
    };
    let sent = app
        .send(
            &SendRequest {
                service: Some("svc".into()),
                request: grant,
                ..Default::default()
            },
            &cancel,
        )
        .await
        .unwrap();
    assert_eq!(sent.response.status, 200, "{:?}", sent.response.body);
    let answer = sent.response.json().unwrap();
    let before = secrets.len();
    token_values(&answer, &mut secrets);
    assert!(secrets.len() >= before + 2, "new tokens in {answer}");

    // A GitHub-style form-encoded token answer.
    let sent = app
        .send(
            &SendRequest {
                service: Some("svc".into()),
                request: request("POST", &format!("http://{extra}/token-form")),
                ..Default::default()
            },
            &cancel,
        )
        .await
        .unwrap();
    assert_eq!(sent.response.status, 200);
    secrets.extend([FORM_ACCESS.to_string(), FORM_REFRESH.to_string()]);

    // A 3 MB answer echoing alice's token, spilled to a file.
    let sent = app
        .send(
            &SendRequest {
                service: Some("svc".into()),
                user: Some("alice".into()),
                request: request("GET", &format!("http://{extra}/big")),
                ..Default::default()
            },
            &cancel,
        )
        .await
        .unwrap();
    assert!(
        matches!(
            sent.response.body,
            latchkey_core::http::ResponseBody::File { .. }
        ),
        "the 3 MB answer went to a file"
    );
    let echoed = sent.response.json().unwrap();
    let bearer = echoed["echo"].as_str().unwrap().to_string();
    assert!(bearer.starts_with("Bearer "), "{bearer}");
    secrets.push(bearer.trim_start_matches("Bearer ").to_string());

    // A secret variable used where nothing marks it sensitive: a plain
    // header, the query and a JSON body, sent to the echoing API.
    app.set_secret_variable(Some("svc"), "trace", &Secret::new(VARIABLE_SECRET))
        .unwrap();
    let mut traced = request("POST", &format!("http://{extra}/echo?t={{{{trace}}}}"));
    traced.headers = vec![Param {
        name: "X-Trace".into(),
        value: "{{trace}}".into(),
    }];
    traced.body = RequestBody::Json {
        text: r#"{"note":"{{trace}}"}"#.into(),
    };
    app.send(
        &SendRequest {
            service: Some("svc".into()),
            request: traced,
            ..Default::default()
        },
        &cancel,
    )
    .await
    .unwrap();
    secrets.push(VARIABLE_SECRET.to_string());

    // A raw body with a secret through the local API.
    let api_key = app.enable_api_key().unwrap().unwrap();
    secrets.push(api_key.expose().to_string());
    let handle = Server::bind(Arc::clone(&app), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
        .spawn();
    let res = reqwest::Client::new()
        .post(format!(
            "http://{}/v1/services/svc/users/alice/request",
            handle.local_addr()
        ))
        .bearer_auth(api_key.expose())
        .json(&serde_json::json!({
            "method": "POST",
            "url": format!("http://{extra}/echo"),
            "body": format!("grant_type=client_credentials&client_secret={RAW_SECRET}"),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    secrets.push(RAW_SECRET.to_string());
    handle.stop().await.unwrap();

    // An API-key request.
    app.create_service(&ServiceInput {
        slug: "keyed".into(),
        auth_kind: AuthKind::ApiKey,
        api_key: Some(Secret::new(API_KEY)),
        api_base_url: Some(format!("http://{extra}")),
        token_placement: TokenPlacement::Header {
            name: "X-Api-Key".into(),
            prefix: String::new(),
        },
        ..ServiceInput::default()
    })
    .unwrap();
    let sent = app
        .send(
            &SendRequest {
                service: Some("keyed".into()),
                request: request("GET", "/echo"),
                source: HistorySource::Cli,
                ..Default::default()
            },
            &cancel,
        )
        .await
        .unwrap();
    assert_eq!(
        sent.response.json().unwrap()["headers"]["x-api-key"],
        API_KEY
    );
    secrets.push(API_KEY.to_string());

    // A saved request with secrets typed in.
    let mut saved = request("POST", "/meetings");
    saved.headers = vec![Param {
        name: "X-Custom".into(),
        value: SAVED_SECRET.into(),
    }];
    saved.body = RequestBody::Json {
        text: format!("{{\"subject\":\"s\",\"password\":\"{SAVED_PASSWORD}\"}}"),
    };
    app.create_saved_request(
        "svc",
        &SavedRequestInput {
            name: "With secrets".into(),
            request: saved.clone(),
            extractors: vec![],
        },
    )
    .unwrap();
    secrets.extend([SAVED_SECRET.to_string(), SAVED_PASSWORD.to_string()]);
    // It reads back whole (it is sealed, not redacted).
    let back = app.get_saved_request("svc", "With secrets").unwrap();
    assert_eq!(back.request, saved);

    // History: every send is there, and what it shows is redacted.
    let page = app.history(&HistoryFilter::default()).unwrap();
    assert!(page.entries.len() >= 5, "{:?}", page.entries);
    for entry in &page.entries {
        let shown = serde_json::to_string(&app.history_entry(entry.id).unwrap()).unwrap();
        for secret in &secrets {
            if let Some(at) = shown.find(secret.as_str()) {
                let from = shown[..at]
                    .char_indices()
                    .rev()
                    .nth(80)
                    .map_or(0, |(i, _)| i);
                panic!(
                    "history {} shows a secret ({}…) after: {}",
                    entry.id,
                    &secret[..6],
                    &shown[from..at]
                );
            }
        }
    }

    // Then every byte under the data dir.
    latchkey_core::testing::checkpoint(&app).unwrap();
    secrets.retain(|s| s.len() >= 8);
    secrets.sort();
    secrets.dedup();
    let files = files_under(app.data_dir());
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().contains("responses")),
        "{files:?}"
    );
    let mut found = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for secret in &secrets {
            let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            for needle in [secret.as_bytes(), encoded.as_bytes()] {
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    found.push(format!("{} in {}", &secret[..6], file.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} secrets readable at rest ({} values searched in {} files): {found:?}",
        found.len(),
        secrets.len(),
        files.len()
    );
}
