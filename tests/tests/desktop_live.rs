//! The window follows changes other processes make to the same database,
//! without being focused: a CLI login turns the user Authorized, a user
//! added from the CLI shows in the sidebar, and a CLI request shows in
//! history.

use latchkey_e2e::fixture::{Fixture, SCOPES};
use latchkey_e2e::{app::App, cli};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
/// Rust checks the database every 0.4 s; this leaves room for a loaded machine.
const SHOWS_WITHIN: Duration = Duration::from_secs(5);

#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the OAuth fixture: run `make e2e`"]
fn changes_from_the_cli_show_without_focus() {
    let fixture = Fixture::with_service("live", SCOPES, &[]);
    fixture.add_users("live", &["alice"]);
    let app = App::start(&fixture.data, &[]);
    app.click(&app.wait_for("nav ul.services .service", WAIT));
    app.click(&app.wait_for("[data-testid=tab-settings]", WAIT));
    let before = app.wait_for_text("table.users", WAIT, |t| t.contains("alice"));
    assert!(before.contains("Not authorized"), "{before}");
    // Nothing below gives the window focus: it never sees a focus event.
    app.execute(
        "window.__focused = 0; window.addEventListener('focus', () => window.__focused++);",
        vec![],
    );

    // The CLI logs alice in (its $BROWSER script plays the person).
    fixture.authorize("live", "alice");
    app.wait_for_text("table.users", SHOWS_WITHIN, |t| t.contains("Authorized"));

    fixture.add_users("live", &["bob"]);
    app.wait_for_text("nav[aria-label='Services and users']", SHOWS_WITHIN, |t| {
        t.contains("bob")
    });

    app.click(&app.wait_for("[data-testid=open-history]", WAIT));
    app.wait_for(".history", WAIT);
    cli::output(
        &fixture.data,
        &["request", "live", "alice", "GET", "/big?mb=0"],
    );
    app.wait_for_text(".history .list", SHOWS_WITHIN, |t| t.contains("/big?mb=0"));
    assert_eq!(app.execute("return window.__focused", vec![]), 0);
}
