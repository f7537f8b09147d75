//! Token lifecycle against the real OAuth server: refresh with rotation,
//! single flight, expiry, invalid_grant, revocation, client credentials,
//! device authorization.

use crate::support::*;
use latchkey_core::now_ms;
use latchkey_core::{AuthEventKind, AuthKind, ErrorCode, UserStatus};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn refresh_rotates_and_the_old_refresh_token_is_refused_then_needs_reauth() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let user = sign_in(&app).await;
    let old = stored_tokens(&app, user.id).unwrap();
    let old_refresh = old["refresh_token"].as_str().unwrap().to_string();

    let token = app.access_token("svc", "alice", true).await.unwrap();
    assert!(token.refreshed);
    let new = stored_tokens(&app, user.id).unwrap();
    assert_ne!(new["refresh_token"], old["refresh_token"], "rotated");
    assert_eq!(
        new["access_token"].as_str(),
        Some(token.access_token.expose()),
        "committed before use"
    );
    assert_eq!(server.api_status(token.access_token.expose()).await, 200);

    // The server refuses the old refresh token (and, by reuse detection,
    // revokes the whole grant).
    let (status, body) = server.refresh_raw((BASIC.0, BASIC.1), &old_refresh).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // The stored (newest) refresh token is now dead too: needs_reauth,
    // and nothing is deleted.
    let mut events = app.subscribe_auth_events();
    let before = sealed_row(&app, user.id);
    let err = app.access_token("svc", "alice", true).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NeedsReauth, "{err}");
    assert_eq!(
        app.get_user("svc", "alice").unwrap().status,
        UserStatus::NeedsReauth
    );
    assert_eq!(sealed_row(&app, user.id), before, "nothing deleted");
    let event = events.recv().await.unwrap();
    assert_eq!(
        event.kind,
        AuthEventKind::StatusChanged {
            status: UserStatus::NeedsReauth
        }
    );
    // No second call to the provider once it said invalid_grant.
    let refreshes = server.token_requests("refresh_token").await;
    let _ = app.access_token("svc", "alice", true).await.unwrap_err();
    assert_eq!(server.token_requests("refresh_token").await, refreshes);
}

#[tokio::test]
async fn expired_token_is_refreshed_and_fifty_callers_make_one_refresh() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = Arc::new(setup(tmp.path(), &server, BASIC));
    sign_in(&app).await;
    let first = app.access_token("svc", "alice", false).await.unwrap();
    assert!(!first.refreshed);
    // Expired a minute ago as far as the store knows: no waiting on the clock.
    latchkey_core::testing::expire_user_tokens(&app, "svc", "alice").unwrap();
    assert!(app.get_user("svc", "alice").unwrap().expires_at.unwrap() < now_ms());

    let calls: Vec<_> = (0..50)
        .map(|_| {
            let app = Arc::clone(&app);
            tokio::spawn(async move { app.access_token("svc", "alice", false).await })
        })
        .collect();
    let mut tokens = Vec::new();
    for call in calls {
        tokens.push(
            call.await
                .unwrap()
                .unwrap()
                .access_token
                .expose()
                .to_string(),
        );
    }
    assert_eq!(
        server.token_requests("refresh_token").await,
        1,
        "single flight"
    );
    assert!(tokens.iter().all(|t| *t == tokens[0]));
    assert_ne!(tokens[0], first.access_token.expose());
    assert_eq!(server.api_status(&tokens[0]).await, 200);
}

#[tokio::test]
async fn sign_out_revokes_at_the_provider_then_forgets() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let user = sign_in(&app).await;
    let token = app.access_token("svc", "alice", false).await.unwrap();
    let refresh = stored_tokens(&app, user.id).unwrap()["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    let done = app.sign_out("svc", "alice", false).await.unwrap();
    assert!(done.revoked_at_provider);
    assert_eq!(done.provider, latchkey_core::ProviderRevocation::Revoked);
    assert!(
        done.message.contains("the provider revoked the tokens"),
        "{}",
        done.message
    );
    let user = done.user;
    assert_eq!(user.status, UserStatus::Revoked);
    assert!(sealed_row(&app, user.id).is_none());
    assert_eq!(
        server.stats().await["revocations"],
        2,
        "refresh then access token"
    );
    assert_eq!(server.api_status(token.access_token.expose()).await, 401);
    let (status, _) = server.refresh_raw((BASIC.0, BASIC.1), &refresh).await;
    assert_eq!(status, 400);
    let err = app.access_token("svc", "alice", false).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NeedsReauth, "{err}");
    assert_eq!(
        err.to_string(),
        "user `alice` of service `svc` is not authorized yet (status revoked): \
         authorize first with `latchkey authorize svc alice`"
    );
}

#[tokio::test]
async fn a_refused_revocation_keeps_the_tokens_unless_forced() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let user = sign_in(&app).await;
    // A revocation endpoint that answers 404 HTML.
    let mut input = latchkey_core::ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.revocation_url = Some(format!("{}/no-such-revocation", server.issuer));
    app.update_service("svc", &input).unwrap();
    let before = sealed_row(&app, user.id);
    let err = app.sign_out("svc", "alice", false).await.unwrap_err();
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(sealed_row(&app, user.id), before);
    assert_eq!(
        app.get_user("svc", "alice").unwrap().status,
        UserStatus::Authorized
    );
    let done = app.sign_out("svc", "alice", true).await.unwrap();
    assert!(!done.revoked_at_provider);
    assert_eq!(done.provider, latchkey_core::ProviderRevocation::Refused);
    assert!(
        done.message
            .contains("removed locally; the provider refused to revoke the tokens"),
        "{}",
        done.message
    );
    let user = done.user;
    assert_eq!(user.status, UserStatus::Revoked);
    assert!(sealed_row(&app, user.id).is_none());
}

#[tokio::test]
async fn client_credentials_token_is_cached_and_renewed_when_expired() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup_kind(tmp.path(), &server, BASIC, AuthKind::ClientCredentials);
    let mut input = latchkey_core::ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.scopes = "meetings".into();
    app.update_service("svc", &input).unwrap();
    let first = app.service_token("svc", false).await.unwrap();
    assert!(first.refreshed);
    assert_eq!(server.api_status(first.access_token.expose()).await, 200);
    let again = app.service_token("svc", false).await.unwrap();
    assert!(!again.refreshed);
    assert_eq!(again.access_token, first.access_token);
    assert_eq!(server.token_requests("client_credentials").await, 1);
    latchkey_core::testing::expire_service_token(&app, "svc").unwrap();
    let renewed = app.service_token("svc", false).await.unwrap();
    assert!(renewed.refreshed);
    assert_ne!(renewed.access_token, first.access_token);
    assert_eq!(server.token_requests("client_credentials").await, 2);
}

#[tokio::test]
async fn device_grant_is_approved_or_denied() {
    let server = OauthServer::start_with(&[("DEVICE_INTERVAL", "1")]);
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let pending = app
        .start_device_authorization("svc", "alice")
        .await
        .unwrap();
    let prompt = pending.prompt().clone();
    assert!(!prompt.user_code.is_empty());
    assert_eq!(prompt.interval_secs, 1);
    let uri = prompt.verification_uri_complete.clone().unwrap();
    let approve = tokio::task::spawn_blocking(move || approve_device(&uri, "allow"));
    let user = app.finish_device_authorization(pending).await.unwrap();
    assert_eq!(approve.await.unwrap()["outcome"], "approved");
    assert_eq!(user.status, UserStatus::Authorized);
    assert_eq!(user.email.as_deref(), Some("alice@example.test"));
    let token = app.access_token("svc", "alice", false).await.unwrap();
    assert_eq!(server.api_status(token.access_token.expose()).await, 200);

    let pending = app
        .start_device_authorization("svc", "alice")
        .await
        .unwrap();
    let uri = pending.prompt().verification_uri_complete.clone().unwrap();
    let deny = tokio::task::spawn_blocking(move || approve_device(&uri, "deny"));
    let err = app.finish_device_authorization(pending).await.unwrap_err();
    assert_eq!(deny.await.unwrap()["outcome"], "denied");
    assert_eq!(err.code(), ErrorCode::AuthorizationFailed);
    assert!(err.to_string().contains("denied"), "{err}");
}

/// The shell spawns these on Tauri's runtime, which needs `Send` futures.
#[allow(dead_code, clippy::let_underscore_future)]
fn public_futures_are_send(
    app: &latchkey_core::Latchkey,
    p: latchkey_core::LoopbackAuthorization,
    d: latchkey_core::DeviceAuthorization,
) {
    fn send<T: Send>(_: T) {}
    send(app.begin_authorization("s", "u"));
    send(app.finish_authorization(p, Duration::from_secs(1)));
    send(app.complete_from_pasted("s", "u", "x"));
    send(app.access_token("s", "u", false));
    send(app.service_token("s", false));
    send(app.sign_out("s", "u", false));
    send(app.start_device_authorization("s", "u"));
    send(app.finish_device_authorization(d));
}
