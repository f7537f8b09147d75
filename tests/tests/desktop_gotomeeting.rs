//! The worked example end to end in the desktop app: authorize alice, build
//! the GoToMeeting body in the JSON form, send it, find `joinURL`, copy it,
//! and read the clipboard back. Then an expired token refreshes without the
//! person noticing, and a 50 MB answer opens and can be searched.

use latchkey_e2e::fixture::Fixture;
use latchkey_e2e::oauth_server::fixture_dir;
use latchkey_e2e::{app::App, cli, screenshot_path};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

/// How many refresh-token requests the provider has answered.
fn refreshes(fixture: &Fixture) -> u64 {
    fixture.stats()["token_requests"]["refresh_token"]
        .as_u64()
        .unwrap()
}

#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the OAuth fixture: run `make e2e`"]
fn create_a_meeting_find_join_url_and_copy_it() {
    let fixture = Fixture::with_service(
        "gotomeeting",
        "openid email profile offline_access meetings",
        &["--name", "GoTo Meeting (fixture)"],
    );
    fixture.add_users("gotomeeting", &["alice"]);
    let data_dir = &fixture.data;

    let browser = fixture_dir().join("browser.mjs");
    let app = App::start(data_dir, &[("BROWSER", &browser)]);

    // Authorize alice (the $BROWSER script logs in at the provider).
    app.click(&app.wait_for("nav ul.services .service", WAIT));
    app.click(&app.wait_for("[data-testid=tab-settings]", WAIT));
    app.click(&app.button("Authorize"));
    app.wait_for_text("table.users", WAIT, |t| t.contains("Authorized"));

    // Build the GoToMeeting body in the JSON form.
    app.click(&app.wait_for("[data-testid=tab-request]", WAIT));
    app.select("select[aria-label=Method]", "POST");
    app.fill("[data-testid=request-url]", "/meetings");
    app.click(&app.button("JSON form"));
    let fields: [(&str, &str, &str); 7] = [
        ("subject", "string", "Weekly sync"),
        ("starttime", "string", "2026-12-01T15:00:00Z"),
        ("endtime", "string", "2026-12-01T16:00:00Z"),
        ("passwordrequired", "boolean", "false"),
        ("conferencecallinfo", "string", "Free"),
        ("timezonekey", "string", ""),
        ("meetingtype", "string", "scheduled"),
    ];
    for (i, (key, kind, value)) in fields.iter().enumerate() {
        app.click(&app.button("Add field"));
        let row = format!(".rows > .row:nth-of-type({})", i + 1);
        app.fill(&format!("{row} input.key"), key);
        app.select(&format!("{row} select"), kind);
        if *kind == "boolean" {
            app.select(&format!("{row} select:nth-of-type(2)"), value);
        } else if !value.is_empty() {
            app.fill(&format!("{row} input.value"), value);
        }
    }
    // The same body as raw JSON (CodeMirror), and back to the form.
    app.click(&app.button("Raw JSON"));
    app.wait_for("[data-testid=json-editor]", WAIT);
    // The editor lives in a shadow root (see JsonEditor.svelte).
    let raw = app.execute(
        "const r = document.querySelector('[data-testid=json-editor]').shadowRoot; \
         const c = r && r.querySelector('.cm-content'); \
         return c ? [c.innerText, getComputedStyle(r.querySelector('.cm-gutters')).display] : null;",
        vec![],
    );
    let text = raw[0].as_str().unwrap_or_default();
    assert!(text.contains("Weekly sync"), "{raw}");
    assert!(text.contains("\"passwordrequired\": false"), "{text}");
    // Styled: CodeMirror's gutters are laid out as flex only if its sheet applied.
    assert_eq!(raw[1], "flex", "CodeMirror's styles were refused");
    app.save_screenshot(&screenshot_path("raw-json-editor"))
        .unwrap();
    app.click(&app.button("JSON form"));
    app.wait_for("input.key", WAIT);

    let status = app.send(WAIT, "");
    assert_eq!(status, "201 Created");

    // Find joinURL and copy it: the clipboard holds the URL.
    app.fill("[data-testid=find-key]", "joinURL");
    app.click(&app.button("Find"));
    let url = app.wait_for_text("[data-testid=found-value]", WAIT, |t| {
        t.starts_with("https://")
    });
    assert!(url.starts_with("https://meet.example.test/"), "{url}");
    app.click(&app.wait_for("[data-testid=copy-found]", WAIT));
    app.wait_for_text("[data-testid=status-notice]", WAIT, |t| {
        t.contains("copied")
    });
    assert_eq!(cli::clipboard(), url);
    app.save_screenshot(&screenshot_path("gotomeeting-joinurl"))
        .unwrap();

    // Save it as "Create meeting", extracting joinURL after every send into
    // the variable join_url.
    // Find scrolled the answer into view: bring the saved-requests bar back
    // from under the header first.
    let save = app.button("Save…");
    app.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![save.arg()],
    );
    app.click(&save);
    app.fill("input[aria-label=Name]", "Create meeting");
    app.fill("input[aria-label='Values to extract']", "joinURL");
    // The variable name's hint shows whole, here and in the smallest window.
    let var_name = "input[aria-label='Save joinURL as variable']";
    let hint_fits = |size: &str| {
        app.wait_until(WAIT, || app.placeholder_fits(var_name))
            .unwrap_or_else(|why| {
                let _ = app.save_screenshot(&screenshot_path(&format!("save-form-cut-{size}")));
                panic!("at {size}: {why}")
            })
    };
    hint_fits("1200x780");
    app.set_window_size(760, 480);
    // Checked once the window is that small: the sidebar gives way a
    // moment later, which only widens the form.
    app.wait_until(WAIT, || match app.inner_size() {
        (w, _) if w <= 760 => Ok(()),
        size => Err(size),
    })
    .unwrap_or_else(|size| panic!("the window stayed at {size:?}"));
    hint_fits("760x480");
    app.save_screenshot(&screenshot_path("gotomeeting-save-form-min"))
        .unwrap();
    app.set_window_size(1200, 780);
    app.fill(var_name, "join_url");
    app.save_screenshot(&screenshot_path("gotomeeting-save-form"))
        .unwrap();
    app.click(&app.button("Save"));
    app.wait_for_text("[data-testid=status-notice]", WAIT, |t| t.contains("Saved"));

    // Once the access token has expired, sending again just works, with one
    // refresh at the provider. The stored expiry is moved into the past
    // rather than waited for, so a loaded machine cannot flake this.
    let before = refreshes(&fixture);
    let core =
        latchkey_core::Latchkey::open_with(Some(data_dir), latchkey_core::KeySource::Keyring)
            .unwrap();
    latchkey_core::testing::expire_user_tokens(&core, "gotomeeting", "alice").unwrap();
    drop(core);
    app.click(&app.wait_for("[data-testid=send]", WAIT));
    // The extracted value shows only once this send's answer is in (the old
    // answer's status is still on screen until then).
    let extracted = app.wait_for_text("[data-testid=extracted]", WAIT, |t| !t.is_empty());
    assert!(
        extracted.contains("https://meet.example.test/"),
        "{extracted}"
    );
    let status = app.text(&app.wait_for("[data-testid=response-status]", WAIT));
    assert_eq!(status, "201 Created");
    // The value went into the variable, where the CLI reads it.
    assert!(extracted.contains("saved to {{join_url}}"), "{extracted}");
    let stored = cli::output(
        data_dir,
        &["var", "get", "join_url", "--service", "gotomeeting"],
    );
    let stored = stored.trim();
    assert!(
        stored.starts_with("https://meet.example.test/") && extracted.contains(stored),
        "variable: {stored}; window: {extracted}"
    );
    app.save_screenshot(&screenshot_path("gotomeeting-saved-variable"))
        .unwrap();
    assert_eq!(refreshes(&fixture), before + 1);

    // A 50 MB answer opens as a tree and can be searched.
    app.select("select[aria-label=Method]", "GET");
    app.fill("[data-testid=request-url]", "/big?mb=50");
    app.click(&app.button("None"));
    app.click(&app.wait_for("[data-testid=send]", WAIT));
    let status = app.wait_for_text(
        "[data-testid=response-status]",
        Duration::from_secs(120),
        |t| t.starts_with("200"),
    );
    assert_eq!(status, "200 OK");
    app.wait_for_text("[data-testid=json-tree]", WAIT, |t| t.contains("items"));
    app.fill("input[aria-label='Search keys and values']", "item 123456");
    let search = app.wait_for("input[aria-label='Search keys and values']", WAIT);
    app.type_text(&search, "\u{E007}");
    let count = app.wait_for_text("[data-testid=search-count]", Duration::from_secs(60), |t| {
        !t.is_empty()
    });
    assert!(
        count.ends_with("/1"),
        "one item is named `item 123456`: {count}"
    );
    // The match is revealed: its containers expand and it scrolls into view.
    let hit = app.wait_for_text(".row.selected", WAIT, |t| t.contains("item 123456"));
    assert!(hit.starts_with("name"), "{hit}");
    app.save_screenshot(&screenshot_path("big-response"))
        .unwrap();

    // History lists what was sent, newest first, and the page never holds
    // the access token (nor does anything else in the window).
    app.click(&app.wait_for("[data-testid=open-history]", WAIT));
    let list = app.wait_for_text(".history .list", WAIT, |t| t.contains("/meetings"));
    assert!(list.contains("201"), "{list}");
    app.click(&app.wait_for(".history .list li:nth-of-type(2) button", WAIT));
    app.wait_for_text(".history .entry", WAIT, |t| t.contains("Weekly sync"));
    app.save_screenshot(&screenshot_path("history")).unwrap();
    let token = cli::output(data_dir, &["token", "gotomeeting", "alice"]);
    assert!(token.len() > 20, "a token: {token}");
    let page = app.execute("return document.documentElement.outerHTML", vec![]);
    assert!(
        !page.as_str().unwrap().contains(token.trim()),
        "the access token is in the DOM"
    );
}
