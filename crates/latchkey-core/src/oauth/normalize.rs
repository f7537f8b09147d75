//! Tolerant reading of token-endpoint answers: turns what providers really
//! send into the RFC 6749 §5 JSON the `oauth2` crate parses, or says
//! precisely what is wrong. Pure, so every quirk has a unit test.
//!
//! Accepted: JSON or form-encoded bodies (GitHub without `Accept`),
//! `expires_in`/`interval` as strings, a missing or oddly-cased
//! `token_type`, `scope` as an array, Slack's always-200 `ok: false` and its
//! user token under `authed_user`, any 2xx. Refused with a specific message:
//! 5xx, HTML pages, other non-JSON bodies, a 4xx without an OAuth `error`.
//! Messages never include the body (it may hold tokens).

use serde_json::{Map, Value};

/// A normalized answer: HTTP status (200 for success, 4xx for an OAuth
/// error) and a JSON body. A 2xx with an empty body stays empty
/// (revocation answers that way).
#[derive(Debug, PartialEq)]
pub struct Normalized {
    pub status: u16,
    pub body: Vec<u8>,
}

/// `problem` completes the sentence "the token endpoint at URL ...".
pub fn normalize(status: u16, content_type: &str, body: &[u8]) -> Result<Normalized, String> {
    let ct = content_type.to_ascii_lowercase();
    let trimmed = trim_ascii(body);
    let parsed = parse_body(&ct, trimmed);
    if status >= 500 {
        let code = parsed
            .as_ref()
            .ok()
            .and_then(|o| o.get("error"))
            .and_then(Value::as_str)
            .map(|e| format!(" ({})", clean(e)))
            .unwrap_or_default();
        return Err(format!(
            "failed with HTTP {status}{code}: the provider has a problem; try again later"
        ));
    }
    let success = (200..300).contains(&status);
    if success && trimmed.is_empty() {
        return Ok(Normalized {
            status: 200,
            body: Vec::new(),
        });
    }
    let mut object = parsed.map_err(|what| format!("answered HTTP {status} with {what}"))?;

    // Slack answers 200 with `ok: false` and an `error` for every failure.
    if object.get("ok") == Some(&Value::Bool(false)) && !object.contains_key("error") {
        object.insert("error".into(), Value::String("provider_error".into()));
    }
    if let Some(error) = object.get("error") {
        if !error.is_string() {
            let text = error.to_string();
            object.insert("error".into(), Value::String(text));
        }
        // A 200 with an error body is an error (RFC 6749 §5.2 says 400).
        let status = if success { 400 } else { status };
        return Ok(Normalized {
            status,
            body: to_vec(&object),
        });
    }
    if !success {
        return Err(format!(
            "answered HTTP {status} without an OAuth error code"
        ));
    }
    // Slack: a user-token-only answer keeps the token under `authed_user`.
    if !object.contains_key("access_token") {
        if let Some(Value::Object(user)) = object.get("authed_user").cloned() {
            for (k, v) in user {
                object.entry(k).or_insert(v);
            }
        }
    }
    for key in ["expires_in", "interval"] {
        number_field(&mut object, key);
    }
    if object.contains_key("access_token") {
        match object.get("token_type") {
            None | Some(Value::Null) => {
                object.insert("token_type".into(), "bearer".into());
            }
            Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => {
                object.insert("token_type".into(), "bearer".into());
            }
            _ => {}
        }
    }
    if let Some(Value::Array(scopes)) = object.get("scope") {
        let joined: Vec<&str> = scopes.iter().filter_map(Value::as_str).collect();
        let joined = joined.join(" ");
        object.insert("scope".into(), Value::String(joined));
    }
    for key in ["refresh_token", "scope", "id_token"] {
        if object.get(key) == Some(&Value::Null) {
            object.remove(key);
        }
    }
    Ok(Normalized {
        status: 200,
        body: to_vec(&object),
    })
}

fn parse_body(ct: &str, body: &[u8]) -> Result<Map<String, Value>, String> {
    let looks_html = ct.contains("html") || body.first() == Some(&b'<') || body.starts_with(b"<!");
    if looks_html {
        return Err("an HTML page instead of JSON: check the token URL".into());
    }
    if body.is_empty() {
        return Err("an empty body".into());
    }
    if ct.contains("json") || body.first() == Some(&b'{') || body.first() == Some(&b'[') {
        return match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err("JSON that is not an object".into()),
            Err(_) => Err("a body that is not valid JSON".into()),
        };
    }
    if ct.contains("x-www-form-urlencoded") || ct.starts_with("text/plain") || ct.is_empty() {
        let map: Map<String, Value> = url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        if map.keys().any(|k| k == "access_token" || k == "error") {
            return Ok(map);
        }
    }
    let shown = if ct.is_empty() { "no content type" } else { ct };
    Err(format!("{} that is neither JSON nor a form", clean(shown)))
}

/// `"3600"` and `3600.0` become `3600`; anything else unusable is dropped
/// so a token is not lost over a field Latchkey can do without.
fn number_field(object: &mut Map<String, Value>, key: &str) {
    let value = match object.get(key) {
        None => return,
        Some(v) => v,
    };
    let number = match value {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f.round() as u64)),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    match number {
        Some(n) => {
            object.insert(key.into(), Value::from(n));
        }
        None => {
            object.remove(key);
        }
    }
}

fn to_vec(object: &Map<String, Value>) -> Vec<u8> {
    serde_json::to_vec(object).unwrap_or_default()
}

fn trim_ascii(body: &[u8]) -> &[u8] {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let end = body
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &body[start..end]
}

/// Provider text shown in a message: one line, bounded.
pub fn clean(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    one_line.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(status: u16, ct: &str, body: &str) -> Value {
        let n = normalize(status, ct, body.as_bytes()).unwrap();
        assert_eq!(n.status, 200);
        serde_json::from_slice(&n.body).unwrap()
    }

    /// From the fuzzer (the token_answer target, whose own assertion was
    /// too narrow): an OAuth error body under a status that is neither 2xx
    /// nor 4xx is still an error, keeps that status, and a Slack-style
    /// `ok: false` without a code gets one.
    #[test]
    fn an_error_body_keeps_a_non_2xx_status() {
        let n = normalize(
            302,
            "application/json",
            br#"{"ok":false,"er-ror":"invalid_code"}"#,
        )
        .unwrap();
        assert_eq!(n.status, 302);
        let v: Value = serde_json::from_slice(&n.body).unwrap();
        assert_eq!(v["error"], "provider_error");
        let n = normalize(200, "application/json", br#"{"ok":false}"#).unwrap();
        assert_eq!(n.status, 400);
    }

    #[test]
    fn form_encoded_and_string_expiry_become_standard_json() {
        let v = ok(
            200,
            "application/x-www-form-urlencoded",
            "access_token=a%2Bb&expires_in=3600&scope=repo",
        );
        assert_eq!(
            v,
            json!({"access_token":"a+b","expires_in":3600,"scope":"repo","token_type":"bearer"})
        );
        let v = ok(
            201,
            "application/json",
            r#"{"access_token":"x","token_type":"Bearer","expires_in":"60","scope":["a","b"]}"#,
        );
        assert_eq!(
            v,
            json!({"access_token":"x","token_type":"bearer","expires_in":60,"scope":"a b"})
        );
    }

    #[test]
    fn errors_in_a_200_become_oauth_errors() {
        let n = normalize(
            200,
            "application/json",
            br#"{"ok":false,"error":"invalid_code"}"#,
        )
        .unwrap();
        assert_eq!(n.status, 400);
        let n = normalize(200, "application/json", br#"{"error":"invalid_grant"}"#).unwrap();
        assert_eq!(n.status, 400);
    }

    #[test]
    fn slack_user_token_is_lifted_from_authed_user() {
        let v = ok(
            200,
            "application/json; charset=utf-8",
            r#"{"ok":true,"authed_user":{"id":"U1","access_token":"xoxp","token_type":"user","scope":"chat:write"}}"#,
        );
        assert_eq!(v["access_token"], "xoxp");
        assert_eq!(v["token_type"], "user");
    }

    #[test]
    fn html_5xx_and_bare_4xx_are_specific_errors_without_the_body() {
        let e = normalize(200, "text/html", b"<html>secret-token</html>").unwrap_err();
        assert!(e.contains("HTML") && !e.contains("secret"), "{e}");
        let e = normalize(
            502,
            "application/json",
            br#"{"error":"temporarily_unavailable"}"#,
        )
        .unwrap_err();
        assert!(
            e.contains("HTTP 502") && e.contains("temporarily_unavailable"),
            "{e}"
        );
        let e = normalize(404, "application/json", br#"{"message":"nope"}"#).unwrap_err();
        assert!(e.contains("without an OAuth error"), "{e}");
        let e = normalize(200, "application/json", b"[1]").unwrap_err();
        assert!(e.contains("not an object"), "{e}");
    }

    #[test]
    fn empty_success_stays_empty_for_revocation() {
        assert_eq!(
            normalize(200, "", b"").unwrap(),
            Normalized {
                status: 200,
                body: vec![]
            }
        );
    }
}
