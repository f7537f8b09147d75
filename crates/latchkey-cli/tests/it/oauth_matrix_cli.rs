//! The CLI half of the two-server OAuth matrix (oidc-provider and
//! django-oauth-toolkit): `service add --issuer` discovers the endpoints,
//! `authorize` signs in through the browser, and ten `latchkey token`
//! processes on an expired token make exactly one refresh between them.

use crate::common::{
    add_discovered_service, add_user, block_on, latchkey, ok_text as ok, text,
    tokens_from_concurrent_processes, with_stdin, OauthServer,
};
use latchkey_test_support::Provider;

/// `service add svc --issuer ...` (discovery) with the basic client, and user alice.
fn setup(server: &OauthServer, data: &std::path::Path) -> String {
    let added = add_discovered_service(data, server, "svc", &[]);
    add_user(data, "svc", "alice");
    added
}

fn discover_authorize_and_single_flight(provider: Provider) {
    let name = provider.name();
    let server = OauthServer::start_provider(provider, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let added = setup(&server, &data);
    assert!(
        added.contains(&format!(
            "revocation_endpoint             {}  (from ",
            server.endpoint("revocation_endpoint")
        )),
        "{name}: where each endpoint came from: {added}"
    );
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
    assert_eq!(
        shown["revocation_url"].as_str(),
        Some(server.endpoint("revocation_endpoint").as_str()),
        "{name}: {shown}"
    );

    let out = ok(latchkey(&data)
        .args(["authorize", "svc", "alice", "--timeout", "60"])
        .output()
        .unwrap());
    assert!(out.contains("Authorized `alice`"), "{name}: {out}");
    // While it waits, it names the redirect URI the provider must accept.
    assert!(
        out.contains(
            "The provider must send the browser back to this redirect URI:\n  http://127.0.0.1:"
        ),
        "{name}: {out}"
    );
    assert!(
        out.contains("Register exactly http://127.0.0.1:"),
        "{name}: {out}"
    );
    let first = ok(latchkey(&data)
        .args(["token", "svc", "alice"])
        .output()
        .unwrap());

    crate::common::expire_tokens(&data, "svc", "alice");
    let tokens = tokens_from_concurrent_processes(&data, 10);
    assert_eq!(
        block_on(server.token_requests("refresh_token")),
        1,
        "{name}: ten processes, one refresh"
    );
    assert!(
        tokens.iter().all(|t| *t == tokens[0]),
        "{name}: one new token"
    );
    assert_ne!(tokens[0], first.trim(), "{name}: refreshed");
    assert_eq!(block_on(server.api_status(&tokens[0])), 200, "{name}");
}

#[test]
fn oidc_provider_discovery_authorize_and_cross_process_single_flight() {
    discover_authorize_and_single_flight(Provider::OidcProvider);
}

#[test]
fn dot_discovery_authorize_and_cross_process_single_flight() {
    discover_authorize_and_single_flight(Provider::DjangoOauthToolkit);
}

/// `revoke` says whether the provider was told: without a revocation URL
/// the tokens are only removed here (and `--json` says
/// `revoked_at_provider: false`); with one, the provider revokes them.
#[test]
fn revoke_says_whether_the_provider_was_told() {
    let server = OauthServer::start_provider(Provider::DjangoOauthToolkit, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    setup(&server, &data);
    ok(latchkey(&data)
        .args(["service", "edit", "svc", "--revocation-url", ""])
        .output()
        .unwrap());
    let authorize = || {
        ok(latchkey(&data)
            .args(["authorize", "svc", "alice", "--timeout", "60"])
            .output()
            .unwrap())
    };
    authorize();
    let out = latchkey(&data)
        .args(["revoke", "svc", "alice", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(done["revoked_at_provider"], false, "{done}");
    assert_eq!(done["provider"], "no_revocation_url", "{done}");
    assert_eq!(done["user"]["status"], "revoked", "{done}");

    authorize();
    let said = ok(latchkey(&data)
        .args(["revoke", "svc", "alice"])
        .output()
        .unwrap());
    assert!(
        said.contains("removed locally; the provider was not told (no revocation URL)"),
        "{said}"
    );
    assert!(!said.contains("revoked and removed"), "{said}");

    ok(latchkey(&data)
        .args(["service", "edit", "svc", "--revocation-url"])
        .arg(server.endpoint("revocation_endpoint"))
        .output()
        .unwrap());
    authorize();
    let out = latchkey(&data)
        .args(["revoke", "svc", "alice", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(done["revoked_at_provider"], true, "{done}");
    assert_eq!(done["provider"], "revoked", "{done}");
}

/// `token --json` is `{access_token, token_type, expires_at, scopes}`, and
/// `status` shows a client-credentials service's own token.
#[test]
fn token_json_and_status_show_the_service_token() {
    let server = OauthServer::start_provider(Provider::DjangoOauthToolkit, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (id, secret) = Provider::DjangoOauthToolkit.client_credentials_client();
    ok(with_stdin(
        latchkey(&data)
            .args(["service", "add", "cc", "--auth-kind", "client_credentials"])
            .args(["--token-url", &server.endpoint("token_endpoint")])
            .args(["--client-id", id, "--client-secret-stdin"])
            .args(["--scopes", "meetings"]),
        secret,
    ));
    let status = |extra: &[&str]| {
        let out = latchkey(&data).args(extra).arg("status").output().unwrap();
        assert!(out.status.success(), "{}", text(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let before: serde_json::Value = serde_json::from_str(&status(&["--json"])).unwrap();
    assert_eq!(
        before["service_tokens"][0]["service_slug"], "cc",
        "{before}"
    );
    assert_eq!(before["service_tokens"][0]["state"], "none", "{before}");

    let out = latchkey(&data)
        .args(["--json", "token", "cc"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let token: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&String> = token.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["access_token", "token_type", "expires_at", "scopes"]);
    assert!(token["token_type"]
        .as_str()
        .unwrap()
        .eq_ignore_ascii_case("bearer"));
    assert_eq!(token["scopes"], serde_json::json!(["meetings"]));
    assert!(token["expires_at"].as_i64().unwrap() > latchkey_core::now_ms());
    assert_eq!(
        block_on(server.api_status(token["access_token"].as_str().unwrap())),
        200
    );

    let after: serde_json::Value = serde_json::from_str(&status(&["--json"])).unwrap();
    assert_eq!(after["service_tokens"][0]["state"], "valid", "{after}");
    assert_eq!(
        after["service_tokens"][0]["scopes"],
        serde_json::json!(["meetings"])
    );
    let table = status(&[]);
    assert!(
        table.contains("Service tokens") && table.contains("valid") && table.contains("expires in"),
        "{table}"
    );
    assert!(!table.contains(token["access_token"].as_str().unwrap()));
}
