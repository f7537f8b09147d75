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
