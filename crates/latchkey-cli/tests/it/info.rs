//! The `latchkey info` command as a person runs it.

use std::process::Command;

fn latchkey() -> Command {
    Command::new(env!("CARGO_BIN_EXE_latchkey"))
}

#[test]
fn info_json_reports_the_data_dir_and_a_reachable_keyring() {
    let tmp = tempfile::tempdir().unwrap();
    let out = latchkey()
        .args(["--json", "info", "--data-dir"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        info["data_dir"],
        std::fs::canonicalize(tmp.path())
            .unwrap()
            .display()
            .to_string()
    );
    assert_eq!(info["keyring"]["state"], "available", "{info}");
}

#[test]
fn info_honours_the_environment_variable() {
    let tmp = tempfile::tempdir().unwrap();
    let wanted = tmp.path().join("from-env");
    let out = latchkey()
        .arg("info")
        .env("LATCHKEY_DATA_DIR", &wanted)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("from-env"), "{text}");
    assert!(wanted.is_dir());
}

#[test]
fn unusable_data_dir_fails_with_a_clear_message_and_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let out = latchkey()
        .args(["info", "--data-dir"])
        .arg(file.join("sub"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("latchkey: cannot use the data directory"),
        "{err}"
    );
    assert!(err.contains("LATCHKEY_DATA_DIR"), "{err}");
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let out = latchkey().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The commit the test binary was built from, as git sees this checkout.
fn head_commit() -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn version_and_info_name_the_commit_built_from() {
    let commit = head_commit().unwrap_or_else(|| "unknown".into());
    let out = latchkey().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("latchkey {} (commit {commit})", env!("CARGO_PKG_VERSION"))
    );

    let tmp = tempfile::tempdir().unwrap();
    let out = latchkey()
        .args(["info", "--data-dir"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!(
            "Latchkey {} (commit {commit})\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
}
