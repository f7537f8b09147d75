//! Signing a user out: revoke at the provider (RFC 7009; refresh token
//! first, since revoking it usually ends the whole grant), then forget the
//! local tokens.

use super::client::Grant;
use super::errors::to_error;
use super::tokens::{user_purpose, StoredTokens};
use super::Context;
use crate::error::{Error, Result};
use crate::model::{User, UserStatus};
use crate::service::Service;
use crate::store::{credentials, pending, users};
use oauth2::{AccessToken, RefreshToken, StandardRevocableToken};
use serde::Serialize;
use ts_rs::TS;

/// What a sign-out did, at the provider and here, so no front end claims
/// more than happened.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SignOut {
    pub user: User,
    /// True only when the provider accepted the revocation of every token.
    pub revoked_at_provider: bool,
    pub provider: ProviderRevocation,
    /// One sentence for a person: what happened and what is left to do.
    pub message: String,
}

/// Whether (and why not) the provider was told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProviderRevocation {
    /// The revocation endpoint accepted every token.
    Revoked,
    /// The service has no revocation URL.
    NoRevocationUrl,
    /// Nothing was stored, so there was nothing to revoke.
    NoTokens,
    /// The provider answered with an error (removed locally only with force).
    Refused,
    /// The provider could not be reached (removed locally only with force).
    Unreachable,
    /// The stored tokens could not be decrypted (removed locally only with force).
    TokensUnreadable,
}

/// Revokes and forgets the user's tokens. When the provider refuses (or
/// cannot be reached) nothing local changes unless `force`.
pub async fn sign_out(
    app: &Context<'_>,
    service: &Service,
    user: &User,
    force: bool,
) -> Result<SignOut> {
    // Wait for any refresh in flight, here or in another process.
    let flight = app.auth().flight(&format!("user:{}", user.id));
    let _in_process = flight.lock().await;
    let _lease = super::lifecycle::refresh_lease(app, user.id).await?;
    let row = app.store().read(|conn| credentials::get(conn, user.id))?;
    let (provider, detail) = match (&row, &service.spec.revocation_url) {
        (None, _) => (ProviderRevocation::NoTokens, None),
        (Some(_), None) => (ProviderRevocation::NoRevocationUrl, None),
        (Some(row), Some(_)) => {
            match StoredTokens::open(&*app.vault()?, &user_purpose(user.id), &row.tokens_sealed) {
                Ok(tokens) => match revoke(app, service, &tokens).await {
                    Ok(()) => (ProviderRevocation::Revoked, None),
                    Err(err) if !force => return Err(refused(service, user, err)),
                    Err(err @ (Error::Network { .. } | Error::Timeout(_))) => {
                        (ProviderRevocation::Unreachable, Some(err.to_string()))
                    }
                    Err(err) => (ProviderRevocation::Refused, Some(err.to_string())),
                },
                Err(err) if !force => return Err(err),
                Err(err) => (ProviderRevocation::TokensUnreadable, Some(err.to_string())),
            }
        }
    };
    // Durable: tokens revoked at the provider must not come back.
    let user = app.store().write_durable(|tx| {
        credentials::delete(tx, user.id)?;
        pending::delete_for_user(tx, user.id)?;
        users::set_status(tx, user.id, UserStatus::Revoked, true)?;
        users::by_id(tx, user.id)
    })?;
    let message = sign_out_message(service, &user, provider, detail.as_deref());
    Ok(SignOut {
        revoked_at_provider: provider == ProviderRevocation::Revoked,
        provider,
        message,
        user,
    })
}

fn sign_out_message(
    service: &Service,
    user: &User,
    provider: ProviderRevocation,
    detail: Option<&str>,
) -> String {
    let slug = &service.spec.slug;
    let who = format!("Signed out `{}` of `{slug}`", user.external_id);
    let detail = detail.map(|d| format!(" ({d})")).unwrap_or_default();
    match provider {
        ProviderRevocation::Revoked => {
            format!("{who}: the provider revoked the tokens and they were removed from Latchkey.")
        }
        ProviderRevocation::NoTokens => format!("{who}: there were no tokens to revoke."),
        ProviderRevocation::NoRevocationUrl => format!(
            "{who}: removed locally; the provider was not told (no revocation URL): revoke it at \
             the provider, or add the revocation URL (`latchkey service edit {slug} --revocation-url URL`)."
        ),
        ProviderRevocation::Refused => format!(
            "{who}: removed locally; the provider refused to revoke the tokens{detail}: revoke \
             them at the provider."
        ),
        ProviderRevocation::Unreachable => format!(
            "{who}: removed locally; the provider could not be reached{detail}: revoke the tokens \
             at the provider."
        ),
        ProviderRevocation::TokensUnreadable => format!(
            "{who}: removed locally; the stored tokens could not be decrypted, so the provider \
             was not told{detail}: revoke them at the provider."
        ),
    }
}

async fn revoke(app: &Context<'_>, service: &Service, tokens: &StoredTokens) -> Result<()> {
    let grant = Grant::new(app, service, None)?;
    let what = format!("the revocation endpoint of `{}`", service.spec.slug);
    let mut list = Vec::new();
    if let Some(r) = &tokens.refresh_token {
        list.push(StandardRevocableToken::RefreshToken(RefreshToken::new(
            r.clone(),
        )));
    }
    list.push(StandardRevocableToken::AccessToken(AccessToken::new(
        tokens.access_token.clone(),
    )));
    for token in list {
        let request = grant
            .client
            .revoke_token(token)
            .map_err(|e| Error::InvalidInput(format!("{what} cannot be used: {e}")))?;
        request
            .request_async(&grant.http)
            .await
            .map_err(|e| to_error(&what, e))?;
    }
    Ok(())
}

fn refused(service: &Service, user: &User, err: Error) -> Error {
    let slug = &service.spec.slug;
    let message = format!(
        "{err}; the tokens of `{}` are kept: `latchkey revoke {slug} {} --force` removes them from Latchkey anyway",
        user.external_id, user.external_id
    );
    match err {
        Error::Timeout(_) => Error::Timeout(message),
        _ => Error::Provider(message),
    }
}
