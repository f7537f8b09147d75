//! The built desktop app, driven through WebDriver under Xvfb.
//!
//! Ignored in a plain `cargo test`; `make e2e` builds the app and runs them
//! with `--ignored` inside Xvfb and a private keyring session.

use latchkey_e2e::{app::App, fixture::fresh_data_dir, screenshot_path};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

#[test]
#[ignore = "needs the built app, Xvfb and tauri-driver: run `make e2e`"]
fn first_screen_shows_the_frame_and_app_info_from_rust() {
    let (_tmp, data_dir) = fresh_data_dir("latchkey-data");
    let app = App::start(&data_dir, &[]);

    assert_eq!(app.title(), "Latchkey");

    // The frame: sidebar, empty state inviting "Add a service", status bar.
    let heading = app.wait_for("#empty-title", WAIT);
    assert_eq!(app.text(&heading), "Connect your first API");
    let cta = app.wait_for(".empty button.primary", WAIT);
    assert_eq!(app.text(&cta), "Add a service");
    assert!(app
        .try_find("nav[aria-label='Services and users']")
        .is_some());

    // app_info crossed IPC: the status bar shows the data dir Rust resolved.
    let shown = app.wait_for_text("[data-testid=data-dir]", WAIT, |t| !t.is_empty());
    let expected = std::fs::canonicalize(&data_dir).unwrap();
    assert_eq!(shown, expected.display().to_string());
    let keyring = app.wait_for_text("[data-testid=keyring-status]", WAIT, |t| {
        t.contains("Keyring")
    });
    assert_eq!(
        keyring, "Keyring available",
        "the test session runs a real gnome-keyring"
    );
    let version = app.wait_for("[data-testid=app-version]", WAIT);
    assert_eq!(
        app.text(&version),
        format!("v{}", env!("CARGO_PKG_VERSION"))
    );

    app.save_screenshot(&screenshot_path("first-screen"))
        .unwrap();

    // Clicking the keyring badge calls app_info again, which recreates the
    // data dir: proof the click reached Rust.
    std::fs::remove_dir_all(&data_dir).unwrap();
    let badge = app.wait_for("[data-testid=keyring-status]", WAIT);
    app.click(&badge);
    let deadline = std::time::Instant::now() + WAIT;
    while !data_dir.is_dir() {
        assert!(
            std::time::Instant::now() < deadline,
            "app_info was not called on click"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    app.wait_for_text("[data-testid=keyring-status]", WAIT, |t| {
        t == "Keyring available"
    });
}
