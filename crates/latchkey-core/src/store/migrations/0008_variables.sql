-- Schema 8: variables for `{{NAME}}` in requests: global (service_id NULL)
-- or one service's. A secret variable's value is sealed by the vault
-- (associated data `variable:{id}`) and `value` is NULL.

CREATE TABLE variables (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER REFERENCES services(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    secret     INTEGER NOT NULL DEFAULT 0,
    value      TEXT,
    sealed     BLOB,
    updated_at INTEGER NOT NULL,
    CHECK ((secret = 1 AND value IS NULL AND sealed IS NOT NULL)
        OR (secret = 0 AND value IS NOT NULL AND sealed IS NULL))
);

CREATE UNIQUE INDEX variables_by_scope_and_name ON variables(IFNULL(service_id, 0), name);
