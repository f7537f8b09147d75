//! `make bench-api`: `POST /v1/services/{s}/users/{u}/request` through the
//! local API against the same upstream called directly with reqwest, in
//! the same run, as ratios (requests/s, p50, p99).
//!
//! The load tool is this file: a bounded concurrent reqwest loop (the same
//! client library on both sides, so the difference is Latchkey: key check,
//! user lookup, token unseal and placement, the send, history, and the
//! JSON answer with `find`). Loopback only, bounded by count and time.
//! Self-contained: a temp data dir, the data key in a temp file (no
//! keyring), and an axum server on 127.0.0.1 playing token endpoint + API.

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use latchkey_core::local_api::Server;
use latchkey_core::{KeySource, Latchkey};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

mod support;
use support::authorize;

const TOKEN: &str = "bench-access-token-0123456789abcdef";
const REQUESTS: usize = 3000;
const WARMUP: usize = 200;
const CONCURRENCY: usize = 16;

/// `LATCHKEY_BENCH_REQUESTS` / `LATCHKEY_BENCH_CONCURRENCY` override the
/// defaults (capped: this is a loopback smoke load, not a stress test).
fn knob(name: &str, default: usize, max: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
        .clamp(1, max)
}
const TIME_CAP: Duration = Duration::from_secs(60);

fn meeting() -> Value {
    json!({
        "subject": "Weekly sync", "starttime": "2030-01-07T15:00:00Z",
        "endtime": "2030-01-07T16:00:00Z", "passwordrequired": false,
        "conferencecallinfo": "Hybrid", "timezonekey": "", "meetingtype": "scheduled"
    })
}

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(tmp.path()));
}

async fn run(tmp: &std::path::Path) {
    let upstream = start_upstream().await;
    let app = Arc::new(
        Latchkey::open_with(Some(&tmp.join("data")), KeySource::File(tmp.join("key")))
            .expect("open"),
    );
    authorize(&app, upstream).await;
    let key = app.rotate_api_key().expect("key");
    let server = Server::bind(Arc::clone(&app), "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("bind");
    let api = server.local_addr();
    let handle = server.spawn();
    let http = reqwest::Client::new();

    let direct = || {
        http.post(format!("http://{upstream}/api/meetings"))
            .bearer_auth(TOKEN)
            .json(&meeting())
    };
    let body = json!({"method": "POST", "url": "/meetings", "json": meeting(), "find": "joinURL"});
    let through = || {
        http.post(format!(
            "http://{api}/v1/services/bench/users/alice/request"
        ))
        .bearer_auth(key.expose())
        .json(&body)
    };

    let requests = knob("LATCHKEY_BENCH_REQUESTS", REQUESTS, 20_000);
    let concurrency = knob("LATCHKEY_BENCH_CONCURRENCY", CONCURRENCY, 64);
    println!(
        "local API benchmark: {requests} POSTs each (after {WARMUP} warm-up), {concurrency} concurrent, loopback, {} CPUs\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    load(&direct, WARMUP, concurrency).await;
    load(&through, WARMUP, concurrency).await;
    let base = load(&direct, requests, concurrency).await;
    let lk = load(&through, requests, concurrency).await;
    println!(
        "{:<28} {:>12} {:>12} {:>8}",
        "", "local API", "direct", "ratio"
    );
    row("requests/s", lk.rps, base.rps, "x");
    row("p50 latency (ms)", lk.p50, base.p50, "x");
    row("p99 latency (ms)", lk.p99, base.p99, "x");
    println!(
        "\nfailures: local API {}, direct {}",
        lk.failures, base.failures
    );
    let _ = handle.stop().await;
}

fn row(what: &str, ours: f64, base: f64, unit: &str) {
    let ratio = if base > 0.0 { ours / base } else { f64::NAN };
    println!("{what:<28} {ours:>12.2} {base:>12.2} {ratio:>7.2}{unit}");
}

struct Figures {
    rps: f64,
    p50: f64,
    p99: f64,
    failures: usize,
}

/// Sends `count` requests, at most `concurrency` in flight, within `TIME_CAP`.
async fn load(
    request: &impl Fn() -> reqwest::RequestBuilder,
    count: usize,
    concurrency: usize,
) -> Figures {
    let gate = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for _ in 0..count {
        let Ok(permit) = Arc::clone(&gate).acquire_owned().await else {
            break;
        };
        if started.elapsed() > TIME_CAP {
            break;
        }
        let send = request().send();
        tasks.spawn(async move {
            let _permit = permit;
            let t = Instant::now();
            let res = send.await.ok()?;
            let ok = res.status().is_success();
            let body = res.bytes().await.ok()?;
            (ok && !body.is_empty()).then(|| t.elapsed().as_secs_f64() * 1000.0)
        });
    }
    let results: Vec<Option<f64>> = tasks.join_all().await;
    let elapsed = started.elapsed().as_secs_f64();
    let mut times: Vec<f64> = results.iter().filter_map(|r| *r).collect();
    let failures = count - times.len();
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        times
            .get(((times.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    Figures {
        rps: times.len() as f64 / elapsed,
        p50: pct(0.50),
        p99: pct(0.99),
        failures,
    }
}

/// The token endpoint and a GoTo-style `POST /api/meetings`.
async fn start_upstream() -> SocketAddr {
    let router = Router::new()
        .route(
            "/token",
            post(|| async {
                Json(json!({
                    "access_token": TOKEN, "token_type": "Bearer",
                    "expires_in": 86400, "refresh_token": "bench-refresh", "scope": "api"
                }))
            }),
        )
        .route(
            "/api/meetings",
            post(|headers: HeaderMap, Json(_body): Json<Value>| async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                if auth != format!("Bearer {TOKEN}") {
                    return (
                        StatusCode::UNAUTHORIZED,
                        Json(json!({"error": "invalid_token"})),
                    );
                }
                (
                    StatusCode::CREATED,
                    Json(json!([{
                        "meetingid": 123456789, "joinURL": "https://meet.example.test/123456789",
                        "conferenceCallInfo": "US: +1 555 010 0199", "maxParticipants": 26,
                        "uniqueMeetingId": 200000001
                    }])),
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}
