//! The client-credentials grant: one token per service (no user), fetched
//! on first use, kept sealed, fetched again when it expires. Same single
//! flight as user refreshes.

use super::client::{missing_endpoint, Grant};
use super::errors::token_error;
use super::lock::Lease;
use super::tokens::{service_purpose, StoredTokens, ValidToken};
use super::Context;
use crate::error::{Error, Result};
use crate::model::AuthKind;
use crate::service::Service;
use crate::store::{now_ms, service_tokens};
use serde::Serialize;
use ts_rs::TS;

/// What `status` shows of a client-credentials service's own token.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ServiceTokenState {
    pub service_slug: String,
    /// `valid`, `expired`, or `none` (not fetched yet).
    pub state: String,
    pub scopes: Vec<String>,
    /// Unix ms; `None` when unknown or no token.
    pub expires_at: Option<i64>,
}

/// The state of the service's own token; `None` for services whose tokens
/// belong to users.
pub fn token_state(app: &Context<'_>, service: &Service) -> Result<Option<ServiceTokenState>> {
    if service.spec.auth_kind != AuthKind::ClientCredentials {
        return Ok(None);
    }
    let slug = service.spec.slug.clone();
    Ok(Some(match read(app, service.id)? {
        None => ServiceTokenState {
            service_slug: slug,
            state: "none".into(),
            scopes: Vec::new(),
            expires_at: None,
        },
        Some((tokens, _)) => ServiceTokenState {
            service_slug: slug,
            state: if tokens.fresh(now_ms(), 0) {
                "valid"
            } else {
                "expired"
            }
            .into(),
            scopes: tokens.scopes.clone(),
            expires_at: tokens.expires_at,
        },
    }))
}

fn read(app: &Context<'_>, service_id: i64) -> Result<Option<(StoredTokens, i64)>> {
    match app
        .store()
        .read(|conn| service_tokens::get(conn, service_id))?
    {
        None => Ok(None),
        Some(row) => {
            let tokens = StoredTokens::open(
                &*app.vault()?,
                &service_purpose(service_id),
                &row.tokens_sealed,
            )?;
            Ok(Some((tokens, row.updated_at)))
        }
    }
}

/// The service's token; `force` fetches a new one.
pub async fn service_token(
    app: &Context<'_>,
    service: &Service,
    force: bool,
) -> Result<ValidToken> {
    let slug = &service.spec.slug;
    if service.spec.auth_kind != AuthKind::ClientCredentials {
        return Err(Error::InvalidInput(format!(
            "service `{slug}` uses the {} grant, not client credentials: its tokens belong to users",
            service.spec.auth_kind
        )));
    }
    let skew = i64::try_from(app.auth().settings().refresh_skew.as_millis()).unwrap_or(0);
    let first_stamp = read(app, service.id)?.map(|(_, s)| s);
    let satisfied = |snap: &Option<(StoredTokens, i64)>| {
        let (tokens, stamp) = snap.as_ref()?;
        let ok = if force {
            Some(*stamp) != first_stamp && tokens.fresh(now_ms(), 0)
        } else {
            tokens.fresh(now_ms(), skew)
        };
        ok.then(|| ValidToken::from_stored(tokens, false))
    };
    if !force {
        if let Some(t) = satisfied(&read(app, service.id)?) {
            return Ok(t);
        }
    }
    let flight = app.auth().flight(&format!("service:{}", service.id));
    let _in_process = flight.lock().await;
    let ttl = app.auth().settings().http_timeout * 2 + std::time::Duration::from_secs(5);
    let _lease = Lease::acquire(app.store(), &format!("token:service:{}", service.id), ttl).await?;
    if let Some(t) = satisfied(&read(app, service.id)?) {
        return Ok(t);
    }
    let grant = Grant::new(app, service, None)?;
    let mut request = grant
        .client
        .exchange_client_credentials()
        .map_err(|_| missing_endpoint(slug, "token URL", "token-url"))?;
    if let Some(scope) = grant.scope_param() {
        request = request.add_extra_param("scope", scope);
    }
    for (name, value) in grant.token_params() {
        request = request.add_extra_param(name, value);
    }
    let what = format!("the token endpoint of `{slug}`");
    let response = request
        .request_async(&grant.http)
        .await
        .map_err(|e| token_error(service, &what, e))?;
    let tokens = StoredTokens::from_response(
        &response,
        None,
        &service.spec.scopes,
        &service.spec.scope_separator,
    );
    let sealed = tokens.seal(&*app.vault()?, &service_purpose(service.id))?;
    app.store().write_durable(|tx| {
        service_tokens::put(tx, service.id, &sealed, &tokens.scopes, tokens.expires_at)
    })?;
    Ok(ValidToken::from_stored(&tokens, true))
}
