//! What the CLI's integration tests share: the `latchkey` binary as they
//! run it, a service on the OAuth fixture made through the CLI, and
//! moving a stored token's expiry into the past.

pub use latchkey_test_support::cli::{stderr, stdout, text, with_stdin};
pub use latchkey_test_support::{block_on, fixture_dir, require_keyring, OauthServer};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The fixture's confidential client (`client_secret_basic`) and its secret.
pub const BASIC_CLIENT: &str = "latchkey-basic";
pub const BASIC_SECRET: &str = "latchkey-basic-secret";
pub const SCOPES: &str = "openid email profile offline_access meetings";

/// `latchkey --data-dir DATA` with the real keyring, no stdin, and the
/// fixture's `browser.mjs` as the system browser.
pub fn latchkey(data: &Path) -> Command {
    latchkey_test_support::cli::command(
        env!("CARGO_BIN_EXE_latchkey"),
        data,
        Some(&fixture_dir().join("browser.mjs")),
    )
}

/// The same without a system browser set up.
pub fn latchkey_no_browser(data: &Path) -> Command {
    latchkey_test_support::cli::command(env!("CARGO_BIN_EXE_latchkey"), data, None)
}

/// Succeeded; returns stdout.
#[track_caller]
pub fn ok(out: Output) -> String {
    latchkey_test_support::cli::assert_success(&out);
    stdout(&out)
}

/// Succeeded; returns stdout and stderr.
#[track_caller]
pub fn ok_text(out: Output) -> String {
    latchkey_test_support::cli::assert_success(&out);
    text(&out)
}

/// `service add SLUG --issuer ISSUER` (discovery) with the fixture's basic
/// client, its secret on stdin, and `extra` flags; returns what it printed.
pub fn add_discovered_service(
    data: &Path,
    server: &OauthServer,
    slug: &str,
    extra: &[&str],
) -> String {
    require_keyring();
    ok_text(with_stdin(
        latchkey(data)
            .args(["service", "add", slug, "--issuer", &server.issuer])
            .args(["--client-id", BASIC_CLIENT, "--client-secret-stdin"])
            .args(["--scopes", SCOPES])
            .args(["--redirect-uri", "http://127.0.0.1:0/callback"])
            .args(extra),
        BASIC_SECRET,
    ))
}

pub fn add_user(data: &Path, service: &str, user: &str) {
    ok(latchkey(data)
        .args(["user", "add", service, user])
        .output()
        .unwrap());
}

/// `latchkey token svc alice` in `count` processes at once; each must
/// succeed. Returns the tokens they printed.
pub fn tokens_from_concurrent_processes(data: &Path, count: usize) -> Vec<String> {
    let children: Vec<_> = (0..count)
        .map(|_| {
            latchkey(data)
                .args(["token", "svc", "alice"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| ok(c.wait_with_output().unwrap()).trim().to_string())
        .collect()
}

/// Moves the stored access token of `user` into the past (expired a minute
/// ago), as the CLI sees the database: the next command must refresh it.
/// No waiting on the wall clock, so a loaded machine cannot flake the test.
pub fn expire_tokens(data: &Path, service: &str, user: &str) {
    let app =
        latchkey_core::Latchkey::open_with(Some(data), latchkey_core::KeySource::Keyring).unwrap();
    latchkey_core::testing::expire_user_tokens(&app, service, user).unwrap();
}
