//! The login link: the authorize URL with `state`, PKCE and scopes, and the
//! one-shot pending authorization that remembers how to finish it.

use super::client::{missing_endpoint, Grant};
use super::Context;
use crate::error::{Error, Result};
use crate::model::Secret;
use crate::model::User;
use crate::model::{AuthKind, PkceMode};
use crate::service::Service;
use crate::store::{now_ms, pending, pending::PendingRow};
use oauth2::{CsrfToken, PkceCodeChallenge};
use serde::Serialize;
use ts_rs::TS;

/// A login link to open in a browser or send to the account owner.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LoginLink {
    pub url: String,
    /// Where the provider will send the browser back.
    pub redirect_uri: String,
    /// What the provider must have registered for it, in one sentence or two.
    pub registration_hint: String,
    /// Unix ms after which the link no longer completes.
    pub expires_at: i64,
}

/// A browser login the window started: its link, and whether the system
/// browser took it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StartedLogin {
    pub link: LoginLink,
    /// Why the system browser could not be opened; `None` when it was. The
    /// login waits either way: the link works when opened by hand.
    pub browser_error: Option<String>,
}

/// The vault purpose of a pending authorization's PKCE verifier.
pub fn verifier_purpose(state: &str) -> String {
    format!("pending:{state}:pkce_verifier")
}

/// Makes the link and stores its pending authorization (replacing the
/// user's older ones).
pub fn create(
    app: &Context<'_>,
    service: &Service,
    user: &User,
    redirect_uri: &str,
) -> Result<LoginLink> {
    let spec = &service.spec;
    if spec.auth_kind != AuthKind::AuthorizationCode {
        return Err(Error::InvalidInput(format!(
            "service `{}` uses the {} grant, which has no login link",
            spec.slug, spec.auth_kind
        )));
    }
    let grant = Grant::new(app, service, Some(redirect_uri))?;
    let csrf = CsrfToken::new_random();
    let nonce = super::id_token::nonce_for(csrf.secret());
    let mut request = grant
        .client
        .authorize_url(move || csrf)
        .map_err(|_| missing_endpoint(&spec.slug, "authorize URL", "authorize-url"))?;
    // OpenID Connect: the id token must come back with this nonce.
    if spec.scopes.iter().any(|s| s == "openid") {
        request = request.add_extra_param("nonce", nonce);
    }
    // One `scope` parameter joined with the service's separator (GitHub and
    // Slack want commas; oauth2's add_scopes always uses spaces).
    if let Some(scope) = grant.scope_param() {
        request = request.add_extra_param("scope", scope);
    }
    for p in &spec.authorize_params {
        request = request.add_extra_param(p.name.clone(), p.value.clone());
    }
    let pkce = match spec.pkce {
        PkceMode::S256 => Some(PkceCodeChallenge::new_random_sha256()),
        PkceMode::Plain => Some(PkceCodeChallenge::new_random_plain()),
        PkceMode::Off => None,
    };
    let mut verifier = None;
    if let Some((challenge, v)) = pkce {
        request = request.set_pkce_challenge(challenge);
        verifier = Some(v);
    }
    let (url, state) = request.url();
    let expires_at =
        now_ms().saturating_add(app.auth().settings().login_link_ttl.as_millis() as i64);
    let state = state.secret().clone();
    let sealed = match &verifier {
        Some(v) => Some(
            app.vault()?
                .seal(&verifier_purpose(&state), &Secret::new(v.secret().clone())),
        ),
        None => None,
    };
    let row = PendingRow {
        state,
        user_id: user.id,
        pkce_verifier_sealed: sealed,
        redirect_uri: redirect_uri.to_string(),
        expires_at,
    };
    app.store()
        .write(|tx| pending::replace_for_user(tx, &row))?;
    Ok(LoginLink {
        registration_hint: super::loopback::registration_hint(redirect_uri),
        url: url.to_string(),
        redirect_uri: redirect_uri.to_string(),
        expires_at,
    })
}
