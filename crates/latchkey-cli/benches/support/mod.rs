//! Setup both benchmarks share.

use latchkey_core::{ClientAuth, Latchkey, ServiceInput, UserInput};
use std::net::SocketAddr;

/// Service `bench` on the fake upstream at `addr`, with user alice holding a
/// stored, unexpired token obtained through the real code exchange (the
/// upstream's token endpoint accepts any code, the redirect is pasted).
pub async fn authorize(app: &Latchkey, addr: SocketAddr) {
    app.create_service(&ServiceInput {
        slug: "bench".into(),
        client_id: Some("bench".into()),
        client_secret: Some("bench-secret".to_string().into()),
        client_auth: ClientAuth::Basic,
        authorize_url: Some(format!("http://{addr}/authorize")),
        token_url: Some(format!("http://{addr}/token")),
        api_base_url: Some(format!("http://{addr}/api")),
        redirect_uri: Some("http://127.0.0.1:0/callback".into()),
        scopes: "api".into(),
        ..ServiceInput::default()
    })
    .expect("service");
    app.add_user(
        "bench",
        &UserInput {
            external_id: "alice".into(),
            ..Default::default()
        },
    )
    .expect("user");
    let link = app.login_link("bench", "alice").expect("login link");
    let query = link.url.split_once('?').map_or("", |(_, q)| q);
    let state = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("state="))
        .unwrap_or_default();
    app.complete_from_pasted(
        "bench",
        "alice",
        &format!("http://127.0.0.1/callback?code=bench-code&state={state}"),
    )
    .await
    .expect("code exchange");
}
