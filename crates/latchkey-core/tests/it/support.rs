//! What the core's integration tests share: a fresh data dir per test, a
//! known-good service input to break one field at a time, and a service
//! on the real OAuth fixture with a signed-in user.

use latchkey_core::{
    AuthKind, ClientAuth, KeySource, Latchkey, PkceMode, Secret, ServiceInput, UserInput,
};
pub use latchkey_test_support::{
    approve_device, browse, file_contains, require_keyring, OauthServer, Provider,
};
use std::path::Path;

pub const SCOPES: &str = "openid email profile offline_access meetings";

/// The fixture's clients: (client id, secret, client auth).
pub const BASIC: (&str, &str, ClientAuth) =
    ("latchkey-basic", "latchkey-basic-secret", ClientAuth::Basic);
pub const POST: (&str, &str, ClientAuth) =
    ("latchkey-post", "latchkey-post-secret", ClientAuth::Post);
pub const PUBLIC: (&str, &str, ClientAuth) = ("latchkey-public", "", ClientAuth::None);

/// A new data dir with service `svc` on `server` for `client`, and user `alice`.
pub fn setup(tmp: &Path, server: &OauthServer, client: (&str, &str, ClientAuth)) -> Latchkey {
    setup_kind(tmp, server, client, AuthKind::AuthorizationCode)
}

pub fn setup_kind(
    tmp: &Path,
    server: &OauthServer,
    client: (&str, &str, ClientAuth),
    kind: AuthKind,
) -> Latchkey {
    require_keyring();
    let app = Latchkey::open_with(Some(&tmp.join("data")), KeySource::Keyring).unwrap();
    let input = ServiceInput {
        slug: "svc".into(),
        auth_kind: kind,
        client_id: Some(client.0.into()),
        client_secret: (!client.1.is_empty()).then(|| Secret::new(client.1)),
        authorize_url: Some(server.endpoint("authorization_endpoint")),
        token_url: Some(server.endpoint("token_endpoint")),
        revocation_url: Some(server.endpoint("revocation_endpoint")),
        // django-oauth-toolkit's fixture has no device flow.
        device_url: server.info["device_authorization_endpoint"]
            .as_str()
            .map(str::to_string),
        scopes: SCOPES.into(),
        client_auth: client.2,
        pkce: PkceMode::S256,
        redirect_uri: Some("http://127.0.0.1:0/callback".into()),
        // The fixture's protected API: its origin is the token origin.
        api_base_url: Some(format!("{}/api", server.issuer)),
        ..ServiceInput::default()
    };
    app.create_service(&input).unwrap();
    add_user(&app, "svc", "alice");
    app
}

/// Signs `alice` in through the loopback listener with `browser.mjs`.
pub async fn sign_in(app: &Latchkey) -> latchkey_core::User {
    let pending = app.begin_authorization("svc", "alice").await.unwrap();
    let url = pending.link().url.clone();
    let browser = tokio::task::spawn_blocking(move || browse(&url, "allow"));
    let user = app
        .finish_authorization(pending, std::time::Duration::from_secs(30))
        .await
        .unwrap();
    browser.await.unwrap();
    user
}

/// The user's stored token set, decrypted (tests only).
pub fn stored_tokens(app: &Latchkey, user_id: i64) -> Option<serde_json::Value> {
    let json = latchkey_core::testing::opened_user_tokens(app, user_id).unwrap()?;
    Some(serde_json::from_str(json.expose()).unwrap())
}

/// The user's raw sealed row, to prove it was not touched.
pub fn sealed_row(app: &Latchkey, user_id: i64) -> Option<Vec<u8>> {
    latchkey_core::testing::sealed_user_tokens(app, user_id).unwrap()
}

/// A handle on a new data dir inside `tmp`, keeping its key in the keyring.
pub fn open(tmp: &Path) -> Latchkey {
    Latchkey::open_with(Some(&tmp.join("data")), KeySource::Keyring).unwrap()
}

pub fn valid_input(slug: &str) -> ServiceInput {
    ServiceInput {
        slug: slug.into(),
        name: Some("GoTo Meeting".into()),
        client_id: Some("client-123".into()),
        authorize_url: Some("https://authentication.logmeininc.com/oauth/authorize".into()),
        token_url: Some("https://authentication.logmeininc.com/oauth/token".into()),
        api_base_url: Some("https://api.getgo.com/G2M/rest".into()),
        scopes: "collab:".into(),
        ..ServiceInput::default()
    }
}

/// Everything a person could see of the store, to compare before/after.
pub fn snapshot(app: &Latchkey) -> String {
    let services = app.list_services().unwrap();
    let users: Vec<_> = services
        .iter()
        .map(|s| app.list_users(&s.spec.slug).unwrap())
        .collect();
    serde_json::to_string(&(services, users)).unwrap()
}

/// Adds user `external_id` (no label) to service `slug`.
pub fn add_user(app: &Latchkey, slug: &str, external_id: &str) -> latchkey_core::User {
    let input = UserInput {
        external_id: external_id.into(),
        label: None,
    };
    app.add_user(slug, &input).unwrap()
}

/// A header of a request a test server received, as text ("" when absent).
pub fn header(req: &axum::extract::Request, name: &str) -> String {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// Every header of a request a test server received, as a JSON object.
pub fn headers_json(req: &axum::extract::Request) -> serde_json::Map<String, serde_json::Value> {
    req.headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into(),
            )
        })
        .collect()
}
