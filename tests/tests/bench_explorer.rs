//! The explorer benchmark (`make bench-explorer`, not part of `make test`):
//! a 50 MB JSON answer in the real app under Xvfb. Reports the time from the
//! response reaching the window to the first tree rows painted, and from
//! pressing Enter in search to the match revealed, against a baseline in the
//! same run: `JSON.parse` of a 50 MB document of the same shape in the same
//! web view (what a viewer that parses everything would pay before painting).

use latchkey_e2e::oauth_server::{fixture_dir, OauthServer};
use latchkey_e2e::{cli, desktop_binary, tauri_driver::TauriDriver, webdriver::Session};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(120);
const RUNS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

#[test]
#[ignore = "a benchmark: run `make bench-explorer`"]
fn bench_explorer_50_mb() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let api = format!("{}/api", server.issuer);
    cli::add_fixture_service(
        &data,
        &server,
        "big",
        "openid offline_access meetings",
        &["--api-base-url", &api],
    );
    cli::run(&data, &["user", "add", "big", "alice"], "");
    // The CLI's login opens $BROWSER (xdg-open honours it outside a desktop).
    std::env::set_var("BROWSER", fixture_dir().join("browser.mjs"));
    std::env::remove_var("XDG_CURRENT_DESKTOP");
    cli::run(&data, &["authorize", "big", "alice", "--timeout", "60"], "");

    let driver = TauriDriver::start(&[("LATCHKEY_DATA_DIR", &data)]);
    let app = Session::start(&driver.url(), &desktop_binary());
    app.click(&app.wait_for("nav ul.services .service", WAIT));
    app.fill("[data-testid=request-url]", "/big?mb=50");

    let (mut paint, mut search, mut parse) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..RUNS {
        app.execute("performance.clearMarks();", vec![]);
        app.click(&app.wait_for("[data-testid=send]", WAIT));
        app.wait_for_text("[data-testid=response-status]", WAIT, |t| {
            t.starts_with("200")
        });
        let painted = "return performance.getEntriesByName('latchkey:tree-painted').length > 0 && \
            performance.getEntriesByName('latchkey:tree-painted')[0].startTime - \
            performance.getEntriesByName('latchkey:response')[0].startTime;";
        let ms = wait_number(&app, painted);
        paint.push(ms);

        let needle = format!("item {}", 100_000 + run * 1000);
        app.fill("input[aria-label='Search keys and values']", &needle);
        let input = app.wait_for("input[aria-label='Search keys and values']", WAIT);
        app.type_text(&input, "\u{E007}");
        let revealed = "const r = performance.getEntriesByName('latchkey:revealed'); \
            const s = performance.getEntriesByName('latchkey:search'); \
            return r.length > 0 && s.length > 0 && r[r.length - 1].startTime > s[s.length - 1].startTime \
              && r[r.length - 1].startTime - s[s.length - 1].startTime;";
        search.push(wait_number(&app, revealed));

        // Baseline: parse a document of the same shape and size in the page.
        let baseline = "const pad = 'x'.repeat(64); const parts = ['{\"kind\":\"big\",\"items\":[']; \
            let size = 0, i = 0; while (size < 50 * 1024 * 1024) { \
              const item = (i ? ',' : '') + '{\"id\":' + i + ',\"name\":\"item ' + i + '\",\"nested\":{\"value\":' + (i % 997) + ',\"pad\":\"' + pad + '\"}}'; \
              parts.push(item); size += item.length; i++; } parts.push('],\"count\":' + i + '}'); \
            const text = parts.join(''); const t0 = performance.now(); const doc = JSON.parse(text); \
            const t1 = performance.now(); return doc.count > 0 ? t1 - t0 : -1;";
        parse.push(app.execute(baseline, vec![]).as_f64().unwrap());
    }
    let (p, s, b) = (median(paint), median(search), median(parse));
    println!();
    println!("explorer, 50 MB JSON answer, median of {RUNS} runs");
    println!("| measure | ms | vs JSON.parse in the web view |");
    println!("| --- | ---: | ---: |");
    println!(
        "| response → first tree rows painted | {p:.0} | {:.2} |",
        p / b
    );
    println!("| search Enter → match revealed | {s:.0} | {:.2} |", s / b);
    println!("| baseline: JSON.parse of 50 MB | {b:.0} | 1.00 |");
}

/// Polls a script until it returns a number.
fn wait_number(app: &Session, script: &str) -> f64 {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        if let Some(n) = app.execute(script, vec![]).as_f64() {
            return n;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for: {script}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
