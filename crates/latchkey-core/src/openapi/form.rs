//! A body skeleton as the JSON form's rows, each typed by what its schema
//! says (`type`, `format`) rather than by the example value it starts
//! from: an integer field is an integer row even when the skeleton holds
//! a placeholder `0`, and a string whose example is `"42"` stays a string.

use super::skeleton::type_of;
use crate::error::Result;
use crate::json::{json_to_rows, BodyRow, RowType};
use serde_json::{Map, Value};

/// The rows of `value` (a skeleton or any body), typed by `schema` where
/// the schema says one type and the value can be written as it. Where the
/// schema is silent, ambiguous (`oneOf` of different types) or contradicts
/// the value beyond conversion, the row keeps the value's own type.
pub fn form_rows(value: &Value, schema: &Value) -> Result<BodyRow> {
    let mut root = json_to_rows(value)?;
    retype(&mut root, schema, 0);
    Ok(root)
}

/// Deeper than this the rows keep their values' types (the skeleton stops
/// at a similar depth).
const MAX_DEPTH: usize = 32;

fn retype(row: &mut BodyRow, schema: &Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(schema) = single_schema(schema) else {
        return;
    };
    match row.kind {
        RowType::Object => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let extra = schema.get("additionalProperties");
            for child in &mut row.children {
                let own = properties
                    .and_then(|p| p.get(&child.key))
                    .or(extra.filter(|e| e.is_object()));
                if let Some(own) = own {
                    retype(child, own, depth + 1);
                }
            }
            return;
        }
        RowType::Array => {
            if let Some(items) = schema.get("items") {
                for child in &mut row.children {
                    retype(child, items, depth + 1);
                }
            }
            return;
        }
        // An explicit null stays null whatever the type (a cut cycle, a
        // nullable field the document left empty).
        RowType::Null | RowType::Raw => return,
        _ => {}
    }
    let Some(wanted) = type_of(&schema) else {
        return;
    };
    let text = row.value.trim();
    let next = match wanted.as_str() {
        "integer" if is_whole(text) => Some((RowType::Integer, text.to_string())),
        "number" if is_number(text) => Some((RowType::Number, text.to_string())),
        "boolean" if matches!(text, "true" | "false") => Some((RowType::Boolean, text.into())),
        "string" => Some((RowType::String, row.value.clone())),
        _ => None,
    };
    if let Some((kind, value)) = next {
        row.kind = kind;
        row.value = value;
    }
}

/// The schema to type a value by: `allOf` parts merged, and of `oneOf` /
/// `anyOf` the alternatives only when they all have the same type (else
/// none: the value's own type is the better guess).
fn single_schema(schema: &Value) -> Option<Map<String, Value>> {
    let object = schema.as_object()?;
    if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
        let mut merged = object.clone();
        merged.remove("allOf");
        for part in parts.iter().filter_map(single_schema) {
            for (key, value) in part {
                if let (true, Some(Value::Object(mine)), Value::Object(theirs)) =
                    (key == "properties", merged.get_mut(&key), &value)
                {
                    for (k, v) in theirs {
                        mine.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                } else if !merged.contains_key(&key) {
                    merged.insert(key, value);
                }
            }
        }
        return Some(merged);
    }
    for key in ["oneOf", "anyOf"] {
        let Some(alternatives) = object.get(key).and_then(Value::as_array) else {
            continue;
        };
        let typed: Vec<Map<String, Value>> = alternatives
            .iter()
            .filter_map(single_schema)
            .filter(|s| type_of(s).as_deref() != Some("null"))
            .collect();
        let first = typed.first()?;
        let kind = type_of(first)?;
        if typed
            .iter()
            .all(|s| type_of(s).as_deref() == Some(kind.as_str()))
        {
            // Objects of several shapes: the first one's properties.
            return Some(first.clone());
        }
        return None;
    }
    Some(object.clone())
}

fn is_whole(text: &str) -> bool {
    matches!(serde_json::from_str::<Value>(text), Ok(n @ Value::Number(_)) if n.is_i64() || n.is_u64())
}

fn is_number(text: &str) -> bool {
    matches!(serde_json::from_str::<Value>(text), Ok(Value::Number(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::skeleton;
    use serde_json::json;

    fn kinds(row: &BodyRow) -> Vec<(String, RowType, String)> {
        row.children
            .iter()
            .map(|c| (c.key.clone(), c.kind, c.value.clone()))
            .collect()
    }

    #[test]
    fn the_schema_types_the_rows_not_the_example() {
        let schema = json!({
            "type": "object",
            "properties": {
                "count": {"type": "integer", "format": "int32"},
                "ratio": {"type": "number"},
                "code": {"type": "string", "example": "42"},
                "flag": {"type": "boolean"},
                "when": {"type": "string", "format": "date-time"},
                "maybe": {"type": ["integer", "null"]},
                "legacy": {"type": "integer", "nullable": true},
                "either": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                "sized": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "integer", "maximum": 9}]}
            }
        });
        let rows = form_rows(&skeleton(&schema), &schema).unwrap();
        let k = |name: &str| {
            kinds(&rows)
                .into_iter()
                .find(|(key, _, _)| key == name)
                .map(|(_, kind, value)| (kind, value))
                .unwrap()
        };
        assert_eq!(k("count"), (RowType::Integer, "0".into()));
        assert_eq!(k("ratio"), (RowType::Number, "0".into()));
        assert_eq!(k("code"), (RowType::String, "42".into()));
        assert_eq!(k("flag"), (RowType::Boolean, "false".into()));
        assert_eq!(k("when"), (RowType::String, "<date-time>".into()));
        assert_eq!(k("maybe"), (RowType::Integer, "0".into()));
        assert_eq!(k("legacy"), (RowType::Integer, "0".into()));
        // Alternatives of different types: the value's own type.
        assert_eq!(k("either"), (RowType::Number, "0".into()));
        assert_eq!(k("sized"), (RowType::Integer, "0".into()));
    }

    #[test]
    fn a_document_example_is_typed_by_the_schema_where_it_can_be() {
        let schema = json!({
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "size": {"type": "integer"},
                "note": {"type": "integer"},
                "gone": {"type": "integer"},
                "meta": {"type": "object", "additionalProperties": {"type": "string"}},
                "list": {"type": "array", "items": {"type": "integer"}}
            }
        });
        // What a media-type example might say, not quite what the schema asks.
        let example = json!({
            "id": 42, "size": "7", "note": "soon", "gone": null,
            "meta": {"a": 1}, "list": [1, "2"]
        });
        let rows = form_rows(&example, &schema).unwrap();
        assert_eq!(
            kinds(&rows),
            [
                ("id".into(), RowType::String, "42".into()),
                ("size".into(), RowType::Integer, "7".into()),
                ("note".into(), RowType::String, "soon".into()),
                ("gone".into(), RowType::Null, String::new()),
                ("meta".into(), RowType::Object, String::new()),
                ("list".into(), RowType::Array, String::new()),
            ]
        );
        assert_eq!(rows.children[4].children[0].kind, RowType::String);
        assert_eq!(rows.children[4].children[0].value, "1");
        let list: Vec<RowType> = rows.children[5].children.iter().map(|c| c.kind).collect();
        assert_eq!(list, [RowType::Integer, RowType::Integer]);
        // What the form builds from it is what the schema asks for.
        assert_eq!(
            crate::json::rows_to_json(&rows).unwrap(),
            json!({"id": "42", "size": 7, "note": "soon", "gone": null, "meta": {"a": "1"}, "list": [1, 2]})
        );
    }

    #[test]
    fn all_of_parts_type_their_fields() {
        let schema = json!({"allOf": [
            {"type": "object", "properties": {"a": {"type": "integer"}}},
            {"properties": {"b": {"type": "string"}}}
        ]});
        let rows = form_rows(&json!({"a": 1, "b": 2}), &schema).unwrap();
        assert_eq!(
            kinds(&rows),
            [
                ("a".into(), RowType::Integer, "1".into()),
                ("b".into(), RowType::String, "2".into())
            ]
        );
    }
}
