//! Harnesses for Latchkey's end-to-end tests: the built desktop app driven
//! through WebDriver (tauri-driver + WebKitWebDriver) under Xvfb, and paths
//! to the built binaries.
//!
//! Run them with `make e2e` (part of `make test`), which builds the app and
//! wraps the run in Xvfb and a private D-Bus session with gnome-keyring.

pub mod app;
pub mod cli;
pub mod fixture;
/// The real OAuth server (oidc-provider) the tests authorize against; the
/// same harness the core and CLI integration tests use.
pub use latchkey_test_support::oauth_server;
pub mod tauri_driver;
pub mod webdriver;

use std::path::PathBuf;

/// The workspace's target directory (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// Which build the tests drive: `debug` (what `make e2e` builds) unless
/// `LATCHKEY_E2E_PROFILE` names another (`release` for `make bench-explorer`,
/// which measures what ships).
pub fn profile() -> String {
    std::env::var("LATCHKEY_E2E_PROFILE").unwrap_or_else(|_| "debug".into())
}

/// The desktop binary of [`profile`], built before the tests run.
pub fn desktop_binary() -> PathBuf {
    let path = target_dir().join(profile()).join("latchkey-desktop");
    assert!(
        path.is_file(),
        "{} is missing: build it first with `cargo build -p latchkey-desktop` (make e2e does; \
         `make package` builds the release one)",
        path.display()
    );
    std::fs::canonicalize(&path).expect("canonical path of the desktop binary")
}

/// Where end-to-end tests leave screenshots for a person to look at.
pub fn artifacts_dir() -> PathBuf {
    let dir = target_dir().join("e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/e2e-artifacts");
    dir
}

/// The theme the app is started in: `LATCHKEY_E2E_THEME=dark` runs the
/// suite in GTK's dark variant (WebKit then reports `prefers-color-scheme:
/// dark`); screenshots carry the theme in their name.
pub fn theme() -> &'static str {
    match std::env::var("LATCHKEY_E2E_THEME").as_deref() {
        Ok("dark") => "dark",
        _ => "light",
    }
}

/// `target/e2e-artifacts/NAME-THEME.png`: where a test saves a screenshot.
pub fn screenshot_path(name: &str) -> PathBuf {
    artifacts_dir().join(format!("{name}-{}.png", theme()))
}

/// A free TCP port on 127.0.0.1 (bound, read, released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
