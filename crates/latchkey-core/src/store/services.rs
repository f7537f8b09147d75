//! The `services` table.

use super::kinds::{placement_columns, placement_from_columns, PlacementKind};
use super::now_ms;
use crate::error::{Error, Result};
use crate::model::{Param, Service, ServiceSpec};
use rusqlite::{params, Connection, OptionalExtension, Row, ToSql};

const COLUMNS: &str = "id, slug, name, preset, auth_kind, client_id, authorize_url, token_url,
    revocation_url, device_url, scopes, scope_separator, authorize_params, token_params,
    client_auth, pkce, redirect_uri, api_base_url, token_placement, token_name, token_prefix,
    client_secret_sealed IS NOT NULL, created_at, updated_at, token_origins,
    api_key_sealed IS NOT NULL, issuer, authorization_response_iss";

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
            token_origins: json_column(row, 24)?,
            issuer: row.get(26)?,
            authorization_response_iss: row.get(27)?,
        },
        has_client_secret: row.get(21)?,
        has_api_key: row.get(25)?,
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

/// The columns a service definition writes, shared by insert and update;
/// each is bound as `:column`.
const SPEC_COLUMNS: &str = "slug, name, preset, auth_kind, client_id, authorize_url, token_url, \
    revocation_url, device_url, scopes, scope_separator, authorize_params, token_params, \
    client_auth, pkce, redirect_uri, api_base_url, token_placement, token_name, token_prefix, \
    token_origins, issuer, authorization_response_iss";
const SPEC_VALUES: &str = ":slug, :name, :preset, :auth_kind, :client_id, :authorize_url, \
    :token_url, :revocation_url, :device_url, :scopes, :scope_separator, :authorize_params, \
    :token_params, :client_auth, :pkce, :redirect_uri, :api_base_url, :token_placement, \
    :token_name, :token_prefix, :token_origins, :issuer, :authorization_response_iss";

/// A spec's column values, owned where they are computed (JSON, placement).
struct SpecColumns<'a> {
    spec: &'a ServiceSpec,
    scopes: String,
    authorize_params: String,
    token_params: String,
    token_origins: String,
    placement: PlacementKind,
    token_name: &'a str,
    token_prefix: &'a str,
}

impl<'a> SpecColumns<'a> {
    fn of(spec: &'a ServiceSpec) -> Self {
        let (placement, token_name, token_prefix) = placement_columns(&spec.token_placement);
        Self {
            spec,
            scopes: to_json(&spec.scopes),
            authorize_params: params_json(&spec.authorize_params),
            token_params: params_json(&spec.token_params),
            token_origins: to_json(&spec.token_origins),
            placement,
            token_name,
            token_prefix,
        }
    }

    fn named(&self) -> Vec<(&str, &dyn ToSql)> {
        let s = self.spec;
        vec![
            (":slug", &s.slug),
            (":name", &s.name),
            (":preset", &s.preset),
            (":auth_kind", &s.auth_kind),
            (":client_id", &s.client_id),
            (":authorize_url", &s.authorize_url),
            (":token_url", &s.token_url),
            (":revocation_url", &s.revocation_url),
            (":device_url", &s.device_url),
            (":scopes", &self.scopes),
            (":scope_separator", &s.scope_separator),
            (":authorize_params", &self.authorize_params),
            (":token_params", &self.token_params),
            (":client_auth", &s.client_auth),
            (":pkce", &s.pkce),
            (":redirect_uri", &s.redirect_uri),
            (":api_base_url", &s.api_base_url),
            (":token_placement", &self.placement),
            (":token_name", &self.token_name),
            (":token_prefix", &self.token_prefix),
            (":token_origins", &self.token_origins),
            (":issuer", &s.issuer),
            (":authorization_response_iss", &s.authorization_response_iss),
        ]
    }
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
    let columns = SpecColumns::of(spec);
    let now = now_ms();
    let mut values = columns.named();
    values.extend_from_slice(&[(":now", &now as &dyn ToSql)]);
    conn.execute(
        &format!(
            "INSERT INTO services ({SPEC_COLUMNS}, created_at, updated_at)
             VALUES ({SPEC_VALUES}, :now, :now)"
        ),
        values.as_slice(),
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
    let columns = SpecColumns::of(spec);
    let now = now_ms();
    let mut values = columns.named();
    values.extend_from_slice(&[(":now", &now as &dyn ToSql), (":id", &id)]);
    let assignments: Vec<String> = SPEC_COLUMNS
        .split(", ")
        .map(|c| format!("{c} = :{c}"))
        .collect();
    conn.execute(
        &format!(
            "UPDATE services SET {}, updated_at = :now WHERE id = :id",
            assignments.join(", ")
        ),
        values.as_slice(),
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

/// Stores the sealed API key.
pub fn set_sealed_api_key(conn: &Connection, id: i64, sealed: &[u8]) -> Result<()> {
    conn.execute(
        "UPDATE services SET api_key_sealed = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, sealed, now_ms()],
    )?;
    Ok(())
}

pub fn sealed_api_key(conn: &Connection, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(conn.query_row(
        "SELECT api_key_sealed FROM services WHERE id = ?1",
        [id],
        |row| row.get(0),
    )?)
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM services WHERE id = ?1", [id])?;
    Ok(())
}
