//! The `history` table: insert with pruning in the same short transaction,
//! pages newest first, filters.
//!
//! A row's request spec, response headers and stored body are sealed
//! together by the vault (associated data `history:{id}`); the columns a
//! list shows and filters on (method, redacted URL, status, redacted error,
//! timings) stay readable. The store never holds the key: the caller seals
//! and opens.

use super::now_ms;
use super::services::{json_column, to_json};
use crate::error::{Error, Result};
use crate::model::NewHistory;
use crate::model::{
    HistoryEntry, HistoryFilter, HistoryLimits, HistoryPage, HistorySource, HistorySummary,
};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

const SUMMARY: &str =
    "h.id, h.created_at, h.source, s.slug, u.external_id, h.method, h.url, h.status,
    h.duration_ms, h.response_size, h.error";
const FROM: &str =
    "history h LEFT JOIN services s ON s.id = h.service_id LEFT JOIN users u ON u.id = h.user_id";
const MAX_PAGE: u32 = 500;

fn summary(row: &Row<'_>) -> rusqlite::Result<HistorySummary> {
    Ok(HistorySummary {
        id: row.get(0)?,
        created_at: row.get(1)?,
        source: HistorySource::parse(&row.get::<_, String>(2)?),
        service: row.get(3)?,
        user: row.get(4)?,
        method: row.get(5)?,
        url: row.get(6)?,
        status: row.get(7)?,
        duration_ms: row.get(8)?,
        response_size: row.get(9)?,
        error: row.get(10)?,
    })
}

/// The vault purpose (associated data) of history row `id`'s sealed part.
pub(crate) fn purpose(id: i64) -> String {
    format!("history:{id}")
}

/// The sealed part of a row: `[u32 BE len][request JSON][u32 BE len]
/// [response headers JSON][body bytes]`.
fn frame(request: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + request.len() + headers.len() + body.len());
    for part in [request.as_bytes(), headers.as_bytes()] {
        out.extend_from_slice(&u32::try_from(part.len()).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(part);
    }
    out.extend_from_slice(body);
    out
}

fn unframe(bytes: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let take = |rest: &[u8]| -> Option<(usize, usize)> {
        let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        (rest.len() >= 4 + len).then_some((4, 4 + len))
    };
    let (a, b) = take(bytes)?;
    let request = &bytes[a..b];
    let rest = &bytes[b..];
    let (c, d) = take(rest)?;
    Some((request, &rest[c..d], &rest[d..]))
}

/// Inserts a record, sealing its request and answer with `seal(purpose,
/// bytes)`, then prunes to the limits; returns its id and the saved body
/// files of pruned rows (the caller deletes them after commit). Sends go
/// through the history writer instead (ids reserved ahead, group commit).
#[cfg(test)]
pub(crate) fn insert(
    conn: &Connection,
    record: &NewHistory,
    limits: &HistoryLimits,
    seal: impl FnOnce(&str, &[u8]) -> Vec<u8>,
) -> Result<(i64, Vec<String>)> {
    let id = reserve_ids(conn, 1)?;
    let sealed = seal_record(id, record, seal);
    insert_sealed(conn, id, record, &sealed)?;
    let files = prune(conn, id, limits)?;
    Ok((id, files))
}

/// Where the next history ids are kept: above every row and every block a
/// process has already taken, so ids given out before their rows are
/// committed are never given twice, by this process or another.
const NEXT_ID_KEY: &str = "history_next_id";

/// Reserves `count` ids in one write and returns the first.
pub(crate) fn reserve_ids(conn: &Connection, count: i64) -> Result<i64> {
    let above_rows: i64 = conn
        .prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM history")?
        .query_row([], |r| r.get(0))?;
    let reserved = super::meta::get(conn, NEXT_ID_KEY)?
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let start = above_rows.max(reserved);
    super::meta::set(conn, NEXT_ID_KEY, &(start + count.max(1)).to_string())?;
    Ok(start)
}

/// The sealed part of row `id`: its request spec, response headers and
/// stored body, with `history:{id}` as associated data.
pub(crate) fn seal_record(
    id: i64,
    record: &NewHistory,
    seal: impl FnOnce(&str, &[u8]) -> Vec<u8>,
) -> Vec<u8> {
    seal(
        &purpose(id),
        &frame(
            &to_json(&record.request),
            &to_json(&record.response_headers),
            record.response_body.as_deref().unwrap_or_default(),
        ),
    )
}

/// Inserts row `id` with its already sealed part (no pruning). The row is
/// written after its send returned, so its service or user may be gone by
/// then: like their deletion would have done, the row keeps no link to them.
pub(crate) fn insert_sealed(
    conn: &Connection,
    id: i64,
    record: &NewHistory,
    sealed: &[u8],
) -> Result<()> {
    let stored_bytes =
        record.url.len() + sealed.len() + record.error.as_ref().map_or(0, String::len);
    let mut stmt = conn.prepare_cached(
        "INSERT INTO history (id, service_id, user_id, source, method, url, request_spec, status, reason,
            duration_ms, ttfb_ms, response_size, response_headers, response_content_type, response_body,
            response_truncated, response_file, error, error_code, stored_bytes, created_at, sealed)
         VALUES (?1, (SELECT id FROM services WHERE id = ?2), (SELECT id FROM users WHERE id = ?3),
            ?4, ?5, ?6, '{}', ?7, ?8, ?9, ?10, ?11, '[]', ?12, NULL, ?13, ?14, ?15, ?16,
            ?17, ?18, ?19)",
    )?;
    stmt.execute(params![
        id,
        record.service_id,
        record.user_id,
        record.source.as_str(),
        record.method,
        record.url,
        record.status,
        record.reason,
        record.duration_ms,
        record.ttfb_ms,
        record.response_size,
        record.response_content_type,
        record.response_truncated,
        record.response_file,
        record.error,
        record.error_code,
        i64::try_from(stored_bytes).unwrap_or(i64::MAX),
        now_ms(),
        sealed,
    ])?;
    Ok(())
}

/// The running totals kept by schema 4's triggers: (entries, bytes).
pub(crate) fn totals(conn: &Connection) -> Result<(i64, i64)> {
    Ok(conn
        .prepare_cached("SELECT entries, bytes FROM history_totals WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// Drops the oldest rows past the count and byte caps, never `keep`.
///
/// The totals say how much must go, so only the rows that go (oldest
/// first, by rowid) are read: the cost no longer grows with the history.
pub(crate) fn prune(conn: &Connection, keep: i64, limits: &HistoryLimits) -> Result<Vec<String>> {
    let max_entries = i64::from(limits.max_entries.max(1));
    let max_bytes = i64::try_from(limits.max_bytes).unwrap_or(i64::MAX);
    let (entries, bytes) = totals(conn)?;
    let extra_entries = entries - max_entries;
    let extra_bytes = bytes.saturating_sub(max_bytes);
    if extra_entries <= 0 && extra_bytes <= 0 {
        return Ok(Vec::new());
    }
    // The newest row to drop: enough of the oldest rows that both the count
    // and the bytes left are within the caps.
    let mut cut = None;
    let (mut dropped, mut freed) = (0_i64, 0_i64);
    let mut stmt =
        conn.prepare_cached("SELECT id, stored_bytes FROM history WHERE id < ?1 ORDER BY id")?;
    let mut rows = stmt.query([keep])?;
    while dropped < extra_entries || freed < extra_bytes {
        let Some(row) = rows.next()? else { break };
        cut = Some(row.get::<_, i64>(0)?);
        dropped += 1;
        freed = freed.saturating_add(row.get(1)?);
    }
    drop(rows);
    let Some(cut) = cut else {
        return Ok(Vec::new());
    };
    let files = files_where(conn, "id <= ?1", [cut])?;
    conn.prepare_cached("DELETE FROM history WHERE id <= ?1")?
        .execute([cut])?;
    Ok(files)
}

fn files_where<P: rusqlite::Params>(
    conn: &Connection,
    condition: &str,
    params: P,
) -> Result<Vec<String>> {
    // Cached: pruning runs this on most inserts once history is full.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT response_file FROM history WHERE response_file IS NOT NULL AND {condition}"
    ))?;
    let files = stmt
        .query_map(params, |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(files)
}

pub fn list(conn: &Connection, filter: &HistoryFilter) -> Result<HistoryPage> {
    let mut clauses = Vec::new();
    let mut values: Vec<SqlValue> = Vec::new();
    if let Some(service) = filter.service.as_deref().filter(|s| !s.is_empty()) {
        values.push(service.to_string().into());
        clauses.push(format!("s.slug = ?{}", values.len()));
    }
    if let Some(user) = filter.user.as_deref().filter(|s| !s.is_empty()) {
        values.push(user.to_string().into());
        clauses.push(format!("u.external_id = ?{}", values.len()));
    }
    if let Some(status) = filter
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        clauses.push(status_clause(status)?);
    }
    if let Some(text) = filter.text.as_deref().filter(|s| !s.is_empty()) {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        values.push(format!("%{escaped}%").into());
        let n = values.len();
        // The request itself is sealed, so text matches what a list shows.
        clauses.push(format!(
            "(h.url LIKE ?{n} ESCAPE '\\' OR h.method LIKE ?{n} ESCAPE '\\' OR h.error LIKE ?{n} ESCAPE '\\')"
        ));
    }
    let limit = match filter.limit {
        0 => 50,
        n => n.min(MAX_PAGE),
    };
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    values.push(i64::from(limit + 1).into());
    values.push(i64::from(filter.offset).into());
    let n = values.len();
    let sql = format!(
        "SELECT {SUMMARY} FROM {FROM} {where_sql} ORDER BY h.id DESC LIMIT ?{} OFFSET ?{n}",
        n - 1
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut entries = stmt
        .query_map(params_from_iter(values), summary)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let has_more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    Ok(HistoryPage { entries, has_more })
}

/// `200`, `4xx`, or `error`, as SQL (only digits reach it).
fn status_clause(status: &str) -> Result<String> {
    let bad = || {
        Error::InvalidInput(format!(
            "`{status}` is not a status filter: use a code such as 200, a class such as 4xx, or `error`"
        ))
    };
    if status.eq_ignore_ascii_case("error") {
        return Ok("h.status IS NULL".into());
    }
    if let Ok(code) = status.parse::<u16>() {
        return Ok(format!("h.status = {code}"));
    }
    let lower = status.to_ascii_lowercase();
    match lower.as_bytes() {
        [d @ b'1'..=b'5', b'x', b'x'] => {
            let base = i64::from(d - b'0') * 100;
            Ok(format!("h.status BETWEEN {base} AND {}", base + 99))
        }
        _ => Err(bad()),
    }
}

/// A history row as stored: the entry, and its sealed part still to open
/// (`None` for a row written before sealing, complete as it is).
pub struct StoredEntry {
    pub entry: HistoryEntry,
    pub sealed: Option<Vec<u8>>,
}

impl StoredEntry {
    /// The entry with its sealed part filled in from `plain` (the opened
    /// bytes of [`StoredEntry::sealed`]).
    pub fn with_opened(mut self, plain: &[u8]) -> Result<HistoryEntry> {
        let broken = || Error::damaged(format!("history entry {}", self.entry.summary.id));
        let (request, headers, body) = unframe(plain).ok_or_else(broken)?;
        self.entry.request = serde_json::from_slice(request).map_err(|_| broken())?;
        self.entry.response_headers = serde_json::from_slice(headers).map_err(|_| broken())?;
        self.entry.response_body =
            crate::model::decode_body(body, self.entry.response_content_type.as_deref());
        Ok(self.entry)
    }
}

pub fn get(conn: &Connection, id: i64) -> Result<StoredEntry> {
    conn.query_row(
        &format!(
            "SELECT {SUMMARY}, h.request_spec, h.reason, h.ttfb_ms, h.response_headers, h.response_content_type,
                h.response_body, h.response_truncated, h.response_file, h.error_code, h.sealed
             FROM {FROM} WHERE h.id = ?1"
        ),
        [id],
        |row| {
            let content_type: Option<String> = row.get(15)?;
            let body: Option<Vec<u8>> = row.get(16)?;
            let file: Option<String> = row.get(18)?;
            let sealed: Option<Vec<u8>> = row.get(20)?;
            let entry = HistoryEntry {
                summary: summary(row)?,
                request: if sealed.is_some() {
                    Default::default()
                } else {
                    json_column(row, 11)?
                },
                reason: row.get(12)?,
                ttfb_ms: row.get(13)?,
                response_headers: json_column(row, 14)?,
                response_body: crate::model::decode_body(body.as_deref().unwrap_or_default(), content_type.as_deref()),
                response_content_type: content_type,
                response_truncated: row.get(17)?,
                response_file: file.filter(|f| std::path::Path::new(f).exists()),
                error_code: row.get(19)?,
            };
            Ok(StoredEntry { entry, sealed })
        },
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("there is no history entry {id}")))
}

/// A row written before sealing: id, request spec, response headers, body.
pub(crate) type UnsealedRow = (i64, String, String, Vec<u8>);

/// Rows written before sealing (at most `limit`), to seal with [`reseal`].
pub(crate) fn unsealed(conn: &Connection, limit: i64) -> Result<Vec<UnsealedRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, request_spec, response_headers, coalesce(response_body, x'')
           FROM history WHERE sealed IS NULL ORDER BY id LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Replaces an older row's readable request and answer by their sealed form.
pub(crate) fn reseal(
    conn: &Connection,
    id: i64,
    request: &str,
    headers: &str,
    body: &[u8],
    seal: impl FnOnce(&str, &[u8]) -> Vec<u8>,
) -> Result<()> {
    let sealed = seal(&purpose(id), &frame(request, headers, body));
    conn.execute(
        "UPDATE history SET sealed = ?2, request_spec = '{}', response_headers = '[]',
             response_body = NULL WHERE id = ?1",
        params![id, sealed],
    )?;
    Ok(())
}

/// Deletes one entry; returns its saved body file, if any.
pub fn delete(conn: &Connection, id: i64) -> Result<Vec<String>> {
    let files = files_where(conn, "id = ?1", [id])?;
    if conn.execute("DELETE FROM history WHERE id = ?1", [id])? == 0 {
        return Err(Error::NotFound(format!("there is no history entry {id}")));
    }
    Ok(files)
}

/// Deletes all history, or one service's; returns the count and files.
pub fn clear(conn: &Connection, service_id: Option<i64>) -> Result<(usize, Vec<String>)> {
    match service_id {
        Some(id) => {
            let files = files_where(conn, "service_id = ?1", [id])?;
            Ok((
                conn.execute("DELETE FROM history WHERE service_id = ?1", [id])?,
                files,
            ))
        }
        None => {
            let files = files_where(conn, "1 = 1", [])?;
            Ok((conn.execute("DELETE FROM history", [])?, files))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RequestSpec;
    use crate::store::migrations;

    /// Stands in for the vault (which tests of sealing use for real):
    /// the "sealed" part is the plain frame.
    fn insert_plain(
        conn: &Connection,
        record: &NewHistory,
        limits: &HistoryLimits,
    ) -> Result<(i64, Vec<String>)> {
        insert(conn, record, limits, |_, bytes| bytes.to_vec())
    }

    fn opened(conn: &Connection, id: i64) -> HistoryEntry {
        let stored = get(conn, id).unwrap();
        match stored.sealed.clone() {
            Some(plain) => stored.with_opened(&plain).unwrap(),
            None => stored.entry,
        }
    }

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations::migrate(&mut conn).unwrap();
        conn
    }

    fn record(url: &str, status: Option<u16>, body: usize) -> NewHistory {
        NewHistory {
            service_id: None,
            user_id: None,
            source: HistorySource::Cli,
            method: "GET".into(),
            url: url.into(),
            request: RequestSpec {
                url: url.into(),
                ..Default::default()
            },
            status,
            reason: None,
            duration_ms: Some(5),
            ttfb_ms: Some(2),
            response_size: Some(body as i64),
            response_headers: vec![],
            response_content_type: Some("text/plain".into()),
            response_body: Some(vec![b'x'; body]),
            response_truncated: false,
            response_file: None,
            error: status.is_none().then(|| "timed out".to_string()),
            error_code: None,
        }
    }

    #[test]
    fn pages_newest_first_with_filters() {
        let conn = db();
        let limits = HistoryLimits::default();
        for i in 0..7 {
            let status = match i % 3 {
                0 => Some(200),
                1 => Some(404),
                _ => None,
            };
            insert_plain(
                &conn,
                &record(&format!("https://x/{i}"), status, 3),
                &limits,
            )
            .unwrap();
        }
        let page = list(
            &conn,
            &HistoryFilter {
                limit: 3,
                ..Default::default()
            },
        )
        .unwrap();
        let urls: Vec<&str> = page.entries.iter().map(|e| e.url.as_str()).collect();
        assert_eq!(urls, ["https://x/6", "https://x/5", "https://x/4"]);
        assert!(page.has_more);
        let last = list(
            &conn,
            &HistoryFilter {
                limit: 3,
                offset: 6,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(last.entries.len(), 1);
        assert!(!last.has_more);
        let count = |status: &str| {
            list(
                &conn,
                &HistoryFilter {
                    status: Some(status.into()),
                    ..Default::default()
                },
            )
            .unwrap()
            .entries
            .len()
        };
        assert_eq!(
            (count("200"), count("4xx"), count("error"), count("5xx")),
            (3, 2, 2, 0)
        );
        assert!(list(
            &conn,
            &HistoryFilter {
                status: Some("2x".into()),
                ..Default::default()
            }
        )
        .is_err());
        let text = list(
            &conn,
            &HistoryFilter {
                text: Some("x/5".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(text.entries.len(), 1);
        let pct = list(
            &conn,
            &HistoryFilter {
                text: Some("%".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(pct.entries.is_empty(), "LIKE wildcards are literal");
        let entry = opened(&conn, text.entries[0].id);
        assert_eq!(entry.summary.source, HistorySource::Cli);
        assert!(matches!(
            entry.response_body,
            crate::model::ResponseBody::Text { .. }
        ));
    }

    #[test]
    fn schema_3_keeps_rows_written_under_schema_2() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations::migrations().to_version(&mut conn, 2).unwrap();
        conn.execute_batch(
            "INSERT INTO services (id, slug, name, auth_kind, scope_separator, client_auth, pkce,
                token_placement, token_name, token_prefix, created_at, updated_at)
             VALUES (1, 'goto', 'GoTo', 'none', ' ', 'none', 'off', 'header', 'Authorization', 'Bearer', 1, 1);
             INSERT INTO history (id, service_id, method, url, request_headers, request_body, status, created_at)
             VALUES (7, 1, 'POST', 'https://x/m', '[{\"name\":\"A\",\"value\":\"b\"}]', 'hi', 201, 5);
             INSERT INTO saved_requests (service_id, name, method, url, headers, body, created_at, updated_at)
             VALUES (1, 'Create', 'POST', '/m', '[]', NULL, 1, 1);",
        )
        .unwrap();
        migrations::migrate(&mut conn).unwrap();
        let entry = opened(&conn, 7);
        assert_eq!(entry.summary.service.as_deref(), Some("goto"));
        assert_eq!(entry.summary.status, Some(201));
        assert_eq!(entry.request.headers[0].name, "A");
        assert_eq!(
            entry.request.body,
            crate::model::RequestBody::Raw {
                content_type: String::new(),
                text: "hi".into()
            }
        );
        let saved = crate::store::saved_requests::get(&conn, 1, "Create")
            .unwrap()
            .saved;
        assert_eq!(saved.request.url, "/m");
        assert_eq!(saved.request.body, crate::model::RequestBody::None);
    }

    #[test]
    fn prunes_by_count_and_bytes_keeping_the_newest() {
        let conn = db();
        let limits = HistoryLimits {
            max_entries: 3,
            max_bytes: 10_000_000,
            max_body_bytes: 1000,
        };
        for i in 0..5 {
            insert_plain(
                &conn,
                &record(&format!("https://x/{i}"), Some(200), 10),
                &limits,
            )
            .unwrap();
        }
        let page = list(&conn, &HistoryFilter::default()).unwrap();
        assert_eq!(page.entries.len(), 3);
        assert_eq!(page.entries[2].url, "https://x/2");
        let limits = HistoryLimits {
            max_entries: 100,
            max_bytes: 2500,
            max_body_bytes: 1000,
        };
        let (id, _) =
            insert_plain(&conn, &record("https://x/big", Some(200), 2450), &limits).unwrap();
        let page = list(&conn, &HistoryFilter::default()).unwrap();
        assert_eq!(page.entries.len(), 1, "older rows go to make room");
        let limits = HistoryLimits {
            max_entries: 100,
            max_bytes: 10,
            max_body_bytes: 1000,
        };
        let (newest, _) =
            insert_plain(&conn, &record("https://x/huge", Some(200), 5000), &limits).unwrap();
        let page = list(&conn, &HistoryFilter::default()).unwrap();
        assert_eq!(
            page.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
            vec![newest],
            "the new row is kept"
        );
        assert!(get(&conn, id).is_err());
        assert_eq!(delete(&conn, newest).unwrap(), Vec::<String>::new());
        assert!(delete(&conn, newest).is_err());
        assert_eq!(clear(&conn, None).unwrap().0, 0);
    }

    /// The totals as a full recount finds them.
    fn recount(conn: &Connection) -> (i64, i64) {
        conn.query_row(
            "SELECT count(*), coalesce(sum(stored_bytes), 0) FROM history",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    }

    fn add_service(conn: &Connection, id: i64, slug: &str) {
        conn.execute(
            "INSERT INTO services (id, slug, name, auth_kind, scope_separator, client_auth, pkce,
                token_placement, token_name, token_prefix, created_at, updated_at)
             VALUES (?1, ?2, ?2, 'none', ' ', 'none', 'off', 'header', 'Authorization', 'Bearer', 1, 1)",
            params![id, slug],
        )
        .unwrap();
    }

    #[test]
    fn running_totals_match_a_recount_through_insert_prune_delete_and_clear() {
        let conn = db();
        add_service(&conn, 1, "a");
        add_service(&conn, 2, "b");
        let check = |what: &str| assert_eq!(totals(&conn).unwrap(), recount(&conn), "{what}");
        check("empty");
        let roomy = HistoryLimits {
            max_entries: 1000,
            max_bytes: 10_000_000,
            max_body_bytes: 1000,
        };
        let mut ids = Vec::new();
        for i in 0..30 {
            let mut r = record(&format!("https://x/{i}"), Some(200), 10 + i * 7);
            r.service_id = Some(1 + (i as i64 % 2));
            ids.push(insert_plain(&conn, &r, &roomy).unwrap().0);
        }
        check("inserts");
        assert_eq!(totals(&conn).unwrap().0, 30);
        // Pruned by count: exactly the cap is left, the newest rows.
        let by_count = HistoryLimits {
            max_entries: 20,
            ..roomy
        };
        insert_plain(&conn, &record("https://x/c", Some(200), 5), &by_count).unwrap();
        check("pruned by count");
        assert_eq!(totals(&conn).unwrap().0, 20);
        assert!(get(&conn, ids[10]).is_err() && get(&conn, ids[11]).is_ok());
        // Pruned by bytes: the oldest rows go, and no more of them than
        // needed to bring the total within the cap.
        let rows = |conn: &Connection| -> Vec<(i64, i64)> {
            conn.prepare("SELECT id, stored_bytes FROM history ORDER BY id")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let before = rows(&conn);
        let (_, bytes) = totals(&conn).unwrap();
        let by_bytes = HistoryLimits {
            max_bytes: u64::try_from(bytes / 2).unwrap(),
            ..roomy
        };
        let cap = bytes / 2;
        insert_plain(&conn, &record("https://x/b", Some(200), 5), &by_bytes).unwrap();
        check("pruned by bytes");
        let left = rows(&conn);
        let sum: i64 = left.iter().map(|(_, b)| b).sum();
        assert!(left.len() > 1 && sum <= cap);
        let gone = before.len() + 1 - left.len();
        assert_eq!(left[..left.len() - 1], before[gone..], "the oldest went");
        assert!(
            sum + before[gone - 1].1 > cap,
            "not one row more than needed"
        );
        let newest = list(&conn, &HistoryFilter::default()).unwrap().entries[0].id;
        delete(&conn, newest).unwrap();
        check("delete");
        assert!(delete(&conn, newest).is_err());
        check("failed delete");
        let (gone, _) = clear(&conn, Some(1)).unwrap();
        assert!(gone > 0);
        check("clear one service");
        // Rows written by other code (raw SQL) are counted too.
        conn.execute(
            "INSERT INTO history (source, method, url, request_spec, stored_bytes, created_at)
             VALUES ('app', 'GET', 'https://x/raw', '{}', 123, 1)",
            [],
        )
        .unwrap();
        conn.execute("UPDATE history SET stored_bytes = stored_bytes + 1", [])
            .unwrap();
        check("raw insert and resize");
        clear(&conn, None).unwrap();
        check("clear all");
        assert_eq!(totals(&conn).unwrap(), (0, 0));
    }

    #[test]
    fn an_upgraded_database_starts_with_correct_totals_and_methods() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations::migrations().to_version(&mut conn, 3).unwrap();
        for (i, method) in ["get", "POST", "propfind", "Delete"].iter().enumerate() {
            conn.execute(
                "INSERT INTO history (source, method, url, request_spec, stored_bytes, created_at)
                 VALUES ('cli', ?1, 'https://x', '{}', ?2, 1)",
                params![method, 100 * (i as i64 + 1)],
            )
            .unwrap();
        }
        migrations::migrate(&mut conn).unwrap();
        assert_eq!(totals(&conn).unwrap(), (4, 1000));
        assert_eq!(totals(&conn).unwrap(), recount(&conn));
        let methods: Vec<String> = conn
            .prepare("SELECT method FROM history ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        // Standard methods upper-cased; an extension method keeps its case.
        assert_eq!(methods, ["GET", "POST", "propfind", "DELETE"]);
        // And the triggers carry on from there.
        let limits = HistoryLimits {
            max_entries: 3,
            ..HistoryLimits::default()
        };
        insert_plain(&conn, &record("https://x/new", Some(200), 10), &limits).unwrap();
        assert_eq!(totals(&conn).unwrap(), recount(&conn));
        assert_eq!(totals(&conn).unwrap().0, 3);
    }
}
