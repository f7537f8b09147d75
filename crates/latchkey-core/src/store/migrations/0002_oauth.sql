-- Schema 2: what the OAuth engine needs besides the tables of schema 1.

-- Short leases that serialize work across processes (the app, CLI commands,
-- the local API), e.g. one token refresh per user at a time. A row is held
-- by `owner` until `expires_at` (unix ms); an expired lease may be taken
-- over, so a crashed holder never blocks anyone for long.
CREATE TABLE locks (
    name       TEXT PRIMARY KEY NOT NULL,
    owner      TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

-- The client-credentials token of a service (no user), sealed.
CREATE TABLE service_tokens (
    service_id    INTEGER PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    tokens_sealed BLOB NOT NULL,
    scopes        TEXT NOT NULL DEFAULT '[]',
    expires_at    INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX pending_authorizations_by_user ON pending_authorizations (user_id);
