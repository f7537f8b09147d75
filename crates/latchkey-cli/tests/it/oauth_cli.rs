//! `latchkey authorize | token | status | revoke` end to end against the
//! real OAuth server, with `browser.mjs` as $BROWSER (through `open` and
//! xdg-open), and several processes sharing one database.

use crate::common::{
    add_discovered_service, add_user, block_on, latchkey, ok_text as ok, text,
    tokens_from_concurrent_processes, OauthServer, BASIC_SECRET as SECRET,
};

fn setup(server: &OauthServer, data: &std::path::Path) {
    add_discovered_service(data, server, "svc", &[]);
    add_user(data, "svc", "alice");
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
    crate::common::expire_tokens(&data, "svc", "alice");
    let tokens = tokens_from_concurrent_processes(&data, 6);
    assert_eq!(
        block_on(server.token_requests("refresh_token")),
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
