//! A 50 MB answer in the desktop app: while it downloads the in-flight bar
//! counts its bytes; finding a key that occurs in every one
//! of its items keeps the window answering, shows the count and the first
//! match at once, and pages the rest; JSONPath does the same. The request
//! tab starts as the authorized user, and a 401 sent without a token says
//! which choice was missing.

use latchkey_e2e::fixture::{Fixture, SCOPES};
use latchkey_e2e::{app::App, screenshot_path, webdriver::Session};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
const BIG_WAIT: Duration = Duration::from_secs(180);

/// "469,251": how the window writes a count.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn assert_answers(app: &Session, when: &str) {
    if let Err(err) = app.answers_within(Duration::from_secs(1)) {
        panic!("the window did not answer within a second {when}: {err}");
    }
}

/// Reads the in-flight bar until it goes away: each different byte count
/// it showed, in MB, with its text.
fn received_counts_while_in_flight(app: &Session) -> Vec<(f64, String)> {
    let deadline = std::time::Instant::now() + BIG_WAIT;
    let mut counts: Vec<(f64, String)> = Vec::new();
    loop {
        // One script reads both, so the bar cannot vanish between them.
        let seen = app.execute(
            "const bar = document.querySelector('[data-testid=in-flight]'); \
             const got = document.querySelector('[data-testid=in-flight-received]'); \
             return [bar !== null, got ? got.textContent.trim() : null, bar ? bar.innerText : ''];",
            vec![],
        );
        if let Some(text) = seen[1].as_str() {
            // The count and the clock read as one phrase.
            let bar = seen[2].as_str().unwrap_or_default();
            assert!(
                bar.contains(&format!("{text} · "))
                    && bar.lines().next().is_some_and(|l| l.ends_with(" s")),
                "the in-flight bar reads {bar:?}"
            );
            let mb = parse_mb(text).unwrap_or_else(|| panic!("no size in {text:?}"));
            if counts.last().is_none_or(|(last, _)| *last != mb) {
                counts.push((mb, text.to_string()));
            }
        }
        if seen[0] != true {
            return counts;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still in flight after {BIG_WAIT:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// "12.3 MB of 50.0 MB received" → 12.3 (KB and B count as fractions).
fn parse_mb(text: &str) -> Option<f64> {
    let mut words = text.split_whitespace();
    let n: f64 = words.next()?.parse().ok()?;
    match words.next()? {
        "MB" => Some(n),
        "KB" => Some(n / 1024.0),
        "B" => Some(n / 1024.0 / 1024.0),
        _ => None,
    }
}

#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the OAuth fixture: run `make e2e`"]
fn find_on_a_50_mb_answer_keeps_the_window_answering() {
    let fixture = Fixture::with_service("big", SCOPES, &[]);
    fixture.add_users("big", &["alice", "bob"]);
    fixture.authorize("big", "bob");

    let app = App::start(&fixture.data, &[]);
    app.click(&app.wait_for("nav ul.services .service", WAIT));

    // Alice comes first in the list but only bob is authorized: the request
    // goes out as bob without anyone choosing him.
    let send_as = app.wait_for("[data-testid=send-as]", WAIT);
    let deadline = std::time::Instant::now() + WAIT;
    while app.value(&send_as) != "bob" {
        assert!(
            std::time::Instant::now() < deadline,
            "the request tab sends as {:?}, not the authorized bob",
            app.value(&send_as)
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // Without a token the API answers 401, and the window says why.
    app.select("[data-testid=send-as]", "");
    app.fill("[data-testid=request-url]", "/big?mb=0");
    app.send(WAIT, "401");
    let hint = app.wait_for_text("[data-testid=no-token-hint]", WAIT, |t| !t.is_empty());
    assert!(
        hint.to_lowercase()
            .contains("sent without a token: choose a user"),
        "{hint}"
    );

    // As bob, the 50 MB answer, its bytes spread over four seconds: while
    // it downloads, the in-flight bar counts them, growing.
    app.select("[data-testid=send-as]", "bob");
    app.fill("[data-testid=request-url]", "/big?mb=50&ms=4000");
    app.click(&app.wait_for("[data-testid=send]", WAIT));
    // The bar shows once the window has handled the click; reading before
    // that would see no request in flight at all.
    app.wait_for("[data-testid=in-flight]", WAIT);
    let counts = received_counts_while_in_flight(&app);
    assert!(
        counts.len() >= 3,
        "the in-flight bar showed {counts:?} while 50 MB arrived over 4 s"
    );
    assert!(
        counts.windows(2).all(|w| w[0].0 < w[1].0),
        "the byte count did not grow: {counts:?}"
    );
    // While it arrives, out of the announced total; once whole, that the
    // view is being prepared (indexing 50 MB takes a moment).
    let (partial, last) = counts.split_at(counts.len() - 1);
    assert!(
        partial
            .iter()
            .all(|(_, text)| text.ends_with("of 50.0 MB received")),
        "{counts:?}"
    );
    assert!(
        last[0].1 == "50.0 MB received, preparing the view"
            || last[0].1.ends_with("of 50.0 MB received"),
        "{counts:?}"
    );
    // A failed send (a timeout on a loaded machine) ends the wait with its
    // message rather than after the whole wait.
    let status = app.wait_for_text(
        "[data-testid=response-status], [data-testid=send-error]",
        BIG_WAIT,
        |t| !t.is_empty() && !t.starts_with("401"),
    );
    assert!(status.starts_with("200"), "the 50 MB answer: {status}");
    assert!(app.try_find("[data-testid=no-token-hint]").is_none());
    // The tree's `items` row shows how many items the document holds.
    let items = app.wait_for_text("[data-testid=json-tree] [data-path='$.items']", WAIT, |t| {
        t.contains('[')
    });
    let count: u64 = items
        .rsplit('[')
        .next()
        .and_then(|n| n.trim_end_matches(']').parse().ok())
        .unwrap_or_else(|| panic!("no item count in {items:?}"));
    assert!(count > 100_000, "{count} items in 50 MB");

    // Every item has a `name`: find it.
    app.fill("[data-testid=find-key]", "name");
    app.click(&app.button("Find"));
    assert_answers(&app, "while the find runs");
    let counted = app.wait_for_text("[data-testid=find-count]", BIG_WAIT, |t| !t.is_empty());
    assert_eq!(counted, format!("{} matches", grouped(count)));
    assert_eq!(
        app.text(&app.wait_for("[data-testid=found-value]", WAIT)),
        "item 0"
    );
    assert_answers(&app, "with the matches listed");
    // Only the rows on screen exist in the page.
    let rows = app.execute(
        "return document.querySelectorAll('[data-testid=find-matches] [role=listitem]').length",
        vec![],
    );
    let rows = rows.as_u64().unwrap();
    assert!((1..100).contains(&rows), "{rows} match rows in the DOM");

    // Scrolled to the end, the last match arrives as its own page.
    app.execute(
        "const list = document.querySelector('[data-testid=find-matches] > div'); \
         list.scrollTop = list.scrollHeight;",
        vec![],
    );
    let last = format!("$.items[{}].name", count - 1);
    app.wait_for_text("[data-testid=find-matches]", BIG_WAIT, |t| {
        t.contains(&last)
    });
    assert_answers(&app, "after paging to the last match");
    // Clicking a match reveals it in the tree.
    let shown = app.execute(
        "const b = [...document.querySelectorAll('[data-testid=find-matches] button')].find(b => b.innerText === arguments[0]); \
         if (b) b.click(); return !!b;",
        vec![serde_json::json!(last)],
    );
    assert_eq!(shown, true);
    // The first match was selected before: wait for the last one.
    let wanted = format!("item {}", count - 1);
    app.wait_for_text(".row.selected", BIG_WAIT, |t| {
        t.starts_with("name") && t.contains(&wanted)
    });
    app.save_screenshot(&screenshot_path("big-find")).unwrap();

    // JSONPath over every item: a count and a paged list as well.
    app.fill("[data-testid=jsonpath]", "$.items[*].id");
    app.click(&app.button("Query"));
    assert_answers(&app, "while the JSONPath query runs");
    let counted = app.wait_for_text("[data-testid=path-count]", BIG_WAIT, |t| !t.is_empty());
    assert_eq!(counted, format!("{} matches", grouped(count)));
    // The count comes with the first page; the virtual list draws its rows
    // a frame or two later.
    let deadline = std::time::Instant::now() + WAIT;
    let rows = loop {
        let rows = app
            .execute(
                "return document.querySelectorAll('[data-testid=path-matches] [role=listitem]').length",
                vec![],
            )
            .as_u64()
            .unwrap_or_default();
        if rows > 0 || std::time::Instant::now() > deadline {
            break rows;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!((1..100).contains(&rows), "{rows} JSONPath rows drawn");
    assert_answers(&app, "with the JSONPath matches listed");
}
