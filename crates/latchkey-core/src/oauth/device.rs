//! The device authorization grant (RFC 8628): show a code, let the person
//! approve it on any device, poll the token endpoint. Polling (interval,
//! `slow_down`, `authorization_pending`) is `oauth2`'s.

use super::client::Grant;
use super::errors::{describe, to_error};
use super::Context;
use crate::error::{Error, Result};
use crate::model::User;
use crate::service::Service;
use crate::store::now_ms;
use oauth2::{DeviceCodeErrorResponseType, RequestTokenError, StandardDeviceAuthorizationResponse};
use serde::Serialize;
use ts_rs::TS;

/// What to show the person.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DevicePrompt {
    pub user_code: String,
    pub verification_uri: String,
    /// The verification URI with the code filled in, when the provider gives one.
    pub verification_uri_complete: Option<String>,
    /// Seconds between polls, as the provider asked.
    pub interval_secs: u64,
    /// Unix ms after which the code no longer works.
    pub expires_at: i64,
}

/// A device authorization waiting for approval; finish it with
/// `Latchkey::finish_device_authorization`.
pub struct DeviceAuthorization {
    pub(crate) prompt: DevicePrompt,
    pub(crate) details: StandardDeviceAuthorizationResponse,
    pub(crate) service: String,
    pub(crate) user: String,
}

impl DeviceAuthorization {
    pub fn prompt(&self) -> &DevicePrompt {
        &self.prompt
    }
}

pub async fn start(
    app: &Context<'_>,
    service: &Service,
    user: &User,
) -> Result<DeviceAuthorization> {
    let slug = &service.spec.slug;
    let grant = Grant::new(app, service, None)?;
    let mut request = grant.client.exchange_device_code().map_err(|_| {
        super::client::missing_endpoint(slug, "device authorization URL", "device-url")
    })?;
    if let Some(scope) = grant.scope_param() {
        request = request.add_extra_param("scope", scope);
    }
    let what = format!("the device authorization endpoint of `{slug}`");
    let details: StandardDeviceAuthorizationResponse = request
        .request_async(&grant.http)
        .await
        .map_err(|e| to_error(&what, e))?;
    let prompt = DevicePrompt {
        user_code: details.user_code().secret().clone(),
        verification_uri: details.verification_uri().to_string(),
        verification_uri_complete: details
            .verification_uri_complete()
            .map(|u| u.secret().clone()),
        interval_secs: details.interval().as_secs(),
        expires_at: now_ms().saturating_add(details.expires_in().as_millis() as i64),
    };
    Ok(DeviceAuthorization {
        prompt,
        details,
        service: slug.clone(),
        user: user.external_id.clone(),
    })
}

pub async fn finish(
    app: &Context<'_>,
    service: &Service,
    user: &User,
    device: &DeviceAuthorization,
) -> Result<User> {
    let slug = &service.spec.slug;
    let grant = Grant::new(app, service, None)?;
    let mut request = grant
        .client
        .exchange_device_access_token(&device.details)
        .map_err(|_| super::client::missing_endpoint(slug, "token URL", "token-url"))?;
    for (name, value) in grant.token_params() {
        request = request.add_extra_param(name, value);
    }
    let what = format!("the token endpoint of `{slug}`");
    let response = request
        .request_async(&grant.http, tokio::time::sleep, None)
        .await
        .map_err(|err| match err {
            RequestTokenError::ServerResponse(r) => match r.error() {
                DeviceCodeErrorResponseType::ExpiredToken => Error::AuthorizationFailed(format!(
                    "the code {} expired before anyone approved it at {}: start again",
                    device.prompt.user_code, device.prompt.verification_uri
                )),
                DeviceCodeErrorResponseType::AccessDenied => Error::AuthorizationFailed(format!(
                    "the sign-in with code {} was denied at {}",
                    device.prompt.user_code, device.prompt.verification_uri
                )),
                _ => Error::AuthorizationFailed(format!(
                    "{what} refused the device code ({})",
                    describe(&r).1
                )),
            },
            other => to_error(&what, other),
        })?;
    let tokens = super::tokens::StoredTokens::from_response(
        &response,
        None,
        &service.spec.scopes,
        &service.spec.scope_separator,
    );
    super::complete::store_user_tokens(app, user.id, &tokens)
}
