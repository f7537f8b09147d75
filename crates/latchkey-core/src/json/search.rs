//! Search across keys and values for the viewer, returning paths.

use super::node::preview;
use super::path::{push_index, push_key};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

const DEFAULT_LIMIT: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SearchQuery {
    pub text: String,
    /// Off by default: viewers search like a browser's find.
    pub case_sensitive: bool,
    pub keys: bool,
    pub values: bool,
    /// At most this many hits (default 200).
    pub limit: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        Self {
            text: String::new(),
            case_sensitive: false,
            keys: true,
            values: true,
            limit: DEFAULT_LIMIT,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SearchTarget {
    Key,
    Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SearchHit {
    pub path: String,
    pub matched: SearchTarget,
    pub preview: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SearchResult {
    pub hits: Vec<SearchHit>,
    /// More hits exist past `limit`.
    pub truncated: bool,
}

/// Substring search over keys and scalar values, in document order.
pub fn search(doc: &Value, query: &SearchQuery) -> SearchResult {
    let mut result = SearchResult {
        hits: Vec::new(),
        truncated: false,
    };
    if query.text.is_empty() || query.limit == 0 {
        return result;
    }
    let needle = if query.case_sensitive {
        query.text.clone()
    } else {
        query.text.to_lowercase()
    };
    let mut searcher = Searcher {
        query,
        needle,
        result: &mut result,
    };
    let mut path = String::from("$");
    searcher.walk(doc, &mut path);
    result
}

struct Searcher<'q> {
    query: &'q SearchQuery,
    needle: String,
    result: &'q mut SearchResult,
}

impl Searcher<'_> {
    fn contains(&self, haystack: &str) -> bool {
        if self.query.case_sensitive {
            haystack.contains(&self.needle)
        } else {
            haystack.to_lowercase().contains(&self.needle)
        }
    }

    /// Records a hit; false once the limit is passed, to stop the walk.
    fn hit(&mut self, path: &str, matched: SearchTarget, value: &Value) -> bool {
        if self.result.hits.len() >= self.query.limit {
            self.result.truncated = true;
            return false;
        }
        self.result.hits.push(SearchHit {
            path: path.to_string(),
            matched,
            preview: preview(value).0,
        });
        true
    }

    fn walk(&mut self, value: &Value, path: &mut String) -> bool {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let len = path.len();
                    push_key(path, k);
                    let go_on = (!self.query.keys
                        || !self.contains(k)
                        || self.hit(path, SearchTarget::Key, v))
                        && self.walk(v, path);
                    path.truncate(len);
                    if !go_on {
                        return false;
                    }
                }
                true
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    push_index(path, i);
                    let go_on = self.walk(v, path);
                    path.truncate(len);
                    if !go_on {
                        return false;
                    }
                }
                true
            }
            Value::String(s) => {
                !self.query.values
                    || !self.contains(s)
                    || self.hit(path, SearchTarget::Value, value)
            }
            scalar => {
                !self.query.values
                    || !self.contains(&scalar.to_string())
                    || self.hit(path, SearchTarget::Value, value)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_keys_and_values_with_a_limit() {
        let doc = json!({"joinURL": "https://x/join", "items": [{"name": "Join me"}, 42, true]});
        let hits = search(
            &doc,
            &SearchQuery {
                text: "join".into(),
                ..Default::default()
            },
        );
        let paths: Vec<(&str, SearchTarget)> = hits
            .hits
            .iter()
            .map(|h| (h.path.as_str(), h.matched))
            .collect();
        assert_eq!(
            paths,
            [
                ("$.joinURL", SearchTarget::Key),
                ("$.joinURL", SearchTarget::Value),
                ("$.items[0].name", SearchTarget::Value)
            ]
        );
        assert!(!hits.truncated);
        let limited = search(
            &doc,
            &SearchQuery {
                text: "join".into(),
                limit: 2,
                ..Default::default()
            },
        );
        assert_eq!(limited.hits.len(), 2);
        assert!(limited.truncated);
        let sensitive = search(
            &doc,
            &SearchQuery {
                text: "Join".into(),
                case_sensitive: true,
                keys: false,
                ..Default::default()
            },
        );
        assert_eq!(sensitive.hits.len(), 1);
        let number = search(
            &doc,
            &SearchQuery {
                text: "42".into(),
                ..Default::default()
            },
        );
        assert_eq!(number.hits[0].path, "$.items[1]");
    }
}
