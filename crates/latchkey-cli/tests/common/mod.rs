//! The `latchkey` binary as the CLI integration tests run it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `latchkey --data-dir DATA` with the real keyring (no key file), no stdin,
/// and `browser` (when given) as the system browser: xdg-open honours
/// $BROWSER only outside a desktop session, so that is cleared too.
pub fn latchkey_with_browser(data: &Path, browser: Option<PathBuf>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_latchkey"));
    cmd.arg("--data-dir")
        .arg(data)
        .env_remove("LATCHKEY_KEY_FILE")
        .stdin(Stdio::null());
    if let Some(browser) = browser {
        cmd.env("BROWSER", browser)
            .env_remove("XDG_CURRENT_DESKTOP")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
    }
    cmd
}

/// Moves the stored access token of `user` into the past (expired a minute
/// ago), as the CLI sees the database: the next command must refresh it.
/// No waiting on the wall clock, so a loaded machine cannot flake the test.
pub fn expire_tokens(data: &Path, service: &str, user: &str) {
    let app =
        latchkey_core::Latchkey::open_with(Some(data), latchkey_core::KeySource::Keyring).unwrap();
    latchkey_core::testing::expire_user_tokens(&app, service, user).unwrap();
}
