-- Schema 6: the issuer discovery found, and whether its authorization
-- responses carry `iss` (RFC 9207), so a sign-in can be checked against it.

-- The authorization server's issuer identifier, as discovery reported it.
ALTER TABLE services ADD COLUMN issuer TEXT;

-- 1 when the server advertised authorization_response_iss_parameter_supported:
-- a redirect without `iss` is then refused.
ALTER TABLE services ADD COLUMN authorization_response_iss INTEGER NOT NULL DEFAULT 0;
