//! The main screens at the smallest window the app allows (760x480) and at
//! 1280x820, in the theme of the run (`LATCHKEY_E2E_THEME`), saved for a
//! person to look at (`make screenshots` copies them to docs/screenshots).
//! Controls pushed out of the window or clipped are listed on stderr; the
//! layout does not pass that check at 760x480 yet, so it is not asserted.

use latchkey_e2e::oauth_server::{fixture_dir, OauthServer};
use latchkey_e2e::{
    cli, desktop_binary, screenshot_path, tauri_driver::TauriDriver, webdriver::Session,
};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
const BIG_WAIT: Duration = Duration::from_secs(180);
const SIZES: [(u32, u32, &str); 2] = [(760, 480, "min"), (1280, 820, "1280x820")];

/// Shoots the screen at both sizes, listing clipped controls at either.
fn at_both_sizes(app: &Session, name: &str) {
    for (w, h, label) in SIZES {
        app.set_window_size(w, h);
        std::thread::sleep(Duration::from_millis(600));
        let clipped = app.clipped_controls();
        app.save_screenshot(&screenshot_path(&format!("{name}-{label}")))
            .unwrap();
        if !clipped.is_empty() {
            eprintln!("{name} at {w}x{h}: clipped controls {clipped:?}");
        }
    }
}

#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the OAuth fixture: run `make e2e`"]
fn main_screens_at_the_smallest_window_and_at_1280x820() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let api = format!("{}/api", server.issuer);
    cli::add_fixture_service(
        &data,
        &server,
        "gotomeeting",
        "openid offline_access meetings",
        &["--api-base-url", &api, "--name", "GoTo Meeting (fixture)"],
    );
    for user in ["alice@example.com", "bob@example.com", "carol@example.com"] {
        cli::run(&data, &["user", "add", "gotomeeting", user], "");
    }
    std::env::set_var("BROWSER", fixture_dir().join("browser.mjs"));
    std::env::remove_var("XDG_CURRENT_DESKTOP");
    cli::run(
        &data,
        &[
            "authorize",
            "gotomeeting",
            "alice@example.com",
            "--timeout",
            "60",
        ],
        "",
    );

    let driver = TauriDriver::start(&[("LATCHKEY_DATA_DIR", &data)]);
    let app = Session::start(&driver.url(), &desktop_binary());

    // The Add-service form.
    app.click(&app.wait_for("nav ul.services .service", WAIT));
    app.click(&app.wait_for("button[aria-label='Add a service']", WAIT));
    app.wait_for("#service-form-title", WAIT);
    at_both_sizes(&app, "add-service");
    app.click(&app.button("Cancel"));

    // The service page with its users.
    app.click(&app.wait_for("nav ul.services .service", WAIT));
    app.click(&app.wait_for("[data-testid=tab-settings]", WAIT));
    app.wait_for_text("table.users", WAIT, |t| t.contains("Authorized"));
    at_both_sizes(&app, "service-users");

    // The builder with a 400 (a JSON body in the form, then the answer).
    app.click(&app.wait_for("[data-testid=tab-request]", WAIT));
    app.select("select[aria-label=Method]", "POST");
    app.fill("[data-testid=request-url]", "/meetings");
    app.click(&app.button("JSON form"));
    app.click(&app.button("Add field"));
    app.fill(".rows > .row:nth-of-type(1) input.key", "subject");
    app.fill(".rows > .row:nth-of-type(1) input.value", "Weekly sync");
    app.click(&app.wait_for("[data-testid=send]", WAIT));
    app.wait_for_text("[data-testid=response-status]", WAIT, |t| {
        t.starts_with("400")
    });
    at_both_sizes(&app, "builder-400");

    // The 50 MB answer with find results.
    app.select("select[aria-label=Method]", "GET");
    app.fill("[data-testid=request-url]", "/big?mb=50");
    app.click(&app.wait_for("[data-testid=send]", WAIT));
    app.wait_for_text("[data-testid=response-status]", BIG_WAIT, |t| {
        t.starts_with("200")
    });
    app.fill("[data-testid=find-key]", "name");
    app.click(&app.button("Find"));
    app.wait_for_text("[data-testid=find-count]", BIG_WAIT, |t| !t.is_empty());
    at_both_sizes(&app, "big-find");
}
