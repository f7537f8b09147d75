//! `latchkey authorize | token | status | revoke` end to end against the
//! real OAuth server, with `browser.mjs` as $BROWSER (through `open` and
//! xdg-open), and several processes sharing one database.

mod common;

#[path = "../../latchkey-core/tests/support/oauth_server.rs"]
mod oauth_server;

use oauth_server::{fixture_dir, OauthServer};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SECRET: &str = "latchkey-basic-secret";

fn latchkey(data: &Path) -> Command {
    common::latchkey_with_browser(data, Some(fixture_dir().join("browser.mjs")))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[track_caller]
fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", text(&out));
    text(&out)
}

fn setup(server: &OauthServer, data: &Path) {
    assert!(
        std::env::var_os("LATCHKEY_TEST_KEYRING").is_some(),
        "run the tests through scripts/with-keyring.sh"
    );
    let mut child = latchkey(data)
        .args([
            "service",
            "add",
            "svc",
            "--issuer",
            &server.issuer,
            "--client-id",
            "latchkey-basic",
        ])
        .args([
            "--client-secret-stdin",
            "--scopes",
            "openid email profile offline_access meetings",
        ])
        .args(["--redirect-uri", "http://127.0.0.1:0/callback"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(SECRET.as_bytes())
        .unwrap();
    ok(child.wait_with_output().unwrap());
    ok(latchkey(data)
        .args(["user", "add", "svc", "alice"])
        .output()
        .unwrap());
}

#[test]
fn authorize_token_status_revoke_and_cross_process_single_flight() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    setup(&server, &data);

    let link = ok(latchkey(&data)
        .args(["login-link", "svc", "alice"])
        .output()
        .unwrap());
    assert!(
        link.trim().starts_with(&format!("{}/auth?", server.issuer)),
        "{link}"
    );

    let out = ok(latchkey(&data)
        .args(["authorize", "svc", "alice", "--timeout", "60"])
        .output()
        .unwrap());
    assert!(out.contains("Authorized `alice`"), "{out}");

    let token = latchkey(&data)
        .args(["token", "svc", "alice"])
        .output()
        .unwrap();
    assert!(token.status.success(), "{}", text(&token));
    let token = String::from_utf8(token.stdout).unwrap();
    let token = token.trim().to_string();
    assert!(
        !token.is_empty() && !token.contains(' '),
        "only the token on stdout"
    );

    let status = ok(latchkey(&data).args(["status", "svc"]).output().unwrap());
    assert!(
        status.contains("alice") && status.contains("authorized") && status.contains("expires in"),
        "{status}"
    );

    // Several processes on an expired token: exactly one refresh.
    common::expire_tokens(&data, "svc", "alice");
    let children: Vec<_> = (0..6)
        .map(|_| {
            latchkey(&data)
                .args(["token", "svc", "alice"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let tokens: Vec<String> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", text(&out));
            String::from_utf8(out.stdout).unwrap().trim().to_string()
        })
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert_eq!(
        rt.block_on(server.token_requests("refresh_token")),
        1,
        "one refresh across processes"
    );
    assert!(tokens.iter().all(|t| *t == tokens[0]) && tokens[0] != token);

    let revoke = ok(latchkey(&data)
        .args(["revoke", "svc", "alice"])
        .output()
        .unwrap());
    assert!(revoke.contains("revoked"), "{revoke}");
    let after = latchkey(&data)
        .args(["token", "svc", "alice"])
        .output()
        .unwrap();
    assert_eq!(after.status.code(), Some(2), "{}", text(&after));

    // Nothing but `latchkey token` ever shows a token or the client secret.
    for out in [&link, &out, &status, &revoke, &text(&after)] {
        for secret in tokens.iter().chain([&token, &SECRET.to_string()]) {
            assert!(
                !out.contains(secret.as_str()),
                "a secret leaked into: {out}"
            );
        }
    }
}

#[test]
fn bad_input_exits_2_and_runtime_failures_exit_1() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    setup(&server, &data);
    let out = latchkey(&data)
        .args(["token", "svc", "nobody"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = latchkey(&data)
        .args([
            "authorize",
            "svc",
            "alice",
            "--timeout",
            "1",
            "--no-browser",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("within 1 s"), "{err}");
}
