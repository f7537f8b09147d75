//! Test-only seams. Nothing in the app or the CLI calls these.
//!
//! Expiry tests used to wait on the wall clock for short-lived tokens, which
//! flakes on a loaded machine (a token could expire mid-step, or not yet).
//! Instead a test moves a stored token set's expiry into the past, through
//! the same sealed write the refresh path uses, and the next use sees an
//! expired token at once. The provider still considers the token valid,
//! which is what "refresh ahead of expiry" is about anyway.

use crate::error::Result;
use crate::latchkey::Latchkey;
use crate::oauth::tokens::{service_purpose, user_purpose, StoredTokens};
use crate::store::{credentials, now_ms, service_tokens, users};

/// How long ago the rewritten tokens "expired", and how long they "lived".
const AGO_MS: i64 = 60_000;
const LIFETIME_MS: i64 = 3_600_000;

fn backdate(tokens: &mut StoredTokens) -> i64 {
    let expired = now_ms() - AGO_MS;
    tokens.expires_at = Some(expired);
    tokens.obtained_at = Some(expired - LIFETIME_MS);
    expired
}

/// Marks `user`'s stored access token of `service` as expired a minute ago
/// (the refresh token and everything else unchanged).
pub fn expire_user_tokens(app: &Latchkey, service: &str, user: &str) -> Result<()> {
    let (_, user) = app.service_user(service, user)?;
    let purpose = user_purpose(user.id);
    let row = app
        .store()
        .read(|conn| credentials::get(conn, user.id))?
        .ok_or_else(|| {
            crate::Error::NotFound(format!("user `{}` has no tokens", user.external_id))
        })?;
    let mut tokens = StoredTokens::open(&*app.vault()?, &purpose, &row.tokens_sealed)?;
    let expired = backdate(&mut tokens);
    let sealed = tokens.seal(&*app.vault()?, &purpose)?;
    app.store().write_durable(|tx| {
        credentials::put(
            tx,
            user.id,
            &sealed,
            Some(&tokens.token_type),
            &tokens.scopes,
            Some(expired),
        )?;
        users::set_authorized(tx, user.id, &tokens.scopes, Some(expired), None)
    })
}

/// Marks `service`'s client-credentials token as expired a minute ago.
pub fn expire_service_token(app: &Latchkey, service: &str) -> Result<()> {
    let service = app.get_service(service)?;
    let purpose = service_purpose(service.id);
    let row = app
        .store()
        .read(|conn| service_tokens::get(conn, service.id))?
        .ok_or_else(|| {
            crate::Error::NotFound(format!("service `{}` has no token", service.spec.slug))
        })?;
    let mut tokens = StoredTokens::open(&*app.vault()?, &purpose, &row.tokens_sealed)?;
    let expired = backdate(&mut tokens);
    let sealed = tokens.seal(&*app.vault()?, &purpose)?;
    app.store().write_durable(|tx| {
        service_tokens::put(tx, service.id, &sealed, &tokens.scopes, Some(expired))
    })
}

/// Folds the write-ahead log into the database file, so a test that reads
/// the raw files sees every committed byte in one place.
pub fn checkpoint(app: &Latchkey) -> Result<()> {
    app.store().checkpoint()
}

/// Runs raw SQL in one write transaction (benchmarks fill tables fast).
pub fn write_sql<T>(
    app: &Latchkey,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
) -> Result<T> {
    app.store().write(f)
}

/// Runs raw SQL in one read transaction.
pub fn read_sql<T>(
    app: &Latchkey,
    f: impl FnOnce(&rusqlite::Connection) -> Result<T>,
) -> Result<T> {
    app.store().read(f)
}

/// Unlocks the vault (creating the data key on first use).
pub fn unlock_vault(app: &Latchkey) -> Result<()> {
    app.vault().map(|_| ())
}

/// The user's stored token set exactly as sealed, to prove it was not touched.
pub fn sealed_user_tokens(app: &Latchkey, user_id: i64) -> Result<Option<Vec<u8>>> {
    Ok(app
        .store()
        .read(|conn| credentials::get(conn, user_id))?
        .map(|row| row.tokens_sealed))
}

/// The user's stored token set, opened: its JSON as the vault keeps it.
pub fn opened_user_tokens(app: &Latchkey, user_id: i64) -> Result<Option<crate::Secret>> {
    let Some(sealed) = sealed_user_tokens(app, user_id)? else {
        return Ok(None);
    };
    app.vault()?.open(&user_purpose(user_id), &sealed).map(Some)
}

/// The schema: the database file's name, the migrations, and reading a
/// file's schema version (upgrade tests build every earlier schema).
pub mod schema {
    pub use crate::store::migrations::{latest_version, migrations, user_version};
    pub use crate::store::DATABASE_FILE;
}
