//! The OpenAPI 3.1 document of this API, written by hand; a test checks its
//! paths and methods against the router's table ([`super::router::ROUTES`]).

use serde_json::{json, Value};

fn problem_responses(codes: &[u16]) -> Value {
    let mut out = serde_json::Map::new();
    for code in codes {
        let description = match code {
            400 => "Bad input (invalid_input, invalid_json)",
            401 => "No API key, or a wrong one",
            403 => "Sent by a web page (Origin or Sec-Fetch-Site)",
            404 => "Unknown service, user or route",
            409 => "The user must authorize (again)",
            413 => "Request body over 1 MiB",
            415 => "The body is not JSON",
            421 => "Host header not this server (DNS rebinding)",
            502 => "The upstream API or provider failed",
            504 => "The upstream API timed out",
            _ => "Error",
        };
        out.insert(
            code.to_string(),
            json!({
                "description": description,
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
            }),
        );
    }
    Value::Object(out)
}

fn ok(schema: Value, errors: &[u16]) -> Value {
    let mut responses = problem_responses(errors);
    if let Some(map) = responses.as_object_mut() {
        map.insert(
            "200".into(),
            json!({"description": "OK", "content": {"application/json": {"schema": schema}}}),
        );
    }
    responses
}

fn body(schema: &str, required: bool) -> Value {
    json!({
        "required": required,
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}
    })
}

fn path_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}})
}

/// The document, with `base_url` (e.g. `http://127.0.0.1:7412`) as its server.
pub fn document(base_url: &str) -> Value {
    let service = path_param("service", "A service slug");
    let user = path_param("user", "A user's id as chosen when it was added");
    let var_params = json!([
        path_param("name", "A variable's name: letters, digits, _, - and ., starting with a letter or _"),
        {"name": "service", "in": "query", "required": false, "description": "A service slug: that service's variable (it wins over a global one of the same name); global without it", "schema": {"type": "string"}}
    ]);
    let params = json!({
        "oneOf": [
            {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
            {"type": "array", "items": {"$ref": "#/components/schemas/Param"}}
        ]
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Latchkey local API",
            "version": crate::VERSION,
            "description": "Login links and API requests as a signed-in user, on loopback only. Every route but /v1/health needs `Authorization: Bearer <key>` (`latchkey api-key rotate`). Requests with an Origin header are refused; there is no CORS."
        },
        "servers": [{"url": base_url}],
        "security": [{"apiKey": []}],
        "paths": {
            "/v1/health": {"get": {
                "operationId": "health", "summary": "Liveness (no key needed)", "security": [],
                "responses": ok(json!({"type": "object", "properties": {"status": {"const": "ok"}, "version": {"type": "string"}}}), &[403, 421])
            }},
            "/v1/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document",
                "responses": ok(json!({"type": "object"}), &[401, 403, 421])
            }},
            "/v1/services": {"get": {
                "operationId": "listServices", "summary": "Registered services (no secrets)",
                "responses": ok(json!({"type": "array", "items": {"$ref": "#/components/schemas/Service"}}), &[401, 403, 421])
            }},
            "/v1/services/{service}/users": {"get": {
                "operationId": "listUsers", "summary": "A service's users with their status",
                "parameters": [service],
                "responses": ok(json!({"type": "array", "items": {"$ref": "#/components/schemas/User"}}), &[401, 403, 404, 421])
            }},
            "/v1/services/{service}/users/{user}/login-link": {"post": {
                "operationId": "loginLink",
                "summary": "A login link; this server's loopback listener completes the sign-in when it is opened",
                "parameters": [service, user],
                "requestBody": body("LoginLinkInput", false),
                "responses": ok(json!({"$ref": "#/components/schemas/LoginLink"}), &[400, 401, 403, 404, 409, 413, 415, 421])
            }},
            "/v1/services/{service}/users/{user}/request": {"post": {
                "operationId": "request",
                "summary": "Send a request as the user (token put in and refreshed); recorded in history with source `api`",
                "parameters": [service, user],
                "requestBody": body("CallInput", true),
                "responses": ok(json!({"$ref": "#/components/schemas/CallOutput"}), &[400, 401, 403, 404, 409, 413, 415, 421, 502, 504])
            }},
            "/v1/vars/{name}": {
                "get": {
                    "operationId": "getVariable", "parameters": var_params, "summary": "A variable as a request sees it: the service's, else the global one (a secret one without its value)",
                    "responses": ok(json!({"$ref": "#/components/schemas/Variable"}), &[400, 401, 403, 404, 421])
                },
                "put": {
                    "operationId": "setVariable", "parameters": var_params, "summary": "Set a variable for {{name}} in requests; a secret one is sealed at rest and never answered again",
                    "requestBody": body("VarInput", true),
                    "responses": ok(json!({"$ref": "#/components/schemas/Variable"}), &[400, 401, 403, 404, 413, 415, 421])
                },
                "delete": {
                    "operationId": "deleteVariable", "parameters": var_params, "summary": "Remove a variable from exactly this scope",
                    "responses": {"204": {"description": "Removed"}, "401": problem_responses(&[401])["401"], "404": problem_responses(&[404])["404"]}
                }
            },
            "/v1/json/find": {"post": {
                "operationId": "jsonFind", "summary": "Find a key anywhere in a document",
                "requestBody": body("FindInput", true),
                "responses": ok(json!({"$ref": "#/components/schemas/Found"}), &[400, 401, 403, 413, 415, 421])
            }},
            "/v1/json/path": {"post": {
                "operationId": "jsonPath", "summary": "Run a JSONPath (RFC 9535) query on a document",
                "requestBody": body("PathInput", true),
                "responses": ok(json!({"$ref": "#/components/schemas/Found"}), &[400, 401, 403, 413, 415, 421])
            }}
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "The key `latchkey api-key rotate` prints"}},
            "schemas": {
                "Problem": {
                    "type": "object", "description": "RFC 9457 problem details",
                    "required": ["type", "title", "status", "detail", "code"],
                    "properties": {
                        "type": {"type": "string", "format": "uri"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "code": {"type": "string", "description": "Stable code: invalid_input, invalid_json, unauthorized, origin_refused, bad_host, not_found, no_such_route, needs_reauth, too_large, network, provider_error, timeout, ..."},
                        "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}
                    }
                },
                "Param": {"type": "object", "required": ["name", "value"], "properties": {"name": {"type": "string"}, "value": {"type": "string"}}},
                "Service": {"type": "object", "properties": {
                    "slug": {"type": "string"}, "name": {"type": "string"}, "preset": {"type": ["string", "null"]},
                    "auth_kind": {"enum": ["authorization_code", "client_credentials", "device_code", "api_key", "none"]},
                    "api_base_url": {"type": ["string", "null"]}, "scopes": {"type": "array", "items": {"type": "string"}},
                    "users": {"type": "integer"}
                }},
                "User": {"type": "object", "properties": {
                    "id": {"type": "string"}, "label": {"type": ["string", "null"]},
                    "status": {"enum": ["new", "authorized", "needs_reauth", "revoked"]},
                    "granted_scopes": {"type": "array", "items": {"type": "string"}},
                    "expires_at": {"type": ["integer", "null"], "description": "Unix ms"},
                    "subject": {"type": ["string", "null"]}, "email": {"type": ["string", "null"]}, "name": {"type": ["string", "null"]}
                }},
                "LoginLinkInput": {"type": "object", "additionalProperties": false, "properties": {
                    "timeout_secs": {"type": "integer", "minimum": 1, "maximum": 3600, "default": 300}
                }},
                "LoginLink": {"type": "object", "properties": {
                    "url": {"type": "string"}, "redirect_uri": {"type": "string"},
                    "expires_at": {"type": "integer"}, "timeout_secs": {"type": "integer"}
                }},
                "CallInput": {"type": "object", "required": ["method", "url"], "additionalProperties": false, "properties": {
                    "method": {"type": "string", "examples": ["POST"]},
                    "url": {"type": "string", "description": "Absolute, or relative to the service's API base URL", "examples": ["/meetings"]},
                    "headers": params, "query": params,
                    "json": {"description": "A JSON body (any value)"},
                    "form": params,
                    "body": {"type": "string", "description": "A raw text body; set its Content-Type in headers"},
                    "find": {"type": "string", "description": "A key to find anywhere in the JSON response, e.g. joinURL"},
                    "path": {"type": "string", "description": "A JSONPath query on the JSON response"},
                    "all": {"type": "boolean", "default": false, "description": "With find or path: `found` is every match as a list"},
                    "set": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Variables to store from a 2xx JSON answer: name → a key found anywhere, or a JSONPath starting with $", "examples": [{"mid": "meetingid"}]},
                    "timeout_ms": {"type": "integer", "default": 60000}
                }},
                "VarInput": {"type": "object", "required": ["value"], "additionalProperties": false, "properties": {
                    "value": {"type": "string"}, "secret": {"type": "boolean", "default": false}
                }},
                "Variable": {"type": "object", "properties": {
                    "name": {"type": "string"}, "service": {"type": ["string", "null"]},
                    "secret": {"type": "boolean"}, "value": {"type": ["string", "null"], "description": "null for a secret variable"},
                    "updated_at": {"type": "integer", "description": "Unix ms"}
                }},
                "Match": {"type": "object", "properties": {"path": {"type": "string"}, "value": {}}},
                "CallOutput": {"type": "object", "required": ["status", "headers", "body"], "properties": {
                    "status": {"type": "integer", "description": "The upstream status (any, including 4xx/5xx)"},
                    "reason": {"type": "string"},
                    "headers": {"type": "array", "items": {"$ref": "#/components/schemas/Param"}},
                    "body": {"description": "JSON when the response is JSON, else text; null when empty or binary"},
                    "body_base64": {"type": "string", "description": "A binary body"},
                    "found": {"description": "With find or path: the first match, null when none"},
                    "matches": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}},
                    "set": {"type": "object", "additionalProperties": {"type": "string"}, "description": "With set: each variable stored and its value"},
                    "url": {"type": "string"}, "duration_ms": {"type": "integer"},
                    "history_id": {"type": ["integer", "null"]}
                }},
                "FindInput": {"type": "object", "required": ["document", "key"], "additionalProperties": false, "properties": {
                    "document": {}, "key": {"type": "string"}, "case_insensitive": {"type": "boolean", "default": false}
                }},
                "PathInput": {"type": "object", "required": ["document", "path"], "additionalProperties": false, "properties": {
                    "document": {}, "path": {"type": "string", "examples": ["$[*].joinURL"]}
                }},
                "Found": {"type": "object", "properties": {
                    "found": {"description": "The first match, null when none"},
                    "matches": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}}
                }}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::router::ROUTES;
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn document_and_router_list_the_same_routes() {
        let doc = document("http://127.0.0.1:7412");
        assert_eq!(doc["openapi"], "3.1.0");
        let mut in_doc = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                in_doc.insert((method.to_uppercase(), path.clone()));
            }
        }
        let in_router: BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|r| (r.method.to_string(), r.path.to_string()))
            .collect();
        assert_eq!(in_doc, in_router);
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document("http://x");
        let text = doc.to_string();
        for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "missing schema {name}"
            );
        }
    }
}
