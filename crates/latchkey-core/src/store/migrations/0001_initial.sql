-- Schema 1. Append-only: never edit a migration that has shipped; add the
-- next numbered file instead. Ids and timestamps (unix milliseconds) are
-- always set by Rust, never by SQL defaults.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE services (
    id                   INTEGER PRIMARY KEY,
    slug                 TEXT NOT NULL UNIQUE
                         CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*'),
    name                 TEXT NOT NULL,
    preset               TEXT,  -- the preset it started from, for provider quirks
    auth_kind            TEXT NOT NULL
                         CHECK (auth_kind IN ('authorization_code', 'client_credentials', 'device_code', 'api_key', 'none')),
    client_id            TEXT,
    -- Sealed by the vault; never plaintext.
    client_secret_sealed BLOB,
    authorize_url        TEXT,
    token_url            TEXT,
    revocation_url       TEXT,
    device_url           TEXT,
    scopes               TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    scope_separator      TEXT NOT NULL,
    authorize_params     TEXT NOT NULL DEFAULT '[]',  -- JSON array of {name, value}
    token_params         TEXT NOT NULL DEFAULT '[]',  -- JSON array of {name, value}
    client_auth          TEXT NOT NULL CHECK (client_auth IN ('basic', 'post', 'none')),
    pkce                 TEXT NOT NULL CHECK (pkce IN ('S256', 'plain', 'off')),
    redirect_uri         TEXT,
    api_base_url         TEXT,
    token_placement      TEXT NOT NULL CHECK (token_placement IN ('header', 'query')),
    token_name           TEXT NOT NULL,
    token_prefix         TEXT NOT NULL,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    service_id     INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    external_id    TEXT NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
    label          TEXT,
    status         TEXT NOT NULL CHECK (status IN ('new', 'authorized', 'needs_reauth', 'revoked')),
    granted_scopes TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    expires_at     INTEGER,
    subject        TEXT,
    email          TEXT,
    name           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (service_id, external_id)
) STRICT;

-- Sealed token sets, one row per user, replaced in one transaction.
CREATE TABLE credentials (
    user_id       INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tokens_sealed BLOB NOT NULL,
    token_type    TEXT,
    scopes        TEXT NOT NULL DEFAULT '[]',
    expires_at    INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

-- One-shot authorization attempts awaiting their redirect.
CREATE TABLE pending_authorizations (
    state                  TEXT PRIMARY KEY NOT NULL,
    user_id                INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pkce_verifier_sealed   BLOB,
    redirect_uri           TEXT NOT NULL,
    created_at             INTEGER NOT NULL,
    expires_at             INTEGER NOT NULL
) STRICT;

CREATE TABLE saved_requests (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    method     TEXT NOT NULL CHECK (method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS')),
    url        TEXT NOT NULL,
    headers    TEXT NOT NULL DEFAULT '[]',  -- JSON array of {name, value}
    body       TEXT,
    extractors TEXT NOT NULL DEFAULT '[]',  -- JSON array
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (service_id, name)
) STRICT;

-- What was sent and answered, secrets redacted before they get here.
CREATE TABLE history (
    id                 INTEGER PRIMARY KEY,
    service_id         INTEGER REFERENCES services (id) ON DELETE SET NULL,
    user_id            INTEGER REFERENCES users (id) ON DELETE SET NULL,
    method             TEXT NOT NULL CHECK (method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS')),
    url                TEXT NOT NULL,
    request_headers    TEXT NOT NULL DEFAULT '[]',
    request_body       TEXT,
    status             INTEGER,
    duration_ms        INTEGER,
    response_size      INTEGER,
    response_headers   TEXT NOT NULL DEFAULT '[]',
    response_body      BLOB,
    response_truncated INTEGER NOT NULL DEFAULT 0 CHECK (response_truncated IN (0, 1)),
    error              TEXT,
    created_at         INTEGER NOT NULL
) STRICT;

CREATE INDEX users_by_service ON users (service_id);
CREATE INDEX history_by_time ON history (created_at);
CREATE INDEX history_by_user ON history (user_id);
