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

/// Revokes and forgets the user's tokens. When the provider refuses (or
/// cannot be reached) nothing local changes unless `force`.
pub async fn sign_out(
    app: &Context<'_>,
    service: &Service,
    user: &User,
    force: bool,
) -> Result<User> {
    // Wait for any refresh in flight, here or in another process.
    let flight = app.auth().flight(&format!("user:{}", user.id));
    let _in_process = flight.lock().await;
    let _lease = super::lifecycle::refresh_lease(app, user.id).await?;
    let row = app.store().read(|conn| credentials::get(conn, user.id))?;
    if let (Some(row), Some(_)) = (&row, &service.spec.revocation_url) {
        // Unreadable tokens cannot be revoked; with force they are still forgotten.
        match StoredTokens::open(&*app.vault()?, &user_purpose(user.id), &row.tokens_sealed) {
            Ok(tokens) => {
                if let Err(err) = revoke(app, service, &tokens).await {
                    if !force {
                        return Err(refused(service, user, err));
                    }
                }
            }
            Err(err) if !force => return Err(err),
            Err(_) => {}
        }
    }
    // Durable: tokens revoked at the provider must not come back.
    app.store().write_durable(|tx| {
        credentials::delete(tx, user.id)?;
        pending::delete_for_user(tx, user.id)?;
        users::set_status(tx, user.id, UserStatus::Revoked, true)?;
        users::by_id(tx, user.id)
    })
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
