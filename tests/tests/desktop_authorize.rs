//! Authorizing a user from the desktop app against the real OAuth server,
//! with `browser.mjs` (named in $BROWSER) playing the system browser.

use latchkey_e2e::fixture::{Fixture, SCOPES};
use latchkey_e2e::oauth_server::fixture_dir;
use latchkey_e2e::{app::App, cli, screenshot_path};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the OAuth fixture: run `make e2e`"]
fn authorize_refresh_and_sign_out_a_user_in_the_app() {
    let fixture = Fixture::start();
    // No API base: authorizing needs only the provider.
    cli::add_fixture_service(
        &fixture.data,
        &fixture.server,
        "demo",
        "openid email profile offline_access meetings",
        &[],
    );
    fixture.add_users("demo", &["alice"]);

    let browser = fixture_dir().join("browser.mjs");
    let browser_log = fixture.tmp.path().join("browser.log");
    let app = App::start(
        &fixture.data,
        &[
            ("BROWSER", &browser),
            ("LATCHKEY_TEST_BROWSER_LOG", &browser_log),
        ],
    );

    let service = app.wait_for("nav ul.services .service", WAIT);
    app.click(&service);
    app.click(&app.wait_for("[data-testid=tab-settings]", WAIT));
    app.wait_for_text("table.users", WAIT, |t| t.contains("Not authorized"));
    app.click(&app.button("Authorize"));

    // The app opened the login page through xdg-open and $BROWSER;
    // browser.mjs logs alice in and the loopback listener catches the redirect.
    app.wait_for_text("table.users", WAIT, |t| t.contains("Authorized"));
    // browser.mjs writes its log after the redirect it followed has answered,
    // which can be a moment after the window shows the user authorized.
    app.wait_until(WAIT, || {
        let log = std::fs::read_to_string(&browser_log).unwrap_or_default();
        if log.contains("\"ok\":true") {
            Ok(())
        } else {
            Err(log)
        }
    })
    .unwrap_or_else(|log| panic!("the system browser's log: {log:?}"));
    let row = app.wait_for_text("table.users", WAIT, |t| t.contains("expires in"));
    assert!(row.contains("meetings"), "granted scopes shown: {row}");
    app.save_screenshot(&screenshot_path("user-authorized"))
        .unwrap();
    assert!(
        app.try_find("dialog.authorize[open]").is_none(),
        "the dialog closes on success"
    );

    // Refresh now: one refresh at the server, still authorized.
    app.click(&app.button("Refresh"));
    app.wait_for_text("[data-testid=status-notice]", WAIT, |t| {
        t.contains("Refreshed")
    });

    // Sign out revokes at the provider and removes the tokens, once the
    // person confirms it; cancelling changes nothing.
    app.click(&app.button("Sign out"));
    let asked = app.wait_for_text("dialog.confirm[open]", WAIT, |t| !t.is_empty());
    assert!(asked.contains("revokes"), "{asked}");
    app.click(&app.button("Cancel"));
    assert!(app.try_find("dialog.confirm[open]").is_none());
    assert!(app
        .text(&app.wait_for("table.users", WAIT))
        .contains("Authorized"));
    app.click(&app.button("Sign out"));
    app.click(&app.wait_for("dialog.confirm[open] [data-testid=confirm]", WAIT));
    app.wait_for_text("[data-testid=status-notice]", WAIT, |t| {
        t.contains("the provider revoked the tokens")
    });
    app.wait_for_text("table.users", WAIT, |t| t.contains("Revoked"));
}

/// A wrong paste in the Authorize dialog is answered beside the paste box
/// and the browser login keeps waiting: here the "browser" only finishes
/// the login after the wrong paste, and the user still ends up authorized.
#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the OAuth fixture: run `make e2e`"]
fn a_wrong_paste_keeps_the_browser_login_waiting() {
    let fixture = Fixture::start();
    cli::add_fixture_service(&fixture.data, &fixture.server, "demo", SCOPES, &[]);
    fixture.add_users("demo", &["alice"]);

    // The browser the app opens does nothing; the test signs in later.
    let browser = fixture_dir().join("browser.mjs");
    let app = App::start(
        &fixture.data,
        &[
            ("BROWSER", &browser),
            (
                "LATCHKEY_TEST_BROWSER_ACTION",
                std::path::Path::new("ignore"),
            ),
        ],
    );
    app.open_service("demo", WAIT);
    app.click(&app.wait_for("[data-testid=tab-settings]", WAIT));
    app.click(&app.button("Authorize"));
    app.wait_for("[data-testid=auth-waiting]", WAIT);
    let link = app.value(&app.wait_for("[data-testid=login-link]", WAIT));

    for wrong in [
        "https://example.com/somewhere-else",
        "http://127.0.0.1:1/callback?code=abc&state=not-the-state",
    ] {
        app.fill("input[aria-label='Redirect URL or code']", wrong);
        app.click(&app.button("Complete"));
        let said = app.wait_for_text("[data-testid=paste-error]", WAIT, |t| !t.is_empty());
        assert!(said.contains("still waiting"), "{said}");
        assert!(
            app.try_find("[data-testid=auth-waiting]").is_some(),
            "the login stopped waiting after pasting {wrong}"
        );
        assert!(app.try_find("[data-testid=auth-failed]").is_none());
    }

    // Now the person signs in in the browser: the waiting login completes.
    sign_in_by_hand(&link);
    app.wait_for_text("table.users", WAIT, |t| t.contains("Authorized"));
    assert!(app.try_find("dialog.authorize[open]").is_none());
}

/// Where no browser can be opened (no launcher on the app's PATH), the
/// dialog says so, shows the login link, and the login still waits: the
/// link opened by hand completes it.
#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the OAuth fixture: run `make e2e`"]
fn without_a_browser_the_dialog_shows_the_link_and_the_login_still_completes() {
    let fixture = Fixture::start();
    cli::add_fixture_service(&fixture.data, &fixture.server, "demo", SCOPES, &[]);
    fixture.add_users("demo", &["alice"]);

    // An empty PATH: xdg-open, gio and the rest are not there to be found.
    let no_launchers = fixture.tmp.path().join("no-launchers");
    std::fs::create_dir_all(&no_launchers).unwrap();
    let app = App::start(&fixture.data, &[("PATH", &no_launchers)]);
    app.open_service("demo", WAIT);
    app.click(&app.wait_for("[data-testid=tab-settings]", WAIT));
    app.click(&app.button("Authorize"));
    app.wait_for("[data-testid=auth-waiting]", WAIT);
    let said = app.wait_for_text("[data-testid=browser-error]", WAIT, |t| !t.is_empty());
    assert!(said.contains("No browser could be opened"), "{said}");
    assert!(app.try_find("[data-testid=auth-failed]").is_none());
    let link = app.value(&app.wait_for("[data-testid=login-link]", WAIT));
    assert!(link.contains("state="), "not a login link: {link}");
    app.save_screenshot(&screenshot_path("authorize-without-a-browser"))
        .unwrap();
    app.set_window_size(760, 480);
    app.save_screenshot(&screenshot_path("authorize-without-a-browser-min"))
        .unwrap();
    app.set_window_size(1280, 820);

    // The person opens the link in a browser themselves.
    sign_in_by_hand(&link);
    app.wait_for_text("table.users", WAIT, |t| t.contains("Authorized"));
    assert!(app.try_find("dialog.authorize[open]").is_none());
}

/// The person opens `link` in a browser (`browser.mjs`) and allows access.
fn sign_in_by_hand(link: &str) {
    let out = std::process::Command::new(fixture_dir().join("browser.mjs"))
        .arg("--foreground")
        .arg(link)
        .env("LATCHKEY_TEST_BROWSER_ACTION", "allow")
        .output()
        .expect("run browser.mjs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
