//! "Find in JSON": a key anywhere in a document, e.g. `joinURL` in a
//! GoToMeeting answer, wherever the provider nested it.

use super::node::{preview, NodeKind};
use super::path::{push_index, push_key};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FindResult {
    pub key: String,
    /// The value of the first match in document order, if any.
    #[ts(type = "unknown")]
    pub first: Option<Value>,
    /// Every match, in document order.
    pub matches: Vec<KeyMatch>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct KeyMatch {
    /// Where the value is, e.g. `$[0].joinURL`.
    pub path: String,
    /// The key as the document spells it (may differ in case).
    pub key: String,
    pub kind: NodeKind,
    pub preview: String,
}

/// Finds `key` at any depth. Case-sensitive unless `case_insensitive`.
pub fn find_key(doc: &Value, key: &str, case_insensitive: bool) -> FindResult {
    let matcher = KeyMatcher::new(key, case_insensitive);
    let mut found = Vec::new();
    let mut trail = Vec::new();
    walk(doc, &matcher, &mut trail, &mut found);
    let first = found.first().map(|(_, v)| (*v).clone());
    let matches = found.into_iter().map(|(m, _)| m).collect();
    FindResult {
        key: key.to_string(),
        first,
        matches,
    }
}

/// One step from the root to a node, borrowed from the document.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path of a match, written out only when something matches: formatting
/// every node's path would cost more than the search itself.
fn path_of(trail: &[Step<'_>]) -> String {
    let mut path = String::from("$");
    for step in trail {
        match step {
            Step::Key(k) => push_key(&mut path, k),
            Step::Index(i) => push_index(&mut path, *i),
        }
    }
    path
}

struct KeyMatcher {
    key: String,
    case_insensitive: bool,
}

impl KeyMatcher {
    fn new(key: &str, case_insensitive: bool) -> Self {
        Self {
            key: if case_insensitive {
                key.to_lowercase()
            } else {
                key.to_string()
            },
            case_insensitive,
        }
    }

    fn matches(&self, candidate: &str) -> bool {
        if !self.case_insensitive {
            return candidate == self.key;
        }
        // The ASCII fast path avoids an allocation per key in large documents.
        if candidate.is_ascii() && self.key.is_ascii() {
            candidate.eq_ignore_ascii_case(&self.key)
        } else {
            candidate.to_lowercase() == self.key
        }
    }
}

fn walk<'a>(
    value: &'a Value,
    matcher: &KeyMatcher,
    trail: &mut Vec<Step<'a>>,
    found: &mut Vec<(KeyMatch, &'a Value)>,
) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                trail.push(Step::Key(k));
                if matcher.matches(k) {
                    found.push((
                        KeyMatch {
                            path: path_of(trail),
                            key: k.clone(),
                            kind: NodeKind::of(v),
                            preview: preview(v).0,
                        },
                        v,
                    ));
                }
                if v.is_object() || v.is_array() {
                    walk(v, matcher, trail, found);
                }
                trail.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                if v.is_object() || v.is_array() {
                    trail.push(Step::Index(i));
                    walk(v, matcher, trail, found);
                    trail.pop();
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn meeting() -> Value {
        json!([{
            "meetingid": 123,
            "joinURL": "https://global.gotomeeting.com/join/123",
            "conferenceCallInfo": "US: +1 555",
            "nested": {"JoinUrl": "other", "list": [{"joinURL": "second"}]}
        }])
    }

    #[test]
    fn finds_the_first_match_and_every_path() {
        let result = find_key(&meeting(), "joinURL", false);
        assert_eq!(
            result.first,
            Some(json!("https://global.gotomeeting.com/join/123"))
        );
        let paths: Vec<&str> = result.matches.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(paths, ["$[0].joinURL", "$[0].nested.list[0].joinURL"]);
        assert_eq!(result.matches[0].kind, NodeKind::String);
    }

    #[test]
    fn case_insensitive_on_request() {
        let result = find_key(&meeting(), "joinurl", true);
        assert_eq!(result.matches.len(), 3);
        assert_eq!(result.matches[1].key, "JoinUrl");
        assert!(find_key(&meeting(), "joinurl", false).matches.is_empty());
        assert_eq!(find_key(&meeting(), "joinurl", false).first, None);
    }

    #[test]
    fn odd_keys_are_bracket_quoted_and_containers_match_too() {
        let doc = json!({"a b": {"x-y": [1]}, "k": {"a b": 2}});
        let result = find_key(&doc, "a b", false);
        assert_eq!(result.first, Some(json!({"x-y": [1]})));
        assert_eq!(result.matches[0].path, "$['a b']");
        assert_eq!(result.matches[1].path, "$.k['a b']");
    }
}
