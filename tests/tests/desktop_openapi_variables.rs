//! From an API's own description to two chained requests, in the window:
//! a bad document is refused beside the import control (nothing stored);
//! the service is created from the fixture's OpenAPI document; the
//! operation picker fills the builder (path fields, the JSON form from the
//! schema with its enums, required marks and hints, the expected answer);
//! variables are added in the Variables view (a secret one masked) and
//! completed after `{{`; the answer's `meetingid` is saved to a variable
//! from the tree and a second request reads the meeting back through it;
//! an unknown variable stops the send before anything leaves; a newer
//! edition of the description replaces the operations from the service's
//! page (a bad one changes nothing) and its JSON form is typed by the
//! schema; one card per `{{name}}` under the mouse or the caret, in a plain
//! field and in the raw JSON editor, where `{{` completes too.

use latchkey_e2e::fixture::Fixture;
use latchkey_e2e::oauth_server::fixture_dir;
use latchkey_e2e::{app::App, cli, screenshot_path, webdriver::Session};
use serde_json::json;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

/// How many calls the fixture's protected API has answered.
fn api_requests(fixture: &Fixture) -> u64 {
    fixture.stats()["api_requests"].as_u64().unwrap()
}

/// The value of the input or select at `css`.
fn value_of(app: &Session, css: &str) -> String {
    let el = app.wait_for(css, WAIT);
    app.value(&el)
}

/// What does not fit at the smallest window, after a screenshot there.
fn small_window(app: &Session, name: &str, problems: &mut Vec<String>) {
    app.set_window_size(760, 480);
    std::thread::sleep(Duration::from_millis(600));
    app.save_screenshot(&screenshot_path(&format!("{name}-min")))
        .unwrap();
    let clipped = app.clipped_controls();
    if !clipped.is_empty() {
        problems.push(format!("{name} at 760x480: {clipped:?}"));
    }
    app.set_window_size(1280, 820);
    std::thread::sleep(Duration::from_millis(600));
}

#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the OAuth fixture: run `make e2e`"]
fn operation_picker_variables_and_a_chained_request() {
    let fixture = Fixture::start();
    let (server, data_dir) = (&fixture.server, &fixture.data);
    let browser = fixture_dir().join("browser.mjs");
    let app = App::start(data_dir, &[("BROWSER", &browser)]);
    app.set_window_size(1280, 820);
    let mut problems = Vec::new();

    // A document that is not OpenAPI, and one without an OAuth scheme: the
    // core's own words beside the control, and no service stored.
    app.click(&app.wait_for("button[aria-label='Add a service']", WAIT));
    let docs = fixture_dir().join("../openapi");
    let not_openapi = format!("{}/openapi/bad-not-openapi.json", server.issuer);
    app.fill("#api_description", &not_openapi);
    app.click(&app.wait_for("[data-testid=import-api]", WAIT));
    let said = app.wait_for_text("[data-testid=field-error-api_description]", WAIT, |t| {
        !t.is_empty()
    });
    assert!(
        said.contains("is not an OpenAPI document: it has no `openapi` or `swagger` field"),
        "{said}"
    );
    let no_oauth = docs.join("bad-no-oauth.yaml");
    app.fill("#api_description", no_oauth.to_str().unwrap());
    app.click(&app.wait_for("[data-testid=import-api]", WAIT));
    let said = app.wait_for_text("[data-testid=field-error-api_description]", WAIT, |t| {
        t.contains("OAuth")
    });
    assert!(said.contains("has no OAuth 2.0 security scheme"), "{said}");
    app.save_screenshot(&screenshot_path("import-api-error"))
        .unwrap();
    assert!(
        cli::output(data_dir, &["service", "list"]).contains("No services yet"),
        "a bad document stored something"
    );

    // The fixture's own description fills the form.
    let doc = format!("{}/openapi/meetings.openapi.yaml", server.issuer);
    app.fill("#api_description", &doc);
    app.click(&app.wait_for("[data-testid=import-api]", WAIT));
    let hint = app.wait_for_text("[data-testid=field-hint-api_description]", WAIT, |t| {
        !t.is_empty()
    });
    assert!(hint.contains("4 operations"), "{hint}");
    assert_eq!(value_of(&app, "#name"), "Test Meetings API");
    assert_eq!(
        value_of(&app, "#token_url"),
        format!("{}/token", server.issuer)
    );
    assert_eq!(
        value_of(&app, "#api_base_url"),
        format!("{}/api", server.issuer)
    );
    app.fill("#slug", "goto");
    app.fill("#client_id", "latchkey-public");
    app.select("#client_auth", "none");
    app.fill("#redirect_uri", "http://127.0.0.1:0/callback");
    app.save_screenshot(&screenshot_path("import-api-filled"))
        .unwrap();
    app.click(&app.button("Add service"));
    app.wait_for_text("#service-title", WAIT, |t| t == "Test Meetings API");
    let listed = cli::output(data_dir, &["operations", "goto"]);
    assert!(listed.contains("createMeeting"), "{listed}");

    // Authorize alice in the window.
    cli::run(data_dir, &["user", "add", "goto", "alice"], "");
    app.click(&app.wait_for("[data-testid=tab-settings]", WAIT));
    app.wait_for_text("table.users", WAIT, |t| t.contains("alice"));
    app.click(&app.button("Authorize"));
    app.wait_for_text("table.users", WAIT, |t| t.contains("Authorized"));

    // Variables: a global one, and a secret one that the window never gets back.
    app.click(&app.wait_for("[data-testid=open-variables]", WAIT));
    app.fill(
        "[data-testid=variable-form] input[aria-label=Name]",
        "subject",
    );
    app.fill(
        "[data-testid=variable-form] input[aria-label=Value]",
        "Design review",
    );
    app.click(&app.button("Add"));
    app.wait_for_text("[data-testid=variables-table]", WAIT, |t| {
        t.contains("Design review")
    });
    app.fill(
        "[data-testid=variable-form] input[aria-label=Name]",
        "api_secret",
    );
    app.select(
        "[data-testid=variable-form] select[aria-label=Scope]",
        "goto",
    );
    app.fill(
        "[data-testid=variable-form] input[aria-label=Value]",
        "s3cr3t-never-shown",
    );
    app.click(&app.wait_for("[data-testid=variable-form] input[type=checkbox]", WAIT));
    app.click(&app.button("Add"));
    let table = app.wait_for_text("[data-testid=variables-table]", WAIT, |t| {
        t.contains("api_secret")
    });
    assert!(table.contains("secret"), "{table}");
    let page = app.execute("return document.documentElement.outerHTML", vec![]);
    assert!(
        !page.as_str().unwrap().contains("s3cr3t-never-shown"),
        "the secret value came back to the window"
    );
    assert_eq!(
        cli::output(
            data_dir,
            &["var", "get", "api_secret", "--service", "goto", "--reveal"]
        )
        .trim(),
        "s3cr3t-never-shown"
    );
    app.save_screenshot(&screenshot_path("variables-view"))
        .unwrap();
    small_window(&app, "variables-view", &mut problems);

    // The operation picker: search, arrows and Enter.
    app.click(&app.wait_for("nav ul.services .service[data-slug=goto]", WAIT));
    app.click(&app.wait_for("[data-testid=tab-request]", WAIT));
    app.fill("[data-testid=operation-search]", "post meetings");
    let search = app.wait_for("[data-testid=operation-search]", WAIT);
    app.wait_for_text("#operation-list", WAIT, |t| {
        t.contains("createMeeting") && !t.contains("getMe")
    });
    app.save_screenshot(&screenshot_path("operation-picker"))
        .unwrap();
    app.type_text(&search, "\u{E007}");
    // Picking reads the operation from Rust, then fills the builder.
    let filled = app.wait_for_script(
        "return [document.querySelector('select[aria-label=Method]')?.value, \
         document.querySelector('[data-testid=request-url]')?.value];",
        vec![],
        WAIT,
        |v| v[1] == "/meetings",
    );
    assert_eq!(filled, json!(["POST", "/meetings"]));
    // The JSON form from the schema: the example, enums as selects, the
    // required fields marked and the descriptions as hints.
    assert_eq!(
        value_of(&app, ".rows > .row[data-key=subject] input.value"),
        "Weekly sync"
    );
    let required: Vec<String> = app
        .execute(
            "return [...document.querySelectorAll('.rows > .row.required')].map(r => r.dataset.key);",
            vec![],
        )
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(required, ["subject", "starttime", "endtime"]);
    let choices = app.execute(
        "return [...document.querySelectorAll('.row[data-key=conferencecallinfo] select.choice option')].map(o => o.value);",
        vec![],
    );
    assert_eq!(choices, json!(["Hybrid", "PSTN", "Free", "VoIP"]));
    app.wait_for_text(".rows", WAIT, |t| {
        t.contains("Whether joining needs a password")
    });
    let expected = app.wait_for_text("[data-testid=expected-schema]", WAIT, |t| {
        t.contains("joinURL")
    });
    assert!(expected.contains("meetingid: integer"), "{expected}");

    // `{{` completes the names this service sees; the hover tells the value.
    let subject = ".rows > .row[data-key=subject] input.value";
    app.fill(subject, "{{sub");
    app.wait_for_text("[data-testid=var-complete]", WAIT, |t| {
        t.contains("subject")
    });
    app.save_screenshot(&screenshot_path("variable-completion"))
        .unwrap();
    app.type_text(&app.wait_for(subject, WAIT), "\u{E007}");
    assert_eq!(value_of(&app, subject), "{{subject}}");
    // The caret sits in the reference: its card shows, from the keyboard.
    let card = app.wait_for_text("[data-testid=var-hover]", WAIT, |t| {
        t.contains("Design review")
    });
    assert!(
        card.contains("{{subject}}") && card.contains("global"),
        "{card}"
    );
    let described = app.execute(
        "return document.querySelector(arguments[0]).getAttribute('aria-describedby');",
        vec![json!(subject)],
    );
    assert_eq!(described, "var-hover-card");
    app.select(".row[data-key=conferencecallinfo] select.choice", "Free");
    app.save_screenshot(&screenshot_path("operation-skeleton"))
        .unwrap();
    small_window(&app, "operation-skeleton", &mut problems);

    let status = app.send(WAIT, "");
    assert_eq!(status, "201 Created");

    // "Save to variable" on meetingid in the tree, for this service.
    app.wait_for_text("[data-testid=json-tree]", WAIT, |t| t.contains("[0]"));
    std::thread::sleep(Duration::from_millis(400));
    // The tree may sit below the fold: bring each row into view first.
    app.click_in_view(".row[data-path='$[0]'][aria-expanded=false] .twist", WAIT);
    app.click_in_view(".row[data-path='$[0].meetingid'] .key", WAIT);
    // A selected row shows its actions; the tree may sit low in the pane.
    let save = ".row.selected[data-path='$[0].meetingid'] button[title='Save to variable']";
    app.click_in_view(save, WAIT);
    assert_eq!(
        value_of(
            &app,
            "[data-testid=save-variable] input[aria-label='Variable name']"
        ),
        "meetingid"
    );
    app.fill(
        "[data-testid=save-variable] input[aria-label='Variable name']",
        "mid",
    );
    app.save_screenshot(&screenshot_path("save-to-variable"))
        .unwrap();
    app.click(&app.wait_for("[data-testid=save-variable] button[type=submit]", WAIT));
    app.wait_for_text("[data-testid=status-notice]", WAIT, |t| {
        t.contains("{{mid}}")
    });
    let mid = cli::output(data_dir, &["var", "get", "mid", "--service", "goto"]);
    assert!(
        mid.trim().parse::<u64>().is_ok(),
        "meetingid stored as a number's text: {mid}"
    );

    // An unknown variable: said beside the control, nothing sent.
    app.fill("[data-testid=operation-search]", "one meeting");
    let search = app.wait_for("[data-testid=operation-search]", WAIT);
    app.wait_for_text("#operation-list", WAIT, |t| {
        t.contains("One meeting") && !t.contains("getMeetings")
    });
    app.type_text(&search, "\u{E007}");
    app.wait_for("[data-testid=path-param-meetingId]", WAIT);
    assert_eq!(value_of(&app, "select[aria-label=Method]"), "GET");
    app.fill("[data-testid=path-param-meetingId]", "{{nope}}");
    let before = api_requests(&fixture);
    app.click(&app.wait_for("[data-testid=send]", WAIT));
    let said = app.wait_for_text("[data-testid=variable-error]", WAIT, |t| !t.is_empty());
    assert!(
        said.contains("{{nope}}") && said.contains("nothing was sent"),
        "{said}"
    );
    assert_eq!(api_requests(&fixture), before, "a request went out");

    // The second request reads the meeting back through {{mid}}.
    app.fill("[data-testid=path-param-meetingId]", "{{mid}}");
    let status = app.send(WAIT, "200");
    assert_eq!(status, "200 OK");
    app.fill("[data-testid=find-key]", "subject");
    app.click(&app.button("Find"));
    let found = app.wait_for_text("[data-testid=found-value]", WAIT, |t| !t.is_empty());
    assert_eq!(found, "Design review");
    let found = app.wait_for_text("[data-testid=json-tree]", WAIT, |t| t.contains("meetingid"));
    assert!(found.contains(mid.trim()), "{found}");
    app.save_screenshot(&screenshot_path("chained-request"))
        .unwrap();
    small_window(&app, "chained-request", &mut problems);

    // A newer edition of the API description, from the service's page: a
    // bad document is refused under the field and changes nothing; the
    // newer one replaces the operations and says how.
    app.click(&app.wait_for("[data-testid=tab-settings]", WAIT));
    app.wait_for_text("[data-testid=operation-count]", WAIT, |t| {
        t.starts_with("4 operations")
    });
    app.fill(
        "#api_refresh",
        &format!("{}/openapi/bad-not-openapi.json", server.issuer),
    );
    app.click(&app.wait_for("[data-testid=update-operations]", WAIT));
    let said = app.wait_for_text("[data-testid=field-error-api_refresh]", WAIT, |t| {
        !t.is_empty()
    });
    assert!(said.contains("is not an OpenAPI document"), "{said}");
    let listed = cli::output(data_dir, &["operations", "goto"]);
    assert!(
        lists(&listed, "getMe") && !lists(&listed, "deleteMeeting"),
        "{listed}"
    );
    app.save_screenshot(&screenshot_path("update-operations-error"))
        .unwrap();
    app.fill(
        "#api_refresh",
        &format!("{}/openapi/meetings-v2.openapi.yaml", server.issuer),
    );
    app.type_text(&app.wait_for("#api_refresh", WAIT), "\u{E007}");
    let said = app.wait_for_text("[data-testid=field-hint-api_refresh]", WAIT, |t| {
        !t.is_empty()
    });
    assert!(said.contains("2 added, 1 removed, 3 kept"), "{said}");
    app.wait_for_text("[data-testid=operation-count]", WAIT, |t| {
        t.starts_with("5 operations")
    });
    let listed = cli::output(data_dir, &["operations", "goto"]);
    assert!(
        !lists(&listed, "getMe") && lists(&listed, "deleteMeeting"),
        "{listed}"
    );
    app.save_screenshot(&screenshot_path("update-operations"))
        .unwrap();
    small_window(&app, "update-operations", &mut problems);

    // The picker lists the new edition's operations, and its JSON form is
    // typed by the schema: maxParticipants (an integer, no example) is an
    // integer field; timezonekey (a string, example "") stays a string.
    app.click(&app.wait_for("[data-testid=tab-request]", WAIT));
    app.fill("[data-testid=operation-search]", "delete");
    app.wait_for_text("#operation-list", WAIT, |t| t.contains("deleteMeeting"));
    app.fill("[data-testid=operation-search]", "post meetings");
    let search = app.wait_for("[data-testid=operation-search]", WAIT);
    app.wait_for_text("#operation-list", WAIT, |t| {
        t.contains("createMeeting") && !t.contains("deleteMeeting")
    });
    app.type_text(&search, "\u{E007}");
    let max = ".rows > .row[data-key=maxParticipants]";
    app.wait_for(&format!("{max} input.value"), WAIT);
    assert_eq!(value_of(&app, &format!("{max} select")), "integer");
    let field = app.wait_for(&format!("{max} input.value"), WAIT);
    assert_eq!(
        app.attribute(&field, "inputmode").as_deref(),
        Some("numeric")
    );
    assert_eq!(
        app.attribute(&field, "placeholder").as_deref(),
        Some("integer (int32)")
    );
    assert_eq!(
        value_of(&app, ".rows > .row[data-key=timezonekey] select"),
        "string"
    );
    app.fill(&format!("{max} input.value"), "25");
    app.save_screenshot(&screenshot_path("typed-json-form"))
        .unwrap();
    small_window(&app, "typed-json-form", &mut problems);

    // One card per reference in a plain field: the mouse over `{{subject}}`
    // tells its value, over `{{nope}}` that it is unknown.
    app.fill(subject, "{{subject}} and {{nope}}");
    for (suffix, width, height) in [("", 1280, 820), ("-min", 760, 480)] {
        app.set_window_size(width, height);
        point_at_reference(&app, subject, "{{subject}}", "Design review");
        app.save_screenshot(&screenshot_path(&format!("variable-hover{suffix}")))
            .unwrap();
        let card = point_at_reference(&app, subject, "{{nope}}", "unknown variable nope");
        assert!(!card.contains("Design review"), "{card}");
        let cards = app.execute(
            "return document.querySelectorAll('[data-testid=var-hover]').length;",
            vec![],
        );
        assert_eq!(cards, 1, "one card at a time");
        // Both references are tinted while the field is pointed at, the
        // unknown one in red.
        let tints = app.execute(
            "return [...document.querySelectorAll('.var-mark')].map(m => m.className);",
            vec![],
        );
        assert_eq!(tints, json!(["var-mark", "var-mark unknown"]));
    }
    app.set_window_size(1280, 820);
    app.fill(subject, "Weekly sync");

    // The raw JSON editor: `{{` offers the variables, Enter puts the name
    // in; the caret in a reference shows its card, and so does the mouse
    // over one.
    app.click(&app.button("Raw JSON"));
    for (suffix, width, height) in [("", 1280, 820), ("-min", 760, 480)] {
        app.set_window_size(width, height);
        // The mouse away from the editor: only the caret's card may show.
        app.move_pointer(1.0, 1.0);
        let editor = app.wait_for_script_element(
            "const r = document.querySelector('[data-testid=json-editor]')?.shadowRoot; \
             return (r && r.querySelector('.cm-content')) || null;",
            WAIT,
        );
        app.execute(
            "arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();",
            vec![editor.arg()],
        );
        // Select all and type a new body (CodeMirror closes brackets and
        // quotes as they are typed, then steps over them); Enter takes the
        // offered name. The list can close under a resize that settles
        // late, and Enter then types a line break: type the body again.
        let mut offered = serde_json::Value::Null;
        let text = app
            .wait_until(WAIT, || {
                app.type_text(&editor, "\u{E009}a\u{E000}");
                app.type_text(
                    &editor,
                    r#"{"a": "{{nope}}", "b": "{{subject}}", "subject": "{{sub"#,
                );
                offered = app.wait_for_script(
                    &in_editor(
                        "[...r.querySelectorAll('.cm-tooltip-autocomplete li')].map(li => li.innerText)",
                    ),
                    vec![],
                    WAIT,
                    |v| v.as_array().is_some_and(|a| !a.is_empty()),
                );
                app.save_screenshot(&screenshot_path(&format!("json-completion{suffix}")))
                    .unwrap();
                app.type_text(&editor, "\u{E007}");
                std::thread::sleep(Duration::from_millis(200));
                let text = app.execute(
                    &in_editor("[...r.querySelectorAll('.cm-line')].map(l => l.textContent).join('\\n')"),
                    vec![],
                );
                match text.as_str() {
                    Some(t) if t.contains(r#""subject": "{{subject}}""#) => Ok(text.clone()),
                    _ => Err(text),
                }
            })
            .unwrap_or_else(|text| panic!("Enter did not complete the name: {text}"));
        assert!(
            offered[0]
                .as_str()
                .unwrap_or_default()
                .starts_with("subject"),
            "{offered}"
        );
        assert!(
            offered[0]
                .as_str()
                .unwrap_or_default()
                .contains("Design review"),
            "{offered}"
        );
        // A name no variable has is marked apart, as in the plain fields.
        let unknown = app.execute(
            &in_editor("[...r.querySelectorAll('.cm-var-unknown')].map(e => e.textContent)"),
            vec![],
        );
        assert_eq!(unknown, serde_json::json!(["{{nope}}"]), "{text}");
        // A long line scrolls inside the editor; the editor keeps its box.
        let widths = app.execute(
            "const h = document.querySelector('[data-testid=json-editor]'); \
             return [h.getBoundingClientRect().right, h.shadowRoot.querySelector('.cm-editor').getBoundingClientRect().right];",
            vec![],
        );
        assert!(
            widths[1].as_f64().unwrap() <= widths[0].as_f64().unwrap() + 0.5,
            "the editor is wider than its box: {widths}"
        );
        assert!(
            !text.as_str().unwrap_or_default().contains("{{subject}}}}"),
            "{text}"
        );
        // The caret ends in the reference it completed: its card shows.
        app.wait_for_script(
            &in_editor("[...r.querySelectorAll('.var-hover')].map(c => c.innerText).join(' | ')"),
            vec![],
            WAIT,
            |v| v.as_str().is_some_and(|t| t.contains("Design review")),
        );
        app.save_screenshot(&screenshot_path(&format!("json-caret-card{suffix}")))
            .unwrap();
        // Home: the caret leaves it, and the card goes.
        app.type_text(&editor, "\u{E011}");
        app.wait_for_script(
            &in_editor("r.querySelectorAll('.var-hover').length"),
            vec![],
            WAIT,
            |v| v == 0,
        );
        for (token, says) in [
            ("{{nope}}", "unknown variable nope"),
            ("{{subject}}", "Design review"),
        ] {
            let at = app.wait_for_script(
                &in_editor(
                    "(() => { const m = [...r.querySelectorAll('.cm-var-ref')].find(e => e.textContent === arguments[0]); \
                     if (!m) return null; const b = m.getBoundingClientRect(); return [b.left + b.width / 2, b.top + b.height / 2]; })()",
                ),
                vec![json!(token)],
                WAIT,
                |v| v.is_array(),
            );
            app.move_pointer(at[0].as_f64().unwrap(), at[1].as_f64().unwrap());
            let cards = app.wait_for_script(
                &in_editor("[...r.querySelectorAll('.var-hover')].map(c => c.innerText)"),
                vec![],
                WAIT,
                |v| {
                    v.as_array().is_some_and(|a| {
                        a.len() == 1 && a[0].as_str().is_some_and(|t| t.contains(says))
                    })
                },
            );
            assert!(
                cards[0].as_str().unwrap_or_default().contains(token),
                "{cards}"
            );
        }
        app.save_screenshot(&screenshot_path(&format!("json-hover{suffix}")))
            .unwrap();
    }
    app.set_window_size(1280, 820);

    assert!(problems.is_empty(), "{problems:#?}");
}

/// Whether `latchkey operations`' table has the operation `id` (a whole
/// word: `getMe` is not `getMeetings`).
fn lists(table: &str, id: &str) -> bool {
    table
        .lines()
        .any(|line| line.split_whitespace().any(|word| word == id))
}

/// A script that evaluates `expression` with `r` the raw JSON editor's
/// shadow root (null when the editor is not there).
fn in_editor(expression: &str) -> String {
    format!(
        "const r = document.querySelector('[data-testid=json-editor]')?.shadowRoot; \
         if (!r) return null; return {expression};"
    )
}

/// Moves the mouse to the middle of `token` in the input at `css`,
/// measured with a canvas in the input's font (not the way the app places
/// its cards), until the card says `says`; the point is measured and the
/// mouse moved again while a resize settles. Answers the card's text.
fn point_at_reference(app: &Session, css: &str, token: &str, says: &str) -> String {
    let mut seen = String::new();
    app.wait_until(WAIT, || {
        let (x, y) = reference_point(app, css, token);
        app.try_move_pointer(x - 2.0, y)?;
        app.try_move_pointer(x, y)?;
        std::thread::sleep(Duration::from_millis(150));
        seen = app
            .execute(
                "return document.querySelector('[data-testid=var-hover]')?.innerText ?? '';",
                vec![],
            )
            .as_str()
            .unwrap_or_default()
            .to_string();
        if seen.contains(says) {
            Ok(seen.clone())
        } else {
            Err(format!("the card says {seen:?}"))
        }
    })
    .unwrap_or_else(|err| panic!("pointing at {token}: {err}"))
}

fn reference_point(app: &Session, css: &str, token: &str) -> (f64, f64) {
    let at = app.execute(
        r#"
        const el = document.querySelector(arguments[0]);
        el.scrollIntoView({block: 'center'});
        const s = getComputedStyle(el);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        const i = el.value.indexOf(arguments[1]);
        const x = ctx.measureText(el.value.slice(0, i)).width + ctx.measureText(arguments[1]).width / 2;
        const r = el.getBoundingClientRect();
        return [r.left + parseFloat(s.borderLeftWidth) + parseFloat(s.paddingLeft) - el.scrollLeft + x, r.top + r.height / 2];
        "#,
        vec![json!(css), json!(token)],
    );
    (at[0].as_f64().unwrap(), at[1].as_f64().unwrap())
}
