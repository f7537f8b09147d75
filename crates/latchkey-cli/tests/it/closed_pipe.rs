//! A reader that stops early (`latchkey service export | head -1`): the
//! command ends quietly and successfully, as Unix tools do, with no panic
//! and no "Broken pipe" message.

use crate::common::{latchkey_no_browser as latchkey, ok, stderr};
use std::path::Path;
use std::process::{Output, Stdio};

/// Runs `latchkey ARGS` with stdout a pipe whose reader has gone before
/// the command writes its first byte, so every write meets a closed pipe.
fn into_closed_pipe(data: &Path, args: &[&str]) -> Output {
    let mut child = latchkey(data)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn printing_commands_end_quietly_when_the_reader_has_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    ok(latchkey(data)
        .args(["service", "add", "goto", "--preset", "gotomeeting"])
        .args(["--client-id", "abc", "--scopes", "collab:"])
        .output()
        .unwrap());
    ok(latchkey(data)
        .args(["user", "add", "goto", "alice@example.com"])
        .output()
        .unwrap());

    for args in [
        &["service", "export"][..],
        &["service", "list"],
        &["service", "show", "goto"],
        &["service", "export", "--json"],
        &["user", "list", "goto"],
        &["status"],
        &["history"],
        &["history", "--json"],
        &["presets"],
        &["info"],
    ] {
        let out = into_closed_pipe(data, args);
        assert_eq!(
            (out.status.code(), stderr(&out)),
            (Some(0), String::new()),
            "latchkey {}",
            args.join(" ")
        );
    }
}
