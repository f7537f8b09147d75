//! The same OAuth matrix against two independently written servers:
//! oidc-provider (Node) and django-oauth-toolkit (Python). Authorization
//! code with basic, post and public+PKCE clients, refresh with rotation,
//! revocation, client credentials and discovery; where the two servers
//! behave differently, the difference is asserted per server.

use crate::support::*;
use latchkey_core::{AuthKind, ClientAuth, ErrorCode, PkceMode, UserStatus};

async fn authorization_code(provider: Provider, client: (&str, &str, ClientAuth)) {
    let server = OauthServer::start_provider(provider, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, client);
    let user = sign_in(&app).await;
    let name = provider.name();
    assert_eq!(user.status, UserStatus::Authorized, "{name}");
    assert_eq!(user.email.as_deref(), Some("alice@example.test"), "{name}");
    assert!(
        user.granted_scopes.contains(&"meetings".to_string()),
        "{name}"
    );
    let stored = stored_tokens(&app, user.id).unwrap();
    assert!(
        stored["refresh_token"].is_string(),
        "{name}: a refresh token"
    );
    assert!(stored["id_token"].is_string(), "{name}: an id token");
    let token = app.access_token("svc", "alice", false).await.unwrap();
    assert_eq!(
        server.api_status(token.access_token.expose()).await,
        200,
        "{name}"
    );
    assert!(
        server.is_active(token.access_token.expose()).await,
        "{name}"
    );
    assert_eq!(
        server.token_requests("authorization_code").await,
        1,
        "{name}"
    );
}

#[tokio::test]
async fn oidc_provider_code_basic() {
    authorization_code(Provider::OidcProvider, BASIC).await;
}
#[tokio::test]
async fn dot_code_basic() {
    authorization_code(Provider::DjangoOauthToolkit, BASIC).await;
}
#[tokio::test]
async fn oidc_provider_code_post() {
    authorization_code(Provider::OidcProvider, POST).await;
}
#[tokio::test]
async fn dot_code_post() {
    authorization_code(Provider::DjangoOauthToolkit, POST).await;
}
#[tokio::test]
async fn oidc_provider_code_public_pkce() {
    authorization_code(Provider::OidcProvider, PUBLIC).await;
}
#[tokio::test]
async fn dot_code_public_pkce() {
    authorization_code(Provider::DjangoOauthToolkit, PUBLIC).await;
}

/// A forced refresh rotates the refresh token; the old one is refused.
/// Presenting it again (reuse) kills the whole grant at both servers, and
/// Latchkey then marks the user needs_reauth without deleting anything.
async fn refresh_with_rotation(provider: Provider) {
    let name = provider.name();
    let server = OauthServer::start_provider(provider, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let user = sign_in(&app).await;
    let first = stored_tokens(&app, user.id).unwrap();
    let refreshed = app.access_token("svc", "alice", true).await.unwrap();
    assert!(refreshed.refreshed, "{name}");
    let second = stored_tokens(&app, user.id).unwrap();
    assert_ne!(
        first["refresh_token"], second["refresh_token"],
        "{name}: rotated"
    );
    assert_ne!(first["access_token"], second["access_token"], "{name}");
    assert_eq!(
        server.api_status(refreshed.access_token.expose()).await,
        200,
        "{name}"
    );
    assert_eq!(server.token_requests("refresh_token").await, 1, "{name}");

    let old = first["refresh_token"].as_str().unwrap();
    let (status, body) = server.refresh_raw((BASIC.0, BASIC.1), old).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{name}: {body}"
    );
    // Reuse detection: the newest pair is dead too.
    assert_eq!(
        server.api_status(refreshed.access_token.expose()).await,
        401,
        "{name}"
    );
    let before = sealed_row(&app, user.id);
    let err = app.access_token("svc", "alice", true).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NeedsReauth, "{name}: {err}");
    assert_eq!(sealed_row(&app, user.id), before, "{name}: nothing deleted");
    assert_eq!(
        app.get_user("svc", "alice").unwrap().status,
        UserStatus::NeedsReauth
    );
}

#[tokio::test]
async fn oidc_provider_refresh_rotation() {
    refresh_with_rotation(Provider::OidcProvider).await;
}
#[tokio::test]
async fn dot_refresh_rotation() {
    refresh_with_rotation(Provider::DjangoOauthToolkit).await;
}

/// Sign-out revokes at the provider: introspection calls both tokens
/// inactive afterwards, and the refresh token is refused.
async fn revocation(provider: Provider) {
    let name = provider.name();
    let server = OauthServer::start_provider(provider, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let user = sign_in(&app).await;
    let stored = stored_tokens(&app, user.id).unwrap();
    let access = stored["access_token"].as_str().unwrap().to_string();
    let refresh = stored["refresh_token"].as_str().unwrap().to_string();
    assert!(server.is_active(&access).await, "{name}");
    let done = app.sign_out("svc", "alice", false).await.unwrap();
    assert!(done.revoked_at_provider, "{name}: {}", done.message);
    let user = done.user;
    assert_eq!(user.status, UserStatus::Revoked, "{name}");
    assert!(sealed_row(&app, user.id).is_none(), "{name}");
    assert!(
        server.stats().await["revocations"].as_u64().unwrap() >= 1,
        "{name}"
    );
    assert!(
        !server.is_active(&access).await,
        "{name}: access token revoked"
    );
    assert_eq!(server.api_status(&access).await, 401, "{name}");
    let (status, _) = server.refresh_raw((BASIC.0, BASIC.1), &refresh).await;
    assert_eq!(status, 400, "{name}: refresh token revoked");
}

#[tokio::test]
async fn oidc_provider_revocation() {
    revocation(Provider::OidcProvider).await;
}
#[tokio::test]
async fn dot_revocation() {
    revocation(Provider::DjangoOauthToolkit).await;
}

/// Revokes one token of a fresh sign-in (RFC 7009 with a type hint) and
/// says whether the other one still works: RFC 7009 leaves that to the
/// server's policy, so the two servers may differ.
async fn other_token_survives(provider: Provider, revoke: &str) -> bool {
    let name = provider.name();
    let server = OauthServer::start_provider(provider, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let user = sign_in(&app).await;
    let stored = stored_tokens(&app, user.id).unwrap();
    let access = stored["access_token"].as_str().unwrap();
    let refresh = stored["refresh_token"].as_str().unwrap();
    let (token, hint) = if revoke == "access" {
        (access, "access_token")
    } else {
        (refresh, "refresh_token")
    };
    let status = server.revoke_raw((BASIC.0, BASIC.1), token, hint).await;
    assert_eq!(status, 200, "{name}");
    if revoke == "access" {
        assert!(!server.is_active(access).await, "{name}");
        server.refresh_raw((BASIC.0, BASIC.1), refresh).await.0 == 200
    } else {
        assert_eq!(
            server.refresh_raw((BASIC.0, BASIC.1), refresh).await.0,
            400,
            "{name}"
        );
        server.is_active(access).await
    }
}

#[tokio::test]
async fn revoking_either_token_ends_the_grant_at_both_servers() {
    for provider in Provider::BOTH {
        assert!(
            !other_token_survives(provider, "access").await,
            "{}",
            provider.name()
        );
        assert!(
            !other_token_survives(provider, "refresh").await,
            "{}",
            provider.name()
        );
    }
}

/// A difference: django-oauth-toolkit requires PKCE of every client (its
/// `PKCE_REQUIRED` default), oidc-provider only of public ones. With PKCE
/// off, a confidential client signs in at one and is refused at the other.
async fn sign_in_without_pkce(provider: Provider) -> latchkey_core::Result<latchkey_core::User> {
    let server = OauthServer::start_provider(provider, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let mut input = latchkey_core::ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.pkce = PkceMode::Off;
    app.update_service("svc", &input).unwrap();
    let pending = app.begin_authorization("svc", "alice").await.unwrap();
    assert!(!pending.link().url.contains("code_challenge"));
    let url = pending.link().url.clone();
    let browser = tokio::task::spawn_blocking(move || browse(&url, "allow"));
    let result = app
        .finish_authorization(pending, std::time::Duration::from_secs(30))
        .await;
    browser.await.unwrap();
    result
}

#[tokio::test]
async fn oidc_provider_lets_a_confidential_client_skip_pkce() {
    let user = sign_in_without_pkce(Provider::OidcProvider).await.unwrap();
    assert_eq!(user.status, UserStatus::Authorized);
}
#[tokio::test]
async fn dot_requires_pkce_of_a_confidential_client() {
    let err = sign_in_without_pkce(Provider::DjangoOauthToolkit)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AuthorizationFailed, "{err}");
    assert!(err.to_string().contains("invalid_request"), "{err}");
    assert!(
        err.to_string().to_lowercase().contains("code challenge"),
        "{err}"
    );
}

/// Both servers take Basic or post from any confidential client, whatever
/// it was registered with: the "post" client, sent with Basic, signs in.
async fn post_client_sent_as_basic(
    provider: Provider,
) -> latchkey_core::Result<latchkey_core::User> {
    let server = OauthServer::start_provider(provider, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, (POST.0, POST.1, ClientAuth::Basic));
    let pending = app.begin_authorization("svc", "alice").await.unwrap();
    let url = pending.link().url.clone();
    let browser = tokio::task::spawn_blocking(move || browse(&url, "allow"));
    let result = app
        .finish_authorization(pending, std::time::Duration::from_secs(30))
        .await;
    browser.await.unwrap();
    result
}

#[tokio::test]
async fn both_accept_either_client_auth_method() {
    for provider in Provider::BOTH {
        let user = post_client_sent_as_basic(provider).await.unwrap();
        assert_eq!(user.status, UserStatus::Authorized, "{}", provider.name());
    }
}

/// A difference: RFC 8252 §7.3 lets a loopback IP redirect use any port;
/// oidc-provider extends that to `localhost`, django-oauth-toolkit does
/// not (§8.3), so there the browser never comes back.
async fn localhost_redirect(
    provider: Provider,
) -> (
    serde_json::Value,
    latchkey_core::Result<latchkey_core::User>,
) {
    let server = OauthServer::start_provider(provider, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let mut input = latchkey_core::ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.redirect_uri = Some("http://localhost:0/callback".into());
    app.update_service("svc", &input).unwrap();
    let pending = app.begin_authorization("svc", "alice").await.unwrap();
    let url = pending.link().url.clone();
    let browser = tokio::task::spawn_blocking(move || browse(&url, "allow"));
    let result = app
        .finish_authorization(pending, std::time::Duration::from_secs(8))
        .await;
    (browser.await.unwrap(), result)
}

#[tokio::test]
async fn oidc_provider_accepts_localhost_on_any_port() {
    let (log, result) = localhost_redirect(Provider::OidcProvider).await;
    assert_eq!(log["ok"], true, "{log}");
    assert_eq!(result.unwrap().status, UserStatus::Authorized);
}
#[tokio::test]
async fn dot_refuses_localhost_on_another_port() {
    let (log, result) = localhost_redirect(Provider::DjangoOauthToolkit).await;
    assert_eq!(log["ok"], false, "{log}");
    assert!(
        log["error"]
            .as_str()
            .unwrap()
            .contains("Mismatching redirect URI"),
        "{log}"
    );
    let err = result.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Timeout, "{err}");
    // The timeout names the redirect URI as the likely cause.
    let msg = err.to_string();
    assert!(
        msg.contains("The likely cause: the provider does not accept this redirect URI"),
        "{msg}"
    );
    assert!(msg.contains("Register exactly http://localhost:"), "{msg}");
    assert!(
        msg.contains("`localhost` and `127.0.0.1` are different addresses"),
        "{msg}"
    );
}

async fn client_credentials(provider: Provider) {
    let name = provider.name();
    let server = OauthServer::start_provider(provider, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let (id, secret) = provider.client_credentials_client();
    let app = setup_kind(
        tmp.path(),
        &server,
        (id, secret, ClientAuth::Basic),
        AuthKind::ClientCredentials,
    );
    let mut input = latchkey_core::ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.scopes = "meetings".into();
    app.update_service("svc", &input).unwrap();
    let first = app.service_token("svc", false).await.unwrap();
    assert!(first.refreshed, "{name}");
    assert_eq!(
        server.api_status(first.access_token.expose()).await,
        200,
        "{name}"
    );
    let again = app.service_token("svc", false).await.unwrap();
    assert!(!again.refreshed, "{name}: cached");
    assert_eq!(
        server.token_requests("client_credentials").await,
        1,
        "{name}"
    );
}

#[tokio::test]
async fn oidc_provider_client_credentials() {
    client_credentials(Provider::OidcProvider).await;
}
#[tokio::test]
async fn dot_client_credentials() {
    client_credentials(Provider::DjangoOauthToolkit).await;
}

async fn discovery(provider: Provider) -> latchkey_core::DiscoveredEndpoints {
    let server = OauthServer::start_provider(provider, &[]);
    let client = latchkey_core::discovery::http_client().unwrap();
    let found = latchkey_core::discovery::discover(&client, &server.issuer)
        .await
        .unwrap();
    let name = provider.name();
    assert_eq!(found.issuer, server.issuer, "{name}");
    assert_eq!(
        found.authorization_endpoint.as_deref(),
        Some(server.endpoint("authorization_endpoint").as_str()),
        "{name}"
    );
    assert_eq!(
        found.token_endpoint,
        server.endpoint("token_endpoint"),
        "{name}"
    );
    assert_eq!(found.suggested_pkce, PkceMode::S256, "{name}");
    assert_eq!(
        found.revocation_endpoint.as_deref(),
        Some(server.endpoint("revocation_endpoint").as_str()),
        "{name}"
    );
    assert!(
        found.authorization_response_iss_parameter_supported,
        "{name}"
    );
    found
}

fn source(found: &latchkey_core::DiscoveredEndpoints, endpoint: &str) -> String {
    found
        .endpoint_sources
        .iter()
        .find(|s| s.endpoint == endpoint)
        .map(|s| s.document_url.clone())
        .unwrap_or_default()
}

/// oidc-provider answers the RFC 8414 path-insertion URL with everything.
#[tokio::test]
async fn oidc_provider_discovery() {
    let found = discovery(Provider::OidcProvider).await;
    let rfc8414 = format!("{}/.well-known/oauth-authorization-server", found.issuer);
    assert_eq!(found.document_url, rfc8414);
    assert_eq!(source(&found, "revocation_endpoint"), rfc8414);
}

/// A difference: django-oauth-toolkit under `/o/` has no path-insertion
/// document; its OIDC document lacks the revocation endpoint, which only
/// the appended RFC 8414 document names.
#[tokio::test]
async fn dot_discovery_merges_the_appended_document() {
    let found = discovery(Provider::DjangoOauthToolkit).await;
    let oidc = format!("{}/.well-known/openid-configuration", found.issuer);
    let appended = format!("{}/.well-known/oauth-authorization-server", found.issuer);
    assert_eq!(found.documents, [oidc.clone(), appended.clone()]);
    assert_eq!(source(&found, "token_endpoint"), oidc);
    assert_eq!(source(&found, "revocation_endpoint"), appended);
}

/// Without a revocation URL the tokens are only forgotten here, the
/// provider still calls them active, and the outcome says so.
async fn sign_out_without_a_revocation_url(provider: Provider) {
    let name = provider.name();
    let server = OauthServer::start_provider(provider, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let mut input = latchkey_core::ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.revocation_url = None;
    app.update_service("svc", &input).unwrap();
    let user = sign_in(&app).await;
    let access = stored_tokens(&app, user.id).unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let done = app.sign_out("svc", "alice", false).await.unwrap();
    assert!(!done.revoked_at_provider, "{name}");
    assert_eq!(
        done.provider,
        latchkey_core::ProviderRevocation::NoRevocationUrl
    );
    assert!(
        done.message
            .contains("removed locally; the provider was not told (no revocation URL)"),
        "{name}: {}",
        done.message
    );
    assert!(sealed_row(&app, user.id).is_none(), "{name}");
    assert_eq!(server.stats().await["revocations"], 0, "{name}");
    assert!(
        server.is_active(&access).await,
        "{name}: still active at the provider"
    );
}

#[tokio::test]
async fn oidc_provider_sign_out_without_a_revocation_url_says_so() {
    sign_out_without_a_revocation_url(Provider::OidcProvider).await;
}
#[tokio::test]
async fn dot_sign_out_without_a_revocation_url_says_so() {
    sign_out_without_a_revocation_url(Provider::DjangoOauthToolkit).await;
}

#[tokio::test]
async fn an_unreachable_revocation_endpoint_is_named_and_only_force_removes() {
    let server = OauthServer::start_provider(Provider::DjangoOauthToolkit, &[]);
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let user = sign_in(&app).await;
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/revoke", closed.local_addr().unwrap());
    drop(closed);
    let mut input = latchkey_core::ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.revocation_url = Some(url);
    app.update_service("svc", &input).unwrap();
    let before = sealed_row(&app, user.id);
    let err = app.sign_out("svc", "alice", false).await.unwrap_err();
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(sealed_row(&app, user.id), before, "kept");
    let done = app.sign_out("svc", "alice", true).await.unwrap();
    assert!(!done.revoked_at_provider);
    assert_eq!(
        done.provider,
        latchkey_core::ProviderRevocation::Unreachable
    );
    assert!(
        done.message
            .contains("removed locally; the provider could not be reached"),
        "{}",
        done.message
    );
    assert!(sealed_row(&app, user.id).is_none());
}

/// A wrong client secret: `invalid_client` says what to check and which
/// client auth method was used, at both servers, for the code exchange and
/// for client credentials.
#[tokio::test]
async fn invalid_client_says_what_to_check_and_which_method_was_used() {
    for provider in Provider::BOTH {
        let name = provider.name();
        let server = OauthServer::start_provider(provider, &[]);
        let tmp = tempfile::tempdir().unwrap();
        let app = setup(
            tmp.path(),
            &server,
            (POST.0, "not-the-secret", ClientAuth::Post),
        );
        let pending = app.begin_authorization("svc", "alice").await.unwrap();
        let url = pending.link().url.clone();
        let browser = tokio::task::spawn_blocking(move || browse(&url, "allow"));
        let err = app
            .finish_authorization(pending, std::time::Duration::from_secs(30))
            .await
            .unwrap_err();
        browser.await.unwrap();
        let msg = err.to_string();
        assert_eq!(err.code(), ErrorCode::ProviderError, "{name}: {msg}");
        assert!(msg.contains("invalid_client"), "{name}: {msg}");
        assert!(
            msg.contains("check the client id (`latchkey-post`), the client secret, and the client auth method"),
            "{name}: {msg}"
        );
        assert!(msg.contains("This request used `post`"), "{name}: {msg}");
        assert!(!msg.contains("not-the-secret"), "{name}: {msg}");

        let (id, _) = provider.client_credentials_client();
        let tmp = tempfile::tempdir().unwrap();
        let app = setup_kind(
            tmp.path(),
            &server,
            (id, "not-the-secret", ClientAuth::Basic),
            AuthKind::ClientCredentials,
        );
        let msg = app
            .service_token("svc", false)
            .await
            .unwrap_err()
            .to_string();
        assert!(msg.contains("This request used `basic`"), "{name}: {msg}");
        assert!(msg.contains("--client-auth post"), "{name}: {msg}");
    }
}
