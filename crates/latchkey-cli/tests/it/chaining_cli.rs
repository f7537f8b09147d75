//! The README's worked example as one shell session, against the real
//! fixtures: the GoTo-like service from its OpenAPI document, a user
//! authorized through the browser, `var set subject`, a meeting created
//! with `{{subject}}` and `--set mid=meetingid`, read back with
//! `GET /meetings/{{mid}}`. Then unknown variables, `--all`, scopes and a
//! secret variable that history never shows.

use crate::common::{block_on, latchkey, ok, require_keyring, text, OauthServer};
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

fn run(data: &Path, args: &[&str]) -> Output {
    latchkey(data).args(args).output().unwrap()
}

fn api_requests(server: &OauthServer) -> u64 {
    block_on(server.stats())["api_requests"].as_u64().unwrap()
}

#[test]
fn the_worked_example_chains_two_requests_through_a_variable() {
    require_keyring();
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let doc = format!("{}/openapi/meetings.openapi.yaml", server.issuer);

    // 1. The service from the API's own description.
    ok(run(
        &data,
        &[
            "service",
            "add",
            "goto",
            "--openapi",
            &doc,
            "--client-id",
            "latchkey-public",
            "--client-auth",
            "none",
            "--redirect-uri",
            "http://127.0.0.1:0/callback",
        ],
    ));
    // 2. Authorize a user (browser.mjs plays the browser).
    ok(run(&data, &["user", "add", "goto", "alice"]));
    let authorized = ok(run(
        &data,
        &["authorize", "goto", "alice", "--timeout", "60"],
    ));
    assert!(authorized.contains("Authorized `alice`"), "{authorized}");
    // 3. A variable.
    ok(run(&data, &["var", "set", "subject", "Weekly sync"]));
    // 4. Create a meeting with it, capturing the new meeting's id.
    let created = run(
        &data,
        &[
            "request",
            "goto",
            "alice",
            "POST",
            "/meetings",
            "--json",
            r#"{"subject":"{{subject}}","starttime":"2030-01-07T09:00:00Z","endtime":"2030-01-07T10:00:00Z"}"#,
            "--set",
            "mid=meetingid",
        ],
    );
    let body: serde_json::Value = serde_json::from_str(&ok(created.clone())).unwrap();
    let mid = body[0]["meetingid"].as_u64().unwrap().to_string();
    assert!(
        String::from_utf8_lossy(&created.stderr).contains(&format!("set variable `mid` = {mid}")),
        "{}",
        text(&created)
    );
    assert_eq!(ok(run(&data, &["var", "get", "mid"])).trim(), mid);
    // 5. Read it back through the variable.
    let subject = ok(run(
        &data,
        &[
            "request",
            "goto",
            "alice",
            "GET",
            "/meetings/{{mid}}",
            "--find",
            "subject",
        ],
    ));
    assert_eq!(subject.trim(), "Weekly sync");
    let one = ok(run(
        &data,
        &[
            "request",
            "goto",
            "alice",
            "GET",
            "/meetings/{{ mid }}",
            "--path",
            "$.meetingid",
        ],
    ));
    assert_eq!(one.trim(), mid);

    // An unknown variable is named, and nothing is sent.
    let before = api_requests(&server);
    let unknown = run(
        &data,
        &[
            "request",
            "goto",
            "alice",
            "GET",
            "/meetings/{{meeting}}",
            "-H",
            "X-Who: {{whom}}",
        ],
    );
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
    assert!(
        text(&unknown).contains("unknown variables `{{meeting}}`, `{{whom}}`: set them with `latchkey var set meeting VALUE`"),
        "{}",
        text(&unknown)
    );
    let bad = run(
        &data,
        &["request", "goto", "alice", "GET", "/meetings/{{mid"],
    );
    assert!(text(&bad).contains("opens no variable"), "{}", text(&bad));
    assert_eq!(api_requests(&server), before, "nothing was sent");

    // `--all`: every match as a JSON array (a second meeting, JSON-escaped subject).
    ok(run(&data, &["var", "set", "subject", "Retro \"Q4\""]));
    ok(run(
        &data,
        &[
            "request",
            "goto",
            "alice",
            "POST",
            "/meetings",
            "--json",
            r#"{"subject":"{{subject}}","starttime":"2030-01-08T09:00:00Z","endtime":"2030-01-08T10:00:00Z"}"#,
        ],
    ));
    let all = ok(run(
        &data,
        &[
            "request",
            "goto",
            "alice",
            "GET",
            "/meetings",
            "--find",
            "subject",
            "--all",
        ],
    ));
    let all: serde_json::Value = serde_json::from_str(&all).unwrap();
    assert_eq!(all, serde_json::json!(["Weekly sync", "Retro \"Q4\""]));
    let ids = ok(run(
        &data,
        &[
            "request",
            "goto",
            "alice",
            "GET",
            "/meetings",
            "--path",
            "$[*].meetingid",
            "--all",
        ],
    ));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&ids)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let lonely = run(
        &data,
        &["request", "goto", "alice", "GET", "/meetings", "--all"],
    );
    assert!(
        text(&lonely).contains("--all goes with --find KEY or --path JSONPATH"),
        "{}",
        text(&lonely)
    );

    // The service's variable wins over the global one.
    ok(run(&data, &["var", "set", "mid", "1", "--service", "goto"]));
    let missing = run(
        &data,
        &["request", "goto", "alice", "GET", "/meetings/{{mid}}"],
    );
    assert!(
        text(&missing).contains("no meeting 1"),
        "{}",
        text(&missing)
    );
    ok(run(&data, &["var", "unset", "mid", "--service", "goto"]));
    ok(run(
        &data,
        &["request", "goto", "alice", "GET", "/meetings/{{mid}}"],
    ));

    // A secret variable: sealed, masked in the list, never in history.
    let secret = "s3cr3t-trace-value";
    let mut child = latchkey(&data)
        .args(["var", "set", "trace", "--secret", "--value-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(secret.as_bytes())
        .unwrap();
    ok(child.wait_with_output().unwrap());
    ok(run(
        &data,
        &[
            "request",
            "goto",
            "alice",
            "GET",
            "/me",
            "-H",
            "X-Trace: {{trace}}",
            "--query",
            "t={{trace}}",
        ],
    ));
    let list = ok(run(&data, &["var", "list"]));
    assert!(
        list.contains("trace") && list.contains("(secret)"),
        "{list}"
    );
    let hidden = run(&data, &["var", "get", "trace"]);
    assert!(text(&hidden).contains("add --reveal"), "{}", text(&hidden));
    assert_eq!(
        ok(run(&data, &["var", "get", "trace", "--reveal"])).trim(),
        secret
    );
    let history = ok(run(&data, &["--json", "history"]));
    let newest = serde_json::from_str::<serde_json::Value>(&history).unwrap();
    let id = newest
        .pointer("/entries/0/id")
        .or(newest.pointer("/0/id"))
        .cloned()
        .unwrap();
    let shown = ok(run(&data, &["--json", "history", "show", &id.to_string()]));
    assert!(shown.contains("/me"), "{shown}");
    for out in [&history, &shown, &list] {
        assert!(!out.contains(secret), "the secret variable leaked: {out}");
    }
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds the secret variable in the clear",
                path.display()
            );
        }
    }
}
