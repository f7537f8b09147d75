//! JSONPath (RFC 9535) through `serde_json_path`.

use super::find::{descendants_named, MAX_RESULT_PAGE};
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

/// `$..name`, the "key anywhere" shape, as the member name it selects.
/// Answered by one walk of the tree: the general descendant segment lists
/// every node of the document first, which costs more than the parse.
fn descendant_name(expression: &str) -> Option<&str> {
    let name = expression.strip_prefix("$..")?;
    // RFC 9535 member-name-shorthand: name-first then name-chars.
    let first = |c: char| c.is_ascii_alphabetic() || c == '_' || !c.is_ascii();
    let mut chars = name.chars();
    (chars.next().is_some_and(first) && chars.all(|c| first(c) || c.is_ascii_digit()))
        .then_some(name)
}

/// Runs a JSONPath query and returns each match with its path.
pub fn query_path(doc: &Value, expression: &str) -> Result<PathQueryResult> {
    let path = compile_path(expression)?;
    if let Some(name) = descendant_name(expression) {
        let mut matches = Vec::new();
        descendants_named(doc, name, &mut Vec::new(), &mut |path, value| {
            matches.push(PathMatch {
                path: path(),
                value: value.clone(),
            });
        });
        return Ok(PathQueryResult {
            expression: expression.to_string(),
            matches,
        });
    }
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
    let end = offset.saturating_add(limit.min(MAX_RESULT_PAGE));
    if let Some(name) = descendant_name(expression) {
        let (mut total, mut matches) = (0usize, Vec::new());
        descendants_named(doc, name, &mut Vec::new(), &mut |path, value| {
            if (offset..end).contains(&total) {
                matches.push(PathHit {
                    path: path(),
                    kind: NodeKind::of(value),
                    preview: preview(value).0,
                });
            }
            total += 1;
        });
        return Ok(PathQueryPage {
            expression: expression.to_string(),
            total,
            offset,
            matches,
        });
    }
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

    /// The `$..name` walk answers exactly what the general engine does:
    /// same nodes, same paths, same order (a node's own member before its
    /// children's), on a document that nests the key in the key.
    #[test]
    fn descendant_name_walk_matches_the_general_engine() {
        let doc = json!({
            "a": {"joinURL": 1, "b": [{"joinURL": {"joinURL": 2}}, 3, {"c": {"joinURL": null}}]},
            "joinURL": "top",
            "d": [[{"joinURL": [4]}]],
            "joinURLs": 5
        });
        for expression in ["$..joinURL", "$..c", "$..nothing", "$..b"] {
            assert!(descendant_name(expression).is_some());
            let general: Vec<(String, Value)> = compile_path(expression)
                .unwrap()
                .query_located(&doc)
                .into_iter()
                .map(|n| (path_text(n.location()), n.node().clone()))
                .collect();
            let fast: Vec<(String, Value)> = query_path(&doc, expression)
                .unwrap()
                .matches
                .into_iter()
                .map(|m| (m.path, m.value))
                .collect();
            assert_eq!(fast, general, "{expression}");
            let page = query_path_page(&doc, expression, 1, 2).unwrap();
            assert_eq!(page.total, general.len(), "{expression}");
            let paths: Vec<&str> = page.matches.iter().map(|m| m.path.as_str()).collect();
            let expected: Vec<&str> = general
                .iter()
                .skip(1)
                .take(2)
                .map(|(p, _)| p.as_str())
                .collect();
            assert_eq!(paths, expected, "{expression}");
        }
        assert_eq!(query_path(&doc, "$..joinURL").unwrap().matches.len(), 6);
        // Other shapes keep the general engine.
        for other in [
            "$..['joinURL']",
            "$..*",
            "$..joinURL[0]",
            "$.a..joinURL",
            "$..1a",
        ] {
            assert!(descendant_name(other).is_none(), "{other}");
        }
    }

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
