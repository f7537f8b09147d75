//! The `services` table.

use super::kinds::{placement_columns, placement_from_columns};
use super::now_ms;
use crate::error::{Error, Result};
use crate::service::{Param, Service, ServiceSpec};
use rusqlite::{params, Connection, OptionalExtension, Row};

const COLUMNS: &str = "id, slug, name, preset, auth_kind, client_id, authorize_url, token_url,
    revocation_url, device_url, scopes, scope_separator, authorize_params, token_params,
    client_auth, pkce, redirect_uri, api_base_url, token_placement, token_name, token_prefix,
    client_secret_sealed IS NOT NULL, created_at, updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Service> {
    Ok(Service {
        id: row.get(0)?,
        spec: ServiceSpec {
            slug: row.get(1)?,
            name: row.get(2)?,
            preset: row.get(3)?,
            auth_kind: row.get(4)?,
            client_id: row.get(5)?,
            authorize_url: row.get(6)?,
            token_url: row.get(7)?,
            revocation_url: row.get(8)?,
            device_url: row.get(9)?,
            scopes: json_column(row, 10)?,
            scope_separator: row.get(11)?,
            authorize_params: json_column(row, 12)?,
            token_params: json_column(row, 13)?,
            client_auth: row.get(14)?,
            pkce: row.get(15)?,
            redirect_uri: row.get(16)?,
            api_base_url: row.get(17)?,
            token_placement: placement_from_columns(row.get(18)?, row.get(19)?, row.get(20)?),
        },
        has_client_secret: row.get(21)?,
        created_at: row.get(22)?,
        updated_at: row.get(23)?,
    })
}

/// A JSON text column read into its Rust type.
pub(crate) fn json_column<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    index: usize,
) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text).map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(err))
    })
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

fn params_json(params: &[Param]) -> String {
    to_json(&params)
}

pub fn list(conn: &Connection) -> Result<Vec<Service>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM services ORDER BY slug"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn find(conn: &Connection, slug: &str) -> Result<Option<Service>> {
    // Cached: every send reads its service.
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM services WHERE slug = ?1"))?
        .query_row([slug], from_row)
        .optional()?)
}

/// The service, or a `not_found` error naming the slug.
pub fn get(conn: &Connection, slug: &str) -> Result<Service> {
    find(conn, slug)?.ok_or_else(|| {
        Error::NotFound(format!(
            "there is no service `{slug}`: `latchkey service list` shows the services"
        ))
    })
}

pub fn slug_taken(conn: &Connection, slug: &str) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM services WHERE slug = ?1", [slug], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn duplicate_slug(slug: &str) -> Error {
    Error::Conflict(format!(
        "a service with slug `{slug}` already exists: choose another slug or edit it"
    ))
}

pub fn insert(conn: &Connection, spec: &ServiceSpec) -> Result<i64> {
    if slug_taken(conn, &spec.slug)? {
        return Err(duplicate_slug(&spec.slug));
    }
    let (placement, token_name, token_prefix) = placement_columns(&spec.token_placement);
    let now = now_ms();
    conn.execute(
        "INSERT INTO services (slug, name, auth_kind, client_id, authorize_url, token_url,
            revocation_url, device_url, scopes, scope_separator, authorize_params, token_params,
            client_auth, pkce, redirect_uri, api_base_url, token_placement, token_name,
            token_prefix, created_at, updated_at, preset)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19, ?20, ?20, ?21)",
        params![
            spec.slug,
            spec.name,
            spec.auth_kind,
            spec.client_id,
            spec.authorize_url,
            spec.token_url,
            spec.revocation_url,
            spec.device_url,
            to_json(&spec.scopes),
            spec.scope_separator,
            params_json(&spec.authorize_params),
            params_json(&spec.token_params),
            spec.client_auth,
            spec.pkce,
            spec.redirect_uri,
            spec.api_base_url,
            placement,
            token_name,
            token_prefix,
            now,
            spec.preset,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Replaces the definition of service `id` (its slug may change).
pub fn update(conn: &Connection, id: i64, spec: &ServiceSpec) -> Result<()> {
    let clash: Option<i64> = conn
        .query_row(
            "SELECT id FROM services WHERE slug = ?1 AND id != ?2",
            params![spec.slug, id],
            |row| row.get(0),
        )
        .optional()?;
    if clash.is_some() {
        return Err(duplicate_slug(&spec.slug));
    }
    let (placement, token_name, token_prefix) = placement_columns(&spec.token_placement);
    conn.execute(
        "UPDATE services SET slug = ?2, name = ?3, auth_kind = ?4, client_id = ?5,
            authorize_url = ?6, token_url = ?7, revocation_url = ?8, device_url = ?9,
            scopes = ?10, scope_separator = ?11, authorize_params = ?12, token_params = ?13,
            client_auth = ?14, pkce = ?15, redirect_uri = ?16, api_base_url = ?17,
            token_placement = ?18, token_name = ?19, token_prefix = ?20, updated_at = ?21,
            preset = ?22
         WHERE id = ?1",
        params![
            id,
            spec.slug,
            spec.name,
            spec.auth_kind,
            spec.client_id,
            spec.authorize_url,
            spec.token_url,
            spec.revocation_url,
            spec.device_url,
            to_json(&spec.scopes),
            spec.scope_separator,
            params_json(&spec.authorize_params),
            params_json(&spec.token_params),
            spec.client_auth,
            spec.pkce,
            spec.redirect_uri,
            spec.api_base_url,
            placement,
            token_name,
            token_prefix,
            now_ms(),
            spec.preset,
        ],
    )?;
    Ok(())
}

/// Stores (or with `None`, forgets) the sealed client secret.
pub fn set_sealed_secret(conn: &Connection, id: i64, sealed: Option<&[u8]>) -> Result<()> {
    conn.execute(
        "UPDATE services SET client_secret_sealed = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, sealed, now_ms()],
    )?;
    Ok(())
}

pub fn sealed_secret(conn: &Connection, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(conn.query_row(
        "SELECT client_secret_sealed FROM services WHERE id = ?1",
        [id],
        |row| row.get(0),
    )?)
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM services WHERE id = ?1", [id])?;
    Ok(())
}
