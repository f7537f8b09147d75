//! `latchkey service` and `latchkey user` as a person (or script) runs them.

use crate::common::{latchkey_no_browser as latchkey, with_stdin};
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

const SECRET: &str = "cli-secret-5e8d2b77";

fn run(data: &Path, args: &[&str]) -> Output {
    latchkey(data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn run_with_stdin(data: &Path, args: &[&str], stdin: &str) -> Output {
    with_stdin(latchkey(data).args(args), stdin)
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[track_caller]
fn ok(out: &Output) -> String {
    let (stdout, stderr) = text(out);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
    stdout
}

#[track_caller]
fn fails(out: &Output, code: i32, want: &str) {
    let (stdout, stderr) = text(out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stderr.contains(want), "want `{want}` in: {stderr}");
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
}

const GOTO: &[&str] = &[
    "service",
    "add",
    "goto",
    "--preset",
    "gotomeeting",
    "--client-id",
    "abc",
    "--client-secret-stdin",
    "--scopes",
    "collab:",
];

#[test]
fn add_show_list_edit_and_remove_a_service() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let out = ok(&run_with_stdin(data, GOTO, &format!("{SECRET}\n")));
    assert!(out.contains("Added service `goto`."), "{out}");
    assert!(out.contains("client secret:    set"), "{out}");

    let shown = ok(&run(data, &["service", "show", "goto"]));
    assert!(
        shown.contains("API base URL:     https://api.getgo.com/G2M/rest"),
        "{shown}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&run(data, &["--json", "service", "show", "goto"]))).unwrap();
    assert_eq!(json["has_client_secret"], true);
    assert_eq!(json["client_auth"], "basic");

    ok(&run(
        data,
        &[
            "service",
            "add",
            "podio",
            "--auth-kind",
            "authorization_code",
            "--authorize-url",
            "https://podio.com/oauth/authorize",
            "--token-url",
            "https://api.podio.com/oauth/token/v2",
            "--client-id",
            "podio-app",
            "--client-auth",
            "post",
            "--pkce",
            "off",
            "--token-prefix",
            "OAuth2",
            "--token-param",
            "foo=bar",
            "--name",
            "Podio",
        ],
    ));
    let list = ok(&run(data, &["service", "list"]));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 3, "{list}");
    assert!(
        lines[0].starts_with("SLUG   NAME          AUTH KIND"),
        "{list}"
    );
    assert!(
        lines[1].starts_with("goto   GoTo Meeting  authorization_code"),
        "{list}"
    );
    assert!(lines[1].ends_with("set"), "{list}");
    assert!(lines[2].ends_with("not set"), "{list}");

    let edited = ok(&run(
        data,
        &[
            "service",
            "edit",
            "podio",
            "--token-query",
            "oauth_token",
            "--rename",
            "podio2",
        ],
    ));
    assert!(edited.contains("query ?oauth_token=<token>"), "{edited}");
    assert!(edited.contains("client auth:      post"), "{edited}");
    fails(
        &run(data, &["service", "show", "podio"]),
        2,
        "there is no service `podio`",
    );

    // Users, then removing needs --force.
    let added = ok(&run(
        data,
        &[
            "user",
            "add",
            "goto",
            "alice@example.com",
            "--label",
            "Alice",
        ],
    ));
    assert!(added.contains("Added user `alice@example.com` to service `goto` (status new)."));
    fails(
        &run(data, &["user", "add", "goto", "alice@example.com"]),
        2,
        "latchkey: service `goto` already has a user `alice@example.com`",
    );
    ok(&run(data, &["user", "add", "goto", "4711"]));
    let users = ok(&run(data, &["user", "list", "goto"]));
    assert!(users.lines().nth(1).unwrap().starts_with("4711"), "{users}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&run(data, &["--json", "user", "list", "goto"]))).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[0]["status"], "new");
    ok(&run(data, &["user", "remove", "goto", "4711"]));
    fails(
        &run(data, &["user", "remove", "goto", "4711"]),
        2,
        "has no user `4711`",
    );

    fails(
        &run(data, &["service", "remove", "goto"]),
        2,
        "latchkey: service `goto` has 1 user: pass --force to remove it and its user",
    );
    let removed = ok(&run(data, &["service", "remove", "goto", "--force"]));
    assert!(
        removed.contains("Removed service `goto` and its user."),
        "{removed}"
    );
    ok(&run(data, &["service", "remove", "podio2"]));
    let list = ok(&run(data, &["service", "list"]));
    assert!(list.starts_with("No services yet"), "{list}");
}

#[test]
fn bad_input_exits_2_with_one_clear_line() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    ok(&run_with_stdin(data, GOTO, &format!("{SECRET}\n")));
    let cases: &[(&[&str], &str)] = &[
        (&["service", "add", "GoTo"], "slug `GoTo` must be lowercase"),
        (
            &[
                "service",
                "add",
                "goto",
                "--client-id",
                "x",
                "--authorize-url",
                "https://a.example/a",
                "--token-url",
                "https://a.example/t",
            ],
            "a service with slug `goto` already exists: choose another slug or edit it",
        ),
        (
            &[
                "service",
                "add",
                "x",
                "--client-id",
                "x",
                "--authorize-url",
                "https://a.example/a",
                "--token-url",
                "http://a.example/t",
            ],
            "must use https: plain http is allowed only for 127.0.0.1",
        ),
        (
            &[
                "service",
                "add",
                "x",
                "--client-id",
                "x",
                "--authorize-url",
                "https://a.example/a",
                "--token-url",
                "https://a.example/t",
                "--redirect-uri",
                "http://example.com:80/cb",
            ],
            "must point at 127.0.0.1, localhost or [::1]",
        ),
        (
            &[
                "service",
                "add",
                "x",
                "--client-id",
                "x",
                "--authorize-url",
                "https://a.example/a",
                "--token-url",
                "https://a.example/t",
                "--token-param",
                "novalue",
            ],
            "token parameter `novalue` is not in name=value form",
        ),
        (
            &["service", "add", "x", "--client-auth", "digest"],
            "unknown client auth `digest`: expected one of basic, post, none",
        ),
        (
            &[
                "service",
                "add",
                "x",
                "--token-query",
                "t",
                "--token-header",
                "X",
            ],
            "cannot be used with",
        ),
        (
            &["service", "add", "x", "--preset", "nope"],
            "no preset named `nope`",
        ),
        (&["service", "show", "nope"], "there is no service `nope`"),
        (&["user", "list", "nope"], "there is no service `nope`"),
        (
            &["service", "import", "/no/such/file.json"],
            "cannot read the import file /no/such/file.json",
        ),
    ];
    for (args, want) in cases {
        fails(&run(data, args), 2, want);
    }
    // Errors are one line, prefixed, and JSON with --json.
    let out = run(data, &["service", "add", "GoTo"]);
    let (_, stderr) = text(&out);
    assert!(
        stderr.starts_with("latchkey: ") && stderr.trim_end().lines().count() == 1,
        "{stderr}"
    );
    let out = run(data, &["--json", "service", "add", "GoTo"]);
    let payload: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(payload["code"], "invalid_input");
    assert_eq!(payload["fields"][0]["field"], "slug");
}

#[test]
fn export_and_import_keep_secrets_out_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("a");
    ok(&run_with_stdin(&data, GOTO, &format!("{SECRET}\n")));

    let plain = run(&data, &["service", "export"]);
    let doc = ok(&plain);
    assert!(plain.stderr.is_empty());
    let value: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(value["latchkey_export"], 1);
    assert!(value["services"][0].get("client_secret").is_none());

    let full = latchkey(&data)
        .args(["service", "export", "goto", "--with-secrets"])
        .output()
        .unwrap();
    assert!(full.status.success());
    let (full_doc, warning) = text(&full);
    assert!(full_doc.contains(SECRET));
    assert!(
        warning.starts_with("latchkey: warning: this export contains client secrets"),
        "{warning}"
    );

    let file = tmp.path().join("export.json");
    std::fs::write(&file, &full_doc).unwrap();
    let other = tmp.path().join("b");
    let out = ok(&run(&other, &["service", "import", file.to_str().unwrap()]));
    assert_eq!(out.trim(), "Imported service `goto`.");
    let shown = ok(&run(&other, &["service", "show", "goto"]));
    assert!(shown.contains("client secret:    set"), "{shown}");
    // Importing again changes nothing and says why.
    fails(
        &run(&other, &["service", "import", file.to_str().unwrap()]),
        2,
        "a service with slug `goto` already exists",
    );
}

#[test]
fn without_stdin_flag_a_non_interactive_add_stores_no_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&run_with_stdin(
        tmp.path(),
        &[
            "service",
            "add",
            "goto",
            "--preset",
            "gotomeeting",
            "--client-id",
            "abc",
        ],
        &format!("{SECRET}\n"),
    ));
    assert!(out.contains("client secret:    not set"), "{out}");
}

#[test]
fn the_cli_and_a_core_handle_write_at_the_same_time() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let app = latchkey_core::Latchkey::open(Some(&data)).unwrap();
    let input = |slug: &str| latchkey_core::ServiceInput {
        slug: slug.into(),
        auth_kind: latchkey_core::AuthKind::None,
        ..Default::default()
    };
    app.create_service(&input("shared")).unwrap();
    let children: Vec<_> = (0..4)
        .map(|i| {
            latchkey(&data)
                .args(["user", "add", "shared", &format!("cli-{i}")])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for i in 0..20 {
        app.create_service(&input(&format!("core-{i}"))).unwrap();
    }
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(app.list_users("shared").unwrap().len(), 4);
    assert_eq!(app.list_services().unwrap().len(), 21);
}

/// A one-page authorization server: answers every request with its RFC 8414
/// metadata.
fn metadata_server() -> String {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let body = serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "revocation_endpoint": format!("{issuer}/revoke"),
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
    })
    .to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    issuer
}

#[test]
fn issuer_discovery_fills_the_endpoints_and_flags_override_them() {
    let tmp = tempfile::tempdir().unwrap();
    let issuer = metadata_server();
    let out = ok(&run(
        tmp.path(),
        &[
            "--json",
            "service",
            "add",
            "local",
            "--issuer",
            &issuer,
            "--client-id",
            "c",
            "--pkce",
            "plain",
        ],
    ));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["authorize_url"], format!("{issuer}/authorize"));
    assert_eq!(json["token_url"], format!("{issuer}/token"));
    assert_eq!(json["revocation_url"], format!("{issuer}/revoke"));
    assert_eq!(json["client_auth"], "post");
    assert_eq!(json["pkce"], "plain");
}

/// A loopback server that echoes the `x-api-key` header it got.
fn key_echo_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 8192];
            let n = std::io::Read::read(&mut stream, &mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).into_owned();
            let key = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("x-api-key").then_some(value)
                })
                .unwrap_or("")
                .trim()
                .to_string();
            let body = format!("{{\"key\":\"{key}\"}}");
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn api_key_services_and_token_origins_from_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let api = key_echo_server();
    let key = "api-key-SECRET-31415";
    let out = run_with_stdin(
        data,
        &[
            "service",
            "add",
            "keyed",
            "--auth-kind",
            "api_key",
            "--api-key-stdin",
            "--token-header",
            "X-Api-Key",
            "--token-prefix",
            "",
            "--api-base-url",
            &api,
            "--token-origin",
            "https://files.example.com",
        ],
        &format!("{key}\n"),
    );
    let shown = ok(&out);
    assert!(!shown.contains(key), "{shown}");
    assert!(shown.contains("https://files.example.com"), "{shown}");
    let sent = ok(&run(
        data,
        &["request", "keyed", "-", "GET", "/things", "--path", "$.key"],
    ));
    assert_eq!(sent.trim(), key);
    // Replaced by `edit --api-key-stdin`.
    let renewed = "api-key-RENEWED-2718";
    ok(&run_with_stdin(
        data,
        &["service", "edit", "keyed", "--api-key-stdin"],
        &format!("{renewed}\n"),
    ));
    let sent = ok(&run(
        data,
        &["request", "keyed", "-", "GET", "/things", "--path", "$.key"],
    ));
    assert_eq!(sent.trim(), renewed);
    // Never in history or an export, even one with secrets.
    let history = ok(&run(data, &["history", "show", "1", "--json"]));
    assert!(
        !history.contains(key) && !history.contains(renewed),
        "{history}"
    );
    let export = ok(&run(data, &["service", "export", "--with-secrets"]));
    assert!(!export.contains(renewed), "{export}");
    assert!(export.contains("https://files.example.com"), "{export}");

    // Another origin: refused with the way out in the message, exit 2.
    let stranger = key_echo_server();
    let out = run(
        data,
        &["request", "keyed", "-", "GET", &format!("{stranger}/x")],
    );
    fails(&out, 2, "--token-origin");
    let (_, stderr) = text(&out);
    assert!(
        stderr.contains(&stranger) && stderr.contains("--no-auth"),
        "{stderr}"
    );
    // --no-auth sends it without the key.
    let sent = ok(&run(
        data,
        &[
            "request",
            "keyed",
            "-",
            "GET",
            &format!("{stranger}/x"),
            "--no-auth",
            "--path",
            "$.key",
        ],
    ));
    assert_eq!(sent.trim(), "");
    // Allowed once added with --token-origin.
    ok(&run(
        data,
        &["service", "edit", "keyed", "--token-origin", &stranger],
    ));
    let sent = ok(&run(
        data,
        &[
            "request",
            "keyed",
            "-",
            "GET",
            &format!("{stranger}/x"),
            "--path",
            "$.key",
        ],
    ));
    assert_eq!(sent.trim(), renewed);
    fails(
        &run(
            data,
            &[
                "service",
                "edit",
                "keyed",
                "--token-origin",
                "http://cdn.example.com",
            ],
        ),
        2,
        "plain http",
    );
}
