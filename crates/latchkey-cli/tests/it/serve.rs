//! `latchkey serve` (the local automation API) with a real HTTP client:
//! every endpoint, every error status, the security cases, key rotation,
//! and the GoToMeeting flow end to end against the real OAuth fixture.

use crate::common::{
    add_discovered_service, add_user, latchkey_no_browser as latchkey, ok, BASIC_SECRET as SECRET,
};
use latchkey_core::http::{HistoryFilter, HistorySource};
use latchkey_test_support::{browse, OauthServer};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

/// `api-key rotate`'s last line is the key.
fn rotate(data: &Path) -> String {
    let out = ok(latchkey(data).args(["api-key", "rotate"]).output().unwrap());
    out.lines().last().unwrap().trim().to_string()
}

/// A running `latchkey serve --port 0`; killed when dropped.
struct Served {
    child: Child,
    base: String,
    port: u16,
}

impl Served {
    fn start(data: &Path) -> Self {
        let mut child = latchkey(data)
            .args(["serve", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        let port = base.rsplit(':').next().unwrap().parse().unwrap();
        Self { child, base, port }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn problem(res: Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "for {code}");
    assert_eq!(
        res.headers()["content-type"],
        "application/problem+json",
        "for {code}"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["type"], format!("urn:latchkey:problem:{code}"));
    assert!(!body["title"].as_str().unwrap().is_empty());
    assert!(!body["detail"].as_str().unwrap().is_empty());
    body
}

#[test]
fn serve_refuses_a_non_loopback_bind() {
    let tmp = tempfile::tempdir().unwrap();
    for addr in ["0.0.0.0", "192.0.2.1", "example.com"] {
        let out = latchkey(tmp.path())
            .args(["serve", "--port", "0", "--bind", addr])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{addr}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("127.0.0.1"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn security_cases_are_refused_with_problems() {
    let tmp = tempfile::tempdir().unwrap();
    let key = rotate(tmp.path());
    let served = Served::start(tmp.path());
    let http = Client::new();
    let services = served.url("/v1/services");

    // Health is the one open route.
    let res = http.get(served.url("/v1/health")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "ok");

    let res = http.get(&services).send().await.unwrap();
    assert_eq!(
        res.headers()["www-authenticate"],
        r#"Bearer realm="latchkey""#
    );
    problem(res, 401, "unauthorized").await;
    let res = http
        .get(&services)
        .bearer_auth("lk_wrong")
        .send()
        .await
        .unwrap();
    assert!(res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    problem(res, 401, "unauthorized").await;
    let res = http
        .get(&services)
        .header("authorization", format!("Basic {key}"))
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;
    // The key is checked on the OpenAPI document too.
    let res = http
        .get(served.url("/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;

    // DNS rebinding: a page on evil.example resolving to 127.0.0.1.
    for host in [
        format!("evil.example:{}", served.port),
        "127.0.0.1:1".to_string(),
        "localhost".to_string(),
    ] {
        let res = http
            .get(&services)
            .bearer_auth(&key)
            .header("host", &host)
            .send()
            .await
            .unwrap();
        problem(res, 421, "bad_host").await;
    }
    let res = http
        .get(&services)
        .bearer_auth(&key)
        .header("host", format!("localhost:{}", served.port))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // Any Origin is refused, so is a page's fetch without one; no CORS.
    let res = http
        .get(&services)
        .bearer_auth(&key)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    problem(res, 403, "origin_refused").await;
    let res = http
        .request(reqwest::Method::OPTIONS, &services)
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    problem(res, 403, "origin_refused").await;
    let res = http
        .get(&services)
        .bearer_auth(&key)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    problem(res, 403, "origin_refused").await;

    // Oversized body: refused before it is read.
    let big = json!({"document": "x".repeat(1024 * 1024 + 10), "key": "a"});
    let res = http
        .post(served.url("/v1/json/find"))
        .bearer_auth(&key)
        .json(&big)
        .send()
        .await
        .unwrap();
    problem(res, 413, "too_large").await;

    // Unknown routes and methods.
    let res = http
        .get(served.url("/v1/nothing"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    problem(res, 404, "no_such_route").await;
    let res = http
        .get(served.url("/"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    problem(res, 404, "no_such_route").await;
    let res = http
        .get(served.url("/v1/json/find"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    problem(res, 405, "method_not_allowed").await;

    // What a web form could post is not JSON.
    let res = http
        .post(served.url("/v1/json/find"))
        .bearer_auth(&key)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("document=1&key=a")
        .send()
        .await
        .unwrap();
    problem(res, 415, "unsupported_media_type").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rotating_the_key_invalidates_the_old_one() {
    let tmp = tempfile::tempdir().unwrap();
    let status = ok(latchkey(tmp.path())
        .args(["--json", "api-key", "status"])
        .output()
        .unwrap());
    assert_eq!(
        serde_json::from_str::<Value>(&status).unwrap()["configured"],
        false
    );
    let old = rotate(tmp.path());
    assert!(old.starts_with("lk_"), "{old}");
    let served = Served::start(tmp.path());
    let http = Client::new();
    let get = |key: String| {
        let req = http.get(served.url("/v1/services")).bearer_auth(key);
        async move { req.send().await.unwrap().status() }
    };
    assert_eq!(get(old.clone()).await, StatusCode::OK);
    // Rotated by another process while the server runs.
    let new = rotate(tmp.path());
    assert_ne!(new, old);
    assert_eq!(get(old).await, StatusCode::UNAUTHORIZED);
    assert_eq!(get(new).await, StatusCode::OK);
    let status = ok(latchkey(tmp.path())
        .args(["--json", "api-key", "status"])
        .output()
        .unwrap());
    let status: Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["configured"], true);
    assert!(status["created_at"].as_i64().unwrap() > 0);
    // The database holds the hash, never the key.
    let db = std::fs::read(tmp.path().join("latchkey.db")).unwrap();
    assert!(!String::from_utf8_lossy(&db).contains("lk_"));
}

#[tokio::test(flavor = "multi_thread")]
async fn openapi_and_json_tools() {
    let tmp = tempfile::tempdir().unwrap();
    let key = rotate(tmp.path());
    let served = Served::start(tmp.path());
    let http = Client::new();

    let doc: Value = http
        .get(served.url("/v1/openapi.json"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], served.base);
    // Every documented operation is routed (not 404/405) on the live server.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let concrete = path
                .replace("{service}", "nosvc")
                .replace("{user}", "nobody");
            let res = http
                .request(
                    method.to_uppercase().parse().unwrap(),
                    served.url(&concrete),
                )
                .bearer_auth(&key)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let code = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            assert!(
                code != 405 && body["code"] != "no_such_route",
                "{method} {path}: {code} {body}"
            );
        }
    }

    let meeting = json!([{"meetingid": 1, "joinURL": "https://meet/1"}, {"x": {"joinURL": "https://meet/2"}}]);
    let res: Value = http
        .post(served.url("/v1/json/find"))
        .bearer_auth(&key)
        .json(&json!({"document": meeting, "key": "joinURL"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["found"], "https://meet/1");
    assert_eq!(res["matches"][1]["path"], "$[1].x.joinURL");
    let res: Value = http
        .post(served.url("/v1/json/find"))
        .bearer_auth(&key)
        .json(&json!({"document": meeting, "key": "JOINurl", "case_insensitive": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["matches"].as_array().unwrap().len(), 2);
    let res: Value = http
        .post(served.url("/v1/json/path"))
        .bearer_auth(&key)
        .json(&json!({"document": meeting, "path": "$[*].meetingid"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["found"], 1);
    assert_eq!(res["matches"][0]["path"], "$[0].meetingid");

    // 400s: a bad JSONPath, a missing field, an unknown field, broken JSON.
    let res = http
        .post(served.url("/v1/json/path"))
        .bearer_auth(&key)
        .json(&json!({"document": meeting, "path": "$[0"}))
        .send()
        .await
        .unwrap();
    problem(res, 400, "invalid_input").await;
    let res = http
        .post(served.url("/v1/json/find"))
        .bearer_auth(&key)
        .json(&json!({"document": meeting}))
        .send()
        .await
        .unwrap();
    let body = problem(res, 400, "invalid_input").await;
    assert!(body["detail"].as_str().unwrap().contains("key"), "{body}");
    let res = http
        .post(served.url("/v1/json/find"))
        .bearer_auth(&key)
        .json(&json!({"document": 1, "key": "a", "extra": 1}))
        .send()
        .await
        .unwrap();
    problem(res, 400, "invalid_input").await;
    let res = http
        .post(served.url("/v1/json/find"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{\"document\": [1,")
        .send()
        .await
        .unwrap();
    problem(res, 400, "invalid_json").await;
}

/// Service `gotomeeting` on the fixture (API at `<issuer>/api`), users
/// alice and bob, made with the CLI.
fn setup_goto(server: &OauthServer, data: &Path) {
    let api = format!("{}/api", server.issuer);
    add_discovered_service(data, server, "gotomeeting", &["--api-base-url", &api]);
    for user in ["alice", "bob"] {
        add_user(data, "gotomeeting", user);
    }
}

fn meeting_body() -> Value {
    json!({
        "subject": "Weekly sync",
        "starttime": "2030-01-07T15:00:00Z",
        "endtime": "2030-01-07T16:00:00Z",
        "passwordrequired": false,
        "conferencecallinfo": "Hybrid",
        "timezonekey": "",
        "meetingtype": "scheduled"
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn gotomeeting_flow_end_to_end() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    setup_goto(&server, tmp.path());
    let key = rotate(tmp.path());
    let served = Served::start(tmp.path());
    let http = Client::new();
    let call = |path: &str, body: Value| {
        http.post(served.url(path))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    let get = |path: &str| http.get(served.url(path)).bearer_auth(&key).send();

    let services: Value = get("/v1/services").await.unwrap().json().await.unwrap();
    assert_eq!(services[0]["slug"], "gotomeeting");
    assert_eq!(services[0]["users"], 2);
    assert!(!services.to_string().contains(SECRET));
    let users: Value = get("/v1/services/gotomeeting/users")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(users[0]["id"], "alice");
    assert_eq!(users[0]["status"], "new");
    problem(
        get("/v1/services/nope/users").await.unwrap(),
        404,
        "not_found",
    )
    .await;

    let request = "/v1/services/gotomeeting/users/alice/request";
    let meeting =
        json!({"method": "POST", "url": "/meetings", "json": meeting_body(), "find": "joinURL"});
    // Not signed in yet: 409, with the way out in the detail.
    let body = problem(
        call(request, meeting.clone()).await.unwrap(),
        409,
        "needs_reauth",
    )
    .await;
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("/users/alice/login-link"), "{body}");
    // The core's message, as the CLI and the window give it.
    assert!(
        detail.starts_with(
            "user `alice` of service `gotomeeting` is not authorized yet (status new): \
             authorize first with `latchkey authorize gotomeeting alice`"
        ),
        "{body}"
    );

    // The login link; this server's loopback listener completes it.
    let link: Value = call("/v1/services/gotomeeting/users/alice/login-link", json!({}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = link["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&server.issuer), "{link}");
    assert!(!link["redirect_uri"].as_str().unwrap().contains(":0/"));
    let log = tokio::task::spawn_blocking(move || browse(&url, "allow"))
        .await
        .unwrap();
    assert_eq!(log["ok"], true, "{log}");
    let mut status = Value::Null;
    for _ in 0..100 {
        let users: Value = get("/v1/services/gotomeeting/users")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        status = users[0]["status"].clone();
        if status == "authorized" {
            assert_eq!(users[0]["email"], "alice@example.test");
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, "authorized");

    // Variables: PUT/GET/DELETE /v1/vars/{name}; {{NAME}} in a request;
    // `set` stores from the answer; `all` lists every match.
    let var = |name: &str| served.url(&format!("/v1/vars/{name}"));
    let put: Value = http
        .put(var("subject"))
        .bearer_auth(&key)
        .json(&json!({"value": "Weekly sync"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(put["value"], "Weekly sync", "{put}");
    let chained: Value = call(
        request,
        json!({"method": "POST", "url": "/meetings",
               "json": {"subject": "{{subject}}", "starttime": "2030-01-07T09:00:00Z", "endtime": "2030-01-07T10:00:00Z"},
               "set": {"mid": "meetingid"}}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(chained["status"], 201, "{chained}");
    let mid = chained["body"][0]["meetingid"].to_string();
    assert_eq!(chained["set"]["mid"], mid.as_str(), "{chained}");
    let got: Value = get("/v1/vars/mid").await.unwrap().json().await.unwrap();
    assert_eq!(got["value"], mid.as_str(), "{got}");
    let back: Value = call(
        request,
        json!({"method": "GET", "url": "/meetings/{{mid}}", "find": "subject"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(back["found"], "Weekly sync", "{back}");
    let all: Value = call(
        request,
        json!({"method": "GET", "url": "/meetings", "find": "meetingid", "all": true}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let ids = all["found"].as_array().unwrap_or_else(|| panic!("{all}"));
    assert!(ids.contains(&chained["body"][0]["meetingid"]), "{all}");
    let unknown = problem(
        call(
            request,
            json!({"method": "GET", "url": "/meetings/{{nope}}"}),
        )
        .await
        .unwrap(),
        400,
        "invalid_input",
    )
    .await;
    assert!(
        unknown["detail"]
            .as_str()
            .unwrap()
            .contains("unknown variable `{{nope}}`"),
        "{unknown}"
    );
    let scoped = format!("{}?service=gotomeeting", var("trace"));
    let secret: Value = http
        .put(&scoped)
        .bearer_auth(&key)
        .json(&json!({"value": "trace-SECRET-123456", "secret": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            secret["value"].clone(),
            secret["service"].clone(),
            secret["secret"].clone()
        ),
        (Value::Null, json!("gotomeeting"), json!(true)),
        "{secret}"
    );
    let gone = http.delete(&scoped).bearer_auth(&key).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    problem(
        http.delete(&scoped).bearer_auth(&key).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
    problem(
        http.get(var("subject")).send().await.unwrap(),
        401,
        "unauthorized",
    )
    .await;

    // The GoToMeeting call: POST /meetings, joinURL found.
    let res = call(request, meeting).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let out: Value = res.json().await.unwrap();
    assert_eq!(out["status"], 201, "{out}");
    assert!(out["body"].is_array(), "JSON body stays JSON: {out}");
    let join = out["found"].as_str().unwrap();
    assert!(join.starts_with("https://meet.example.test/"), "{out}");
    assert_eq!(out["body"][0]["joinURL"], join);
    assert_eq!(out["matches"][0]["path"], "$[0].joinURL");
    assert!(out["headers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["name"] == "content-type"));
    let history_id = out["history_id"].as_i64().unwrap();

    // JSONPath, query and header params, a text body, the upstream's own 4xx.
    let out: Value = call(
        request,
        json!({"method": "get", "url": "/meetings", "query": {"unused": 1}, "headers": [{"name": "X-Trace", "value": "t"}], "path": "$[0].subject"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(out["status"], 200, "{out}");
    assert_eq!(out["found"], "Weekly sync");
    let out: Value = call(
        request,
        json!({"method": "POST", "url": "/meetings", "body": "not json", "headers": {"Content-Type": "text/plain"}}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        out["status"], 400,
        "upstream's answer passed through: {out}"
    );
    assert_eq!(out["body"]["error"], "invalid_request");

    // Our 400s, 404s, 502 and 504.
    let res = call(
        request,
        json!({"method": "POST", "url": "/meetings", "json": {}, "form": {}}),
    )
    .await
    .unwrap();
    problem(res, 400, "invalid_input").await;
    let res = call(request, json!({"method": "GET", "url": ""}))
        .await
        .unwrap();
    let body = problem(res, 400, "invalid_input").await;
    assert_eq!(body["errors"][0]["field"], "url", "{body}");
    let res = call(request, json!({"url": "/meetings"})).await.unwrap();
    problem(res, 400, "invalid_input").await;
    let res = call(
        "/v1/services/gotomeeting/users/nobody/request",
        json!({"method": "GET", "url": "/me"}),
    )
    .await
    .unwrap();
    problem(res, 404, "not_found").await;
    let res = call(
        "/v1/services/nope/users/alice/request",
        json!({"method": "GET", "url": "/me"}),
    )
    .await
    .unwrap();
    problem(res, 404, "not_found").await;
    let res = call("/v1/services/nope/users/alice/login-link", json!({}))
        .await
        .unwrap();
    problem(res, 404, "not_found").await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    // alice's token may not go to another origin: refused before sending,
    // the local API has no way around it.
    let res = call(request, json!({"method": "GET", "url": dead}))
        .await
        .unwrap();
    let refused = problem(res, 403, "origin_not_allowed").await;
    let detail = refused["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(dead.trim_end_matches('/')), "{refused}");
    assert!(detail.contains("--token-origin"), "{refused}");
    let res = call(
        request,
        json!({"method": "GET", "url": "/slow?ms=3000", "timeout_ms": 300}),
    )
    .await
    .unwrap();
    problem(res, 504, "timeout").await;
    // Bob never signed in.
    let res = call(
        "/v1/services/gotomeeting/users/bob/request",
        json!({"method": "GET", "url": "/me"}),
    )
    .await
    .unwrap();
    problem(res, 409, "needs_reauth").await;

    // Every call is in the history, marked as coming from the API.
    let app = latchkey_core::Latchkey::open(Some(tmp.path())).unwrap();
    let page = app
        .history(&HistoryFilter {
            service: Some("gotomeeting".into()),
            ..HistoryFilter::default()
        })
        .unwrap();
    assert!(page.entries.len() >= 5, "{}", page.entries.len());
    assert!(page.entries.iter().all(|e| e.source == HistorySource::Api));
    let entry = app.history_entry(history_id).unwrap();
    assert_eq!(entry.summary.status, Some(201));
    assert_eq!(entry.summary.source, HistorySource::Api);
}
