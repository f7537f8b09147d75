//! Registering a service and a user in the desktop app, as a person would.

use latchkey_e2e::{app::App, cli, fixture::fresh_data_dir, screenshot_path};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
const SECRET: &str = "e2e-client-secret-5f1c";

#[test]
#[ignore = "needs the built app, Xvfb and tauri-driver: run `make e2e`"]
fn add_a_service_from_a_preset_then_a_user() {
    let (_tmp, data_dir) = fresh_data_dir("data");
    let app = App::start(&data_dir, &[]);

    app.wait_for("#empty-title", WAIT);
    app.click(&app.button("Add a service"));
    app.wait_for("#service-form-title", WAIT);

    // The empty form shows the redirect URI that saving stores, and Copy
    // copies exactly that and says so.
    let redirect = app.value(&app.wait_for("#redirect_uri", WAIT));
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect:?}");
    let copy = app.wait_for("[data-testid=copy-redirect]", WAIT);
    app.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![copy.arg()],
    );
    app.click(&copy);
    let said = app.wait_for_text("[data-testid=status-notice]", WAIT, |t| {
        t.contains("copied")
    });
    assert!(said.contains(&redirect), "{said}");
    assert_eq!(cli::clipboard(), redirect);

    // Wrong inputs: each message appears beside its field, nothing is stored.
    // The slug suggestion is itself a valid slug.
    app.fill("#slug", "My Service");
    app.click(&app.button("Add service"));
    let slug_error = app.wait_for_text("[data-testid=field-error-slug]", WAIT, |t| !t.is_empty());
    assert!(slug_error.contains("try `my-service`"), "{slug_error}");
    app.fill("#slug", "GoTo");
    // Editing the field takes its old message away.
    for _ in 0..50 {
        if app.try_find("[data-testid=field-error-slug]").is_none() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        app.try_find("[data-testid=field-error-slug]").is_none(),
        "the slug's error stayed after the edit"
    );
    app.fill("#client_id", "abc");
    app.fill("#authorize_url", "http://auth.example.com/authorize");
    app.fill("#token_url", "https://auth.example.com/token");
    app.click(&app.button("Add service"));
    let slug_error = app.wait_for_text("[data-testid=field-error-slug]", WAIT, |t| !t.is_empty());
    assert!(slug_error.contains("must be lowercase"), "{slug_error}");
    let url_error = app.text(&app.wait_for("[data-testid=field-error-authorize_url]", WAIT));
    assert!(url_error.contains("must use https"), "{url_error}");
    app.save_screenshot(&screenshot_path("service-form-errors"))
        .unwrap();

    // A preset fills the endpoints; the person adds slug, client id and secret.
    app.select("#preset", "gotomeeting");
    app.wait_for_text("#token_url", WAIT, |_| true);
    let token_url = app.execute("return document.querySelector('#token_url').value", vec![]);
    assert_eq!(
        token_url,
        "https://authentication.logmeininc.com/oauth/token"
    );
    app.fill("#slug", "goto");
    app.fill("#client_id", "my-goto-client");
    app.fill("#client_secret", SECRET);
    app.click(&app.button("Add service"));

    let title = app.wait_for_text("#service-title", WAIT, |t| !t.is_empty());
    assert_eq!(title, "GoTo Meeting");
    let sidebar = app.wait_for_text("nav[aria-label='Services and users']", WAIT, |t| {
        t.contains("GoTo Meeting")
    });
    assert!(!sidebar.contains(SECRET));

    // The secret never reaches the page again.
    let page = app.execute("return document.documentElement.outerHTML", vec![]);
    assert!(
        !page.as_str().unwrap().contains(SECRET),
        "secret found in the DOM"
    );

    // Add a user; it shows in the table and the sidebar.
    app.fill("#external_id", "alice@example.com");
    app.fill("#label", "Alice");
    app.click(&app.button("Add user"));
    app.wait_for_text("table.users", WAIT, |t| t.contains("alice@example.com"));
    app.wait_for_text("nav[aria-label='Services and users']", WAIT, |t| {
        t.contains("alice@example.com")
    });
    app.save_screenshot(&screenshot_path("service-detail"))
        .unwrap();

    // A duplicate user is refused beside the field.
    app.fill("#external_id", "alice@example.com");
    app.click(&app.button("Add user"));
    let dup = app.wait_for_text("[data-testid=field-error-external_id]", WAIT, |t| {
        !t.is_empty()
    });
    assert!(dup.contains("already has a user"), "{dup}");

    // Export copies the service without its secret.
    app.click(&app.button("Export"));
    app.wait_for_text("[data-testid=status-notice]", WAIT, |t| {
        t.contains("export document")
    });
    let exported = cli::clipboard();
    assert!(exported.contains("\"slug\": \"goto\""), "{exported}");
    assert!(!exported.contains(SECRET), "the export holds the secret");

    // Importing it again is refused (the slug exists) and adds nothing.
    app.click(&app.wait_for("button[aria-label='Import services']", WAIT));
    let area = app.wait_for("textarea[aria-label='Export document']", WAIT);
    app.execute(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        vec![area.arg(), serde_json::json!(exported)],
    );
    app.click(&app.button("Import"));
    let refused = app.wait_for_text("[data-testid=import-error]", WAIT, |t| !t.is_empty());
    assert!(refused.contains("goto"), "{refused}");
    app.click(&app.button("Cancel"));

    // Edit → Save comes back to the tab the edit started from.
    app.click(&app.button("Edit"));
    app.wait_for("#service-form-title", WAIT);
    app.click(&app.button("Save changes"));
    app.wait_for("[data-testid=tab-settings][aria-selected=true]", WAIT);

    // Duplicate starts the form from the service under a new slug.
    app.click(&app.button("Duplicate"));
    let slug = app.wait_for("#slug", WAIT);
    assert_eq!(app.value(&slug), "goto-copy");
    app.click(&app.button("Add service"));
    app.wait_for_text("nav[aria-label='Services and users']", WAIT, |t| {
        t.contains("(copy)")
    });

    // What the app stored is what the CLI sees (one database, two front ends).
    let text = cli::output(&data_dir, &["--json", "service", "show", "goto"]);
    assert!(!text.contains(SECRET));
    let shown: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(shown["client_id"], "my-goto-client");
    assert_eq!(
        shown["redirect_uri"],
        redirect.as_str(),
        "saved what the form showed"
    );
    assert_eq!(shown["has_client_secret"], true);
}
