//! Sending through the `Latchkey` handle: history with secrets redacted
//! (checked in the raw database and WAL bytes), filters, saved requests.

use crate::support::{file_contains, open, valid_input};
use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;
use latchkey_core::http::{
    AuthPlacement, CancellationToken, Extractor, HistoryFilter, HistorySource, RequestBody,
    RequestSpec, SavedRequestInput, SendOptions, TokenProvider,
};
use latchkey_core::json::JsonDocumentCache;
use latchkey_core::{ErrorCode, Param, Secret, SendInput, SendRequest, TokenPlacement};
use std::net::SocketAddr;

const TOKEN: &str = "tok-SECRET-9f8e7d";
const FRESH: &str = "tok-FRESH-1a2b3c";

/// Echoes the request back, token and all, and sets a cookie carrying it:
/// the worst case for history. A path ending in `/missing` gets the same
/// JSON as a 404.
async fn echo_server() -> SocketAddr {
    async fn echo(req: Request) -> axum::response::Response {
        let auth = crate::support::header(&req, "authorization");
        if auth.contains("STALE") {
            return (axum::http::StatusCode::UNAUTHORIZED, "expired").into_response();
        }
        if req.uri().path().ends_with("/slow") {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
        let status = if req.uri().path().ends_with("/missing") {
            axum::http::StatusCode::NOT_FOUND
        } else {
            axum::http::StatusCode::OK
        };
        let uri = req.uri().to_string();
        let body = axum::body::to_bytes(req.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        let doc = serde_json::json!({
            "authorization": auth,
            "uri": uri,
            "body": String::from_utf8_lossy(&body),
            "access_token": "issued-by-server-55",
            "joinURL": "https://meet.example/j/1",
        });
        (
            status,
            [
                ("content-type", "application/json"),
                ("set-cookie", "sid=cookie-SECRET-77"),
            ],
            doc.to_string(),
        )
            .into_response()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, Router::new().fallback(any(echo))).await;
    });
    addr
}

fn setup(tmp: &std::path::Path, addr: SocketAddr) -> latchkey_core::Latchkey {
    let app = open(tmp);
    let mut input = valid_input("echo");
    input.api_base_url = Some(format!("http://{addr}/api"));
    app.create_service(&input).unwrap();
    crate::support::add_user(&app, "echo", "alice");
    app
}

/// `method url` as `alice` of `echo`.
fn as_alice(method: &str, url: &str) -> SendRequest {
    SendRequest {
        service: Some("echo".into()),
        user: Some("alice".into()),
        request: RequestSpec {
            method: method.into(),
            url: url.into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn meeting_request() -> RequestSpec {
    RequestSpec {
        method: "POST".into(),
        url: "/meetings?code=authcode-SECRET-42".into(),
        query: vec![Param {
            name: "page".into(),
            value: "1".into(),
        }],
        headers: vec![Param {
            name: "X-Trace".into(),
            value: "trace-1".into(),
        }],
        body: RequestBody::Json {
            text:
                r#"{"subject":"Standup","passwordrequired":false,"client_secret":"cs-SECRET-31"}"#
                    .into(),
        },
    }
}

#[tokio::test]
async fn history_never_stores_the_token_or_other_secrets() {
    let tmp = tempfile::tempdir().unwrap();
    let addr = echo_server().await;
    let app = setup(tmp.path(), addr);
    let send = SendRequest {
        service: Some("echo".into()),
        user: Some("alice".into()),
        // Typed in lower case: history keeps the method as validated and sent.
        request: RequestSpec {
            method: "post".into(),
            ..meeting_request()
        },
        source: HistorySource::Cli,
        ..Default::default()
    };
    let auth = AuthPlacement::new(&TokenPlacement::default(), Secret::new(TOKEN));
    let sent = app
        .send_request(&send, Some(auth), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(sent.response.status, 200);
    let echoed = sent.response.json().unwrap();
    assert_eq!(
        echoed["authorization"],
        format!("Bearer {TOKEN}"),
        "the token was sent"
    );
    assert_eq!(
        echoed["uri"],
        "/api/meetings?code=authcode-SECRET-42&page=1"
    );

    let entry = app.history_entry(sent.history_id.unwrap()).unwrap();
    assert_eq!(entry.summary.service.as_deref(), Some("echo"));
    assert_eq!(entry.summary.user.as_deref(), Some("alice"));
    assert_eq!(entry.summary.source, HistorySource::Cli);
    assert_eq!(entry.summary.method, "POST");
    assert_eq!(
        entry.summary.url,
        format!("http://{addr}/api/meetings?code=%5Bredacted%5D&page=1")
    );
    let RequestBody::Json { text } = &entry.request.body else {
        panic!()
    };
    assert!(
        text.contains(r#""client_secret":"[redacted]""#)
            && text.contains(r#""passwordrequired":false"#),
        "{text}"
    );
    let stored = serde_json::to_string(&entry).unwrap();
    for secret in [
        TOKEN,
        "authcode-SECRET-42",
        "cs-SECRET-31",
        "cookie-SECRET-77",
        "issued-by-server-55",
    ] {
        assert!(!stored.contains(secret), "{secret} in {stored}");
    }
    assert!(stored.contains("joinURL"), "the rest of the body is kept");

    // The raw bytes of the database and its WAL, as another process would see them.
    let db = app.database_path().to_path_buf();
    let wal = db.with_extension("db-wal");
    assert!(wal.exists() || db.exists());
    for secret in [
        TOKEN,
        "authcode-SECRET-42",
        "cs-SECRET-31",
        "cookie-SECRET-77",
        "issued-by-server-55",
    ] {
        assert!(
            !file_contains(&db, secret.as_bytes()),
            "{secret} in the database file"
        );
        assert!(
            !file_contains(&wal, secret.as_bytes()),
            "{secret} in the WAL"
        );
    }
    // Not even what is harmless: the answer is sealed at rest, and only
    // the history entry above (opened with the key) shows it.
    assert!(
        !file_contains(&db, b"joinURL") && !file_contains(&wal, b"joinURL"),
        "history is sealed at rest"
    );
}

struct Rotating;

impl TokenProvider for Rotating {
    async fn token(&self, force_refresh: bool) -> latchkey_core::Result<Secret> {
        Ok(Secret::new(if force_refresh {
            FRESH.to_string()
        } else {
            format!("STALE-{TOKEN}")
        }))
    }
}

#[tokio::test]
async fn a_refreshed_token_is_redacted_too_and_errors_are_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let addr = echo_server().await;
    let app = setup(tmp.path(), addr);
    let send = as_alice("GET", "/me");
    let sent = app
        .send_request_with_tokens(
            &send,
            &TokenPlacement::default(),
            &Rotating,
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(sent.response.status, 200);
    assert_eq!(
        sent.response.json().unwrap()["authorization"],
        format!("Bearer {FRESH}")
    );

    let slow = SendRequest {
        service: Some("echo".into()),
        request: RequestSpec {
            url: "/slow".into(),
            ..Default::default()
        },
        options: SendOptions {
            timeout_ms: 200,
            ..Default::default()
        },
        ..Default::default()
    };
    let auth = AuthPlacement::new(
        &TokenPlacement::Query {
            name: "access_token".into(),
        },
        Secret::new(TOKEN),
    );
    let err = app
        .send_request(&slow, Some(auth), &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Timeout);

    let page = app.history(&HistoryFilter::default()).unwrap();
    assert_eq!(page.entries.len(), 2);
    assert_eq!(
        page.entries[0]
            .error
            .as_deref()
            .map(|e| e.contains("timeout")),
        Some(true)
    );
    assert_eq!(page.entries[0].status, None);
    let errors = app
        .history(&HistoryFilter {
            status: Some("error".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(errors.entries.len(), 1);
    let alice = app
        .history(&HistoryFilter {
            user: Some("alice".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(alice.entries.len(), 1);
    assert_eq!(
        app.history(&HistoryFilter {
            text: Some("slow".into()),
            ..Default::default()
        })
        .unwrap()
        .entries
        .len(),
        1
    );

    latchkey_core::testing::checkpoint(&app).unwrap();
    for secret in [TOKEN, FRESH] {
        assert!(
            !file_contains(app.database_path(), secret.as_bytes()),
            "{secret} in the database"
        );
    }
    let rerun = app.rerun_request(page.entries[1].id).unwrap();
    assert_eq!(rerun.request.url, "/me");
    app.delete_history(page.entries[1].id).unwrap();
    assert_eq!(app.clear_history(Some("echo")).unwrap(), 1);
    assert!(app
        .history(&HistoryFilter::default())
        .unwrap()
        .entries
        .is_empty());
}

#[tokio::test]
async fn saved_requests_are_validated_and_names_unique() {
    let tmp = tempfile::tempdir().unwrap();
    let addr = echo_server().await;
    let app = setup(tmp.path(), addr);
    let input = SavedRequestInput {
        name: "Create meeting".into(),
        request: meeting_request(),
        extractors: vec![Extractor::FindKey {
            key: "joinURL".into(),
            case_insensitive: false,
            variable: None,
        }],
    };
    let saved = app.create_saved_request("echo", &input).unwrap();
    assert_eq!(saved.service, "echo");
    assert_eq!(saved.request, meeting_request());
    let err = app.create_saved_request("echo", &input).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    let mut other = input.clone();
    other.name = "List meetings".into();
    other.request.body = RequestBody::Json {
        text: "{oops".into(),
    };
    assert_eq!(
        app.create_saved_request("echo", &other).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    other.request.body = RequestBody::None;
    app.create_saved_request("echo", &other).unwrap();
    let mut renamed = other.clone();
    renamed.name = "Create meeting".into();
    assert_eq!(
        app.update_saved_request("echo", "List meetings", &renamed)
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );
    renamed.name = "All meetings".into();
    app.update_saved_request("echo", "List meetings", &renamed)
        .unwrap();
    let names: Vec<String> = app
        .list_saved_requests("echo")
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["All meetings", "Create meeting"]);
    app.delete_saved_request("echo", "All meetings").unwrap();
    assert_eq!(
        app.get_saved_request("echo", "All meetings")
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );

    // Send it and run its extractor.
    let sent = app
        .send_request(
            &SendRequest {
                service: Some("echo".into()),
                request: saved.request.clone(),
                ..Default::default()
            },
            None,
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let values =
        latchkey_core::http::run_extractors(sent.response.json().as_ref(), &saved.extractors);
    assert_eq!(
        values[0].value,
        Some(serde_json::json!("https://meet.example/j/1"))
    );
}

/// A saved request's extractor that names a variable stores what it finds
/// after a successful send, as `--set` does; one that finds nothing, or a
/// failed answer, leaves the variable as it was.
#[tokio::test]
async fn saved_extractors_store_found_values_in_their_variables() {
    let tmp = tempfile::tempdir().unwrap();
    let addr = echo_server().await;
    let app = setup(tmp.path(), addr);
    let find = |key: &str, variable: &str| Extractor::FindKey {
        key: key.into(),
        case_insensitive: false,
        variable: Some(variable.into()),
    };
    let input = SavedRequestInput {
        name: "Create meeting".into(),
        request: meeting_request(),
        extractors: vec![
            find("joinURL", "join"),
            Extractor::JsonPath {
                expression: "$.nothing_here".into(),
                variable: Some("meeting_id".into()),
            },
        ],
    };
    let saved = app.create_saved_request("echo", &input).unwrap();
    assert_eq!(
        app.get_saved_request("echo", "Create meeting")
            .unwrap()
            .extractors,
        input.extractors
    );
    app.set_variable(Some("echo"), "meeting_id", "kept-41")
        .unwrap();

    let cache = JsonDocumentCache::default();
    let cancel = CancellationToken::new();
    let send = |request: RequestSpec| {
        app.send_for_viewer(
            SendInput {
                service: Some("echo".into()),
                user: None,
                request,
                timeout_ms: None,
            },
            None,
            &cache,
            &cancel,
        )
    };
    let outcome = send(saved.request.clone()).await.unwrap();
    let doc = outcome.document.expect("a JSON answer").id;
    assert_eq!(outcome.response.status, 200);
    let values = app
        .extract(&cache, &doc, "echo", &saved.extractors)
        .unwrap();
    assert_eq!(values[0].stored_as.as_deref(), Some("join"));
    assert_eq!(values[1].stored_as, None);
    assert!(values[1].error.is_some());
    let value = |name: &str| {
        app.variable_value(Some("echo"), name)
            .map(|v| v.expose().to_string())
    };
    assert_eq!(value("join").unwrap(), "https://meet.example/j/1");
    assert_eq!(value("meeting_id").unwrap(), "kept-41");

    // A failed answer stores nothing, as `--set` does: its status is the
    // one kept with it, which no caller can override with a 2xx.
    let missing = send(RequestSpec {
        url: "/meetings/missing".into(),
        ..saved.request.clone()
    })
    .await
    .unwrap();
    assert_eq!(missing.response.status, 404);
    let missing = missing.document.expect("a JSON 404 answer").id;
    let on_error = app
        .extract(&cache, &missing, "echo", &[find("joinURL", "last_join")])
        .unwrap();
    assert_eq!(
        on_error[0].value,
        Some(serde_json::json!("https://meet.example/j/1"))
    );
    assert_eq!(on_error[0].stored_as, None);
    assert_eq!(value("last_join").unwrap_err().code(), ErrorCode::NotFound);

    // A bad name stores none of the values, not even the good ones.
    let err = app
        .extract(
            &cache,
            &doc,
            "echo",
            &[find("uri", "last_uri"), find("joinURL", "bad name")],
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(
        err.to_string()
            .contains("`bad name` is not a variable name"),
        "{err}"
    );
    assert_eq!(value("last_uri").unwrap_err().code(), ErrorCode::NotFound);

    // Saving one with a bad name says what a name looks like.
    let mut bad = input.clone();
    bad.name = "Bad".into();
    bad.extractors = vec![find("joinURL", "1st")];
    let err = app.create_saved_request("echo", &bad).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("starting with a letter"), "{err}");
}

/// Sends keep their service and user in memory between changes; a change
/// made through other connections (a second handle, as the CLI or the app
/// holds, and a bare SQLite connection) is still seen by the next send.
#[tokio::test]
async fn a_change_made_elsewhere_is_seen_by_the_next_send() {
    let tmp = tempfile::tempdir().unwrap();
    let addr = echo_server().await;
    let app = setup(tmp.path(), addr);
    let cancel = CancellationToken::new();
    let send = SendRequest {
        source: HistorySource::Cli,
        ..as_alice("GET", "/meetings")
    };
    let auth = || {
        Some(AuthPlacement::new(
            &TokenPlacement::default(),
            Secret::new(TOKEN),
        ))
    };
    let uri = |sent: &latchkey_core::Sent| sent.response.json().unwrap()["uri"].clone();
    for _ in 0..3 {
        let sent = app.send_request(&send, auth(), &cancel).await.unwrap();
        assert_eq!(uri(&sent), "/api/meetings");
    }

    // Another handle on the same data dir moves the API base URL.
    let other = open(tmp.path());
    let mut input = valid_input("echo");
    input.api_base_url = Some(format!("http://{addr}/v2"));
    other.update_service("echo", &input).unwrap();
    let sent = app.send_request(&send, auth(), &cancel).await.unwrap();
    assert_eq!(uri(&sent), "/v2/meetings");

    // A bare connection (no Latchkey code at all) moves it again.
    let raw = rusqlite::Connection::open(app.database_path()).unwrap();
    raw.execute(
        "UPDATE services SET api_base_url = ?1 WHERE slug = 'echo'",
        [format!("http://{addr}/v3")],
    )
    .unwrap();
    let sent = app.send_request(&send, auth(), &cancel).await.unwrap();
    assert_eq!(uri(&sent), "/v3/meetings");

    // The user removed elsewhere: no send as alice any more.
    other.remove_user("echo", "alice").unwrap();
    let err = app.send_request(&send, auth(), &cancel).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
    // History was committed off the request path; reading it waits for that.
    assert_eq!(
        app.history(&HistoryFilter::default())
            .unwrap()
            .entries
            .len(),
        5
    );
}

/// Whichever front end sends, a user who never signed in is refused before
/// anything goes out, with the way to sign in.
#[tokio::test]
async fn a_user_who_has_not_authorized_is_told_to_authorize_first() {
    let addr = echo_server().await;
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), addr);
    let send = as_alice("GET", "/me");
    let err = app
        .send(&send, &CancellationToken::new())
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), ErrorCode::NeedsReauth);
    assert_eq!(
        err.to_string(),
        "user `alice` of service `echo` is not authorized yet (status new): \
         authorize first with `latchkey authorize echo alice`"
    );
    assert!(matches!(
        err,
        latchkey_core::Error::NotAuthorized { ref service, ref user, ref status }
            if service == "echo" && user == "alice" && status == "new"
    ));
    // Asking for the token directly says the same.
    let err = app
        .access_token("echo", "alice", false)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), ErrorCode::NeedsReauth);
    assert!(
        err.to_string().contains("`latchkey authorize echo alice`"),
        "{err}"
    );
}
