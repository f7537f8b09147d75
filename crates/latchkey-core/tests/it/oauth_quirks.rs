//! Quirky token endpoints, served by a tiny loopback fixture written here
//! (quirks only; the grants are tested against the real server). The code
//! is pasted, so no browser is involved.

use latchkey_core::{AuthSettings, ErrorCode, KeySource, Latchkey, Secret, ServiceInput};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CLIENT_SECRET: &str = "quirk-client-secret-77";
const LEAKY: &str = "leaked-token-abc123";

/// What the fixture answers next: status, content type, body; `None` hangs.
type Answer = Option<(u16, &'static str, String)>;
type Canned = Arc<Mutex<Answer>>;

async fn quirk_server(canned: Canned) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let canned = Arc::clone(&canned);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = stream.read(&mut buf).await;
                let answer = canned.lock().unwrap().clone();
                match answer {
                    None => tokio::time::sleep(Duration::from_secs(30)).await,
                    Some((status, ct, body)) => {
                        let head = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(head.as_bytes()).await;
                        let _ = stream.write_all(body.as_bytes()).await;
                    }
                }
            });
        }
    });
    port
}

fn app_for(tmp: &std::path::Path, port: u16) -> Latchkey {
    crate::support::require_keyring();
    let app = Latchkey::open_with(Some(&tmp.join("data")), KeySource::Keyring).unwrap();
    app.set_auth_settings(AuthSettings {
        http_timeout: Duration::from_secs(1),
        ..AuthSettings::default()
    });
    app.create_service(&ServiceInput {
        slug: "quirky".into(),
        client_id: Some("c".into()),
        client_secret: Some(Secret::new(CLIENT_SECRET)),
        authorize_url: Some(format!("http://127.0.0.1:{port}/auth")),
        token_url: Some(format!("http://127.0.0.1:{port}/token")),
        scopes: "read".into(),
        redirect_uri: Some("http://127.0.0.1:8749/callback".into()),
        ..ServiceInput::default()
    })
    .unwrap();
    crate::support::add_user(&app, "quirky", "u");
    app
}

async fn paste_code(app: &Latchkey) -> latchkey_core::Result<latchkey_core::User> {
    app.login_link("quirky", "u").unwrap();
    app.complete_from_pasted("quirky", "u", "the-code").await
}

fn no_secrets(err: &latchkey_core::Error) {
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains(LEAKY) && !text.contains(CLIENT_SECRET),
        "{text}"
    );
}

#[tokio::test]
async fn tolerant_parsing_and_specific_errors() {
    let canned: Canned = Arc::new(Mutex::new(None));
    let port = quirk_server(Arc::clone(&canned)).await;
    let tmp = tempfile::tempdir().unwrap();
    let app = app_for(tmp.path(), port);
    let set =
        |status, ct, body: &str| *canned.lock().unwrap() = Some((status, ct, body.to_string()));

    // Form-encoded, no token_type, string expires_in: accepted.
    set(
        200,
        "application/x-www-form-urlencoded",
        "access_token=form-token&refresh_token=r1&expires_in=3600&scope=read",
    );
    let user = paste_code(&app).await.unwrap();
    assert_eq!(user.granted_scopes, vec!["read"]);
    let left = user.expires_at.unwrap() - latchkey_core::now_ms();
    assert!((3_500_000..=3_600_000).contains(&left), "{left}");
    assert_eq!(
        app.access_token("quirky", "u", false)
            .await
            .unwrap()
            .access_token
            .expose(),
        "form-token"
    );

    // JSON with a string expires_in and a capitalised token type.
    set(
        200,
        "application/json",
        r#"{"access_token":"json-token","token_type":"Bearer","expires_in":"120","refresh_token":"r2"}"#,
    );
    let user = paste_code(&app).await.unwrap();
    assert!(user.expires_at.is_some());

    // Each bad answer, during a refresh: a specific error, tokens untouched.
    let sealed = || {
        latchkey_core::testing::sealed_user_tokens(&app, user.id)
            .unwrap()
            .unwrap()
    };
    let before = sealed();
    let cases: Vec<(Answer, ErrorCode, &str)> = vec![
        (
            Some((200, "text/html", format!("<html>{LEAKY}</html>"))),
            ErrorCode::ProviderError,
            "HTML",
        ),
        (
            Some((
                200,
                "application/json",
                format!(r#"{{"error":"invalid_request","error_description":"bad","x":"{LEAKY}"}}"#),
            )),
            ErrorCode::ProviderError,
            "invalid_request",
        ),
        (
            Some((
                500,
                "application/json",
                format!(r#"{{"error":"server_error","t":"{LEAKY}"}}"#),
            )),
            ErrorCode::ProviderError,
            "HTTP 500",
        ),
        (
            Some((502, "text/html", format!("<h1>Bad gateway {LEAKY}</h1>"))),
            ErrorCode::ProviderError,
            "HTTP 502",
        ),
        (
            Some((200, "text/plain", format!("hello {LEAKY}"))),
            ErrorCode::ProviderError,
            "neither JSON nor a form",
        ),
        (None, ErrorCode::Timeout, "did not answer within 1 s"),
    ];
    for (answer, code, words) in cases {
        *canned.lock().unwrap() = answer;
        let err = app.access_token("quirky", "u", true).await.unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().contains(words), "{err}");
        no_secrets(&err);
        assert_eq!(sealed(), before, "stored tokens untouched");
        assert_eq!(
            app.get_user("quirky", "u").unwrap().status,
            latchkey_core::UserStatus::Authorized
        );
    }

    // The same during a code exchange: the earlier tokens stay.
    set(200, "text/html", "<html>oops</html>");
    let err = paste_code(&app).await.unwrap_err();
    assert!(err.to_string().contains("HTML"), "{err}");
    assert_eq!(sealed(), before);
}

#[tokio::test]
async fn slack_style_answers() {
    let canned: Canned = Arc::new(Mutex::new(None));
    let port = quirk_server(Arc::clone(&canned)).await;
    let tmp = tempfile::tempdir().unwrap();
    let app = app_for(tmp.path(), port);
    *canned.lock().unwrap() = Some((
        200,
        "application/json",
        r#"{"ok":false,"error":"invalid_code"}"#.into(),
    ));
    let err = paste_code(&app).await.unwrap_err();
    assert!(err.to_string().contains("invalid_code"), "{err}");
    *canned.lock().unwrap() = Some((
        200,
        "application/json",
        r#"{"ok":true,"team":{"id":"T1"},"authed_user":{"id":"U1","scope":"chat:write","access_token":"xoxp-user","token_type":"user"}}"#.into(),
    ));
    let user = paste_code(&app).await.unwrap();
    assert_eq!(user.granted_scopes, vec!["chat:write"]);
    assert_eq!(
        app.access_token("quirky", "u", false)
            .await
            .unwrap()
            .access_token
            .expose(),
        "xoxp-user"
    );
}

/// With `openid` in the scopes the login link carries a `nonce`, and an id
/// token without that nonce is refused: nothing is stored.
#[tokio::test]
async fn an_id_token_without_the_login_nonce_is_refused() {
    use base64::Engine;
    let canned: Canned = Arc::new(Mutex::new(None));
    let port = quirk_server(Arc::clone(&canned)).await;
    let tmp = tempfile::tempdir().unwrap();
    let app = app_for(tmp.path(), port);
    let mut input = ServiceInput::from(&app.get_service("quirky").unwrap().spec);
    input.scopes = "openid read".into();
    app.update_service("quirky", &input).unwrap();
    assert!(app
        .login_link("quirky", "u")
        .unwrap()
        .url
        .contains("&nonce="));
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let id_token = format!(
        "{}.{}.sig",
        b64(serde_json::json!({"alg": "none"})),
        b64(serde_json::json!({"sub": "u", "nonce": "from-another-login"}))
    );
    *canned.lock().unwrap() = Some((
        200,
        "application/json",
        serde_json::json!({"access_token": "a1", "token_type": "Bearer", "id_token": id_token})
            .to_string(),
    ));
    let err = paste_code(&app).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::AuthorizationFailed, "{err}");
    assert!(
        err.to_string().contains("does not carry the nonce"),
        "{err}"
    );
    let user = app.get_user("quirky", "u").unwrap();
    assert_ne!(user.status, latchkey_core::UserStatus::Authorized);
}
