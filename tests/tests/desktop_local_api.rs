//! Turning on the local automation API in the desktop app's settings, then
//! calling it with the key the app showed once.

use latchkey_e2e::{app::App, fixture::fresh_data_dir, free_port, screenshot_path};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

#[test]
#[ignore = "needs the built app, Xvfb and tauri-driver: run `make e2e`"]
fn serve_the_local_api_from_settings() {
    let (_tmp, data_dir) = fresh_data_dir("data");
    let app = App::start(&data_dir, &[]);

    app.click(&app.wait_for("[data-testid=open-settings]", WAIT));
    app.wait_for_text("[data-testid=api-state]", WAIT, |t| t.contains("Off"));

    // A port that is taken is refused with a message naming it; nothing turns on.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port();
    app.fill("#api-port", &taken_port.to_string());
    app.click(&app.wait_for("[data-testid=api-enable]", WAIT));
    let err = app.wait_for_text(".settings .error", WAIT, |t| !t.is_empty());
    assert!(err.contains(&taken_port.to_string()), "{err}");
    drop(taken);

    // A free port: it serves, and the key is shown once.
    let port = free_port();
    app.fill("#api-port", &port.to_string());
    app.click(&app.wait_for("[data-testid=api-enable]", WAIT));
    let state = app.wait_for_text("[data-testid=api-state]", WAIT, |t| t.contains("Serving"));
    assert!(state.contains(&format!("127.0.0.1:{port}")), "{state}");
    let key = app.wait_for_text("[data-testid=api-key]", WAIT, |t| t.starts_with("lk_"));

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("http://127.0.0.1:{port}/v1/services");
    let ok = agent
        .get(&url)
        .header("Authorization", &format!("Bearer {key}"))
        .call()
        .unwrap();
    assert_eq!(ok.status(), 200);
    let refused = agent
        .get(&url)
        .header("Authorization", "Bearer lk_wrong")
        .call()
        .unwrap();
    assert_eq!(refused.status(), 401);

    // Hidden again before the screenshot: keys never go into pictures.
    app.click(&app.button("Hide"));
    assert!(app.try_find("[data-testid=api-key]").is_none());
    app.save_screenshot(&screenshot_path("settings-local-api"))
        .unwrap();

    // Stopping closes the port.
    app.click(&app.button("Stop serving"));
    app.wait_for_text("[data-testid=api-state]", WAIT, |t| t.contains("Off"));
    assert!(
        agent.get(&url).call().is_err(),
        "nothing listens after Stop"
    );
}
