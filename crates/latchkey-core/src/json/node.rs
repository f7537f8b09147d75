//! One node as the viewer sees it: its kind, a short preview and how many
//! children it has, never the whole subtree.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

/// Previews stop after this many characters.
const PREVIEW_CHARS: usize = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl NodeKind {
    pub fn of(value: &Value) -> Self {
        match value {
            Value::Object(_) => NodeKind::Object,
            Value::Array(_) => NodeKind::Array,
            Value::String(_) => NodeKind::String,
            Value::Number(_) => NodeKind::Number,
            Value::Bool(_) => NodeKind::Bool,
            Value::Null => NodeKind::Null,
        }
    }
}

/// A child of an object (with `key`) or an array (with `index`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct JsonNode {
    pub key: Option<String>,
    pub index: Option<usize>,
    /// Where it is, to page its children or copy the path.
    pub path: String,
    pub kind: NodeKind,
    /// Strings (JSON-quoted) and numbers as text, cut to 120 characters;
    /// `{…}`/`[…]` for containers.
    pub preview: String,
    /// Members or items of a container; 0 for scalars.
    pub child_count: usize,
    /// Whether `preview` was cut short.
    pub truncated: bool,
}

impl JsonNode {
    pub(crate) fn new(
        key: Option<String>,
        index: Option<usize>,
        path: String,
        value: &Value,
    ) -> Self {
        let (preview, truncated) = preview(value);
        Self {
            key,
            index,
            path,
            kind: NodeKind::of(value),
            preview,
            child_count: child_count(value),
            truncated,
        }
    }
}

pub fn child_count(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    }
}

/// A short text for a value, and whether it was cut.
pub fn preview(value: &Value) -> (String, bool) {
    match value {
        Value::Object(_) => ("{…}".into(), false),
        Value::Array(_) => ("[…]".into(), false),
        Value::String(s) => {
            let cut: String = s.chars().take(PREVIEW_CHARS).collect();
            let truncated = cut.len() < s.len();
            let quoted = Value::String(cut).to_string();
            (
                if truncated {
                    format!("{quoted}…")
                } else {
                    quoted
                },
                truncated,
            )
        }
        other => {
            let text = other.to_string();
            if text.chars().count() > PREVIEW_CHARS {
                (
                    text.chars().take(PREVIEW_CHARS).collect::<String>() + "…",
                    true,
                )
            } else {
                (text, false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn previews_are_short_and_typed() {
        assert_eq!(preview(&json!("hi")), ("\"hi\"".into(), false));
        assert_eq!(preview(&json!(12.5)), ("12.5".into(), false));
        assert_eq!(preview(&json!({"a": 1})), ("{…}".into(), false));
        let (long, cut) = preview(&json!("x".repeat(500)));
        assert!(cut);
        assert_eq!(long.chars().count(), 120 + 3);
        assert_eq!(NodeKind::of(&json!(null)), NodeKind::Null);
        assert_eq!(child_count(&json!([1, 2, 3])), 3);
    }
}
