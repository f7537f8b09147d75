//! Records the git commit the binaries are built from, for `--version`, `info`
//! and the app's About: `LATCHKEY_GIT_COMMIT` when set (a packager building
//! from a tarball), else `git rev-parse`, else "unknown" (no .git, no git).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-env-changed=LATCHKEY_GIT_COMMIT");
    let commit = std::env::var("LATCHKEY_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=LATCHKEY_GIT_COMMIT={commit}");
    // Run again when HEAD moves: HEAD itself, the branch it names, packed refs.
    let mut watched = vec![git(&["rev-parse", "--git-path", "HEAD"])];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(git(&["rev-parse", "--git-path", &branch]));
    }
    watched.push(git(&["rev-parse", "--git-path", "packed-refs"]));
    // Only existing files: cargo treats a missing one as always changed.
    for path in watched.into_iter().flatten() {
        if !std::path::Path::new(&path).exists() {
            continue;
        }
        println!("cargo:rerun-if-changed={path}");
    }
}
