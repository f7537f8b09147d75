//! `latchkey request | find | path | history` end to end: the real binary
//! against the real OAuth fixture server and its protected meetings API.

use crate::common::{
    add_discovered_service, add_user, block_on, latchkey, ok, stderr, stdout, text, with_stdin,
    OauthServer, BASIC_SECRET as SECRET,
};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const MEETING: &str = r#"{
  "subject": "Weekly sync",
  "starttime": "2030-01-15T15:00:00Z",
  "endtime": "2030-01-15T16:00:00Z",
  "passwordrequired": false,
  "conferencecallinfo": "Hybrid",
  "timezonekey": "",
  "meetingtype": "scheduled"
}"#;

fn run(data: &Path, args: &[&str]) -> Output {
    latchkey(data).args(args).output().unwrap()
}

/// Runs with `input` on stdin.
fn run_with_stdin(data: &Path, args: &[&str], input: &str) -> Output {
    with_stdin(latchkey(data).args(args), input)
}

/// Failed with `code`; returns stderr.
#[track_caller]
fn fails(out: Output, code: i32) -> String {
    assert_eq!(out.status.code(), Some(code), "{}", text(&out));
    stderr(&out)
}

/// Service `demo` on the fixture (API base URL `<issuer>/api`), user alice authorized.
fn setup(server: &OauthServer, data: &Path) {
    let api = format!("{}/api", server.issuer);
    add_discovered_service(data, server, "demo", &["--api-base-url", &api]);
    add_user(data, "demo", "alice");
    let out = ok(run(
        data,
        &["authorize", "demo", "alice", "--timeout", "60"],
    ));
    assert!(out.contains("Authorized `alice`"), "{out}");
}

fn token(data: &Path) -> String {
    ok(run(data, &["token", "demo", "alice"]))
        .trim()
        .to_string()
}

#[test]
fn gotomeeting_flow_from_the_cli() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    setup(&server, &data);
    let meeting = tmp.path().join("meeting.json");
    std::fs::write(&meeting, MEETING).unwrap();
    let at_meeting = format!("@{}", meeting.display());
    let mut tokens = vec![token(&data)];

    // The issue's "done when": the join URL alone, ready for $(...).
    let url = ok(run(
        &data,
        &[
            "request",
            "demo",
            "alice",
            "POST",
            "/meetings",
            "--json",
            &at_meeting,
            "--find",
            "joinURL",
        ],
    ));
    assert!(
        url.starts_with("https://meet.example.test/")
            && url.ends_with('\n')
            && url.lines().count() == 1,
        "{url:?}"
    );
    let url = ok(run(
        &data,
        &[
            "request",
            "demo",
            "alice",
            "POST",
            "/meetings",
            "--json",
            &at_meeting,
            "--path",
            "$[0].joinURL",
        ],
    ));
    assert!(
        url.trim().starts_with("https://meet.example.test/"),
        "{url:?}"
    );
    // Other values print as compact JSON.
    let id = ok(run(
        &data,
        &[
            "request",
            "demo",
            "alice",
            "POST",
            "/meetings",
            "--json",
            MEETING,
            "--find",
            "meetingid",
        ],
    ));
    assert!(id.trim().parse::<u64>().is_ok(), "{id:?}");
    // From stdin, and the whole body (as received: not a terminal).
    let body = ok(run_with_stdin(
        &data,
        &[
            "request",
            "demo",
            "alice",
            "POST",
            "/meetings",
            "--json",
            "-",
        ],
        MEETING,
    ));
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert!(
        doc[0]["joinURL"].as_str().unwrap().starts_with("https://"),
        "{body}"
    );

    // --include: the status line and headers, then the body.
    let listed = ok(run(
        &data,
        &["request", "demo", "alice", "get", "/meetings", "-i"],
    ));
    assert!(listed.starts_with("HTTP 200 OK\n"), "{listed}");
    assert!(
        listed
            .to_lowercase()
            .contains("content-type: application/json"),
        "{listed}"
    );
    let (_, body) = listed.split_once("\n\n").unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(body)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // An HTTP error: exit 1, the status on stderr, the body still on stdout.
    let out = run(
        &data,
        &[
            "request",
            "demo",
            "alice",
            "POST",
            "/meetings",
            "--json",
            r#"{"subject": ""}"#,
            "--find",
            "joinURL",
        ],
    );
    assert!(
        stdout(&out).contains("subject (string) is required"),
        "{}",
        text(&out)
    );
    let err = fails(out, 1);
    assert_eq!(err.trim(), "latchkey: HTTP 400 Bad Request");
    // Nothing found: exit 1 and which key.
    let err = fails(
        run(
            &data,
            &[
                "request",
                "demo",
                "alice",
                "POST",
                "/meetings",
                "--json",
                MEETING,
                "--find",
                "joinUrl",
            ],
        ),
        1,
    );
    assert_eq!(err.trim(), "latchkey: no key `joinUrl` in the response");
    // No user: no token, so the API refuses.
    let err = fails(run(&data, &["request", "demo", "-", "GET", "/me"]), 1);
    assert!(err.contains("HTTP 401 Unauthorized"), "{err}");
    // A query parameter and a header go out (the API ignores them).
    let me = ok(run(
        &data,
        &[
            "request",
            "demo",
            "alice",
            "GET",
            "/me",
            "--query",
            "a=1",
            "-H",
            "X-Trace: t1",
            "--timeout",
            "30",
            "--find",
            "presented_as",
        ],
    ));
    assert_eq!(me.trim(), "header:Bearer");

    // An expired token is refreshed on the way, with no word about it.
    let refreshes = block_on(server.token_requests("refresh_token"));
    crate::common::expire_tokens(&data, "demo", "alice");
    let sub = ok(run(
        &data,
        &["request", "demo", "alice", "GET", "/me", "--find", "sub"],
    ));
    assert!(!sub.trim().is_empty(), "{sub}");
    assert!(block_on(server.token_requests("refresh_token")) > refreshes);
    tokens.push(token(&data));

    // --as-curl: the token as "$LATCHKEY_TOKEN", and the command works.
    let curl = ok(run(
        &data,
        &[
            "request",
            "demo",
            "alice",
            "POST",
            "/meetings",
            "--json",
            &at_meeting,
            "--as-curl",
        ],
    ));
    assert!(
        curl.contains(r#"'Authorization: Bearer '"$LATCHKEY_TOKEN""#),
        "{curl}"
    );
    assert!(
        curl.contains(&format!("'{}/api/meetings'", server.issuer)),
        "{curl}"
    );
    // A fresh token: with the fixture's short lifetime, a stored one may
    // expire between `latchkey token` and curl.
    let token_now = ok(run(&data, &["token", "demo", "alice", "--refresh"]))
        .trim()
        .to_string();
    let shell = Command::new("sh")
        .arg("-c")
        .arg(format!("{} --silent", curl.trim()))
        .env("LATCHKEY_TOKEN", &token_now)
        .output()
        .unwrap();
    let answer: Value = serde_json::from_slice(&shell.stdout).unwrap();
    assert!(answer[0]["joinURL"].is_string(), "{answer}");
    tokens.push(token_now);

    // History: every call, newest first, the token redacted everywhere.
    let table = ok(run(&data, &["history", "--service", "demo"]));
    let header = table.lines().next().unwrap();
    for column in ["ID", "TIME (UTC)", "METHOD", "URL", "STATUS", "MS"] {
        assert!(header.contains(column), "{table}");
    }
    assert!(
        table.contains("/api/meetings") && table.contains(" 201 ") && table.contains(" 400 "),
        "{table}"
    );
    let page: Value =
        serde_json::from_str(&ok(run(&data, &["--json", "history", "--limit", "50"]))).unwrap();
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 10, "{page}");
    assert!(entries.iter().all(|e| e["source"] == "cli"));
    assert_eq!(entries.last().unwrap()["method"], "POST");
    let ids: Vec<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let failed = ok(run(&data, &["history", "--status", "4xx"]));
    assert!(
        failed.contains(" 400 ") && failed.contains(" 401 ") && !failed.contains(" 201 "),
        "{failed}"
    );
    let first = ids.last().unwrap().to_string();
    let shown = ok(run(&data, &["history", "show", &first]));
    assert!(
        shown.contains("> POST ") && shown.contains("Weekly sync"),
        "{shown}"
    );
    assert!(
        shown.contains("joinURL") && shown.contains("201 Created"),
        "{shown}"
    );
    let mut all_history = shown.clone();
    for id in &ids {
        all_history.push_str(&ok(run(&data, &["history", "show", &id.to_string()])));
        all_history.push_str(&ok(run(
            &data,
            &["--json", "history", "show", &id.to_string()],
        )));
    }
    assert!(all_history.contains("[redacted]"), "{all_history}");
    for token in &tokens {
        assert!(
            !all_history.contains(token.as_str()),
            "a token leaked into history"
        );
        assert!(!table.contains(token.as_str()) && !curl.contains(token.as_str()));
    }
    assert!(!all_history.contains(SECRET));

    // Re-run sends again with fresh auth; clear empties it.
    let again = ok(run(
        &data,
        &["history", "rerun", &first, "--find", "joinURL"],
    ));
    assert!(again.starts_with("https://meet.example.test/"), "{again}");
    let cleared = ok(run(&data, &["history", "clear", "--service", "demo"]));
    assert!(cleared.contains("Deleted 11 history entries"), "{cleared}");
    let empty = ok(run(&data, &["history"]));
    assert!(empty.contains("No requests"), "{empty}");
}

#[test]
fn find_and_path_on_files_and_stdin() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let file = tmp.path().join("answer.json");
    std::fs::write(
        &file,
        r#"[{"meetingid": 7, "joinURL": "https://meet/7", "nested": {"JoinUrl": {"a": [1, 2]}}}]"#,
    )
    .unwrap();
    let file = file.to_str().unwrap();

    assert_eq!(
        ok(run(&data, &["find", "joinURL", file])),
        "https://meet/7\n"
    );
    assert_eq!(ok(run(&data, &["find", "meetingid", file])), "7\n");
    assert_eq!(
        ok(run(
            &data,
            &["find", "joinurl", file, "--ignore-case", "--all"]
        )),
        "$[0].joinURL\thttps://meet/7\n$[0].nested.JoinUrl\t{\"a\":[1,2]}\n"
    );
    assert_eq!(
        ok(run(&data, &["path", "$[0].joinURL", file])),
        "https://meet/7\n"
    );
    assert_eq!(ok(run(&data, &["path", "$..a[*]", file])), "1\n2\n");
    let doc = std::fs::read_to_string(file).unwrap();
    assert_eq!(
        ok(run_with_stdin(&data, &["find", "joinURL"], &doc)),
        "https://meet/7\n"
    );
    assert_eq!(
        ok(run_with_stdin(
            &data,
            &["path", "$[0].meetingid", "-"],
            &doc
        )),
        "7\n"
    );
    let found: Value =
        serde_json::from_str(&ok(run(&data, &["--json", "find", "joinURL", file]))).unwrap();
    assert_eq!(found["matches"][0]["path"], "$[0].joinURL");

    // Nothing found: exit 1, like grep.
    let err = fails(run(&data, &["find", "joinUrl", file]), 1);
    assert_eq!(
        err.trim(),
        format!("latchkey: no key `joinUrl` in `{file}`")
    );
    let err = fails(run_with_stdin(&data, &["path", "$.nope"], &doc), 1);
    assert_eq!(
        err.trim(),
        "latchkey: `$.nope` selects nothing in the input"
    );
    // Bad input: exit 2 with where.
    let err = fails(
        run_with_stdin(&data, &["find", "x", "-"], "{\n  \"a\": 1,\n  \"b\" 2\n}"),
        2,
    );
    assert!(
        err.starts_with("latchkey: the input is not valid JSON: ")
            && err.contains("at line 3, column 7"),
        "{err}"
    );
    let err = fails(run(&data, &["path", "$[", file]), 2);
    assert!(
        err.contains("is not a valid JSONPath") && err.contains("column"),
        "{err}"
    );
    let err = fails(run(&data, &["find", "x", "/no/such.json"]), 2);
    assert!(err.contains("cannot read `/no/such.json`"), "{err}");
}

#[test]
fn bad_request_input_exits_2_with_a_message() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    setup(&server, &data);
    let before = block_on(server.stats())["api_requests"].as_u64().unwrap();

    let err = fails(run(&data, &["request", "nope", "alice", "GET", "/me"]), 2);
    assert!(
        err.starts_with("latchkey: ") && err.contains("nope"),
        "{err}"
    );
    let err = fails(run(&data, &["request", "demo", "bob", "GET", "/me"]), 2);
    assert!(err.contains("bob"), "{err}");
    // Bob exists but never signed in: told how to, and nothing is sent.
    add_user(&data, "demo", "bob");
    let err = fails(run(&data, &["request", "demo", "bob", "GET", "/me"]), 2);
    assert_eq!(
        err.trim(),
        "latchkey: user `bob` of service `demo` is not authorized yet (status new): \
         authorize first with `latchkey authorize demo bob`"
    );
    let out = run(&data, &["--json", "token", "demo", "bob"]);
    let payload: Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(payload["code"], "needs_reauth", "{payload}");
    assert_eq!(
        payload["message"],
        err.trim().trim_start_matches("latchkey: ")
    );
    let err = fails(
        run(
            &data,
            &["request", "demo", "alice", "GET", "/me", "-H", "X-Trace t1"],
        ),
        2,
    );
    assert_eq!(
        err.trim(),
        "latchkey: `X-Trace t1` is not a header: write it as --header 'Name: value'"
    );
    let err = fails(
        run(
            &data,
            &["request", "demo", "alice", "GET", "/me", "--query", "page"],
        ),
        2,
    );
    assert!(err.contains("`page` is not a name=value pair"), "{err}");
    let err = fails(
        run(
            &data,
            &[
                "request",
                "demo",
                "alice",
                "POST",
                "/meetings",
                "--json",
                "{\"subject\": \"x\",\n}",
            ],
        ),
        2,
    );
    assert!(
        err.starts_with("latchkey: the JSON body is not valid JSON: ")
            && err.contains("line 2, column 1"),
        "{err}"
    );
    let err = fails(
        run(
            &data,
            &[
                "request",
                "demo",
                "alice",
                "POST",
                "/meetings",
                "--json",
                "@/no/such.json",
            ],
        ),
        2,
    );
    assert!(
        err.contains("cannot read the JSON body from /no/such.json"),
        "{err}"
    );
    let err = fails(
        run(
            &data,
            &["request", "demo", "alice", "GET", "/me", "--path", "$["],
        ),
        2,
    );
    assert!(err.contains("is not a valid JSONPath"), "{err}");
    let err = fails(run(&data, &["request", "demo", "alice", "GE T", "/me"]), 2);
    assert!(err.contains("is not an HTTP method"), "{err}");
    // Flags clap refuses are exit 2 too.
    fails(
        run(
            &data,
            &[
                "request", "demo", "alice", "POST", "/m", "--json", "{}", "--form", "a=b",
            ],
        ),
        2,
    );

    // None of them reached the API or history.
    assert_eq!(
        block_on(server.stats())["api_requests"].as_u64().unwrap(),
        before
    );
    assert!(ok(run(&data, &["history"])).contains("No requests"));
    let err = fails(run(&data, &["history", "show", "999"]), 2);
    assert!(err.starts_with("latchkey: "), "{err}");
}
