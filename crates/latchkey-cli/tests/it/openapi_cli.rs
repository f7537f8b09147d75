//! `latchkey service add --openapi`, `service edit --openapi` and
//! `latchkey operations` against the fixture's meetings API and its own
//! descriptions (served by the fixture with its real origin).

use crate::common::{fixture_dir, latchkey_no_browser as latchkey, ok, text, OauthServer};

fn documents() -> std::path::PathBuf {
    fixture_dir().with_file_name("openapi")
}

#[test]
fn a_service_and_its_operations_from_openapi_and_swagger_documents() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");

    // OpenAPI 3.0 YAML, fetched over http.
    let url = format!("{}/openapi/meetings.openapi.yaml", server.issuer);
    let added = latchkey(&data)
        .args(["service", "add", "goto", "--openapi", &url])
        .args(["--client-id", "latchkey-public", "--client-auth", "none"])
        .output()
        .unwrap();
    let out = ok(added.clone());
    let said = String::from_utf8_lossy(&added.stderr);
    assert!(
        said.contains("Read OpenAPI 3.0.3 document `Test Meetings API`: 4 operations; OAuth scheme `goto_oauth` (authorization code)."),
        "{said}"
    );
    for line in [
        "name:             Test Meetings API".to_string(),
        format!("authorize URL:    {}/auth", server.issuer),
        format!("token URL:        {}/token", server.issuer),
        format!("API base URL:     {}/api", server.issuer),
        "scopes:           meetings".to_string(),
        "client id:        latchkey-public".to_string(),
    ] {
        assert!(out.contains(&line), "missing `{line}` in:\n{out}");
    }

    let list = ok(latchkey(&data)
        .args(["operations", "goto"])
        .output()
        .unwrap());
    let rows: Vec<&str> = list.lines().collect();
    assert_eq!(
        rows[0].split_whitespace().collect::<Vec<_>>(),
        ["METHOD", "PATH", "OPERATION", "ID", "SUMMARY"]
    );
    assert!(rows[3].starts_with("POST    /meetings "), "{list}");
    assert!(
        rows[3].contains("createMeeting  Create a meeting"),
        "{list}"
    );
    assert_eq!(rows.len(), 5, "{list}");

    // The skeleton alone is JSON a request can send as it is.
    let body = ok(latchkey(&data)
        .args(["operations", "goto", "show", "createMeeting", "--body"])
        .output()
        .unwrap());
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body.as_object().unwrap().keys().take(3).collect::<Vec<_>>(),
        ["subject", "starttime", "endtime"]
    );
    assert_eq!(body["conferencecallinfo"], "Hybrid");

    let shown = ok(latchkey(&data)
        .args(["operations", "goto", "show", "GET /meetings/{meetingId}"])
        .output()
        .unwrap());
    assert!(
        shown.starts_with("GET /meetings/{meetingId}  (getMeeting)\nOne meeting\n"),
        "{shown}"
    );
    assert!(
        shown.contains("meetingId  path   required  123456789"),
        "{shown}"
    );
    assert!(
        shown.contains("include    query  optional  \"organizer\""),
        "{shown}"
    );

    let as_json = ok(latchkey(&data)
        .args(["--json", "operations", "goto", "show", "getMeeting"])
        .output()
        .unwrap());
    let as_json: serde_json::Value = serde_json::from_str(&as_json).unwrap();
    assert_eq!(as_json["parameters"][0]["in"], "path");

    let unknown = latchkey(&data)
        .args(["operations", "goto", "show", "deleteMeeting"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown).contains("service `goto` has no operation `deleteMeeting`"),
        "{}",
        text(&unknown)
    );

    // Swagger 2.0 from a file refreshes the operations; the settings stay.
    let swagger = tmp.path().join("meetings.swagger.json");
    let doc = std::fs::read_to_string(documents().join("meetings.swagger.json"))
        .unwrap()
        .replace(
            "127.0.0.1:4010",
            server.issuer.trim_start_matches("http://"),
        );
    std::fs::write(&swagger, doc).unwrap();
    let edited = latchkey(&data)
        .args(["service", "edit", "goto", "--openapi"])
        .arg(&swagger)
        .output()
        .unwrap();
    ok(edited.clone());
    let said = String::from_utf8_lossy(&edited.stderr);
    assert!(
        said.contains("Read Swagger 2.0 document `Test Meetings API`: 3 operations.")
            && said.contains("Operations: 0 added, 1 removed, 3 kept."),
        "{}",
        text(&edited)
    );
    let list = ok(latchkey(&data)
        .args(["--json", "operations", "goto"])
        .output()
        .unwrap());
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 3);

    // The same Swagger file makes a service of its own too.
    let out = ok(latchkey(&data)
        .args([
            "service",
            "add",
            "goto2",
            "--client-id",
            "latchkey-public",
            "--openapi",
        ])
        .arg(&swagger)
        .output()
        .unwrap());
    assert!(
        out.contains(&format!("API base URL:     {}/api", server.issuer)),
        "{out}"
    );
}

#[test]
fn bad_documents_are_refused_and_nothing_is_stored() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let docs = documents();
    let cases = [
        (docs.join("bad-not-openapi.json").display().to_string(), "is not an OpenAPI document: it has no `openapi` or `swagger` field"),
        (docs.join("bad-no-oauth.yaml").display().to_string(), "has no OAuth 2.0 security scheme"),
        (docs.join("bad-syntax.yaml").display().to_string(), "is neither JSON nor valid YAML (line 4, column 6"),
        (docs.join("bad-dangling-ref.yaml").display().to_string(), "POST /things: the document refers to `#/components/schemas/Missing`, which it does not contain"),
        (docs.join("no-such-file.yaml").display().to_string(), "cannot read the API description"),
        (format!("{}/openapi/no-such.yaml", server.issuer), "answered 404 Not Found: no API description was read"),
    ];
    for (source, expected) in cases {
        let out = latchkey(&data)
            .args([
                "service",
                "add",
                "bad",
                "--client-id",
                "x",
                "--openapi",
                &source,
            ])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{source}");
        assert!(text(&out).contains(expected), "{source}: {}", text(&out));
    }
    let list = ok(latchkey(&data)
        .args(["--json", "service", "list"])
        .output()
        .unwrap());
    assert_eq!(list.trim(), "[]");
}
