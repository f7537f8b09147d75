//! The `history` table: insert with pruning in the same short transaction,
//! pages newest first, filters.

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

/// Inserts a record, then prunes to the limits; returns its id and the
/// saved body files of pruned rows (the caller deletes them after commit).
pub(crate) fn insert(
    conn: &Connection,
    record: &NewHistory,
    limits: &HistoryLimits,
) -> Result<(i64, Vec<String>)> {
    let spec = to_json(&record.request);
    let headers = to_json(&record.response_headers);
    let stored_bytes = record.url.len()
        + spec.len()
        + headers.len()
        + record.response_body.as_ref().map_or(0, Vec::len)
        + record.error.as_ref().map_or(0, String::len);
    let mut stmt = conn.prepare_cached(
        "INSERT INTO history (service_id, user_id, source, method, url, request_spec, status, reason,
            duration_ms, ttfb_ms, response_size, response_headers, response_content_type, response_body,
            response_truncated, response_file, error, error_code, stored_bytes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
    )?;
    stmt.execute(params![
        record.service_id,
        record.user_id,
        record.source.as_str(),
        record.method,
        record.url,
        spec,
        record.status,
        record.reason,
        record.duration_ms,
        record.ttfb_ms,
        record.response_size,
        headers,
        record.response_content_type,
        record.response_body,
        record.response_truncated,
        record.response_file,
        record.error,
        record.error_code,
        i64::try_from(stored_bytes).unwrap_or(i64::MAX),
        now_ms(),
    ])?;
    drop(stmt);
    let id = conn.last_insert_rowid();
    let files = prune(conn, id, limits)?;
    Ok((id, files))
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
fn prune(conn: &Connection, keep: i64, limits: &HistoryLimits) -> Result<Vec<String>> {
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
        clauses.push(format!(
            "(h.url LIKE ?{n} ESCAPE '\\' OR h.method LIKE ?{n} ESCAPE '\\' OR h.error LIKE ?{n} ESCAPE '\\'
              OR h.request_spec LIKE ?{n} ESCAPE '\\')"
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

pub fn get(conn: &Connection, id: i64) -> Result<HistoryEntry> {
    conn.query_row(
        &format!(
            "SELECT {SUMMARY}, h.request_spec, h.reason, h.ttfb_ms, h.response_headers, h.response_content_type,
                h.response_body, h.response_truncated, h.response_file, h.error_code
             FROM {FROM} WHERE h.id = ?1"
        ),
        [id],
        |row| {
            let content_type: Option<String> = row.get(15)?;
            let body: Option<Vec<u8>> = row.get(16)?;
            let file: Option<String> = row.get(18)?;
            Ok(HistoryEntry {
                summary: summary(row)?,
                request: json_column(row, 11)?,
                reason: row.get(12)?,
                ttfb_ms: row.get(13)?,
                response_headers: json_column(row, 14)?,
                response_body: crate::model::decode_body(body.as_deref().unwrap_or_default(), content_type.as_deref()),
                response_content_type: content_type,
                response_truncated: row.get(17)?,
                response_file: file.filter(|f| std::path::Path::new(f).exists()),
                error_code: row.get(19)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("there is no history entry {id}")))
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
            insert(
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
        let entry = get(&conn, text.entries[0].id).unwrap();
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
        let entry = get(&conn, 7).unwrap();
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
        let saved = crate::store::saved_requests::get(&conn, 1, "Create").unwrap();
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
            insert(
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
        let (id, _) = insert(&conn, &record("https://x/big", Some(200), 2450), &limits).unwrap();
        let page = list(&conn, &HistoryFilter::default()).unwrap();
        assert_eq!(page.entries.len(), 1, "older rows go to make room");
        let limits = HistoryLimits {
            max_entries: 100,
            max_bytes: 10,
            max_body_bytes: 1000,
        };
        let (newest, _) =
            insert(&conn, &record("https://x/huge", Some(200), 5000), &limits).unwrap();
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
            ids.push(insert(&conn, &r, &roomy).unwrap().0);
        }
        check("inserts");
        assert_eq!(totals(&conn).unwrap().0, 30);
        // Pruned by count: exactly the cap is left, the newest rows.
        let by_count = HistoryLimits {
            max_entries: 20,
            ..roomy
        };
        insert(&conn, &record("https://x/c", Some(200), 5), &by_count).unwrap();
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
        insert(&conn, &record("https://x/b", Some(200), 5), &by_bytes).unwrap();
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
        insert(&conn, &record("https://x/new", Some(200), 10), &limits).unwrap();
        assert_eq!(totals(&conn).unwrap(), recount(&conn));
        assert_eq!(totals(&conn).unwrap().0, 3);
    }
}
