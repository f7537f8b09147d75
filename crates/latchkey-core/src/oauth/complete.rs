//! Finishing an authorization: claim the one-shot pending row, exchange the
//! code, then store the tokens and the user's new status in one transaction.

use super::client::{missing_endpoint, Grant};
use super::errors::{server_code, token_error};
use super::id_token;
use super::login::verifier_purpose;
use super::normalize::clean;
use super::tokens::{user_purpose, StoredTokens};
use super::Context;
use crate::error::{Error, Result};
use crate::model::User;
use crate::service::Service;
use crate::store::{credentials, now_ms, pending, users};
use oauth2::{AuthorizationCode, PkceCodeVerifier};

/// Where the code came from, for the RFC 9207 issuer check.
#[derive(Debug, Clone, Copy)]
pub enum ResponseIssuer<'a> {
    /// A redirect (caught by the listener or pasted whole), with its `iss`.
    Redirect(Option<&'a str>),
    /// A bare code pasted on its own: there is no response to check.
    BareCode,
}

/// Exchanges `code` for the pending authorization `state` of `user`.
///
/// The pending row is deleted *before* the exchange (claimed): a replayed
/// callback or a second paste finds nothing and is refused, even while the
/// first exchange is still in flight. A failed exchange therefore needs a
/// new login link, which is what a person would do anyway.
pub async fn exchange(
    app: &Context<'_>,
    service: &Service,
    user: &User,
    state: &str,
    code: &str,
    issuer: ResponseIssuer<'_>,
) -> Result<User> {
    let row = app
        .store()
        .write(|tx| pending::take(tx, state, user.id))?
        .ok_or_else(|| {
            Error::AuthorizationFailed(format!(
                "this sign-in response is not one Latchkey is waiting for (it was used already, replaced by a newer login link, or made for someone else): start the sign-in for `{}` again",
                user.external_id
            ))
        })?;
    if row.expires_at < now_ms() {
        return Err(Error::AuthorizationFailed(
            "the login link has expired: start the sign-in again".into(),
        ));
    }
    // After the claim: a response from the wrong server uses up the login.
    check_issuer(service, issuer)?;
    let verifier = match &row.pkce_verifier_sealed {
        Some(blob) => Some(app.vault()?.open(&verifier_purpose(&row.state), blob)?),
        None => None,
    };
    let grant = Grant::new(app, service, Some(&row.redirect_uri))?;
    let slug = &service.spec.slug;
    let mut request = grant
        .client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .map_err(|_| missing_endpoint(slug, "token URL", "token-url"))?;
    if let Some(v) = &verifier {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(v.expose().to_string()));
    }
    for (name, value) in grant.token_params() {
        request = request.add_extra_param(name, value);
    }
    let what = format!("the token endpoint of `{slug}`");
    let response = request.request_async(&grant.http).await.map_err(|err| {
        if server_code(&err).as_deref() == Some("invalid_grant") {
            Error::AuthorizationFailed(format!(
                "{what} refused the authorization code (invalid_grant): it was used already or has expired; start the sign-in again"
            ))
        } else {
            token_error(service, &what, err)
        }
    })?;
    let tokens = StoredTokens::from_response(
        &response,
        None,
        &service.spec.scopes,
        &service.spec.scope_separator,
    );
    check_nonce(service, state, &tokens)?;
    store_user_tokens(app, user.id, &tokens)
}

/// RFC 9207 §2.4: an `iss` on the response must equal the service's issuer
/// (simple string comparison), and a server that advertised sending it must
/// have sent it; otherwise the response may come from another server the
/// person uses (a mix-up attack), and its code is never exchanged.
fn check_issuer(service: &Service, issuer: ResponseIssuer<'_>) -> Result<()> {
    let ResponseIssuer::Redirect(iss) = issuer else {
        return Ok(());
    };
    let spec = &service.spec;
    let slug = &spec.slug;
    match (iss, spec.issuer.as_deref()) {
        (Some(got), Some(want)) if got != want => Err(Error::AuthorizationFailed(format!(
            "the authorization response came from issuer `{}` but the issuer of `{slug}` is              `{want}`: this may be a mix-up attack, so it was refused (nothing was stored);              start the sign-in again, and check the service's issuer if this repeats",
            clean(got)
        ))),
        (None, _) if spec.authorization_response_iss => Err(Error::AuthorizationFailed(format!(
            "the authorization response has no `iss`, but the server of `{slug}` says it always              sends one (RFC 9207): it may come from another server (a mix-up attack), so it was              refused (nothing was stored); paste the whole address the browser ended on, or              start the sign-in again"
        ))),
        _ => Ok(()),
    }
}

/// An id token answering a login that asked for `openid` must carry the
/// nonce sent with it (OpenID Connect Core §3.1.3.7); otherwise it may be
/// replayed from another login, and nothing is stored.
fn check_nonce(service: &Service, state: &str, tokens: &StoredTokens) -> Result<()> {
    let asked = service.spec.scopes.iter().any(|s| s == "openid");
    let Some(id_token) = tokens.id_token.as_deref().filter(|_| asked) else {
        return Ok(());
    };
    if id_token::nonce_claim(id_token).as_deref() == Some(id_token::nonce_for(state).as_str()) {
        return Ok(());
    }
    Err(Error::AuthorizationFailed(format!(
        "the id token from `{}` does not carry the nonce of this sign-in, so it may belong to \
         another login and was refused (nothing was stored): start the sign-in again",
        service.spec.slug
    )))
}

/// Replaces the user's tokens and marks them authorized, in one transaction.
pub fn store_user_tokens(app: &Context<'_>, user_id: i64, tokens: &StoredTokens) -> Result<User> {
    let sealed = tokens.seal(&*app.vault()?, &user_purpose(user_id))?;
    let identity = tokens.id_token.as_deref().and_then(id_token::decode);
    // Durable: a rotated refresh token replaces one the provider has
    // already invalidated, so losing this commit would lose the grant.
    app.store().write_durable(|tx| {
        credentials::put(
            tx,
            user_id,
            &sealed,
            Some(&tokens.token_type),
            &tokens.scopes,
            tokens.expires_at,
        )?;
        users::set_authorized(
            tx,
            user_id,
            &tokens.scopes,
            tokens.expires_at,
            identity.as_ref(),
        )?;
        users::by_id(tx, user_id)
    })
}
