-- Schema 5: credentials bound to origins, real API keys, and requests and
-- answers sealed at rest.

-- Origins (scheme://host[:port]) a token may go to besides the origin of
-- the API base URL: JSON array of strings.
ALTER TABLE services ADD COLUMN token_origins TEXT NOT NULL DEFAULT '[]';

-- An API-key service's key, sealed by the vault like a client secret.
ALTER TABLE services ADD COLUMN api_key_sealed BLOB;

-- The request spec, response headers and stored body of a history row,
-- sealed together by the vault (associated data names the row). Rows with
-- a sealed value keep `request_spec` and `response_headers` empty and
-- `response_body` NULL.
ALTER TABLE history ADD COLUMN sealed BLOB;

-- A saved request's spec and extractors, sealed by the vault; `spec` then
-- holds '{}' and `extractors` '[]'.
ALTER TABLE saved_requests ADD COLUMN sealed BLOB;
