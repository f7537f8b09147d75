//! Where credentials may go, through the `Latchkey` handle every front end
//! uses: only to the service's token origins, and API keys as real, sealed
//! credentials.

use crate::support::{file_contains, open};
use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;
use latchkey_core::http::{
    AuthPlacement, CancellationToken, HistoryFilter, RequestSpec, SavedRequestInput,
};
use latchkey_core::{
    AuthKind, ErrorCode, Latchkey, Secret, SendRequest, ServiceInput, TokenPlacement,
};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const KEY: &str = "key-SECRET-4d5e6f";
const NEW_KEY: &str = "key-RENEWED-7a8b9c";

/// Echoes every request header back as JSON and counts the requests.
async fn echo_server(hits: Arc<AtomicUsize>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let echo = move |req: Request| {
        let hits = hits.clone();
        async move {
            hits.fetch_add(1, Ordering::SeqCst);
            let headers = crate::support::headers_json(&req);
            let doc = serde_json::json!({ "uri": req.uri().to_string(), "headers": headers });
            ([("content-type", "application/json")], doc.to_string()).into_response()
        }
    };
    tokio::spawn(async move {
        let _ = axum::serve(listener, Router::new().fallback(any(echo))).await;
    });
    addr
}

fn keyed_service(addr: SocketAddr) -> ServiceInput {
    ServiceInput {
        slug: "keyed".into(),
        auth_kind: AuthKind::ApiKey,
        api_key: Some(Secret::new(KEY)),
        api_base_url: Some(format!("http://{addr}/v1")),
        token_placement: TokenPlacement::Header {
            name: "X-Api-Key".into(),
            prefix: String::new(),
        },
        ..ServiceInput::default()
    }
}

fn get(service: &str, url: &str) -> SendRequest {
    SendRequest {
        service: Some(service.into()),
        request: RequestSpec {
            url: url.into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Every byte of every file under the data dir contains `needle`?
fn data_dir_contains(app: &Latchkey, needle: &str) -> bool {
    latchkey_core::testing::checkpoint(app).unwrap();
    walkdir(app.data_dir())
        .iter()
        .any(|path| file_contains(path, needle.as_bytes()))
}

fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn a_token_never_goes_to_an_origin_off_the_list_whoever_asks() {
    crate::support::require_keyring();
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    let (api_hits, stranger_hits) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let api = echo_server(api_hits.clone()).await;
    let stranger = echo_server(stranger_hits.clone()).await;
    let mut input = crate::support::valid_input("goto");
    input.api_base_url = Some(format!("http://{api}/G2M/rest"));
    app.create_service(&input).unwrap();

    // A token the caller hands over (as the local API and the window can),
    // to an absolute URL on another origin: refused before a byte leaves.
    let token = AuthPlacement::new(&TokenPlacement::default(), Secret::new("tok-ALICE-1"));
    let send = get("goto", &format!("http://{stranger}/x"));
    let err = app
        .send_request(&send, Some(token.clone()), &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::OriginNotAllowed, "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&format!("http://{stranger}")), "{msg}");
    assert!(msg.contains("--token-origin"), "{msg}");
    assert!(msg.contains("--no-auth"), "{msg}");
    assert_eq!(stranger_hits.load(Ordering::SeqCst), 0);

    // Without a service there is no origin a token may go to.
    let mut loose = get("goto", &format!("http://{api}/G2M/rest/x"));
    loose.service = None;
    let err = app
        .send_request(&loose, Some(token.clone()), &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::OriginNotAllowed, "{err}");
    assert_eq!(api_hits.load(Ordering::SeqCst), 0);

    // The API base URL's origin gets it.
    let sent = app
        .send_request(
            &get("goto", "/meetings"),
            Some(token.clone()),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let seen = sent.response.json().unwrap();
    assert_eq!(seen["headers"]["authorization"], "Bearer tok-ALICE-1");

    // Allowed once the person adds the origin to the service.
    let mut edit = ServiceInput::from(&app.get_service("goto").unwrap().spec);
    edit.token_origins.push(format!("http://{stranger}/"));
    let edited = app.update_service("goto", &edit).unwrap();
    assert_eq!(
        edited.spec.token_origins,
        vec![format!("http://{stranger}")]
    );
    let sent = app
        .send_request(&send, Some(token), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        sent.response.json().unwrap()["headers"]["authorization"],
        "Bearer tok-ALICE-1"
    );
    assert_eq!(stranger_hits.load(Ordering::SeqCst), 1);

    // Export and import carry the list.
    let doc = serde_json::to_string(&app.export_services(&[], false).unwrap()).unwrap();
    let other = open(&tmp.path().join("other"));
    let imported = other.import_services(&doc).unwrap();
    assert_eq!(
        imported[0].spec.token_origins,
        vec![format!("http://{stranger}")]
    );
}

#[test]
fn token_origins_are_checked_when_a_service_is_saved() {
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    let mut input = crate::support::valid_input("goto");
    input.token_origins = vec!["http://cdn.example.com".into()];
    let err = app.create_service(&input).unwrap_err();
    let payload = err.to_payload();
    assert_eq!(payload.fields[0].field, "token_origins");
    assert!(payload.fields[0].message.contains("plain http"), "{err}");
    input.token_origins = vec!["https://files.example.com/path".into()];
    assert!(app.create_service(&input).is_err());
    // Presets add their providers' documented API hosts.
    let github = latchkey_core::service::draft(Some("github"), "gh").unwrap();
    assert!(github
        .token_origins
        .contains(&"https://uploads.github.com".to_string()));
}

#[tokio::test]
async fn an_api_key_service_sends_its_sealed_key_and_never_shows_it() {
    crate::support::require_keyring();
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    let (hits, stranger_hits) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let addr = echo_server(hits.clone()).await;
    let stranger = echo_server(stranger_hits.clone()).await;
    let service = app.create_service(&keyed_service(addr)).unwrap();
    assert!(service.has_api_key);
    assert!(!serde_json::to_string(&service).unwrap().contains(KEY));

    // User `-` (none): the key goes where the service says.
    let sent = app
        .send(&get("keyed", "/things?page=1"), &CancellationToken::new())
        .await
        .unwrap();
    let seen = sent.response.json().unwrap();
    assert_eq!(seen["headers"]["x-api-key"], KEY, "{seen}");
    assert_eq!(seen["uri"], "/v1/things?page=1");

    // Subject to origin binding like any token.
    let err = app
        .send(
            &get("keyed", &format!("http://{stranger}/steal")),
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::OriginNotAllowed, "{err}");
    assert_eq!(stranger_hits.load(Ordering::SeqCst), 0);

    // A saved request and history keep no trace of it, nor does an export
    // that asks for secrets.
    app.create_saved_request(
        "keyed",
        &SavedRequestInput {
            name: "List".into(),
            request: RequestSpec {
                url: "/things".into(),
                ..Default::default()
            },
            extractors: vec![],
        },
    )
    .unwrap();
    let page = app.history(&HistoryFilter::default()).unwrap();
    for entry in &page.entries {
        let full = serde_json::to_string(&app.history_entry(entry.id).unwrap()).unwrap();
        assert!(!full.contains(KEY), "{full}");
    }
    let export = serde_json::to_string(&app.export_services(&[], true).unwrap()).unwrap();
    assert!(!export.contains(KEY), "{export}");
    assert!(!data_dir_contains(&app, KEY), "the key is sealed at rest");

    // `service edit --api-key-stdin`: a new key replaces the old one.
    let mut edit = ServiceInput::from(&service.spec);
    edit.api_key = Some(Secret::new(NEW_KEY));
    app.update_service("keyed", &edit).unwrap();
    let sent = app
        .send(&get("keyed", "/things"), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        sent.response.json().unwrap()["headers"]["x-api-key"],
        NEW_KEY
    );
    // An edit without a key keeps the stored one.
    app.update_service("keyed", &ServiceInput::from(&service.spec))
        .unwrap();
    let sent = app
        .send(&get("keyed", "/things"), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        sent.response.json().unwrap()["headers"]["x-api-key"],
        NEW_KEY
    );

    // A key in the query instead.
    let mut query = ServiceInput::from(&service.spec);
    query.token_placement = TokenPlacement::Query {
        name: "api_key".into(),
    };
    app.update_service("keyed", &query).unwrap();
    let sent = app
        .send(&get("keyed", "/q"), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        sent.response.json().unwrap()["uri"],
        format!("/v1/q?api_key={NEW_KEY}")
    );
    assert!(
        !sent.response.url.contains(NEW_KEY),
        "{}",
        sent.response.url
    );
}

#[test]
fn an_api_key_is_refused_where_it_would_never_be_used() {
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    let mut input = crate::support::valid_input("goto");
    input.api_key = Some(Secret::new("k"));
    let err = app.create_service(&input).unwrap_err();
    assert_eq!(err.to_payload().fields[0].field, "api_key");
    assert!(!err.to_string().contains("k\""));
}

#[tokio::test]
async fn an_api_key_service_without_a_key_says_how_to_add_one() {
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    let hits = Arc::new(AtomicUsize::new(0));
    let addr = echo_server(hits.clone()).await;
    let mut input = keyed_service(addr);
    input.api_key = None;
    app.create_service(&input).unwrap();
    let err = app
        .send(&get("keyed", "/x"), &CancellationToken::new())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("--api-key-stdin"), "{err}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}
