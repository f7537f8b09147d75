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
