//! A value to start a request from, built from an (inlined) JSON Schema:
//! the document's example where it gives one, else the first enum value,
//! else a typed placeholder; required properties first.

use super::refs::{CYCLE_MARK, EXTERNAL_MARK};
use serde_json::{Map, Value};

/// Deeper than this, a skeleton stops (a schema that nests without end).
const MAX_DEPTH: usize = 16;

pub fn skeleton(schema: &Value) -> Value {
    build(schema, 0)
}

fn build(schema: &Value, depth: usize) -> Value {
    let Some(object) = schema.as_object() else {
        return Value::Null;
    };
    if depth > MAX_DEPTH || object.contains_key(CYCLE_MARK) || object.contains_key(EXTERNAL_MARK) {
        return Value::Null;
    }
    if let Some(example) = given_value(object) {
        return example;
    }
    if let Some(all) = object.get("allOf").and_then(Value::as_array) {
        return build(&merge_all_of(object, all), depth + 1);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = object
            .get(key)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return build(first, depth + 1);
        }
    }
    match type_of(object).as_deref() {
        Some("object") => build_object(object, depth),
        Some("array") => match object.get("items") {
            Some(items) if !is_cut(items) => Value::Array(vec![build(items, depth + 1)]),
            _ => Value::Array(Vec::new()),
        },
        Some("string") => Value::String(string_placeholder(object)),
        Some("integer") | Some("number") => Value::Number(0.into()),
        Some("boolean") => Value::Bool(false),
        _ => Value::Null,
    }
}

/// The example, const, first enum value or default the schema gives.
fn given_value(object: &Map<String, Value>) -> Option<Value> {
    if let Some(example) = object.get("example") {
        return Some(example.clone());
    }
    if let Some(first) = object
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return Some(first.clone());
    }
    if let Some(value) = object.get("x-example") {
        return Some(value.clone());
    }
    if let Some(value) = object.get("const") {
        return Some(value.clone());
    }
    if let Some(first) = object
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find(|v| !v.is_null()))
    {
        return Some(first.clone());
    }
    object.get("default").cloned()
}

/// The schema's type: the first non-null of a 3.1 type list, or what its
/// keywords imply.
pub fn type_of(object: &Map<String, Value>) -> Option<String> {
    match object.get("type") {
        Some(Value::String(t)) => return Some(t.clone()),
        Some(Value::Array(types)) => {
            return types
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .map(str::to_string)
        }
        _ => {}
    }
    if object.contains_key("properties") || object.contains_key("additionalProperties") {
        Some("object".into())
    } else if object.contains_key("items") {
        Some("array".into())
    } else {
        None
    }
}

fn build_object(object: &Map<String, Value>, depth: usize) -> Value {
    let mut out = Map::new();
    let Some(properties) = object.get("properties").and_then(Value::as_object) else {
        return Value::Object(out);
    };
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let readonly = |schema: &Value| schema.get("readOnly").and_then(Value::as_bool) == Some(true);
    for (name, schema) in properties
        .iter()
        .filter(|(name, _)| required.contains(&name.as_str()))
        .chain(
            properties
                .iter()
                .filter(|(name, _)| !required.contains(&name.as_str())),
        )
    {
        // A read-only property is the server's to set, not a request's.
        if readonly(schema) && !required.contains(&name.as_str()) {
            continue;
        }
        out.insert(name.clone(), build(schema, depth + 1));
    }
    Value::Object(out)
}

fn merge_all_of(object: &Map<String, Value>, parts: &[Value]) -> Value {
    let mut merged = object.clone();
    merged.remove("allOf");
    let mut properties = merged
        .remove("properties")
        .and_then(|p| p.as_object().cloned())
        .unwrap_or_default();
    let mut required: Vec<Value> = merged
        .remove("required")
        .and_then(|r| r.as_array().cloned())
        .unwrap_or_default();
    for part in parts {
        let Some(part) = part.as_object() else {
            continue;
        };
        let part = match part.get("allOf").and_then(Value::as_array) {
            Some(inner) => merge_all_of(part, inner),
            None => Value::Object(part.clone()),
        };
        if let Some(p) = part.get("properties").and_then(Value::as_object) {
            for (k, v) in p {
                properties.insert(k.clone(), v.clone());
            }
        }
        if let Some(r) = part.get("required").and_then(Value::as_array) {
            required.extend(r.iter().cloned());
        }
        for key in ["type", "example", "items", "enum", "format"] {
            if let Some(v) = part.get(key) {
                merged.entry(key).or_insert_with(|| v.clone());
            }
        }
    }
    if !properties.is_empty() {
        merged.insert("properties".into(), Value::Object(properties));
        merged.entry("type").or_insert_with(|| "object".into());
    }
    if !required.is_empty() {
        merged.insert("required".into(), Value::Array(required));
    }
    Value::Object(merged)
}

fn is_cut(schema: &Value) -> bool {
    schema.get(CYCLE_MARK).is_some() || schema.get(EXTERNAL_MARK).is_some()
}

fn string_placeholder(object: &Map<String, Value>) -> String {
    match object.get("format").and_then(Value::as_str) {
        Some(format) if !format.is_empty() => format!("<{format}>"),
        _ => "<string>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn required_first_examples_enums_and_placeholders() {
        let schema = json!({
            "type": "object",
            "required": ["subject", "starttime"],
            "properties": {
                "meetingtype": {"type": "string", "enum": ["scheduled", "recurring"]},
                "passwordrequired": {"type": "boolean"},
                "subject": {"type": "string", "example": "Weekly sync"},
                "starttime": {"type": "string", "format": "date-time"},
                "count": {"type": ["integer", "null"]},
                "id": {"type": "integer", "readOnly": true},
                "tags": {"type": "array", "items": {"type": "string"}}
            }
        });
        let out = skeleton(&schema);
        let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "subject",
                "starttime",
                "meetingtype",
                "passwordrequired",
                "count",
                "tags"
            ]
        );
        assert_eq!(out["subject"], "Weekly sync");
        assert_eq!(out["starttime"], "<date-time>");
        assert_eq!(out["meetingtype"], "scheduled");
        assert_eq!(out["passwordrequired"], false);
        assert_eq!(out["count"], 0);
        assert_eq!(out["tags"], json!(["<string>"]));
    }

    #[test]
    fn all_of_merges_and_one_of_takes_the_first() {
        let schema = json!({"allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"properties": {"b": {"oneOf": [{"type": "integer"}, {"type": "string"}]}}, "required": ["b"]}
        ]});
        assert_eq!(skeleton(&schema), json!({"b": 0, "a": "<string>"}));
    }

    #[test]
    fn a_cut_cycle_ends_as_an_empty_list() {
        let schema = json!({"type": "object", "properties": {
            "children": {"type": "array", "items": {"$ref": "#/x", CYCLE_MARK: true}}
        }});
        assert_eq!(skeleton(&schema), json!({"children": []}));
    }
}
