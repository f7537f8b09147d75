-- Schema 3: history and saved requests as the request tools need them.
-- SQLite cannot relax a CHECK, so both tables are rebuilt (keeping rows):
-- methods may be any token (PROPFIND, PURGE), a request is stored whole as
-- a JSON RequestSpec (secrets redacted), and history rows carry their
-- source, timings and size so the byte cap can prune them.

CREATE TABLE history_new (
    id                    INTEGER PRIMARY KEY,
    service_id            INTEGER REFERENCES services (id) ON DELETE SET NULL,
    user_id               INTEGER REFERENCES users (id) ON DELETE SET NULL,
    source                TEXT NOT NULL CHECK (source IN ('app', 'cli', 'api')),
    method                TEXT NOT NULL CHECK (length(method) BETWEEN 1 AND 64),
    url                   TEXT NOT NULL,           -- resolved, redacted
    request_spec          TEXT NOT NULL,           -- JSON RequestSpec, redacted
    status                INTEGER,
    reason                TEXT,
    duration_ms           INTEGER,
    ttfb_ms               INTEGER,
    response_size         INTEGER,
    response_headers      TEXT NOT NULL DEFAULT '[]',
    response_content_type TEXT,
    response_body         BLOB,                    -- capped, redacted
    response_truncated    INTEGER NOT NULL DEFAULT 0 CHECK (response_truncated IN (0, 1)),
    response_file         TEXT,                    -- a large body saved in the data dir
    error                 TEXT,
    error_code            TEXT,
    stored_bytes          INTEGER NOT NULL DEFAULT 0,
    created_at            INTEGER NOT NULL
) STRICT;

INSERT INTO history_new (id, service_id, user_id, source, method, url, request_spec, status,
    duration_ms, response_size, response_headers, response_body, response_truncated, error,
    stored_bytes, created_at)
SELECT id, service_id, user_id, 'app', method, url,
    json_object('method', method, 'url', url, 'query', json('[]'),
        'headers', json(request_headers),
        'body', CASE WHEN request_body IS NULL THEN json_object('kind', 'none')
                ELSE json_object('kind', 'raw', 'content_type', '', 'text', request_body) END),
    status, duration_ms, response_size, response_headers, response_body, response_truncated, error,
    length(url) + coalesce(length(request_body), 0) + coalesce(length(response_body), 0),
    created_at
FROM history;

DROP TABLE history;
ALTER TABLE history_new RENAME TO history;
CREATE INDEX history_by_time ON history (created_at);
CREATE INDEX history_by_service ON history (service_id, id);
CREATE INDEX history_by_user ON history (user_id, id);

CREATE TABLE saved_requests_new (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    spec       TEXT NOT NULL,                 -- JSON RequestSpec
    extractors TEXT NOT NULL DEFAULT '[]',    -- JSON array of Extractor
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (service_id, name)
) STRICT;

INSERT INTO saved_requests_new (id, service_id, name, spec, extractors, created_at, updated_at)
SELECT id, service_id, name,
    json_object('method', method, 'url', url, 'query', json('[]'), 'headers', json(headers),
        'body', CASE WHEN body IS NULL THEN json_object('kind', 'none')
                ELSE json_object('kind', 'raw', 'content_type', '', 'text', body) END),
    extractors, created_at, updated_at
FROM saved_requests;

DROP TABLE saved_requests;
ALTER TABLE saved_requests_new RENAME TO saved_requests;
