//! The app on a desktop without any Secret Service: it starts, says what to
//! install, and lets the person keep the data key in a file from the window;
//! the CLI then uses the same file.

use latchkey_e2e::{app::App, fixture::fresh_data_dir, screenshot_path, target_dir};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
/// A session bus address where nothing listens: no keyring can answer.
const NO_BUS: &str = "unix:path=/nonexistent/latchkey-no-session-bus";
const SECRET: &str = "no-keyring-secret-5b1e";

fn cli_without_keyring(data_dir: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(target_dir().join("debug/latchkey"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
        .env_remove("LATCHKEY_KEY_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the latchkey CLI (make e2e builds it)");
    let mut stdin_pipe = child.stdin.take().expect("piped stdin");
    stdin_pipe.write_all(stdin.as_bytes()).unwrap();
    drop(stdin_pipe);
    child.wait_with_output().unwrap()
}

#[test]
#[ignore = "needs the built app, Xvfb and tauri-driver: run `make e2e`"]
fn without_a_keyring_the_window_explains_and_offers_a_private_key_file() {
    let (_tmp, data_dir) = fresh_data_dir("data");
    let app = App::start(
        &data_dir,
        &[("DBUS_SESSION_BUS_ADDRESS", Path::new(NO_BUS))],
    );

    let notice = app.wait_for_text("[data-testid=no-keyring]", WAIT, |t| !t.is_empty());
    assert!(notice.contains("No keyring found"), "{notice}");
    assert!(notice.contains("apt install gnome-keyring"), "{notice}");
    app.wait_for_text("[data-testid=keyring-status]", WAIT, |t| t == "No keyring");
    app.save_screenshot(&screenshot_path("no-keyring")).unwrap();

    let offer = app.wait_for("[data-testid=use-key-file]", WAIT);
    app.click(&offer);
    let warning = app.wait_for_text("#confirm-message", WAIT, |t| !t.is_empty());
    assert!(warning.contains("weaker than a keyring"), "{warning}");
    assert!(warning.contains("mode 0600"), "{warning}");
    let confirm = app.wait_for("[data-testid=confirm]", WAIT);
    app.click(&confirm);

    app.wait_for_text("[data-testid=keyring-status]", WAIT, |t| t == "Key file");
    assert!(
        app.try_find("[data-testid=no-keyring]").is_none(),
        "the notice goes once the key has a place"
    );
    let key_file = data_dir.join("data.key");
    let key = std::fs::read_to_string(&key_file).expect("the key file exists");
    assert_eq!(key.trim().len(), 64, "a 256-bit key as hex");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "mode {:o}", mode & 0o777);
    }

    // The CLI, also without a keyring, seals a secret with the same file and
    // reads it back (compared here, never printed).
    let out = cli_without_keyring(
        &data_dir,
        &[
            "service",
            "add",
            "demo",
            "--authorize-url",
            "https://auth.example.com/authorize",
            "--token-url",
            "https://auth.example.com/token",
            "--client-id",
            "demo-client",
            "--client-secret-stdin",
        ],
        SECRET,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli_without_keyring(
        &data_dir,
        &["service", "export", "demo", "--with-secrets"],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(SECRET),
        "the exported secret is the one sealed"
    );
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), key, "same key");
}
