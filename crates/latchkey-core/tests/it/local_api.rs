//! The local API as the desktop shell runs it: in-process, on a handle
//! with the bound address and a stop method.

use latchkey_core::local_api::{Server, DEFAULT_PORT};
use latchkey_core::{ErrorCode, KeySource, Latchkey};
use std::sync::Arc;

fn app(tmp: &std::path::Path) -> Arc<Latchkey> {
    let key_file = KeySource::File(tmp.join("key"));
    Arc::new(Latchkey::open_with(Some(&tmp.join("data")), key_file).unwrap())
}

#[tokio::test]
async fn in_process_server_starts_answers_and_stops() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path());
    let key = app.enable_api_key().unwrap().unwrap();
    let server = Server::bind(Arc::clone(&app), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = server.local_addr();
    assert_ne!(addr.port(), 0);
    assert_ne!(addr.port(), DEFAULT_PORT);
    let handle = server.spawn();
    assert_eq!(handle.local_addr(), addr);

    let http = reqwest::Client::new();
    let res = http
        .get(format!("http://{addr}/v1/services"))
        .bearer_auth(key.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "[]");

    // The same port cannot be taken twice.
    let err = Server::bind(Arc::clone(&app), addr).await.err().unwrap();
    assert_eq!(err.code(), ErrorCode::Conflict);

    handle.stop().await.unwrap();
    assert!(http
        .get(format!("http://{addr}/v1/health"))
        .send()
        .await
        .is_err());
}

#[tokio::test]
async fn only_loopback_binds() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path());
    for addr in ["0.0.0.0:0", "[::]:0"] {
        let err = Server::bind(Arc::clone(&app), addr.parse().unwrap())
            .await
            .err()
            .unwrap();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{addr}");
    }
}

#[tokio::test]
async fn serve_stops_when_its_future_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(latchkey_core::local_api::serve(
        app,
        "127.0.0.1:0".parse().unwrap(),
        async move {
            let _ = rx.await;
        },
    ));
    tx.send(()).unwrap();
    task.await.unwrap().unwrap();
}

/// Service `svc` whose redirect URI has a fixed port, and its user `alice`;
/// nothing is sent to the provider to make a login link.
fn fixed_port_service(app: &Latchkey, port: u16) {
    let mut input = crate::support::valid_input("svc");
    input.redirect_uri = Some(format!("http://127.0.0.1:{port}/callback"));
    // A public client: no secret to store for the link.
    input.client_auth = latchkey_core::ClientAuth::None;
    input.pkce = latchkey_core::PkceMode::S256;
    app.create_service(&input).unwrap();
    crate::support::add_user(app, "svc", "alice");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether something listens on `port` (a waiting login's listener).
async fn listening(port: u16) -> bool {
    tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_ok()
}

async fn post_login_link(url: &str, key: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .bearer_auth(key)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
}

/// Waits (up to a generous bound) for something that happens in a
/// background task.
async fn wait_until<F: std::future::Future<Output = bool>>(what: &str, check: impl Fn() -> F) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The window and the local API inside the app share one login registry:
/// a login started in one is replaced and cancelled through the other, and
/// the fixed redirect port passes from one listener to the next.
#[tokio::test]
async fn window_and_local_api_share_waiting_logins() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path());
    let port = free_port();
    fixed_port_service(&app, port);
    let key = app.enable_api_key().unwrap().unwrap();
    let handle = Server::bind(Arc::clone(&app), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
        .spawn();
    let login_link = format!(
        "http://{}/v1/services/svc/users/alice/login-link",
        handle.local_addr()
    );

    // The window starts a login: its listener holds the fixed port.
    let window_link = app
        .start_login("svc", "alice", std::time::Duration::from_secs(300), None)
        .await
        .unwrap();
    assert!(window_link.redirect_uri.contains(&format!(":{port}/")));
    assert!(app.login_waiting("svc", "alice"));
    assert!(listening(port).await);

    // The local API sees it: its link replaces the window's login on the
    // same port instead of finding the port taken.
    let res = post_login_link(&login_link, key.expose()).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let api_link: serde_json::Value = res.json().await.unwrap();
    assert_eq!(api_link["redirect_uri"], window_link.redirect_uri.as_str());
    assert_ne!(api_link["url"], window_link.url.as_str());
    assert!(app.login_waiting("svc", "alice"));
    assert!(listening(port).await);

    // The window's Cancel stops the login the local API started.
    assert!(app.cancel_login("svc", "alice"));
    assert!(!app.login_waiting("svc", "alice"));
    wait_until("the cancelled listener closes", || async {
        !listening(port).await
    })
    .await;
    assert!(!app.cancel_login("svc", "alice"), "nothing left to cancel");

    // A login started through the local API stops with it.
    let res = post_login_link(&login_link, key.expose()).await;
    assert_eq!(res.status(), 200);
    assert!(app.login_waiting("svc", "alice"));
    handle.stop().await.unwrap();
    wait_until("the API's login stops with it", || async {
        !app.login_waiting("svc", "alice") && !listening(port).await
    })
    .await;
}

/// The local API's threads run their own runtimes, and the connections
/// their sends open go to the process's shared pool. After the API is
/// turned off, the window's next send to the same host must still work
/// (a connection driven by a runtime that is gone would hang it).
#[tokio::test]
async fn sends_work_after_the_local_api_that_opened_pooled_connections_stops() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path());
    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_addr = upstream.local_addr().unwrap();
    let router = axum::Router::new()
        .route("/ping", axum::routing::get(|| async { "pong" }))
        .route(
            "/slow",
            axum::routing::get(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                "late"
            }),
        );
    tokio::spawn(async move { axum::serve(upstream, router).await });
    app.create_service(&latchkey_core::ServiceInput {
        slug: "keyed".into(),
        auth_kind: latchkey_core::AuthKind::ApiKey,
        api_key: Some(latchkey_core::Secret::new("key-0123456789")),
        api_base_url: Some(format!("http://{upstream_addr}")),
        ..Default::default()
    })
    .unwrap();
    crate::support::add_user(&app, "keyed", "alice");
    let key = app.enable_api_key().unwrap().unwrap();
    let server = Server::bind(Arc::clone(&app), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = server.local_addr();
    let handle = server.spawn();
    let http = reqwest::Client::new();
    // Several, so connections are opened on more than one serving thread.
    for _ in 0..8 {
        let res = http
            .post(format!(
                "http://{addr}/v1/services/keyed/users/alice/request"
            ))
            .bearer_auth(key.expose())
            .json(&serde_json::json!({"method": "GET", "url": "/ping"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let answer: serde_json::Value = res.json().await.unwrap();
        assert_eq!(answer["body"], "pong", "{answer}");
    }
    // Turned off while sends are on their way: they are cancelled.
    let slow: Vec<_> = (0..4)
        .map(|_| {
            let request = http
                .post(format!(
                    "http://{addr}/v1/services/keyed/users/alice/request"
                ))
                .bearer_auth(key.expose())
                .json(&serde_json::json!({"method": "GET", "url": "/slow"}));
            tokio::spawn(async move { request.send().await.map(|r| r.status()) })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    handle.stop().await.unwrap();
    for call in slow {
        let _ = call.await;
    }

    let send = latchkey_core::SendRequest {
        service: Some("keyed".into()),
        request: latchkey_core::http::RequestSpec {
            method: "GET".into(),
            url: "/ping".into(),
            ..Default::default()
        },
        options: latchkey_core::http::SendOptions {
            timeout_ms: 5_000,
            ..Default::default()
        },
        ..Default::default()
    };
    let cancel = latchkey_core::http::CancellationToken::new();
    for _ in 0..8 {
        let sent = app.send(&send, &cancel).await.unwrap();
        assert_eq!(sent.response.status, 200);
    }
}
