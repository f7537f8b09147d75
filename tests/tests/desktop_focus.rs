//! Where focus and scroll land as a person works through the window with a
//! small window and the keyboard: a button that opens something to type
//! into moves focus there, and a dialog closed gives it back; a new screen starts at its top, and focus lost
//! with the old screen goes to the new one's heading. A find that misses
//! only because of case says so and offers to ignore case.

use latchkey_e2e::fixture::Fixture;
use latchkey_e2e::{app::App, webdriver::Session};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

/// `tag#id[aria-label]` of the focused element.
fn focused(app: &Session) -> String {
    app.execute(
        "const e = document.activeElement; \
         return e ? `${e.tagName.toLowerCase()}#${e.id}[${e.getAttribute('aria-label') ?? ''}] ${e.innerText ?? ''}`.trim() : '';",
        vec![],
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

fn main_scroll(app: &Session) -> f64 {
    app.execute("return document.querySelector('main').scrollTop;", vec![])
        .as_f64()
        .unwrap_or(-1.0)
}

#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the OAuth fixture: run `make e2e`"]
fn focus_follows_what_a_control_opens_and_a_new_screen_starts_at_its_top() {
    let fixture = Fixture::with_service("fixture", "meetings", &[]);
    let app = App::start(&fixture.data, &[]);
    app.set_window_size(760, 480);
    app.wait_for("nav ul.services .service", WAIT);

    // The sidebar's + stays on screen; the form's first field takes focus.
    app.click(&app.wait_for("button[aria-label='Add a service']", WAIT));
    app.wait_for("#service-form-title", WAIT);
    let now = focused(&app);
    assert!(
        now.starts_with("input#slug"),
        "focus after Add a service: {now}"
    );

    // Filled in and saved from the bottom of a long form: the new service's
    // page shows from its top, with focus on its heading, not lost.
    app.fill("#slug", "by-hand");
    app.fill("#client_id", "client-1");
    app.fill("#authorize_url", "https://auth.example.com/authorize");
    app.fill("#token_url", "https://auth.example.com/token");
    app.click(&app.button("Add service"));
    app.wait_for_text("main h1", WAIT, |t| t == "by-hand");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        main_scroll(&app),
        0.0,
        "the new page did not start at its top"
    );
    let now = focused(&app);
    assert!(
        now.starts_with("h1#service-title[] by-hand"),
        "focus after saving: {now}"
    );

    // A confirmation closed with Esc gives focus back to what opened it.
    app.click(&app.wait_for("[data-testid=tab-settings]", WAIT));
    app.click(&app.button("Remove…"));
    app.wait_for("dialog[open] [data-testid=confirm]", WAIT);
    app.execute(
        "document.querySelector('dialog[open]').dispatchEvent(new Event('cancel', {cancelable: true}));",
        vec![],
    );
    let deadline = std::time::Instant::now() + WAIT;
    while app.try_find("dialog[open]").is_some() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    let now = focused(&app);
    assert!(
        now.starts_with("button#[] Remove…"),
        "focus after Esc: {now}"
    );

    // In the builder, Save… and Import cURL put the cursor where to type.
    app.open_service("fixture", WAIT);
    app.click(&app.wait_for("[data-testid=tab-request]", WAIT));
    app.click(&app.button("Save…"));
    app.wait_for("input[aria-label=Name]", WAIT);
    let now = focused(&app);
    assert!(now.starts_with("input#[Name]"), "focus after Save…: {now}");
    app.click(&app.button("Cancel"));
    app.click(&app.button("Import cURL"));
    app.wait_for("textarea[aria-label='cURL command']", WAIT);
    let now = focused(&app);
    assert!(
        now.starts_with("textarea#[cURL command]"),
        "focus after Import cURL: {now}"
    );
    app.click(&app.button("Import cURL"));

    // The API answers 401 {"error": …}; a find for ERROR misses on case only.
    app.fill("[data-testid=request-url]", "/meetings");
    app.send(WAIT, "401");
    app.fill("[data-testid=find-key]", "ERROR");
    app.click(&app.button("Find"));
    let none = app.wait_for_text("[data-testid=find-none]", WAIT, |t| !t.is_empty());
    assert!(
        none.starts_with("No key ERROR in this response with that case; 1 match ignoring case."),
        "{none}"
    );
    app.click(&app.button("Find ignoring case"));
    let count = app.wait_for_text("[data-testid=find-count]", WAIT, |t| !t.is_empty());
    assert_eq!(count, "1 match");
    assert_eq!(
        app.text(&app.wait_for("[data-testid=found-value]", WAIT)),
        "invalid_request"
    );
    // The key as the answer spells it, not as typed.
    assert_eq!(
        app.text(&app.wait_for("[data-testid=found-key]", WAIT)),
        "error"
    );
}
