//! `http::execute` against real HTTP servers on loopback: timeouts,
//! cancellation, redirects across hosts, size caps, bodies spilled to a
//! file, charsets, binary bodies and the 401 retry through the token seam.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use latchkey_core::http::{
    execute, execute_with_tokens, AuthPlacement, CancellationToken, HttpClient, RequestBody,
    RequestSpec, ResponseBody, SendOptions, TokenProvider,
};
use latchkey_core::service::TokenOrigins;
use latchkey_core::{Error, ErrorCode, Secret, TokenPlacement};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Serves `router` on `ip`, port chosen by the OS.
async fn serve_on(ip: &str, router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

async fn serve(router: Router) -> SocketAddr {
    serve_on("127.0.0.1", router).await
}

/// Echoes what arrived: method, URI and the headers that carry credentials.
async fn echo(req: Request) -> Response {
    let h = req.headers();
    let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = serde_json::json!({
        "method": req.method().as_str(),
        "uri": req.uri().to_string(),
        "authorization": get("authorization"),
        "x_api_key": get("x-api-key"),
        "cookie": get("cookie"),
    });
    ([("content-type", "application/json")], body.to_string()).into_response()
}

fn get(url: String) -> RequestSpec {
    RequestSpec {
        url,
        ..Default::default()
    }
}

async fn send(
    spec: RequestSpec,
    auth: Option<AuthPlacement>,
    options: SendOptions,
) -> latchkey_core::Result<latchkey_core::http::HttpResponse> {
    let dir = tempfile::tempdir().unwrap();
    let request = spec.prepare(None).unwrap();
    // The first URL's origin is the one token origin.
    let origins = TokenOrigins::of_urls(&[request.url.as_str()]);
    execute(
        &HttpClient::new(),
        &request,
        auth,
        &origins,
        &options,
        dir.path(),
        &CancellationToken::new(),
    )
    .await
}

fn bearer(token: &str) -> AuthPlacement {
    AuthPlacement::new(&TokenPlacement::default(), Secret::new(token))
}

fn json_of(response: &latchkey_core::http::HttpResponse) -> serde_json::Value {
    response.json().expect("a JSON body")
}

#[tokio::test]
async fn a_slow_server_hits_the_total_timeout() {
    let addr = serve(Router::new().route(
        "/slow",
        any(|| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            "late"
        }),
    ))
    .await;
    let started = Instant::now();
    let options = SendOptions {
        timeout_ms: 300,
        ..Default::default()
    };
    let err = send(get(format!("http://{addr}/slow?secret=1")), None, options)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Timeout, "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
    let msg = err.to_string();
    assert!(
        msg.contains("within 0.3 s") && msg.contains("/slow"),
        "{msg}"
    );
    assert!(!msg.contains("secret"), "the query is never echoed: {msg}");
}

#[tokio::test]
async fn a_body_that_trickles_past_the_deadline_times_out_too() {
    let addr = serve(Router::new().route(
        "/trickle",
        any(|| async {
            let stream = async_stream(5, Duration::from_millis(200));
            Response::new(Body::from_stream(stream))
        }),
    ))
    .await;
    let options = SendOptions {
        timeout_ms: 500,
        ..Default::default()
    };
    let err = send(get(format!("http://{addr}/trickle")), None, options)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Timeout, "{err}");
}

/// A body of `count` chunks, one every `gap`, fed by a task.
fn async_stream(count: usize, gap: Duration) -> Chunks {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        for _ in 0..count {
            tokio::time::sleep(gap).await;
            if tx.send(Ok(b"chunk ".to_vec())).await.is_err() {
                return;
            }
        }
    });
    Chunks(rx)
}

struct Chunks(tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>);

impl futures_core::Stream for Chunks {
    type Item = Result<Vec<u8>, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

#[tokio::test]
async fn a_request_in_flight_can_be_cancelled() {
    let addr = serve(Router::new().route(
        "/slow",
        any(|| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            "late"
        }),
    ))
    .await;
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        trigger.cancel();
    });
    let dir = tempfile::tempdir().unwrap();
    let request = get(format!("http://{addr}/slow")).prepare(None).unwrap();
    let started = Instant::now();
    let err = execute(
        &HttpClient::new(),
        &request,
        None,
        &TokenOrigins::none(),
        &SendOptions::default(),
        dir.path(),
        &cancel,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// Server B echoes; server A redirects to B (another host) or to itself.
async fn redirect_servers() -> (SocketAddr, SocketAddr) {
    // 127.0.0.2 is loopback too on Linux: a different host, not just a port.
    let other_ip = if std::net::TcpListener::bind("127.0.0.2:0").is_ok() {
        "127.0.0.2"
    } else {
        "127.0.0.1"
    };
    let b = serve_on(other_ip, Router::new().route("/echo", any(echo))).await;
    let a = serve(
        Router::new()
            .route("/echo", any(echo))
            .route(
                "/away",
                any(move || async move {
                    (
                        StatusCode::FOUND,
                        [("location", format!("http://{b}/echo?x=1"))],
                    )
                        .into_response()
                }),
            )
            .route(
                "/away-307",
                any(move || async move {
                    (
                        StatusCode::TEMPORARY_REDIRECT,
                        [("location", format!("http://{b}/echo"))],
                    )
                        .into_response()
                }),
            )
            .route(
                "/here",
                any(|| async { (StatusCode::SEE_OTHER, [("location", "/echo")]).into_response() }),
            )
            .route(
                "/loop",
                any(|| async { (StatusCode::FOUND, [("location", "/loop")]).into_response() }),
            ),
    )
    .await;
    (a, b)
}

#[tokio::test]
async fn redirects_to_another_host_never_carry_credentials() {
    let (a, b) = redirect_servers().await;
    let mut spec = get(format!("http://{a}/away"));
    spec.headers.push(latchkey_core::Param {
        name: "Cookie".into(),
        value: "session=1".into(),
    });
    let response = send(spec, Some(bearer("tok-123")), SendOptions::default())
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.redirects, 1);
    assert!(
        response.url.starts_with(&format!("http://{b}/echo")),
        "{}",
        response.url
    );
    let seen = json_of(&response);
    assert_eq!(seen["authorization"], serde_json::Value::Null, "{seen}");
    assert_eq!(seen["cookie"], serde_json::Value::Null, "{seen}");

    // A custom token header and a 307 (method and body kept) across hosts.
    let key = AuthPlacement::new(
        &TokenPlacement::Header {
            name: "X-Api-Key".into(),
            prefix: String::new(),
        },
        Secret::new("k-1"),
    );
    let spec = RequestSpec {
        method: "POST".into(),
        url: format!("http://{a}/away-307"),
        body: RequestBody::Json { text: "{}".into() },
        ..Default::default()
    };
    let seen = json_of(&send(spec, Some(key), SendOptions::default()).await.unwrap());
    assert_eq!(seen["method"], "POST");
    assert_eq!(seen["x_api_key"], serde_json::Value::Null, "{seen}");

    // A token in the query is not forwarded either.
    let query = AuthPlacement::new(
        &TokenPlacement::Query {
            name: "access_token".into(),
        },
        Secret::new("q-1"),
    );
    let seen = json_of(
        &send(
            get(format!("http://{a}/away")),
            Some(query),
            SendOptions::default(),
        )
        .await
        .unwrap(),
    );
    assert_eq!(seen["uri"], "/echo?x=1", "{seen}");
}

#[tokio::test]
async fn redirects_on_the_same_host_keep_credentials() {
    let (a, _) = redirect_servers().await;
    let spec = RequestSpec {
        method: "POST".into(),
        url: format!("http://{a}/here"),
        ..Default::default()
    };
    let response = send(spec, Some(bearer("tok-123")), SendOptions::default())
        .await
        .unwrap();
    let seen = json_of(&response);
    assert_eq!(seen["authorization"], "Bearer tok-123");
    assert_eq!(seen["method"], "GET", "303 turns POST into GET");
    let query = AuthPlacement::new(
        &TokenPlacement::Query {
            name: "access_token".into(),
        },
        Secret::new("q-1"),
    );
    let response = send(
        get(format!("http://{a}/here")),
        Some(query),
        SendOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(json_of(&response)["uri"], "/echo?access_token=q-1");
    assert!(
        response.url.ends_with("access_token=%5Bredacted%5D"),
        "{}",
        response.url
    );
}

#[tokio::test]
async fn redirect_limits_are_kept() {
    let (a, _) = redirect_servers().await;
    let options = SendOptions {
        max_redirects: 3,
        ..Default::default()
    };
    let err = send(get(format!("http://{a}/loop")), None, options)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("more than 3 redirects"), "{err}");
    let options = SendOptions {
        max_redirects: 0,
        ..Default::default()
    };
    let response = send(get(format!("http://{a}/away")), None, options)
        .await
        .unwrap();
    assert_eq!(response.status, 302);
}

fn big_body(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 26) as u8).collect()
}

async fn big_server(len: usize) -> SocketAddr {
    serve(
        Router::new().route(
            "/big",
            any(move || async move {
                ([("content-type", "text/plain")], big_body(len)).into_response()
            }),
        ),
    )
    .await
}

#[tokio::test]
async fn responses_over_the_cap_stop_with_a_clear_error() {
    let addr = big_server(3 * 1024 * 1024).await;
    let options = SendOptions {
        max_response_bytes: 1024 * 1024,
        ..Default::default()
    };
    let err = send(get(format!("http://{addr}/big")), None, options)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::TooLarge);
    assert!(
        err.to_string().contains("larger than the 1.0 MB limit"),
        "{err}"
    );
}

#[tokio::test]
async fn a_streamed_body_over_the_cap_leaves_no_file_behind() {
    let addr = serve(Router::new().route(
        "/stream",
        any(|| async {
            Response::new(Body::from_stream(async_stream(
                40,
                Duration::from_millis(1),
            )))
        }),
    ))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let request = get(format!("http://{addr}/stream")).prepare(None).unwrap();
    let options = SendOptions {
        max_response_bytes: 100,
        inline_body_bytes: 20,
        ..Default::default()
    };
    let err = execute(
        &HttpClient::new(),
        &request,
        None,
        &TokenOrigins::none(),
        &options,
        dir.path(),
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::TooLarge);
    let spilled = std::fs::read_dir(dir.path().join("responses"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(spilled, 0, "the partial file is removed");
}

#[tokio::test]
async fn large_bodies_are_streamed_to_a_file() {
    let len = 3 * 1024 * 1024 + 7;
    let addr = big_server(len).await;
    let dir = tempfile::tempdir().unwrap();
    let request = get(format!("http://{addr}/big")).prepare(None).unwrap();
    let options = SendOptions {
        inline_body_bytes: 1024 * 1024,
        ..Default::default()
    };
    let response = execute(
        &HttpClient::new(),
        &request,
        None,
        &TokenOrigins::none(),
        &options,
        dir.path(),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(response.size, len as u64);
    let ResponseBody::File { path, note } = &response.body else {
        panic!("{:?}", response.body)
    };
    assert!(
        path.starts_with(&dir.path().join("responses").display().to_string()),
        "{path}"
    );
    assert!(note.contains("saved to"), "{note}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(std::path::Path::new(path)), 0o600);
        assert_eq!(mode(&dir.path().join("responses")), 0o700);
    }
    assert_eq!(std::fs::read(path).unwrap(), big_body(len));
    assert_eq!(response.body_bytes().unwrap().len(), len);
    assert!(response.timings.total_ms >= response.timings.ttfb_ms);
}

#[tokio::test]
async fn text_is_decoded_by_its_charset_and_binary_kept_as_bytes() {
    let addr = serve(
        Router::new()
            .route(
                "/latin1",
                any(|| async {
                    (
                        [("content-type", "text/plain; charset=ISO-8859-1")],
                        b"caf\xe9 cr\xe8me".to_vec(),
                    )
                }),
            )
            .route(
                "/utf8",
                any(|| async { ([("content-type", "application/json")], "{\"name\":\"Zoë\"}") }),
            )
            .route(
                "/png",
                any(|| async {
                    (
                        [("content-type", "image/png")],
                        vec![0x89u8, b'P', b'N', b'G', 0, 1],
                    )
                }),
            ),
    )
    .await;
    let response = send(
        get(format!("http://{addr}/latin1")),
        None,
        SendOptions::default(),
    )
    .await
    .unwrap();
    match &response.body {
        ResponseBody::Text { text, charset, .. } => {
            assert_eq!(text, "café crème");
            assert_eq!(charset, "windows-1252");
        }
        other => panic!("{other:?}"),
    }
    let response = send(
        get(format!("http://{addr}/utf8")),
        None,
        SendOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(json_of(&response)["name"], "Zoë");
    assert_eq!(response.content_type.as_deref(), Some("application/json"));
    let response = send(
        get(format!("http://{addr}/png")),
        None,
        SendOptions::default(),
    )
    .await
    .unwrap();
    let ResponseBody::Binary { note, .. } = &response.body else {
        panic!("{:?}", response.body)
    };
    assert!(note.contains("image/png"), "{note}");
    assert_eq!(
        response.body_bytes().unwrap(),
        vec![0x89u8, b'P', b'N', b'G', 0, 1]
    );
}

/// Hands out `stale` until asked to refresh, then `fresh`; records each ask.
struct FakeProvider {
    asks: Mutex<Vec<bool>>,
}

impl TokenProvider for FakeProvider {
    async fn token(&self, force_refresh: bool) -> latchkey_core::Result<Secret> {
        self.asks.lock().unwrap().push(force_refresh);
        Ok(Secret::new(if force_refresh { "fresh" } else { "stale" }))
    }
}

async fn guarded_server(accept: &'static str, hits: Arc<AtomicUsize>) -> SocketAddr {
    serve(Router::new().route(
        "/me",
        any(move |headers: HeaderMap| {
            let hits = hits.clone();
            async move {
                hits.fetch_add(1, Ordering::SeqCst);
                let ok = headers.get("authorization").is_some_and(|v| v == accept);
                if ok {
                    (StatusCode::OK, "{\"id\":1}").into_response()
                } else {
                    (StatusCode::UNAUTHORIZED, "expired").into_response()
                }
            }
        }),
    ))
    .await
}

#[tokio::test]
async fn a_401_refreshes_once_through_the_provider_and_retries() {
    let hits = Arc::new(AtomicUsize::new(0));
    let addr = guarded_server("Bearer fresh", hits.clone()).await;
    let provider = FakeProvider {
        asks: Mutex::new(Vec::new()),
    };
    let dir = tempfile::tempdir().unwrap();
    let request = get(format!("http://{addr}/me")).prepare(None).unwrap();
    let response = execute_with_tokens(
        &HttpClient::new(),
        &request,
        &TokenPlacement::default(),
        &provider,
        &TokenOrigins::of_urls(&[request.url.as_str()]),
        &SendOptions::default(),
        dir.path(),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(*provider.asks.lock().unwrap(), vec![false, true]);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_second_401_is_returned_without_another_refresh() {
    let hits = Arc::new(AtomicUsize::new(0));
    let addr = guarded_server("Bearer never", hits.clone()).await;
    let provider = FakeProvider {
        asks: Mutex::new(Vec::new()),
    };
    let dir = tempfile::tempdir().unwrap();
    let request = get(format!("http://{addr}/me")).prepare(None).unwrap();
    let response = execute_with_tokens(
        &HttpClient::new(),
        &request,
        &TokenPlacement::default(),
        &provider,
        &TokenOrigins::of_urls(&[request.url.as_str()]),
        &SendOptions::default(),
        dir.path(),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(response.status, 401);
    assert_eq!(provider.asks.lock().unwrap().len(), 2);
    assert_eq!(hits.load(Ordering::SeqCst), 2);

    // A fixed token cannot refresh, so its 401 comes back after one try.
    let response = send(
        get(format!("http://{addr}/me")),
        Some(bearer("x")),
        SendOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(response.status, 401);
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error_naming_it() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = send(
        get(format!("http://127.0.0.1:{port}/x?token=abc")),
        None,
        SendOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("127.0.0.1:{port}/x")) && !msg.contains("abc"),
        "{msg}"
    );
}

/// Counts every request that arrives, whatever it carries.
async fn counting_server(hits: Arc<AtomicUsize>) -> SocketAddr {
    serve(Router::new().route(
        "/{*rest}",
        any(move |req: Request| {
            let hits = hits.clone();
            async move {
                hits.fetch_add(1, Ordering::SeqCst);
                echo(req).await
            }
        }),
    ))
    .await
}

#[tokio::test]
async fn a_token_for_an_origin_off_the_list_is_refused_before_anything_leaves() {
    let hits = Arc::new(AtomicUsize::new(0));
    let addr = counting_server(hits.clone()).await;
    let provider = FakeProvider {
        asks: Mutex::new(Vec::new()),
    };
    let dir = tempfile::tempdir().unwrap();
    let request = get(format!("http://{addr}/x?page=1"))
        .prepare(None)
        .unwrap();
    let err = execute_with_tokens(
        &HttpClient::new(),
        &request,
        &TokenPlacement::default(),
        &provider,
        &TokenOrigins::of_urls(&["https://api.example.com/v1"]),
        &SendOptions::default(),
        dir.path(),
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::OriginNotAllowed, "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&format!("http://{addr}")), "{msg}");
    assert!(msg.contains("--no-auth"), "{msg}");
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing was sent");
    assert!(
        provider.asks.lock().unwrap().is_empty(),
        "no token was even fetched"
    );
    // With no token, the same request goes out.
    let response = execute(
        &HttpClient::new(),
        &request,
        None,
        &TokenOrigins::none(),
        &SendOptions::default(),
        dir.path(),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_redirect_carries_the_token_only_to_listed_origins() {
    let (a, b) = redirect_servers().await;
    let dir = tempfile::tempdir().unwrap();
    let request = get(format!("http://{a}/away")).prepare(None).unwrap();
    let both = TokenOrigins::of_urls(&[&format!("http://{a}/"), &format!("http://{b}/")]);
    let response = execute(
        &HttpClient::new(),
        &request,
        Some(bearer("tok-9")),
        &both,
        &SendOptions::default(),
        dir.path(),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(response.url.starts_with(&format!("http://{b}/")));
    assert_eq!(json_of(&response)["authorization"], "Bearer tok-9");
}

#[tokio::test]
async fn a_401_from_an_origin_off_the_list_never_refreshes() {
    let hits = Arc::new(AtomicUsize::new(0));
    let guarded = guarded_server("Bearer fresh", hits.clone()).await;
    // A token origin that redirects to a stranger answering 401.
    let a = serve(Router::new().route(
        "/go",
        any(move || async move {
            (
                StatusCode::FOUND,
                [("location", format!("http://{guarded}/me"))],
            )
                .into_response()
        }),
    ))
    .await;
    let provider = FakeProvider {
        asks: Mutex::new(Vec::new()),
    };
    let dir = tempfile::tempdir().unwrap();
    let request = get(format!("http://{a}/go")).prepare(None).unwrap();
    let response = execute_with_tokens(
        &HttpClient::new(),
        &request,
        &TokenPlacement::default(),
        &provider,
        &TokenOrigins::of_urls(&[request.url.as_str()]),
        &SendOptions::default(),
        dir.path(),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(response.status, 401);
    assert_eq!(*provider.asks.lock().unwrap(), vec![false], "no refresh");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn plain_http_to_another_machine_never_gets_a_token() {
    let dir = tempfile::tempdir().unwrap();
    // Not routable: the check must refuse before any connection is tried.
    let request = get("http://192.0.2.1:9/x".into()).prepare(None).unwrap();
    let err = execute(
        &HttpClient::new(),
        &request,
        Some(bearer("t")),
        &TokenOrigins::of_urls(&["http://192.0.2.1:9/"]),
        &SendOptions::default(),
        dir.path(),
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::OriginNotAllowed, "{err}");
    assert!(err.to_string().contains("plain http"), "{err}");
}
