//! The users table keeps its expiry text live: a valid token counts down,
//! and an expired one says what the next request will do (refresh it, or
//! nothing until the user authorizes again). Expiry is moved into the past
//! through the core's test seam, not waited for.

use latchkey_e2e::app::App;
use latchkey_e2e::fixture::{Fixture, SCOPES};
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

fn expire(data: &Path, service: &str) {
    let core =
        latchkey_core::Latchkey::open_with(Some(data), latchkey_core::KeySource::Keyring).unwrap();
    latchkey_core::testing::expire_user_tokens(&core, service, "alice").unwrap();
}

/// Opens `service`'s users in the window and returns alice's expiry text.
fn expiry_of(app: &App, service: &str) -> String {
    app.open_service(service, WAIT);
    app.click(&app.wait_for("[data-testid=tab-settings]", WAIT));
    app.wait_for_text("[data-testid=expiry]", WAIT, |t| !t.is_empty())
}

#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the OAuth fixture: run `make e2e`"]
fn expiry_counts_down_and_says_what_happens_once_expired() {
    let fixture = Fixture::start();
    let data = &fixture.data;
    // offline_access gets a refresh token from the fixture; without it, none.
    fixture.add_authorized("renewing", SCOPES);
    fixture.add_authorized("oneshot", "openid meetings");

    let app = App::start(data, &[]);

    // The fixture's tokens live 60 s: the text counts down in seconds,
    // without the page being reloaded or touched.
    let first = expiry_of(&app, "renewing");
    assert!(first.starts_with("expires in "), "{first}");
    let later = app.wait_for_text("[data-testid=expiry]", WAIT, |t| t != first);
    assert!(later.starts_with("expires in "), "{first} became {later}");

    expire(data, "renewing");
    app.wait_for_text("[data-testid=expiry]", WAIT, |t| {
        t == "expired, refreshes on next use"
    });

    let oneshot = expiry_of(&app, "oneshot");
    assert!(oneshot.starts_with("expires in "), "{oneshot}");
    expire(data, "oneshot");
    app.wait_for_text("[data-testid=expiry]", WAIT, |t| {
        t == "expired, needs re-authorization (no refresh token)"
    });
}
