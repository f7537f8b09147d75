-- Schema 7: the operations of a service, read from its OpenAPI / Swagger
-- document. Replaced whole when the document is read again.

CREATE TABLE operations (
    id           INTEGER PRIMARY KEY,
    service_id   INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    -- The document's order.
    position     INTEGER NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    operation_id TEXT,
    -- The whole operation (parameters, body schema and skeleton) as JSON.
    -- API descriptions are public text: nothing here is a secret.
    detail       TEXT NOT NULL,
    UNIQUE (service_id, method, path)
);

CREATE INDEX operations_by_service ON operations(service_id, position);
