//! Sending as a user: the service's auth kind decides where the token comes
//! from, and the OAuth engine supplies it (refreshed ahead of expiry, and
//! once more on a 401, single-flight with every other caller).

use super::{Latchkey, SendRequest, Sent};
use crate::error::Result;
use crate::http::{AuthPlacement, CancellationToken, TokenProvider};
use crate::model::AuthKind;
use crate::model::Secret;
use crate::model::User;
use crate::oauth::lifecycle;
use crate::service::Service;
use crate::store::CacheCheck;
use std::sync::Arc;

/// A user's OAuth tokens as the HTTP engine's token source.
struct UserTokens<'a> {
    app: &'a Latchkey,
    service: &'a Service,
    user: &'a User,
    /// The send's check of the read cache.
    checked: CacheCheck,
}

impl TokenProvider for UserTokens<'_> {
    async fn token(&self, force_refresh: bool) -> Result<Secret> {
        let valid = self
            .app
            .access_token_of(self.service, self.user, force_refresh, Some(self.checked))
            .await?;
        Ok(valid.access_token)
    }
}

/// A service's client-credentials token as the HTTP engine's token source.
struct ServiceTokens<'a> {
    app: &'a Latchkey,
    service: &'a Service,
}

impl TokenProvider for ServiceTokens<'_> {
    async fn token(&self, force_refresh: bool) -> Result<Secret> {
        let valid = self
            .app
            .service_token_of(self.service, force_refresh)
            .await?;
        Ok(valid.access_token)
    }
}

/// Where a send's token comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenSource {
    User,
    Service,
    /// The service's stored API key, whoever the user.
    ApiKey,
    /// No service, no user chosen ("no auth"), or a service without auth.
    None,
}

pub(crate) fn token_source(auth_kind: AuthKind, has_user: bool) -> TokenSource {
    match auth_kind {
        AuthKind::AuthorizationCode | AuthKind::DeviceCode if has_user => TokenSource::User,
        AuthKind::ClientCredentials => TokenSource::Service,
        AuthKind::ApiKey => TokenSource::ApiKey,
        _ => TokenSource::None,
    }
}

impl Latchkey {
    /// Sends `send` the way its service authenticates: as its user for
    /// authorization-code and device services, with the service's own token
    /// for client credentials, with its stored key for API-key services,
    /// and with no token when there is no service,
    /// no user, or the service needs none. Records it in history.
    pub async fn send(&self, send: &SendRequest, cancel: &CancellationToken) -> Result<Sent> {
        self.send_as_of(send, None, cancel).await
    }

    /// [`Latchkey::send`] reading as of `checked`, a check of the read cache
    /// made when the send was asked for; `None` checks now.
    pub(crate) async fn send_as_of(
        &self,
        send: &SendRequest,
        checked: Option<CacheCheck>,
        cancel: &CancellationToken,
    ) -> Result<Sent> {
        // Service, user and history limits in one read; the token source
        // below reuses them instead of reading them again.
        let context = self.send_context(send, checked)?;
        let read = Arc::clone(&context.read);
        let Some(service) = read.service.as_ref() else {
            return self.send_request_in(&context, send, None, cancel).await;
        };
        let placement = &service.spec.token_placement;
        match (
            token_source(service.spec.auth_kind, read.user.is_some()),
            read.user.as_ref(),
        ) {
            (TokenSource::User, Some(user)) => {
                lifecycle::ensure_authorized(service, user)?;
                let tokens = UserTokens {
                    app: self,
                    service,
                    user,
                    checked: context.checked,
                };
                self.send_with_tokens_in(&context, send, placement, &tokens, cancel)
                    .await
            }
            (TokenSource::Service, _) => {
                let tokens = ServiceTokens { app: self, service };
                self.send_with_tokens_in(&context, send, placement, &tokens, cancel)
                    .await
            }
            (TokenSource::ApiKey, _) => {
                let key = AuthPlacement::new(placement, self.api_key_of(service)?);
                self.send_request_in(&context, send, Some(key), cancel)
                    .await
            }
            _ => self.send_request_in(&context, send, None, cancel).await,
        }
    }
}
