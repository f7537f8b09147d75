//! The CLI half of the two-server OAuth matrix (oidc-provider and
//! django-oauth-toolkit): `service add --issuer` discovers the endpoints,
//! `authorize` signs in through the browser, and ten `latchkey token`
//! processes on an expired token make exactly one refresh between them.

mod common;

#[path = "../../latchkey-core/tests/support/oauth_server.rs"]
mod oauth_server;

use oauth_server::{fixture_dir, OauthServer, Provider};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

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

/// `service add svc --issuer ...` (discovery) with the basic client, and user alice.
fn setup(server: &OauthServer, data: &Path) -> String {
    assert!(
        std::env::var_os("LATCHKEY_TEST_KEYRING").is_some(),
        "run the tests through scripts/with-keyring.sh"
    );
    let mut child = latchkey(data)
        .args(["service", "add", "svc", "--issuer", &server.issuer])
        .args(["--client-id", "latchkey-basic", "--client-secret-stdin"])
        .args(["--scopes", "openid email profile offline_access meetings"])
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
        .write_all(b"latchkey-basic-secret")
        .unwrap();
    let added = ok(child.wait_with_output().unwrap());
    ok(latchkey(data)
        .args(["user", "add", "svc", "alice"])
        .output()
        .unwrap());
    added
}

fn discover_authorize_and_single_flight(provider: Provider) {
    let name = provider.name();
    let server = OauthServer::start_provider(provider, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    setup(&server, &data);
    let shown = ok(latchkey(&data)
        .args(["service", "show", "svc", "--json"])
        .output()
        .unwrap());
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        shown["token_url"].as_str(),
        Some(server.endpoint("token_endpoint").as_str()),
        "{name}: {shown}"
    );
    assert_eq!(
        shown["authorize_url"].as_str(),
        Some(server.endpoint("authorization_endpoint").as_str()),
        "{name}: {shown}"
    );

    let out = ok(latchkey(&data)
        .args(["authorize", "svc", "alice", "--timeout", "60"])
        .output()
        .unwrap());
    assert!(out.contains("Authorized `alice`"), "{name}: {out}");
    let first = ok(latchkey(&data)
        .args(["token", "svc", "alice"])
        .output()
        .unwrap());

    common::expire_tokens(&data, "svc", "alice");
    let children: Vec<_> = (0..10)
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
            assert!(out.status.success(), "{name}: {}", text(&out));
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
        "{name}: ten processes, one refresh"
    );
    assert!(
        tokens.iter().all(|t| *t == tokens[0]),
        "{name}: one new token"
    );
    assert_ne!(tokens[0], first.trim(), "{name}: refreshed");
    assert_eq!(rt.block_on(server.api_status(&tokens[0])), 200, "{name}");
}

#[test]
fn oidc_provider_discovery_authorize_and_cross_process_single_flight() {
    discover_authorize_and_single_flight(Provider::OidcProvider);
}

#[test]
fn dot_discovery_authorize_and_cross_process_single_flight() {
    discover_authorize_and_single_flight(Provider::DjangoOauthToolkit);
}
