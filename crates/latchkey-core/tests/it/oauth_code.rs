//! Authorization code + PKCE against the real OAuth server, through the
//! real loopback listener, with `browser.mjs` playing the browser.

use crate::support::*;
use latchkey_core::{AuthEventKind, ErrorCode, UserStatus};
use std::io::{Read, Write};
use std::time::Duration;

async fn authorize_with(client: (&str, &str, latchkey_core::ClientAuth)) {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, client);
    let mut events = app.subscribe_auth_events();
    let pending = app.begin_authorization("svc", "alice").await.unwrap();
    let link = pending.link().clone();
    assert!(
        link.url.contains("code_challenge_method=S256"),
        "{}",
        link.url
    );
    assert!(link
        .url
        .contains("scope=openid+email+profile+offline_access+meetings"));
    assert!(
        !link.redirect_uri.contains(":0/"),
        "the ephemeral port is filled in"
    );

    // A stray request (a favicon) gets 404 and the listener keeps waiting.
    let stray = link.redirect_uri.replace("/callback", "/favicon.ico");
    let stray = tokio::task::spawn_blocking(move || raw_get(&stray));
    let url = link.url.clone();
    let browser = tokio::task::spawn_blocking(move || {
        std::thread::sleep(Duration::from_millis(300));
        browse(&url, "allow")
    });
    let user = app
        .finish_authorization(pending, Duration::from_secs(30))
        .await
        .unwrap();
    assert!(stray.await.unwrap().starts_with("HTTP/1.1 404"));
    let log = browser.await.unwrap();
    assert_eq!(log["ok"], true, "{log}");
    assert_eq!(log["deliveries"][0]["status"], 200);
    assert!(log["deliveries"][0]["body"]
        .as_str()
        .unwrap()
        .contains("close this tab"));

    assert_eq!(user.status, UserStatus::Authorized);
    assert_eq!(user.subject.as_deref(), Some("alice"));
    assert_eq!(user.email.as_deref(), Some("alice@example.test"));
    assert_eq!(user.name.as_deref(), Some("Alice Liddell"));
    assert!(user.granted_scopes.contains(&"meetings".to_string()));
    assert!(user.expires_at.unwrap() > latchkey_core::now_ms());
    let token = app.access_token("svc", "alice", false).await.unwrap();
    assert!(!token.refreshed);
    assert_eq!(server.api_status(token.access_token.expose()).await, 200);
    assert_eq!(server.token_requests("authorization_code").await, 1);
    let event = events.recv().await.unwrap();
    assert_eq!(
        event.kind,
        AuthEventKind::Succeeded {
            status: UserStatus::Authorized
        }
    );
    // One-shot: the pending authorization is gone.
    assert!(app.login_link("svc", "alice").is_ok());
}

fn raw_get(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    let mut s = std::net::TcpStream::connect(&*u.socket_addrs(|| None).unwrap()).unwrap();
    write!(
        s,
        "GET {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        u.path()
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[tokio::test]
async fn client_secret_basic_with_pkce() {
    authorize_with(BASIC).await;
}

#[tokio::test]
async fn client_secret_post_with_pkce() {
    authorize_with(POST).await;
}

#[tokio::test]
async fn public_client_with_pkce() {
    authorize_with(PUBLIC).await;
}

#[tokio::test]
async fn access_denied_is_reported_and_nothing_is_stored() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let pending = app.begin_authorization("svc", "alice").await.unwrap();
    let url = pending.link().url.clone();
    let browser = tokio::task::spawn_blocking(move || browse(&url, "deny"));
    let err = app
        .finish_authorization(pending, Duration::from_secs(30))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AuthorizationFailed);
    assert!(err.to_string().contains("access_denied"), "{err}");
    let log = browser.await.unwrap();
    assert_eq!(log["deliveries"][0]["status"], 400, "{log}");
    assert!(log["deliveries"][0]["body"]
        .as_str()
        .unwrap()
        .contains("access_denied"));
    let user = app.get_user("svc", "alice").unwrap();
    assert_eq!(user.status, UserStatus::New);
    assert!(sealed_row(&app, user.id).is_none());
    assert_eq!(server.token_requests("authorization_code").await, 0);
}

#[tokio::test]
async fn wrong_state_is_refused_and_the_wait_times_out() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let pending = app.begin_authorization("svc", "alice").await.unwrap();
    let url = pending.link().url.clone();
    let browser = tokio::task::spawn_blocking(move || browse(&url, "wrong-state"));
    let err = app
        .finish_authorization(pending, Duration::from_secs(4))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Timeout);
    assert!(err.to_string().contains("wrong state"), "{err}");
    let log = browser.await.unwrap();
    assert_eq!(log["deliveries"][0]["status"], 400, "{log}");
    let user = app.get_user("svc", "alice").unwrap();
    assert!(sealed_row(&app, user.id).is_none());
    assert_eq!(server.token_requests("authorization_code").await, 0);
}

#[tokio::test]
async fn a_replayed_callback_is_refused() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let pending = app.begin_authorization("svc", "alice").await.unwrap();
    let url = pending.link().url.clone();
    let browser = tokio::task::spawn_blocking(move || browse(&url, "replay"));
    let user = app
        .finish_authorization(pending, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(user.status, UserStatus::Authorized);
    // The listener closed after the first callback: the second is refused.
    let log = browser.await.unwrap();
    assert_eq!(log["ok"], false, "{log}");
    assert_eq!(server.token_requests("authorization_code").await, 1);
}

#[tokio::test]
async fn no_callback_times_out_with_a_clear_message() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let err = app
        .authorize_in_browser("svc", "alice", Duration::from_secs(1), |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Timeout);
    let msg = err.to_string();
    assert!(msg.contains("within 1 s"), "{msg}");
    // The likely cause, with the exact URI to register.
    assert!(
        msg.contains("The likely cause: the provider does not accept this redirect URI"),
        "{msg}"
    );
    assert!(msg.contains("Register exactly http://127.0.0.1:"), "{msg}");
    assert!(
        msg.contains("`127.0.0.1` and `localhost` are different addresses to a provider"),
        "{msg}"
    );
}

/// Each connection is served in its own task: thirty idle connections
/// opened before the browser's redirect (each would hold a one-at-a-time
/// listener for its 10 s read timeout, 300 s in all) do not keep the login
/// from finishing within its 20 s.
#[tokio::test]
async fn idle_connections_do_not_hold_up_the_redirect() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let pending = app.begin_authorization("svc", "alice").await.unwrap();
    let port = url::Url::parse(&pending.link().redirect_uri)
        .unwrap()
        .port()
        .unwrap();
    let idle: Vec<std::net::TcpStream> = (0..30)
        .map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    let url = pending.link().url.clone();
    let browser = tokio::task::spawn_blocking(move || browse(&url, "allow"));
    let user = app
        .finish_authorization(pending, Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(user.status, UserStatus::Authorized);
    assert_eq!(browser.await.unwrap()["ok"], true);
    drop(idle);
}

/// A `localhost` redirect URI is caught on both loopback addresses, on one
/// port (a browser may resolve `localhost` to either).
#[tokio::test]
async fn a_localhost_redirect_listens_on_both_loopback_addresses() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let mut input = latchkey_core::ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.redirect_uri = Some("http://localhost:0/callback".into());
    app.update_service("svc", &input).unwrap();
    let pending = app.begin_authorization("svc", "alice").await.unwrap();
    let link = pending.link().clone();
    assert!(
        link.redirect_uri.starts_with("http://localhost:"),
        "{}",
        link.redirect_uri
    );
    assert!(
        link.registration_hint
            .contains("`localhost` and `127.0.0.1` are different addresses"),
        "{}",
        link.registration_hint
    );
    let port = url::Url::parse(&link.redirect_uri).unwrap().port().unwrap();
    let v4 = format!("http://127.0.0.1:{port}/favicon.ico");
    let v6 = format!("http://[::1]:{port}/favicon.ico");
    let answers = tokio::task::spawn_blocking(move || (raw_get(&v4), raw_get(&v6)));
    let url = link.url.clone();
    let browser = tokio::task::spawn_blocking(move || {
        std::thread::sleep(Duration::from_millis(300));
        browse(&url, "allow")
    });
    let user = app
        .finish_authorization(pending, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(user.status, UserStatus::Authorized);
    let (a4, a6) = answers.await.unwrap();
    assert!(a4.starts_with("HTTP/1.1 404"), "{a4}");
    assert!(a6.starts_with("HTTP/1.1 404"), "{a6}");
    assert_eq!(browser.await.unwrap()["ok"], true);
}

#[tokio::test]
async fn a_port_in_use_is_named() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let mut input = latchkey_core::ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.redirect_uri = Some(format!("http://127.0.0.1:{port}/callback"));
    app.update_service("svc", &input).unwrap();
    let err = app.begin_authorization("svc", "alice").await.err().unwrap();
    assert!(err.to_string().contains(&format!("port {port}")), "{err}");
}

/// "Authorize on another machine": the link is opened elsewhere and the
/// address the browser ended on is pasted back; pasting it again is refused.
#[tokio::test]
async fn pasted_redirect_and_bare_code_complete_once() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    // Where the remote browser lands: a listener that just takes the request.
    let landing = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = landing.local_addr().unwrap().port();
    let mut input = latchkey_core::ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.redirect_uri = Some(format!("http://127.0.0.1:{port}/callback"));
    app.update_service("svc", &input).unwrap();
    std::thread::spawn(move || {
        for stream in landing.incoming().take(2).flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });

    let link = app.login_link("svc", "alice").unwrap();
    let url = link.url.clone();
    let log = tokio::task::spawn_blocking(move || browse(&url, "allow"))
        .await
        .unwrap();
    let callback = log["callback"].as_str().unwrap().to_string();
    let user = app
        .complete_from_pasted("svc", "alice", &format!("  {callback}\n"))
        .await
        .unwrap();
    assert_eq!(user.status, UserStatus::Authorized);
    let before = sealed_row(&app, user.id);
    let err = app
        .complete_from_pasted("svc", "alice", &callback)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AuthorizationFailed, "{err}");
    assert_eq!(
        sealed_row(&app, user.id),
        before,
        "a replay changes nothing"
    );
    assert_eq!(server.token_requests("authorization_code").await, 1);

    // A bare code goes to the user's one pending login.
    let link = app.login_link("svc", "alice").unwrap();
    let url = link.url.clone();
    let log = tokio::task::spawn_blocking(move || browse(&url, "allow"))
        .await
        .unwrap();
    let callback = url::Url::parse(log["callback"].as_str().unwrap()).unwrap();
    let code = callback
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let user = app
        .complete_from_pasted("svc", "alice", &code)
        .await
        .unwrap();
    assert_eq!(user.status, UserStatus::Authorized);
    assert_ne!(sealed_row(&app, user.id), before);
}

/// A pasted redirect without `state` (or a bare code) is refused unless the
/// service uses PKCE S256; the address with its `state` still works.
#[tokio::test]
async fn a_pasted_code_without_state_needs_pkce_s256() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let app = setup(tmp.path(), &server, BASIC);
    // Where the remote browser lands: a listener that just takes the request.
    let landing = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = landing.local_addr().unwrap().port();
    let mut input = latchkey_core::ServiceInput::from(&app.get_service("svc").unwrap().spec);
    input.pkce = latchkey_core::PkceMode::Off;
    input.redirect_uri = Some(format!("http://127.0.0.1:{port}/callback"));
    app.update_service("svc", &input).unwrap();
    std::thread::spawn(move || {
        for stream in landing.incoming().take(1).flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
    let link = app.login_link("svc", "alice").unwrap();
    let landed = tokio::task::spawn_blocking(move || browse(&link.url, "allow"));
    let log = landed.await.unwrap();
    let redirect = log["callback"].as_str().unwrap_or_default().to_string();
    assert!(redirect.contains("state="), "{log}");
    let url = url::Url::parse(&redirect).unwrap();
    let code = url
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .to_string();
    let without_state = format!("{}?code={code}", redirect.split('?').next().unwrap());
    for pasted in [without_state.as_str(), code.as_str()] {
        let err = app
            .complete_from_pasted("svc", "alice", pasted)
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
        assert!(err.to_string().contains("does not use PKCE S256"), "{err}");
    }
    assert_eq!(server.token_requests("authorization_code").await, 0);
    let user = app
        .complete_from_pasted("svc", "alice", &redirect)
        .await
        .unwrap();
    assert_eq!(user.status, UserStatus::Authorized);
}
