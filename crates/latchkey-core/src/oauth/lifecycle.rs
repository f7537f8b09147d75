//! Keeping a user's access token usable: refresh ahead of expiry, single
//! flight per user in this process (an async mutex) and across processes
//! (a database lease), rotated refresh tokens committed with the new access
//! token before it is handed out.

use super::client::{missing_endpoint, Grant};
use super::errors::{server_code, token_error};
use super::events::{AuthEvent, AuthEventKind};
use super::lock::Lease;
use super::tokens::{user_purpose, StoredTokens, ValidToken};
use super::Context;
use crate::error::{Error, Result};
use crate::model::{User, UserStatus};
use crate::service::Service;
use crate::store::{credentials, now_ms, users, CacheCheck};
use oauth2::RefreshToken;

/// What was read: the token set and its write stamp (`None`: no tokens).
type Snapshot = Option<(StoredTokens, i64)>;

fn read(app: &Context<'_>, user_id: i64) -> Result<Snapshot> {
    let row = app.store().read(|conn| credentials::get(conn, user_id))?;
    open(app, user_id, row)
}

/// [`read`] through the store's read cache, opened: the first look of a
/// send, as fresh as the send's own check of the cache when it gives one.
fn read_cached(app: &Context<'_>, user_id: i64, checked: Option<CacheCheck>) -> Result<Snapshot> {
    let key = format!("credentials\0{user_id}");
    let load = || {
        let row = app.store().read(|conn| credentials::get(conn, user_id))?;
        open(app, user_id, row)
    };
    match checked {
        Some(checked) => app.store().cached_as_of(checked, &key, load),
        None => app.store().cached(&key, load),
    }
}

fn open(
    app: &Context<'_>,
    user_id: i64,
    row: Option<credentials::SealedCredentials>,
) -> Result<Snapshot> {
    match row {
        None => Ok(None),
        Some(row) => {
            let tokens =
                StoredTokens::open(&*app.vault()?, &user_purpose(user_id), &row.tokens_sealed)?;
            Ok(Some((tokens, row.updated_at)))
        }
    }
}

/// A usable access token for `user`, refreshing when it expires within the
/// skew (or when `force`). Returns `(token, refreshed_user)`; the user is
/// `Some` when this call changed it (refresh or needs_reauth).
pub async fn access_token(
    app: &Context<'_>,
    service: &Service,
    user: &User,
    force: bool,
    checked: Option<CacheCheck>,
) -> Result<(ValidToken, Option<User>)> {
    let skew = i64::try_from(app.auth().settings().refresh_skew.as_millis()).unwrap_or(0);
    let first = read_cached(app, user.id, checked)?;
    let first_stamp = first.as_ref().map(|(_, s)| *s);
    // Satisfied without a refresh: fresh enough, or (when forced) already
    // refreshed by someone else since this call started.
    let satisfied = |snap: &Snapshot| -> Option<ValidToken> {
        let (tokens, stamp) = snap.as_ref()?;
        let now = now_ms();
        let ok = if force {
            Some(*stamp) != first_stamp && tokens.fresh(now, 0)
        } else {
            tokens.fresh(now, skew)
        };
        ok.then(|| ValidToken::from_stored(tokens, false))
    };
    if let Some(t) = satisfied(&first) {
        return Ok((t, None));
    }
    not_authorized(service, user, &first)?;

    let flight = app.auth().flight(&format!("user:{}", user.id));
    let _in_process = flight.lock().await;
    let second = read(app, user.id)?;
    if let Some(t) = satisfied(&second) {
        return Ok((t, None));
    }
    let _lease = refresh_lease(app, user.id).await?;
    // Re-read under the lease: another process may have refreshed.
    let third = read(app, user.id)?;
    if let Some(t) = satisfied(&third) {
        return Ok((t, None));
    }
    let current = app.store().read(|conn| users::by_id(conn, user.id))?;
    not_authorized(service, &current, &third)?;
    let (tokens, _) = third.ok_or_else(|| never_authorized(service, user))?;
    let refresh = match (&tokens.refresh_token, current.status) {
        (_, UserStatus::NeedsReauth) => return Err(needs_reauth(service, user, "it was refused before")),
        (Some(r), _) => r.clone(),
        // Forced, but the token still works: nothing to mark.
        (None, _) if tokens.fresh(now_ms(), 0) => {
            return Err(Error::InvalidInput(format!(
                "the provider gave `{}` no refresh token, so the access token cannot be refreshed before it expires",
                user.external_id
            )))
        }
        (None, _) => {
            mark_needs_reauth(app, service, user)?;
            return Err(needs_reauth(service, user, "the access token expired and the provider gave no refresh token"));
        }
    };

    let grant = Grant::new(app, service, None)?;
    let slug = &service.spec.slug;
    let refresh_token = RefreshToken::new(refresh);
    let mut request = grant
        .client
        .exchange_refresh_token(&refresh_token)
        .map_err(|_| missing_endpoint(slug, "token URL", "token-url"))?;
    for (name, value) in grant.token_params() {
        request = request.add_extra_param(name, value);
    }
    let what = format!("the token endpoint of `{slug}`");
    let response = match request.request_async(&grant.http).await {
        Ok(r) => r,
        Err(err) if server_code(&err).as_deref() == Some("invalid_grant") => {
            // The grant is gone at the provider; keep everything local so
            // the person sees what it was and can re-authorize.
            mark_needs_reauth(app, service, user)?;
            return Err(needs_reauth(
                service,
                user,
                "the provider refused its refresh token (invalid_grant)",
            ));
        }
        Err(err) => return Err(token_error(service, &what, err)),
    };
    let new = StoredTokens::from_response(
        &response,
        Some(&tokens),
        &service.spec.scopes,
        &service.spec.scope_separator,
    );
    // Committed before the token is returned: if this fails, the caller
    // gets an error and the old pair stays; it never uses an uncommitted one.
    let updated = super::complete::store_user_tokens(app, user.id, &new)?;
    Ok((ValidToken::from_stored(&new, true), Some(updated)))
}

fn not_authorized(service: &Service, user: &User, snap: &Snapshot) -> Result<()> {
    if snap.is_some() {
        return Ok(());
    }
    match user.status {
        UserStatus::NeedsReauth => Err(needs_reauth(service, user, "its tokens are gone")),
        _ => Err(never_authorized(service, user)),
    }
}

fn never_authorized(service: &Service, user: &User) -> Error {
    Error::NotAuthorized {
        service: service.spec.slug.clone(),
        user: user.external_id.clone(),
        status: user.status.to_string(),
    }
}

/// Nothing is sent as a user who has not signed in (or signed out): the
/// refusal says how to authorize, whichever front end sent it.
pub(crate) fn ensure_authorized(service: &Service, user: &User) -> Result<()> {
    match user.status {
        UserStatus::New | UserStatus::Revoked => Err(never_authorized(service, user)),
        UserStatus::Authorized | UserStatus::NeedsReauth => Ok(()),
    }
}

fn needs_reauth(service: &Service, user: &User, why: &str) -> Error {
    let slug = &service.spec.slug;
    Error::NeedsReauth {
        service: slug.clone(),
        user: user.external_id.clone(),
        reason: why.to_string(),
    }
}

/// Marks the user `needs_reauth` (deleting nothing) and reports it.
fn mark_needs_reauth(app: &Context<'_>, service: &Service, user: &User) -> Result<()> {
    let changed = app.store().write(|tx| {
        let before = users::by_id(tx, user.id)?.status;
        users::set_status(tx, user.id, UserStatus::NeedsReauth, false)?;
        Ok(before != UserStatus::NeedsReauth)
    })?;
    if changed {
        app.auth().emit(AuthEvent {
            service: service.spec.slug.clone(),
            user: Some(user.external_id.clone()),
            kind: AuthEventKind::StatusChanged {
                status: UserStatus::NeedsReauth,
            },
        });
    }
    Ok(())
}

/// The lease that makes one refresh at a time per user across processes;
/// a sign-out takes it too, so a refresh cannot store tokens again after it.
pub(crate) async fn refresh_lease<'a>(app: &Context<'a>, user_id: i64) -> Result<Lease<'a>> {
    let ttl = app.auth().settings().http_timeout * 2 + std::time::Duration::from_secs(5);
    Lease::acquire(app.store(), &format!("refresh:user:{user_id}"), ttl).await
}
