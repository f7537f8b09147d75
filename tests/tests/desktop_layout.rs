//! The main screens at the smallest window the app allows (760x480) and at
//! 1280x820, in the theme of the run (`LATCHKEY_E2E_THEME`), saved for a
//! person to look at (`make screenshots` copies them to docs/screenshots).
//! At those sizes and at 800x600, no control may be pushed out of the
//! window or clipped, no button label or JSON-form key cut, and no pane may
//! scroll sideways: the test fails listing what does not fit.

use latchkey_e2e::fixture::{Fixture, SCOPES};
use latchkey_e2e::{app::App, screenshot_path, webdriver::Session};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
// A 50 MB answer through a debug build on a shared, loaded machine.
const BIG_WAIT: Duration = Duration::from_secs(420);
/// The sizes checked; those with a label are also saved as screenshots.
const SIZES: [(u32, u32, Option<&str>); 3] = [
    (760, 480, Some("min")),
    (800, 600, None),
    (1280, 820, Some("1280x820")),
];

/// Checks the screen at every size and shoots it at the labelled ones;
/// what does not fit is added to `problems` (asserted at the end, so every
/// screenshot is still taken).
/// `show`, when given, is scrolled to the top of its pane first, as a
/// person would scroll to it in a small window.
fn at_all_sizes(app: &Session, name: &str, show: Option<&str>, problems: &mut Vec<String>) {
    for (w, h, label) in SIZES {
        app.set_window_size(w, h);
        std::thread::sleep(Duration::from_millis(600));
        if let Some(css) = show {
            app.execute(
                "document.querySelector(arguments[0])?.scrollIntoView({block: 'start'});",
                vec![serde_json::json!(css)],
            );
            std::thread::sleep(Duration::from_millis(300));
        }
        let (inner_w, inner_h) = app.inner_size();
        assert!(
            inner_w <= w && inner_h <= h,
            "{name}: the window did not shrink to {w}x{h} (it is {inner_w}x{inner_h})"
        );
        let clipped = app.clipped_controls();
        if let Some(label) = label {
            app.save_screenshot(&screenshot_path(&format!("{name}-{label}")))
                .unwrap();
        }
        if !clipped.is_empty() {
            problems.push(format!("{name} at {w}x{h}: {clipped:?}"));
        }
    }
}

#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the OAuth fixture: run `make e2e`"]
fn main_screens_at_the_smallest_window_and_at_1280x820() {
    let fixture =
        Fixture::with_service("gotomeeting", SCOPES, &["--name", "GoTo Meeting (fixture)"]);
    fixture.add_users(
        "gotomeeting",
        &["alice@example.com", "bob@example.com", "carol@example.com"],
    );
    fixture.authorize("gotomeeting", "alice@example.com");

    let app = App::start(&fixture.data, &[]);
    let mut problems = Vec::new();

    // The Add-service form.
    app.click(&app.wait_for("nav ul.services .service", WAIT));
    app.click(&app.wait_for("button[aria-label='Add a service']", WAIT));
    app.wait_for("#service-form-title", WAIT);
    at_all_sizes(&app, "add-service", None, &mut problems);
    app.click(&app.button("Cancel"));

    // The service page with its users.
    app.click(&app.wait_for("nav ul.services .service", WAIT));
    app.click(&app.wait_for("[data-testid=tab-settings]", WAIT));
    app.wait_for_text("table.users", WAIT, |t| t.contains("Authorized"));
    at_all_sizes(&app, "service-users", None, &mut problems);

    // The builder with a 400 (a JSON body in the form, then the answer).
    app.click(&app.wait_for("[data-testid=tab-request]", WAIT));
    app.select("select[aria-label=Method]", "POST");
    app.fill("[data-testid=request-url]", "/meetings");
    app.click(&app.button("JSON form"));
    // The GoTo body's longest keys must stay readable in the form.
    for (i, (key, value)) in [
        ("subject", "Weekly sync"),
        ("conferencecallinfo", "VoIP"),
        ("passwordrequired", "false"),
    ]
    .into_iter()
    .enumerate()
    {
        app.click(&app.button("Add field"));
        let row = format!(".rows > .row:nth-of-type({})", i + 1);
        app.fill(&format!("{row} input.key"), key);
        app.fill(&format!("{row} input.value"), value);
    }
    app.send(WAIT, "400");
    at_all_sizes(
        &app,
        "builder-400",
        Some("[data-testid=body-modes]"),
        &mut problems,
    );

    // The 50 MB answer with find results.
    app.select("select[aria-label=Method]", "GET");
    app.fill("[data-testid=request-url]", "/big?mb=50");
    app.click(&app.wait_for("[data-testid=send]", WAIT));
    // A failed send (a timeout on a loaded machine) ends the wait with its
    // message rather than after the whole wait.
    let status = app.wait_for_text(
        "[data-testid=response-status], [data-testid=send-error]",
        BIG_WAIT,
        |t| !t.is_empty() && !t.starts_with("400"),
    );
    assert!(status.starts_with("200"), "the 50 MB answer: {status}");
    app.fill("[data-testid=find-key]", "name");
    app.click(&app.button("Find"));
    app.wait_for_text("[data-testid=find-count]", BIG_WAIT, |t| !t.is_empty());
    at_all_sizes(
        &app,
        "big-find",
        Some("[data-testid=response-meta]"),
        &mut problems,
    );

    assert!(
        problems.is_empty(),
        "controls that do not fit the window (screenshots in target/e2e-artifacts):\n{}",
        problems.join("\n")
    );
}
