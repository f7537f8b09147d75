//! JSONPath (RFC 9535) through `serde_json_path`.

use super::find::MAX_RESULT_PAGE;
use super::node::{preview, NodeKind};
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

/// One page of a JSONPath query's matches: their paths and previews; a
/// value itself is fetched by path when it is copied.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PathQueryPage {
    pub expression: String,
    /// How many nodes the query selects in all.
    pub total: usize,
    pub offset: usize,
    pub matches: Vec<PathHit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PathHit {
    pub path: String,
    pub kind: NodeKind,
    pub preview: String,
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
        .map(|node| PathMatch {
            path: path_text(node.location()),
            value: node.node().clone(),
        })
        .collect();
    Ok(PathQueryResult {
        expression: expression.to_string(),
        matches,
    })
}

/// Runs a JSONPath query and describes matches `offset..offset+limit` (at
/// most [`MAX_RESULT_PAGE`]), so `$..*` on a 50 MB answer sends one page.
pub fn query_path_page(
    doc: &Value,
    expression: &str,
    offset: usize,
    limit: usize,
) -> Result<PathQueryPage> {
    let path = compile_path(expression)?;
    let nodes = path.query_located(doc);
    let total = nodes.len();
    let matches = nodes
        .into_iter()
        .skip(offset)
        .take(limit.min(MAX_RESULT_PAGE))
        .map(|node| PathHit {
            path: path_text(node.location()),
            kind: NodeKind::of(node.node()),
            preview: preview(node.node()).0,
        })
        .collect();
    Ok(PathQueryPage {
        expression: expression.to_string(),
        total,
        offset,
        matches,
    })
}

fn path_text(location: &serde_json_path::NormalizedPath<'_>) -> String {
    let mut text = String::from("$");
    for element in location.iter() {
        match element {
            PathElement::Name(name) => push_key(&mut text, name),
            PathElement::Index(i) => push_index(&mut text, *i),
        }
    }
    text
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

    #[test]
    fn pages_matches_with_previews() {
        let items: Vec<Value> = (0..1200).map(|i| json!({"n": i})).collect();
        let doc = json!({ "items": items });
        let page = query_path_page(&doc, "$.items[*].n", 1000, 1000).unwrap();
        assert_eq!((page.total, page.offset), (1200, 1000));
        assert_eq!(page.matches.len(), 200);
        assert_eq!(page.matches[0].path, "$.items[1000].n");
        assert_eq!(page.matches[0].preview, "1000");
        assert_eq!(page.matches[0].kind, NodeKind::Number);
        let all = query_path_page(&doc, "$..*", 0, usize::MAX).unwrap();
        assert_eq!(all.total, 2401);
        assert_eq!(all.matches.len(), MAX_RESULT_PAGE);
        assert_eq!(all.matches[0].preview, "[…]");
        assert!(query_path_page(&doc, "$.items[", 0, 1).is_err());
    }
}
