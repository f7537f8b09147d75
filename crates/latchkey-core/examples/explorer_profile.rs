//! The response explorer's backend work on the documents `make bench-explorer`
//! uses, in a loop, to run under a profiler:
//!
//! ```sh
//! cargo build --profile bench -p latchkey-core --example explorer_profile
//! perf record -e cpu-clock -g target/release/examples/explorer_profile search 20
//! perf report --no-children
//! ```
//!
//! `search` looks for `item 100000` in the 50 MB "big" answer of the OAuth
//! fixture (`/api/big?mb=50`); `find` finds the key `joinURL` in its 20 MB
//! meeting list (`/api/big?mb=20&shape=meetings`); `parse` is the baseline.
//! Each prints its median time.

use latchkey_core::json::{JsonDocumentCache, SearchQuery};
use std::time::{Duration, Instant};

/// What the fixture's `/api/big` writes, byte for byte.
fn fixture(mb: usize, meetings: bool) -> String {
    let target = mb * 1024 * 1024;
    let mut out = String::with_capacity(target + 256);
    out.push_str(if meetings {
        r#"{"kind":"meetings","items":["#
    } else {
        r#"{"kind":"big","items":["#
    });
    let pad = "x".repeat(64);
    let mut i = 0u64;
    while out.len() < target {
        let comma = if i > 0 { "," } else { "" };
        let id = 100_000_000 + i;
        if meetings {
            out.push_str(&format!(
                r#"{comma}{{"meetingid":{id},"subject":"Meeting {i}","joinURL":"https://meet.example.test/{id}","meetingType":"scheduled","maxParticipants":26}}"#
            ));
        } else {
            out.push_str(&format!(
                r#"{comma}{{"id":{i},"name":"item {i}","nested":{{"value":{},"pad":"{pad}"}}}}"#,
                i % 997
            ));
        }
        i += 1;
    }
    out.push_str(&format!(r#"],"count":{i}}}"#));
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "search".into());
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10);
    let cache = JsonDocumentCache::default();
    let text = fixture(if what == "find" { 20 } else { 50 }, what == "find");
    let info = cache.insert_text(&text).expect("the fixture parses");
    let mut times = Vec::with_capacity(runs);
    for run in 0..runs {
        let start = Instant::now();
        let found = match what.as_str() {
            "search" => {
                let query = SearchQuery {
                    text: format!("item {}", 100_000 + (run % 3) * 1000),
                    limit: 500,
                    ..Default::default()
                };
                cache.search(&info.id, &query).expect("search").hits.len()
            }
            "find" => {
                cache
                    .find_key_page(&info.id, "joinURL", false, 0, 200)
                    .expect("find")
                    .total
            }
            "parse" => {
                let value: serde_json::Value =
                    serde_json::from_str(&text).expect("the fixture parses");
                usize::from(!value.is_null())
            }
            other => panic!("unknown `{other}`: search, find or parse"),
        };
        times.push(start.elapsed());
        assert!(found > 0);
    }
    times.sort();
    let median: Duration = times[times.len() / 2];
    println!(
        "{what}: {} runs, {:.1} MB, median {:.1} ms",
        runs,
        text.len() as f64 / 1e6,
        median.as_secs_f64() * 1e3
    );
}
