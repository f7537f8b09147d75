//! The keyring badge follows the last real operation: once the Secret
//! Service refuses a save, the badge no longer says "available", and the
//! form says what to do. The keyring is made to fail for real: the test
//! starts its own D-Bus session with its own gnome-keyring for the app (so
//! the suite's keyring is untouched), then locks its login collection (no
//! prompter can show in that session, so the unlock prompt is dismissed).

use latchkey_e2e::{app::App, fixture::fresh_data_dir};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

/// A session bus with an unlocked gnome-keyring, stopped when dropped.
struct PrivateKeyring {
    bus: Child,
    address: String,
    _home: tempfile::TempDir,
}

impl PrivateKeyring {
    fn start() -> Self {
        let home = tempfile::tempdir().unwrap();
        let run = home.path().join("run");
        std::fs::create_dir(&run).unwrap();
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .env("XDG_RUNTIME_DIR", &run)
            // Without a display the unlock prompt is dismissed at once
            // instead of waiting on the Xvfb screen for a click.
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dbus-daemon");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let address = address.trim().to_string();
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("XDG_RUNTIME_DIR", &run)
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("HOME", home.path())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start gnome-keyring-daemon");
        // The password only guards this throwaway keyring.
        keyring
            .stdin
            .take()
            .unwrap()
            .write_all(b"latchkey")
            .unwrap();
        assert!(keyring.wait().unwrap().success());
        Self {
            bus,
            address,
            _home: home,
        }
    }

    fn lock(&self) {
        let status = Command::new("gdbus")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .args([
                "call",
                "--session",
                "--dest",
                "org.freedesktop.secrets",
                "--object-path",
                "/org/freedesktop/secrets",
                "--method",
                "org.freedesktop.Secret.Service.Lock",
                "['/org/freedesktop/secrets/collection/login']",
            ])
            .status()
            .expect("run gdbus (package libglib2.0-bin)");
        assert!(status.success(), "could not lock the test keyring");
    }
}

impl Drop for PrivateKeyring {
    fn drop(&mut self) {
        // gnome-keyring-daemon leaves with its bus.
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

#[test]
#[ignore = "needs the built app, Xvfb, tauri-driver and the private keyring: run `make e2e`"]
fn a_refused_save_turns_the_keyring_badge_from_available() {
    let (_tmp, data) = fresh_data_dir("data");
    let keyring = PrivateKeyring::start();
    let app = App::start(
        &data,
        &[("DBUS_SESSION_BUS_ADDRESS", Path::new(&keyring.address))],
    );
    app.wait_for_text("[data-testid=keyring-status]", WAIT, |t| {
        t == "Keyring available"
    });

    keyring.lock();

    app.click(&app.wait_for("button[aria-label='Add a service']", WAIT));
    app.fill("#slug", "locked-out");
    app.fill("#client_id", "latchkey-basic");
    app.fill("#client_secret", "latchkey-basic-secret");
    app.fill("#authorize_url", "https://auth.example.com/authorize");
    app.fill("#token_url", "https://auth.example.com/token");
    app.click(&app.button("Add service"));

    let said = app.wait_for_text("[data-testid=form-error]", WAIT, |t| !t.is_empty());
    assert!(said.contains("unlock your keyring"), "{said}");
    let badge = app.wait_for_text("[data-testid=keyring-status]", WAIT, |t| {
        t == "Keyring failed"
    });
    assert_ne!(badge, "Keyring available");
    let el = app.wait_for("[data-testid=keyring-status]", WAIT);
    let title = app.attribute(&el, "title").unwrap_or_default();
    assert!(title.contains("unlock your keyring"), "{title}");

    // Checking again asks the keyring for a real write: still not available.
    app.click(&el);
    let after = app.wait_for_text("[data-testid=keyring-status]", WAIT, |t| {
        !t.is_empty() && t != "Checking keyring…"
    });
    assert!(
        after == "Keyring locked" || after == "Keyring failed",
        "{after}"
    );
    assert!(app.try_find("nav [data-slug='locked-out']").is_none());
}
