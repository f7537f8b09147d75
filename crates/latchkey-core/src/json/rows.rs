//! The JSON body builder: rows of key, type and value (nested) to a
//! document, and a document back to rows. Every bad row is reported at once,
//! each named by its path so the form can mark it.

use super::format::invalid_json;
use super::path::{push_index, push_key};
use crate::error::{Error, FieldError, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RowType {
    #[default]
    String,
    Number,
    /// A whole number (what a schema's `integer` asks for).
    Integer,
    Boolean,
    Null,
    Object,
    Array,
    /// `value` is JSON text, inserted as parsed.
    Raw,
}

/// One row of the form. The root row's key is ignored; children of an
/// array row have their keys ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct BodyRow {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: RowType,
    /// The text typed: a string, a number, `true`/`false`, raw JSON; unused
    /// for null, object and array.
    pub value: String,
    pub children: Vec<BodyRow>,
}

/// Builds the document, or reports every bad row.
pub fn rows_to_json(root: &BodyRow) -> Result<Value> {
    let mut errors = Vec::new();
    let mut path = String::from("$");
    let value = build(root, &mut path, &mut errors);
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(Error::Validation(errors))
    }
}

/// A row's name in messages: its path without the leading `$.`.
fn row_name(path: &str) -> &str {
    let name = path.trim_start_matches('$').trim_start_matches('.');
    if name.is_empty() {
        "the root"
    } else {
        name
    }
}

fn build(row: &BodyRow, path: &mut String, errors: &mut Vec<FieldError>) -> Value {
    let mut fail = |path: &str, message: String| errors.push(FieldError::new(path, message));
    match row.kind {
        RowType::String => Value::String(row.value.clone()),
        RowType::Null => Value::Null,
        RowType::Number => {
            let text = row.value.trim();
            match serde_json::from_str::<Value>(text) {
                Ok(number @ Value::Number(_)) => number,
                _ => {
                    fail(
                        path,
                        format!("`{}` is not a number (row `{}`)", row.value, row_name(path)),
                    );
                    Value::Null
                }
            }
        }
        RowType::Integer => {
            let text = row.value.trim();
            match serde_json::from_str::<Value>(text) {
                Ok(number @ Value::Number(_)) if number.is_i64() || number.is_u64() => number,
                _ => {
                    fail(
                        path,
                        format!(
                            "`{}` is not a whole number (row `{}`)",
                            row.value,
                            row_name(path)
                        ),
                    );
                    Value::Null
                }
            }
        }
        RowType::Boolean => match row.value.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => {
                fail(
                    path,
                    format!(
                        "`{}` is not true or false (row `{}`)",
                        row.value,
                        row_name(path)
                    ),
                );
                Value::Null
            }
        },
        RowType::Raw => match serde_json::from_str::<Value>(&row.value) {
            Ok(value) => value,
            Err(e) => {
                let what = format!("row `{}`", row_name(path));
                fail(path, invalid_json(&what, &e).to_string());
                Value::Null
            }
        },
        RowType::Array => {
            let mut items = Vec::with_capacity(row.children.len());
            for (i, child) in row.children.iter().enumerate() {
                let len = path.len();
                push_index(path, i);
                items.push(build(child, path, errors));
                path.truncate(len);
            }
            Value::Array(items)
        }
        RowType::Object => {
            let mut map = Map::new();
            for child in &row.children {
                let len = path.len();
                if child.key.is_empty() {
                    errors.push(FieldError::new(
                        path,
                        format!("a row in `{}` has no key", row_name(path)),
                    ));
                    continue;
                }
                push_key(path, &child.key);
                let value = build(child, path, errors);
                if map.contains_key(&child.key) {
                    errors.push(FieldError::new(
                        path,
                        format!(
                            "the key `{}` appears more than once (row `{}`)",
                            child.key,
                            row_name(path)
                        ),
                    ));
                } else {
                    map.insert(child.key.clone(), value);
                }
                path.truncate(len);
            }
            Value::Object(map)
        }
    }
}

/// A document as rows (the reverse of [`rows_to_json`]). A member with an
/// empty key is valid JSON but not a row the form can build (an empty key
/// there means one was forgotten), so such a document is refused, naming
/// where, rather than turned into rows that no longer build.
pub fn json_to_rows(value: &Value) -> Result<BodyRow> {
    let mut path = String::from("$");
    to_row(String::new(), value, &mut path)
}

fn to_row(key: String, value: &Value, path: &mut String) -> Result<BodyRow> {
    let (kind, text, children) = match value {
        Value::Null => (RowType::Null, String::new(), Vec::new()),
        Value::Bool(b) => (RowType::Boolean, b.to_string(), Vec::new()),
        Value::Number(n) => (RowType::Number, n.to_string(), Vec::new()),
        Value::String(s) => (RowType::String, s.clone(), Vec::new()),
        Value::Array(items) => {
            let mut children = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                push_index(path, i);
                children.push(to_row(String::new(), item, path)?);
                path.truncate(len);
            }
            (RowType::Array, String::new(), children)
        }
        Value::Object(map) => {
            let mut children = Vec::with_capacity(map.len());
            for (k, v) in map {
                if k.is_empty() {
                    let whose = match row_name(path) {
                        "the root" => "the body".to_string(),
                        name => format!("`{name}`"),
                    };
                    return Err(Error::InvalidInput(format!(
                        "{whose} has a member with an empty key, which the form cannot show: edit this body as raw JSON"
                    )));
                }
                let len = path.len();
                push_key(path, k);
                children.push(to_row(k.clone(), v, path)?);
                path.truncate(len);
            }
            (RowType::Object, String::new(), children)
        }
    };
    Ok(BodyRow {
        key,
        kind,
        value: text,
        children,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(key: &str, kind: RowType, value: &str) -> BodyRow {
        BodyRow {
            key: key.into(),
            kind,
            value: value.into(),
            children: vec![],
        }
    }

    fn object(key: &str, children: Vec<BodyRow>) -> BodyRow {
        BodyRow {
            key: key.into(),
            kind: RowType::Object,
            value: String::new(),
            children,
        }
    }

    #[test]
    fn builds_the_goto_meeting_body_in_order() {
        let root = object(
            "",
            vec![
                row("subject", RowType::String, "Standup"),
                row("starttime", RowType::String, "2030-01-01T10:00:00Z"),
                row("passwordrequired", RowType::Boolean, "false"),
                row("conferencecallinfo", RowType::String, "VoIP"),
                row("timezonekey", RowType::Number, " 12 "),
                row("meetingtype", RowType::String, "scheduled"),
                row("coorganizers", RowType::Raw, "[\"a@b.c\"]"),
                row("notes", RowType::Null, "ignored"),
                BodyRow {
                    key: "tags".into(),
                    kind: RowType::Array,
                    value: String::new(),
                    children: vec![row("ignored", RowType::Number, "1.5e3")],
                },
            ],
        );
        let doc = rows_to_json(&root).unwrap();
        assert_eq!(
            serde_json::to_string(&doc).unwrap(),
            r#"{"subject":"Standup","starttime":"2030-01-01T10:00:00Z","passwordrequired":false,"conferencecallinfo":"VoIP","timezonekey":12,"meetingtype":"scheduled","coorganizers":["a@b.c"],"notes":null,"tags":[1500.0]}"#
        );
    }

    #[test]
    fn reports_every_bad_row_by_path() {
        let root = object(
            "",
            vec![
                row("count", RowType::Number, "abc"),
                object(
                    "meeting",
                    vec![
                        row("ok", RowType::Boolean, "yes"),
                        row("raw", RowType::Raw, "{\n\"a\" 1}"),
                    ],
                ),
                row("count", RowType::String, "dup"),
                row("", RowType::String, "no key"),
            ],
        );
        let Err(Error::Validation(errors)) = rows_to_json(&root) else {
            panic!("expected validation errors");
        };
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages[0], "`abc` is not a number (row `count`)");
        assert_eq!(messages[1], "`yes` is not true or false (row `meeting.ok`)");
        assert!(
            messages[2].starts_with("row `meeting.raw` is not valid JSON"),
            "{}",
            messages[2]
        );
        assert!(
            messages[2].ends_with("at line 2, column 5"),
            "{}",
            messages[2]
        );
        assert_eq!(
            messages[3],
            "the key `count` appears more than once (row `count`)"
        );
        assert_eq!(messages[4], "a row in `the root` has no key");
        assert_eq!(errors[1].field, "$.meeting.ok");
    }

    #[test]
    fn an_integer_row_takes_whole_numbers_only() {
        let root = object(
            "",
            vec![
                row("n", RowType::Integer, " 42 "),
                row("big", RowType::Integer, "18446744073709551615"),
                row("frac", RowType::Integer, "1.5"),
                row("word", RowType::Integer, "{{n}}"),
            ],
        );
        let Err(Error::Validation(errors)) = rows_to_json(&root) else {
            panic!("expected validation errors");
        };
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`1.5` is not a whole number (row `frac`)",
                "`{{n}}` is not a whole number (row `word`)"
            ]
        );
        let fine = object(
            "",
            vec![
                row("n", RowType::Integer, " 42 "),
                row("big", RowType::Integer, "18446744073709551615"),
            ],
        );
        assert_eq!(
            rows_to_json(&fine).unwrap(),
            json!({"n": 42, "big": 18446744073709551615u64})
        );
    }

    #[test]
    fn documents_round_trip_through_rows() {
        let doc = json!({"z": 1, "a": [true, null, {"x y": "s"}], "n": -2.5, "e": {}});
        let rows = json_to_rows(&doc).unwrap();
        assert_eq!(rows.children[0].key, "z");
        assert_eq!(rows.children[1].kind, RowType::Array);
        assert_eq!(rows_to_json(&rows).unwrap(), doc);
        assert_eq!(
            rows_to_json(&json_to_rows(&json!("str")).unwrap()).unwrap(),
            json!("str")
        );
    }

    /// Found by the round-trip property: the default float parser turned
    /// this typed number into its neighbour.
    #[test]
    fn a_typed_number_is_built_exactly() {
        let root = object(
            "",
            vec![row("n", RowType::Number, "4.410190845187848e-284")],
        );
        let doc = rows_to_json(&root).unwrap();
        assert_eq!(doc["n"].as_f64(), Some(4.410190845187848e-284));
        let back = json_to_rows(&doc).unwrap();
        assert_eq!(back.children[0].value, "4.410190845187848e-284");
    }

    /// Found by the round-trip property: `{"": 1}` became a row with no key
    /// that the builder then refused, so the body could not be sent.
    #[test]
    fn a_document_with_an_empty_key_is_refused_by_name_not_half_converted() {
        let err = json_to_rows(&json!({"a": [{"ok": 1}, {"": null}]})).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
        assert_eq!(
            err.to_string(),
            "`a[1]` has a member with an empty key, which the form cannot show: edit this body as raw JSON"
        );
        let err = json_to_rows(&json!({"": 1})).unwrap_err();
        assert!(
            err.to_string().starts_with("the body has a member"),
            "{err}"
        );
    }
}
