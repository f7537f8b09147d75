//! JSONPath (RFC 9535) through `serde_json_path`.

use super::path::{push_index, push_key};
use crate::error::{Error, Result};
use serde::Serialize;
use serde_json::Value;
use serde_json_path::{JsonPath, PathElement};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PathMatch {
    pub path: String,
    #[ts(type = "unknown")]
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PathQueryResult {
    pub expression: String,
    /// Every node selected, in the order RFC 9535 gives.
    pub matches: Vec<PathMatch>,
}

/// Parses an expression, saying where it goes wrong.
pub fn compile_path(expression: &str) -> Result<JsonPath> {
    JsonPath::parse(expression).map_err(|e| {
        // The position is a byte offset; people count characters from 1.
        let byte = e.position().min(expression.len());
        let column = expression
            .get(..byte)
            .map(|head| head.chars().count() + 1)
            .unwrap_or(byte + 1);
        Error::InvalidInput(format!(
            "`{expression}` is not a valid JSONPath: {} at column {column}",
            e.message()
        ))
    })
}

/// Runs a JSONPath query and returns each match with its path.
pub fn query_path(doc: &Value, expression: &str) -> Result<PathQueryResult> {
    let path = compile_path(expression)?;
    let matches = path
        .query_located(doc)
        .into_iter()
        .map(|node| {
            let mut text = String::from("$");
            for element in node.location().iter() {
                match element {
                    PathElement::Name(name) => push_key(&mut text, name),
                    PathElement::Index(i) => push_index(&mut text, *i),
                }
            }
            PathMatch {
                path: text,
                value: node.node().clone(),
            }
        })
        .collect();
    Ok(PathQueryResult {
        expression: expression.to_string(),
        matches,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects_with_paths() {
        let doc = json!({"meetings": [{"joinURL": "a", "n": 1}, {"joinURL": "b", "n": 5}]});
        let result = query_path(&doc, "$.meetings[?@.n > 2].joinURL").unwrap();
        assert_eq!(
            result.matches,
            vec![PathMatch {
                path: "$.meetings[1].joinURL".into(),
                value: json!("b")
            }]
        );
        let all = query_path(&doc, "$..joinURL").unwrap();
        assert_eq!(all.matches.len(), 2);
        assert!(query_path(&doc, "$.nothing").unwrap().matches.is_empty());
    }

    #[test]
    fn bad_expressions_say_where() {
        let err = query_path(&json!({}), "$.meetings[").unwrap_err();
        assert_eq!(err.code(), crate::error::ErrorCode::InvalidInput);
        let msg = err.to_string();
        assert!(msg.contains("is not a valid JSONPath"), "{msg}");
        assert!(msg.contains("column"), "{msg}");
        assert!(compile_path("meetings").is_err());
    }
}
