//! The `latchkey` binary as tests run it, and reading what it printed.

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `BIN --data-dir DATA` with the real keyring (no key file), no stdin,
/// and `browser` (when given) as the system browser: xdg-open honours
/// $BROWSER only outside a desktop session, so that is cleared too.
pub fn command(bin: impl AsRef<OsStr>, data: &Path, browser: Option<&Path>) -> Command {
    let mut cmd = Command::new(bin);
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

/// Runs `cmd` with `input` on its stdin and collects its output.
pub fn with_stdin(cmd: &mut Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the command");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input.as_bytes())
        .expect("write to the command's stdin");
    child.wait_with_output().expect("wait for the command")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Stdout then stderr, for messages and for assertions on either.
pub fn text(out: &Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

/// Panics with everything the command printed unless it succeeded.
#[track_caller]
pub fn assert_success(out: &Output) {
    assert!(out.status.success(), "{}", text(out));
}
