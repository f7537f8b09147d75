//! RFC 9207 against both servers: a service made by discovery keeps the
//! issuer and knows the server sends `iss`; a sign-in whose `iss` matches
//! succeeds, and one with a changed or missing `iss` is refused, stores
//! nothing and uses up the pending login.

use crate::support::*;
use latchkey_core::{ErrorCode, Latchkey, ServiceInput, UserStatus};
use std::io::{Read, Write};
use url::Url;

/// `svc` on `server` for the basic client, its definition then refreshed
/// by discovery from the server's issuer (as `service add --issuer` does).
async fn discovered_service(tmp: &std::path::Path, server: &OauthServer) -> Latchkey {
    let app = setup(tmp, server, BASIC);
    let before = ServiceInput::from(&app.get_service("svc").unwrap().spec);
    let mut input = latchkey_core::service::discover_into(&server.issuer, before.clone())
        .await
        .unwrap();
    // The fixture's client is registered for one auth method.
    input.client_auth = before.client_auth;
    app.update_service("svc", &input).unwrap();
    app
}

/// Points the service's redirect at a listener that only answers "ok", as
/// the browser on another machine would land, so the flow is a paste.
fn remote_landing(app: &Latchkey) {
    let landing = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = landing.local_addr().unwrap().port();
    let mut input = ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.redirect_uri = Some(format!("http://127.0.0.1:{port}/callback"));
    app.update_service("svc", &input).unwrap();
    std::thread::spawn(move || {
        for mut stream in landing.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
}

/// The address the browser ended on after approving a new login link.
async fn approved_redirect(app: &Latchkey) -> Url {
    let url = app.login_link("svc", "alice").unwrap().url;
    let log = tokio::task::spawn_blocking(move || browse(&url, "allow"))
        .await
        .unwrap();
    Url::parse(log["callback"].as_str().expect("the browser came back")).unwrap()
}

/// `url` with its `iss` replaced by `iss` (or removed when `None`).
fn with_iss(url: &Url, iss: Option<&str>) -> String {
    let mut out = url.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "iss")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut query = out.query_pairs_mut();
        query.clear();
        for (k, v) in &kept {
            query.append_pair(k, v);
        }
        if let Some(iss) = iss {
            query.append_pair("iss", iss);
        }
    }
    out.to_string()
}

fn iss_of(url: &Url) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == "iss")
        .map(|(_, v)| v.into_owned())
}

async fn iss_is_checked(provider: Provider) {
    let name = provider.name();
    let server = OauthServer::start_provider(provider, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let app = discovered_service(tmp.path(), &server).await;

    let spec = app.get_service("svc").unwrap().spec;
    assert_eq!(
        spec.issuer.as_deref(),
        Some(server.issuer.as_str()),
        "{name}"
    );
    assert!(spec.authorization_response_iss, "{name}");
    // Export and import carry both.
    let doc = serde_json::to_string(&app.export_services(&[], false).unwrap()).unwrap();
    let other = Latchkey::open_with(
        Some(&tmp.path().join("other")),
        latchkey_core::KeySource::Keyring,
    )
    .unwrap();
    let imported = other.import_services(&doc).unwrap();
    assert_eq!(imported[0].spec.issuer, spec.issuer, "{name}");
    assert!(imported[0].spec.authorization_response_iss, "{name}");

    remote_landing(&app);
    let token_requests = server.token_requests("authorization_code").await;

    // A changed `iss`: refused, nothing stored, and the login is used up.
    let redirect = approved_redirect(&app).await;
    assert_eq!(
        iss_of(&redirect).as_deref(),
        Some(server.issuer.as_str()),
        "{name}"
    );
    let tampered = with_iss(&redirect, Some("https://attacker.example"));
    let err = app
        .complete_from_pasted("svc", "alice", &tampered)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AuthorizationFailed, "{name}: {err}");
    let message = err.to_string();
    assert!(
        message.contains("`https://attacker.example`"),
        "{name}: {message}"
    );
    assert!(
        message.contains(&format!("`{}`", server.issuer)),
        "{name}: {message}"
    );
    assert!(message.contains("mix-up"), "{name}: {message}");
    assert_unauthorized(&app, name);
    let err = app
        .complete_from_pasted("svc", "alice", redirect.as_str())
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::AuthorizationFailed,
        "{name}: one-shot: {err}"
    );
    assert_unauthorized(&app, name);

    // A missing `iss` from a server that always sends it: refused too.
    let redirect = approved_redirect(&app).await;
    let err = app
        .complete_from_pasted("svc", "alice", &with_iss(&redirect, None))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AuthorizationFailed, "{name}: {err}");
    assert!(err.to_string().contains("no `iss`"), "{name}: {err}");
    assert_unauthorized(&app, name);
    assert_eq!(
        server.token_requests("authorization_code").await,
        token_requests,
        "{name}: no refused code reached the token endpoint"
    );

    // The untouched redirect of a new login signs in.
    let redirect = approved_redirect(&app).await;
    let user = app
        .complete_from_pasted("svc", "alice", redirect.as_str())
        .await
        .unwrap();
    assert_eq!(user.status, UserStatus::Authorized, "{name}");

    // Through the loopback listener too: the server's own `iss` signs in.
    let mut input = ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.redirect_uri = Some("http://127.0.0.1:0/callback".into());
    app.update_service("svc", &input).unwrap();
    let user = sign_in(&app).await;
    assert_eq!(user.status, UserStatus::Authorized, "{name}");
    assert_eq!(
        server.token_requests("authorization_code").await,
        token_requests + 2,
        "{name}"
    );
}

fn assert_unauthorized(app: &Latchkey, name: &str) {
    let user = app.get_user("svc", "alice").unwrap();
    assert_ne!(user.status, UserStatus::Authorized, "{name}");
    assert!(
        stored_tokens(app, user.id).is_none(),
        "{name}: nothing stored"
    );
}

#[tokio::test]
async fn oidc_provider_iss_is_checked() {
    iss_is_checked(Provider::OidcProvider).await;
}

#[tokio::test]
async fn dot_iss_is_checked() {
    iss_is_checked(Provider::DjangoOauthToolkit).await;
}
