//! What the builder sends is what it shows: a GET or HEAD leaves the body
//! behind (and says so), and a new answer never reports errors about the
//! paths of the answer before it. Small keyboard things: "Add field" puts
//! the cursor in the new key, and Discover without an issuer says what is
//! missing.

use latchkey_e2e::fixture::{Fixture, SCOPES};
use latchkey_e2e::{app::App, cli};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);
const MEETING: &str = r#"{"subject":"Weekly sync","starttime":"2030-01-15T15:00:00Z","endtime":"2030-01-15T16:00:00Z"}"#;

/// The newest history entry for `method`, as the CLI reads it back (the
/// app's history writer commits a moment after the answer shows).
fn newest_entry(data: &std::path::Path, method: &str) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let list: Value =
            serde_json::from_str(&cli::output(data, &["history", "--json", "--limit", "1"]))
                .expect("history --json is JSON");
        let newest = list["entries"]
            .as_array()
            .and_then(|rows| rows.first())
            .filter(|row| row["method"] == method)
            .and_then(|row| row["id"].as_i64());
        if let Some(id) = newest {
            let shown = cli::output(data, &["history", "show", &id.to_string(), "--json"]);
            return serde_json::from_str(&shown).expect("history show --json is JSON");
        }
        assert!(Instant::now() < deadline, "no {method} in history: {list}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the OAuth fixture: run `make e2e`"]
fn get_sends_no_body_and_a_new_answer_forgets_the_old_paths() {
    let fixture = Fixture::authorized("goto", SCOPES);
    let app = App::start(&fixture.data, &[]);
    app.open_service("goto", WAIT);
    app.click(&app.wait_for("[data-testid=tab-request]", WAIT));

    // "Add field" puts the cursor in the new row's key.
    app.click(&app.button("JSON form"));
    app.click(&app.button("Add field"));
    let focused = app.execute(
        "const a = document.activeElement; return a ? (a.getAttribute('aria-label') || a.tagName) : '';",
        vec![],
    );
    assert_eq!(focused, json!("Key of row 1"));
    app.click(&app.wait_for("button[aria-label='Remove row 1']", WAIT));

    // A created meeting: the answer is an array, and its first item is opened.
    app.select("select[aria-label=Method]", "POST");
    app.fill("[data-testid=request-url]", "/meetings");
    app.click(&app.button("Text"));
    app.fill("textarea[aria-label='Body text']", MEETING);
    let status = app.send(WAIT, "");
    assert_eq!(status, "201 Created");
    // The tree may sit below the fold; the virtual list re-creates rows
    // while it settles, which `click_in_view` waits out.
    app.wait_for_text("[data-testid=json-tree]", WAIT, |t| t.contains("[0]"));
    app.click_in_view(".row[data-path='$[0]'][aria-expanded=false] .twist", WAIT);
    app.wait_for(".row[data-path='$[0].joinURL']", WAIT);

    // A 400 whose answer is an object: `$[0]` is not in it, and nothing may
    // say so.
    app.fill("textarea[aria-label='Body text']", r#"{"subject":""}"#);
    let status = app.send(WAIT, "4");
    assert_eq!(status, "400 Bad Request");
    app.wait_for_text("[data-testid=json-tree]", WAIT, |t| {
        t.contains("invalid_request")
    });
    // A stale path error would come from a page of the old answer that
    // arrives late: watch the status bar and the tools for a while.
    let watch = Instant::now();
    while watch.elapsed() < Duration::from_secs(2) {
        let notice = app
            .try_find("[data-testid=status-notice]")
            .map(|n| app.text(&n))
            .unwrap_or_default();
        let tools = app
            .try_find("[data-testid=tool-error]")
            .map(|n| app.text(&n))
            .unwrap_or_default();
        assert!(
            !notice.contains("nothing at") && !tools.contains("nothing at"),
            "an error about the previous answer's paths: {notice} {tools}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // Switched to GET, the body stays in the builder for later, the window
    // says it will not be sent, and history shows a GET without a body.
    app.select("select[aria-label=Method]", "GET");
    let note = app.wait_for_text("[data-testid=bodiless-note]", WAIT, |t| !t.is_empty());
    assert!(
        note.contains("GET requests are sent without a body"),
        "{note}"
    );
    assert_eq!(
        app.value(&app.wait_for("textarea[aria-label='Body text']", WAIT)),
        r#"{"subject":""}"#
    );
    let status = app.send(WAIT, "2");
    assert_eq!(status, "200 OK");
    let entry = newest_entry(&fixture.data, "GET");
    assert_eq!(entry["request"]["body"]["kind"], "none", "{entry}");

    // Discover with the issuer left empty says what to enter, beside it.
    app.click(&app.wait_for("button[aria-label='Add a service']", WAIT));
    app.click(&app.button("Discover"));
    let error = app.wait_for_text("[data-testid=field-error-issuer]", WAIT, |t| !t.is_empty());
    assert!(error.contains("issuer URL is empty"), "{error}");
}
