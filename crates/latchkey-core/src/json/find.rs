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

/// Most matches one page of results may hold, whatever the caller asks:
/// what one IPC call carries stays small whatever the document.
pub const MAX_RESULT_PAGE: usize = 500;

/// The first match's value travels with a page only below this size (as
/// JSON text); a bigger one is fetched by path when it is copied.
const FIRST_VALUE_BYTES: usize = 64 * 1024;

/// One page of a find: the number of matches in all, and the matches
/// `offset..offset+limit` in document order.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FindPage {
    pub key: String,
    /// How many matches the whole document has.
    pub total: usize,
    pub offset: usize,
    /// The value of the first match in document order, when there is one and
    /// it is small enough to send whole (64 KB of JSON).
    #[ts(type = "unknown")]
    pub first: Option<Value>,
    pub matches: Vec<KeyMatch>,
}

/// Finds `key` at any depth. Case-sensitive unless `case_insensitive`.
pub fn find_key(doc: &Value, key: &str, case_insensitive: bool) -> FindResult {
    let matcher = KeyMatcher::new(key, case_insensitive);
    let mut first = None;
    let mut matches = Vec::new();
    walk(doc, &matcher, &mut Vec::new(), &mut |trail, k, v| {
        if first.is_none() {
            first = Some(v.clone());
        }
        matches.push(key_match(trail, k, v));
    });
    FindResult {
        key: key.to_string(),
        first,
        matches,
    }
}

/// Counts every match of `key` but describes only those in
/// `offset..offset+limit` (at most [`MAX_RESULT_PAGE`]), so a key that occurs
/// half a million times in a 50 MB answer costs one walk and a small page.
pub fn find_key_page(
    doc: &Value,
    key: &str,
    case_insensitive: bool,
    offset: usize,
    limit: usize,
) -> FindPage {
    let matcher = KeyMatcher::new(key, case_insensitive);
    let end = offset.saturating_add(limit.min(MAX_RESULT_PAGE));
    let mut total = 0usize;
    let mut first = None;
    let mut matches = Vec::new();
    walk(doc, &matcher, &mut Vec::new(), &mut |trail, k, v| {
        if total == 0 {
            first = small_value(v);
        }
        if (offset..end).contains(&total) {
            matches.push(key_match(trail, k, v));
        }
        total += 1;
    });
    FindPage {
        key: key.to_string(),
        total,
        offset,
        first,
        matches,
    }
}

/// A copy of `value` if its JSON text is at most [`FIRST_VALUE_BYTES`].
fn small_value(value: &Value) -> Option<Value> {
    let small = match value {
        // Writing stops at the limit, so a huge container costs no more.
        Value::Object(_) | Value::Array(_) => {
            serde_json::to_writer(Budget(FIRST_VALUE_BYTES), value).is_ok()
        }
        Value::String(s) => s.len() <= FIRST_VALUE_BYTES,
        _ => true,
    };
    small.then(|| value.clone())
}

/// A writer that fails once more than its budget of bytes is written.
struct Budget(usize);

impl std::io::Write for Budget {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 = self
            .0
            .checked_sub(buf.len())
            .ok_or_else(|| std::io::Error::other("over budget"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn key_match(trail: &[Step<'_>], key: &str, value: &Value) -> KeyMatch {
    KeyMatch {
        path: path_of(trail),
        key: key.to_string(),
        kind: NodeKind::of(value),
        preview: preview(value).0,
    }
}

/// One step from the root to a node, borrowed from the document.
#[derive(Clone, Copy)]
pub(super) enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path of a match, written out only when something matches: formatting
/// every node's path would cost more than the search itself.
pub(super) fn path_of(trail: &[Step<'_>]) -> String {
    let mut path = String::from("$");
    for step in trail {
        match step {
            Step::Key(k) => push_key(&mut path, k),
            Step::Index(i) => push_index(&mut path, *i),
        }
    }
    path
}

/// Every member named `name` at any depth, in the order RFC 9535 gives
/// `$..name`: a node's own member first, then its children's, in order.
/// `on_match` gets a way to write the match's path (only when it needs it)
/// and the value. One walk, nothing collected on the way.
pub(super) fn descendants_named<'a>(
    value: &'a Value,
    name: &str,
    trail: &mut Vec<Step<'a>>,
    on_match: &mut dyn FnMut(&dyn Fn() -> String, &'a Value),
) {
    match value {
        Value::Object(map) => {
            if let Some((key, found)) = map.get_key_value(name) {
                trail.push(Step::Key(key));
                let so_far: &[Step<'a>] = trail;
                on_match(&|| path_of(so_far), found);
                trail.pop();
            }
            for (key, child) in map {
                if matches!(child, Value::Object(_) | Value::Array(_)) {
                    trail.push(Step::Key(key));
                    descendants_named(child, name, trail, on_match);
                    trail.pop();
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                if matches!(child, Value::Object(_) | Value::Array(_)) {
                    trail.push(Step::Index(i));
                    descendants_named(child, name, trail, on_match);
                    trail.pop();
                }
            }
        }
        _ => {}
    }
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

/// Calls `on_match` with the trail, key and value of every match, in
/// document order.
fn walk<'a>(
    value: &'a Value,
    matcher: &KeyMatcher,
    trail: &mut Vec<Step<'a>>,
    on_match: &mut dyn FnMut(&[Step<'a>], &'a str, &'a Value),
) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                trail.push(Step::Key(k));
                if matcher.matches(k) {
                    on_match(trail, k, v);
                }
                if v.is_object() || v.is_array() {
                    walk(v, matcher, trail, on_match);
                }
                trail.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                if v.is_object() || v.is_array() {
                    trail.push(Step::Index(i));
                    walk(v, matcher, trail, on_match);
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

    #[test]
    fn a_page_counts_every_match_and_describes_only_its_own() {
        let items: Vec<Value> = (0..1000)
            .map(|i| json!({"id": i, "joinURL": format!("https://x/{i}")}))
            .collect();
        let doc = Value::Array(items);
        let page = find_key_page(&doc, "joinURL", false, 10, 3);
        assert_eq!(page.total, 1000);
        assert_eq!(page.offset, 10);
        assert_eq!(page.first, Some(json!("https://x/0")));
        let paths: Vec<&str> = page.matches.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(paths, ["$[10].joinURL", "$[11].joinURL", "$[12].joinURL"]);
        let capped = find_key_page(&doc, "joinURL", false, 0, usize::MAX);
        assert_eq!(capped.matches.len(), MAX_RESULT_PAGE);
        let past_the_end = find_key_page(&doc, "joinURL", false, 5000, 10);
        assert_eq!((past_the_end.total, past_the_end.matches.len()), (1000, 0));
        let none = find_key_page(&doc, "nope", false, 0, 10);
        assert_eq!((none.total, none.first, none.matches.len()), (0, None, 0));
    }

    #[test]
    fn a_huge_first_value_is_left_for_copy_by_path() {
        let doc = json!({"big": "x".repeat(FIRST_VALUE_BYTES + 1), "small": {"big": 1}});
        let page = find_key_page(&doc, "big", false, 0, 10);
        assert_eq!(page.total, 2);
        assert_eq!(page.first, None);
        assert_eq!(page.matches[0].path, "$.big");
        assert!(page.matches[0].preview.len() < 200);
        let nested = json!({"k": [{"pad": "y".repeat(FIRST_VALUE_BYTES)}], "j": {"k": []}});
        assert_eq!(find_key_page(&nested, "k", false, 0, 1).first, None);
        assert_eq!(
            find_key_page(&nested, "j", false, 0, 1).first,
            Some(json!({"k": []}))
        );
    }
}
