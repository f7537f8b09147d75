//! Reading an API description: JSON or YAML text into a JSON value, and
//! which specification it follows.

use crate::error::{Error, Result};
use serde_json::{Map, Number, Value};

/// The specification a document follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// Swagger 2.0.
    Swagger2,
    /// OpenAPI 3.x, with the version the document states (`3.0.3`, `3.1.0`).
    OpenApi3(String),
}

impl std::fmt::Display for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Spec::Swagger2 => f.write_str("Swagger 2.0"),
            Spec::OpenApi3(version) => write!(f, "OpenAPI {version}"),
        }
    }
}

/// Parses `text` as JSON (when it starts like JSON) or YAML. `source`
/// names the file or URL in messages.
pub fn parse_text(text: &str, source: &str) -> Result<Value> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        return Err(Error::InvalidInput(format!(
            "{source} is empty: an OpenAPI or Swagger document (JSON or YAML) was expected"
        )));
    }
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|err| {
            Error::InvalidInput(format!(
                "{source} is not valid JSON (line {}, column {}: {err})",
                err.line(),
                err.column()
            ))
        });
    }
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(trimmed).map_err(|err| {
        let place = err
            .location()
            .map(|l| format!("line {}, column {}: ", l.line(), l.column()))
            .unwrap_or_default();
        Error::InvalidInput(format!(
            "{source} is neither JSON nor valid YAML ({place}{err})"
        ))
    })?;
    Ok(yaml_to_json(yaml))
}

/// YAML allows keys that JSON does not (an unquoted `200:` response code is
/// a number): every key becomes its text.
fn yaml_to_json(value: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                n.as_f64()
                    .and_then(Number::from_f64)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                out.insert(key_text(key), yaml_to_json(value));
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn key_text(key: serde_yaml_ng::Value) -> String {
    use serde_yaml_ng::Value as Y;
    match key {
        Y::String(s) => s,
        Y::Bool(b) => b.to_string(),
        Y::Number(n) => n.to_string(),
        Y::Null => "null".into(),
        other => serde_json::to_string(&yaml_to_json(other)).unwrap_or_default(),
    }
}

/// Which specification `doc` follows, or a precise reason it is not an
/// API description Latchkey reads.
pub fn spec_of(doc: &Value, source: &str) -> Result<Spec> {
    let Some(object) = doc.as_object() else {
        return Err(Error::InvalidInput(format!(
            "{source} is not an OpenAPI document: its top level is {}, not an object with an `openapi` or `swagger` field",
            kind_of(doc)
        )));
    };
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if let Some(version) = object.get("openapi") {
        let version = text(version);
        if version.starts_with("3.") {
            return Ok(Spec::OpenApi3(version));
        }
        return Err(Error::InvalidInput(format!(
            "{source} says `openapi: {version}`: Latchkey reads OpenAPI 3.0, 3.1 and 3.2 and Swagger 2.0"
        )));
    }
    if let Some(version) = object.get("swagger") {
        let version = text(version);
        if version == "2.0" || version == "2" {
            return Ok(Spec::Swagger2);
        }
        return Err(Error::InvalidInput(format!(
            "{source} says `swagger: {version}`: Latchkey reads Swagger 2.0 and OpenAPI 3.x; convert older Swagger documents to 2.0 first"
        )));
    }
    if object.contains_key("swaggerVersion") {
        return Err(Error::InvalidInput(format!(
            "{source} is a Swagger 1.x document: Latchkey reads Swagger 2.0 and OpenAPI 3.x; convert it first"
        )));
    }
    let keys: Vec<&str> = object.keys().take(6).map(String::as_str).collect();
    Err(Error::InvalidInput(format!(
        "{source} is not an OpenAPI document: it has no `openapi` or `swagger` field (its top-level keys: {})",
        if keys.is_empty() {
            "none".to_string()
        } else {
            keys.join(", ")
        }
    )))
}

pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
