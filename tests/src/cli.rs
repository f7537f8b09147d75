//! Running the built `latchkey` CLI against a test's data dir, to set up what
//! the app then shows (the app and the CLI share one database).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn latchkey(data_dir: &Path) -> Command {
    latchkey_test_support::cli::command(
        crate::target_dir().join(crate::profile()).join("latchkey"),
        data_dir,
        None,
    )
}

/// `latchkey service add SLUG --issuer ISSUER` (discovery) with the
/// fixture's basic client and its secret, `scopes`, and `extra` flags.
pub fn add_fixture_service(
    data_dir: &Path,
    server: &crate::oauth_server::OauthServer,
    slug: &str,
    scopes: &str,
    extra: &[&str],
) {
    let mut args = vec!["service", "add", slug, "--issuer", &server.issuer];
    args.extend(["--client-id", "latchkey-basic", "--client-secret-stdin"]);
    args.extend(["--scopes", scopes]);
    args.extend(["--redirect-uri", "http://127.0.0.1:0/callback"]);
    args.extend(extra);
    run(data_dir, &args, "latchkey-basic-secret");
}

/// Runs `latchkey ARGS` with `stdin` piped in; panics with its stderr on failure.
pub fn run(data_dir: &Path, args: &[&str], stdin: &str) {
    let mut child = latchkey(data_dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the latchkey CLI (make e2e builds it)");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin.as_bytes())
        .expect("write to the CLI");
    let out = child.wait_with_output().expect("wait for the CLI");
    assert!(
        out.status.success(),
        "latchkey {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `latchkey ARGS` and returns its stdout.
pub fn output(data_dir: &Path, args: &[&str]) -> String {
    let out = latchkey(data_dir)
        .args(args)
        .output()
        .expect("run the latchkey CLI (make e2e builds it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The X clipboard as another program sees it.
pub fn clipboard() -> String {
    let out = Command::new("xclip")
        .args(["-selection", "clipboard", "-o"])
        .output()
        .expect("xclip reads the clipboard (make test installs it)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
