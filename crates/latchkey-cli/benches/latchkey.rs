//! `make bench`: Latchkey against baselines measured in the same run, as
//! ratios (absolute times depend on the machine; ratios much less).
//!
//! 1. A request through `Latchkey::send` (user lookup, token unseal,
//!    placement, send, history) vs plain reqwest, to one loopback server.
//! 2. Find-in-JSON and JSONPath over a ~50 MB document vs serde_json parsing.
//! 3. History at 100,000 records: a page of 50, and a send + record.
//! 4. The `latchkey request` process vs `curl`: wall time and peak RSS.
//!
//! Self-contained: a temp data dir, the data key in a temp file
//! (`LATCHKEY_KEY_FILE`, so no keyring is needed), and an axum server on
//! 127.0.0.1 that plays both the token endpoint and the API.

use axum::routing::{get, post};
use axum::{Json, Router};
use latchkey_core::http::{
    CancellationToken, HistoryFilter, HistoryLimits, HistorySource, RequestSpec,
};
use latchkey_core::json::{find_key, parse_json, query_path};
use latchkey_core::{KeySource, Latchkey, SendRequest};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;
use support::authorize;

const TOKEN: &str = "bench-access-token-0123456789abcdef";

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let key_file = tmp.path().join("data.key");
    let addr = start_server();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let app = Latchkey::open_with(Some(&data), KeySource::File(key_file.clone())).expect("open");
    rt.block_on(authorize(&app, addr));
    // Room for bench 3's 100,000 records (the default keeps 5,000).
    app.set_history_limits(&HistoryLimits {
        max_entries: 1_000_000,
        max_bytes: 64 * 1024 * 1024 * 1024,
        ..HistoryLimits::default()
    })
    .expect("limits");

    println!("Latchkey benchmarks ({})\n", machine());
    let mut rows = Vec::new();
    rows.extend(rt.block_on(bench_send(&app, addr)));
    // `LATCHKEY_BENCH_ONLY=send`: bench 1 alone, to profile the request path.
    if std::env::var("LATCHKEY_BENCH_ONLY").is_ok_and(|v| v == "send") {
        print_table(&rows);
        return;
    }
    // Before the 100,000 records of bench 3, as a new install would run it.
    app.clear_history(None).expect("clear");
    let process = bench_process(&data, &key_file, addr);
    rows.extend(bench_json());
    rows.extend(rt.block_on(bench_history(&app)));
    rows.extend(process);
    print_table(&rows);
}

/// One line of the results: what, Latchkey's figure, the baseline's, the ratio.
struct Row {
    what: String,
    latchkey: String,
    baseline: String,
    ratio: String,
    /// The goal for the ratio, and whether this run meets it.
    goal: Option<(&'static str, bool)>,
}

impl Row {
    fn goal(mut self, goal: &'static str, holds: bool) -> Row {
        self.goal = Some((goal, holds));
        self
    }
}

fn row(what: &str, latchkey: String, baseline: String, ratio: String) -> Row {
    Row {
        what: what.into(),
        latchkey,
        baseline,
        ratio,
        goal: None,
    }
}

fn print_table(rows: &[Row]) {
    println!("| measure | Latchkey | baseline | ratio | goal | holds |");
    println!("| --- | ---: | ---: | ---: | ---: | --- |");
    for r in rows {
        let (goal, holds) = match r.goal {
            Some((goal, true)) => (goal, "yes"),
            Some((goal, false)) => (goal, "no"),
            None => ("-", "-"),
        };
        println!(
            "| {} | {} | {} | {} | {goal} | {holds} |",
            r.what, r.latchkey, r.baseline, r.ratio
        );
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!(
        "{cpu}, {cores} cores, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// The token endpoint and a small JSON API, on its own runtime thread.
fn start_server() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let app = Router::new()
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
                    "/api/meeting",
                    get(|| async {
                        Json(json!([{
                            "meetingid": 123456789, "joinURL": "https://meet.example.test/123456789",
                            "conferenceCallInfo": "US: +1 555 010 0199", "maxParticipants": 26
                        }]))
                    }),
                );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send addr");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    rx.recv().expect("server address")
}

fn send_request() -> SendRequest {
    SendRequest {
        service: Some("bench".into()),
        user: Some("alice".into()),
        request: RequestSpec {
            method: "GET".into(),
            url: "/meeting".into(),
            ..Default::default()
        },
        source: HistorySource::Cli,
        ..Default::default()
    }
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i.min(samples.len() - 1)]
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}", a.as_secs_f64() / b.as_secs_f64().max(1e-12))
}

/// Bench 1: both sides alternate, so drift hits them alike.
async fn bench_send(app: &Latchkey, addr: SocketAddr) -> Vec<Row> {
    let n: usize = std::env::var("LATCHKEY_BENCH_SENDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
        .clamp(100, 100_000);
    let send = send_request();
    let cancel = CancellationToken::new();
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/api/meeting");
    let plain = || async {
        let res = client
            .get(&url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("plain send");
        assert!(res.status().is_success());
        res.bytes().await.expect("plain body")
    };
    for _ in 0..200 {
        app.send(&send, &cancel).await.expect("send");
        plain().await;
    }
    let (mut ours, mut theirs) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let start = Instant::now();
        let sent = app.send(&send, &cancel).await.expect("send");
        ours.push(start.elapsed());
        assert!(sent.response.is_success() && sent.history_id.is_some());
        let start = Instant::now();
        plain().await;
        theirs.push(start.elapsed());
    }
    let (o50, t50) = (percentile(&mut ours, 0.5), percentile(&mut theirs, 0.5));
    let (o99, t99) = (percentile(&mut ours, 0.99), percentile(&mut theirs, 0.99));
    let times = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-12);
    vec![
        row(
            "1. request p50: `Latchkey::send` vs plain reqwest",
            us(o50),
            us(t50),
            ratio(o50, t50),
        )
        .goal("≤ 1.10", times(o50, t50) <= 1.10),
        row("1. request p99", us(o99), us(t99), ratio(o99, t99))
            .goal("≤ 1.5", times(o99, t99) <= 1.5),
    ]
}

/// ~50 MB of meetings, with `joinURL` in every one and nested deeper.
fn document() -> Vec<u8> {
    let mut out = String::with_capacity(52 * 1024 * 1024);
    out.push('[');
    let mut i = 0u64;
    while out.len() < 50 * 1024 * 1024 {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            r#"{{"meetingid":{i},"subject":"Meeting number {i} about things","starttime":"2030-01-15T15:00:00Z","passwordrequired":{},"organizer":{{"email":"user{i}@example.test","name":"User {i}","tags":["a","b","c"]}},"meeting":{{"joinURL":"https://meet.example.test/{i}","maxParticipants":26,"score":{}.5}}}}"#,
            i % 2 == 0,
            i % 1000
        ));
        i += 1;
    }
    out.push(']');
    out.into_bytes()
}

fn mbps(bytes: usize, d: Duration) -> String {
    format!("{:.0} MB/s", bytes as f64 / 1e6 / d.as_secs_f64())
}

/// Bench 2: each Latchkey figure starts from the bytes, like the
/// baseline; the measures take turns so warm-up and drift hit all alike.
fn bench_json() -> Vec<Row> {
    const RUNS: usize = 5;
    let bytes = document();
    let text = std::str::from_utf8(&bytes).expect("utf-8");
    let len = bytes.len();
    let timed = |f: &dyn Fn()| {
        let start = Instant::now();
        f();
        start.elapsed()
    };
    let query = |key: &str, insensitive: bool, path: Option<&str>| {
        let doc = parse_json(text, "the document").expect("parse");
        let matched = match path {
            Some(expression) => query_path(&doc, expression).expect("query").matches.len(),
            None => find_key(&doc, key, insensitive).matches.len(),
        };
        assert!(matched > 100_000);
        drop(std::hint::black_box(doc));
    };
    let parse = || {
        let doc: Value = serde_json::from_slice(&bytes).expect("parse");
        drop(std::hint::black_box(doc));
    };
    parse();
    let mut times: [Vec<Duration>; 5] = Default::default();
    for _ in 0..RUNS {
        times[0].push(timed(&parse));
        times[1].push(timed(&|| query("joinURL", false, None)));
        times[2].push(timed(&|| query("joinurl", true, None)));
        times[3].push(timed(&|| query("", false, Some("$[*].meeting.joinURL"))));
        times[4].push(timed(&|| query("", false, Some("$..joinURL"))));
    }
    let [parse, find, find_ci, path, descendant] = times.map(|mut t| percentile(&mut t, 0.5));
    let size = format!("{:.1} MB", len as f64 / 1e6);
    let rel = |d: Duration| format!("{:.2}", parse.as_secs_f64() / d.as_secs_f64());
    let base = mbps(len, parse);
    vec![
        row(
            &format!("2. find `joinURL` in {size} (parse + find) vs serde_json parse, MB/s"),
            mbps(len, find),
            base.clone(),
            rel(find),
        ),
        row(
            "2. find, case-insensitive",
            mbps(len, find_ci),
            base.clone(),
            rel(find_ci),
        ),
        row(
            "2. JSONPath `$[*].meeting.joinURL` (parse + query)",
            mbps(len, path),
            base.clone(),
            rel(path),
        ),
        row(
            "2. JSONPath `$..joinURL` (parse + query)",
            mbps(len, descendant),
            base,
            rel(descendant),
        )
        .goal(
            "≥ 0.8",
            parse.as_secs_f64() / descendant.as_secs_f64() >= 0.8,
        ),
    ]
}

/// Bench 3: copies one real record to 100,000 rows, then times a page of
/// 50 (plain and filtered) and a send + record against bench 1's send.
async fn bench_history(app: &Latchkey) -> Vec<Row> {
    const TARGET: i64 = 100_000;
    let send = send_request();
    let cancel = CancellationToken::new();
    // A send into a small history, as the baseline of a send at 100,000.
    app.clear_history(None).expect("clear");
    let mut small = Vec::new();
    for _ in 0..200 {
        let start = Instant::now();
        app.send(&send, &cancel).await.expect("send");
        small.push(start.elapsed());
    }
    latchkey_core::testing::write_sql(app, |tx| {
            let columns: Vec<String> = tx
                .prepare("SELECT name FROM pragma_table_info('history') WHERE name != 'id'")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let list = columns.join(", ");
            let count: i64 = tx.query_row("SELECT COUNT(*) FROM history", [], |r| r.get(0))?;
            tx.execute(
                &format!(
                    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?1)
                     INSERT INTO history ({list}) SELECT {list} FROM n, (SELECT * FROM history ORDER BY id LIMIT 1)"
                ),
                [TARGET - count],
            )?;
            Ok(())
    })
    .expect("seed history");
    let page_filter = HistoryFilter {
        limit: 50,
        ..Default::default()
    };
    let first = app.history(&page_filter).expect("page");
    assert_eq!(first.entries.len(), 50);
    let mut pages: Vec<Duration> = (0..200)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(app.history(&page_filter).expect("page"));
            start.elapsed()
        })
        .collect();
    let filtered = HistoryFilter {
        service: Some("bench".into()),
        status: Some("2xx".into()),
        text: Some("meeting".into()),
        limit: 50,
        ..Default::default()
    };
    let mut filtered_pages: Vec<Duration> = (0..50)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(app.history(&filtered).expect("page"));
            start.elapsed()
        })
        .collect();
    let mut big = Vec::new();
    for _ in 0..50 {
        let start = Instant::now();
        app.send(&send, &cancel).await.expect("send");
        big.push(start.elapsed());
    }
    let rows_now = app
        .history(&HistoryFilter {
            limit: 1,
            ..Default::default()
        })
        .expect("page");
    assert!(rows_now.has_more);
    let (p, fp) = (
        percentile(&mut pages, 0.5),
        percentile(&mut filtered_pages, 0.5),
    );
    let (b, s) = (percentile(&mut big, 0.5), percentile(&mut small, 0.5));
    vec![
        row(
            "3. history page of 50 at 100,000 records, p50 (target < 10 ms)",
            ms(p),
            "-".into(),
            "-".into(),
        ),
        row(
            "3. filtered page (service + 2xx + text) at 100,000, p50",
            ms(fp),
            "-".into(),
            "-".into(),
        ),
        row(
            "3. send + insert at 100,000 records vs at ~200, p50",
            ms(b),
            ms(s),
            ratio(b, s),
        ),
    ]
}

/// Runs `cmd` to the end; returns its wall time.
fn run_timed(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("spawn");
    let elapsed = start.elapsed();
    assert!(status.success(), "{cmd:?} failed");
    elapsed
}

/// Peak RSS in KiB, from `/usr/bin/time` (its small fork runs the command,
/// so the bench's own memory is not counted as the child's).
fn peak_rss(cmd: &Command, out: &Path) -> i64 {
    let status = Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(out)
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("/usr/bin/time");
    assert!(status.success(), "{cmd:?} under /usr/bin/time failed");
    std::fs::read_to_string(out)
        .expect("time output")
        .trim()
        .parse()
        .expect("a KiB figure")
}

/// Bench 4: the whole `latchkey request` process vs `curl`, same request.
fn bench_process(data: &Path, key_file: &Path, addr: SocketAddr) -> Vec<Row> {
    const N: usize = 60;
    let latchkey = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_latchkey"));
        cmd.arg("--data-dir")
            .arg(data)
            .args([
                "request", "bench", "alice", "GET", "/meeting", "--find", "joinURL",
            ])
            .env("LATCHKEY_KEY_FILE", key_file);
        cmd
    };
    let url = format!("http://{addr}/api/meeting");
    let curl = || {
        let mut cmd = Command::new("curl");
        cmd.args([
            "--silent",
            "--fail",
            "-H",
            &format!("Authorization: Bearer {TOKEN}"),
            &url,
        ]);
        cmd
    };
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for i in 0..N + 5 {
        let t = run_timed(&mut latchkey());
        let c = run_timed(&mut curl());
        if i >= 5 {
            ours.push(t);
            theirs.push(c);
        }
    }
    let rss_file = data.with_file_name("rss.txt");
    let our_rss = (0..5)
        .map(|_| peak_rss(&latchkey(), &rss_file))
        .max()
        .unwrap_or(0);
    let their_rss = (0..5)
        .map(|_| peak_rss(&curl(), &rss_file))
        .max()
        .unwrap_or(0);
    let (o, t) = (percentile(&mut ours, 0.5), percentile(&mut theirs, 0.5));
    let mib = |kib: i64| format!("{:.1} MiB", kib as f64 / 1024.0);
    vec![
        row(
            "4. `latchkey request` process vs `curl`, wall p50",
            ms(o),
            ms(t),
            ratio(o, t),
        ),
        row(
            "4. peak RSS",
            mib(our_rss),
            mib(their_rss),
            format!("{:.2}", our_rss as f64 / their_rss.max(1) as f64),
        ),
    ]
}
