//! Search across keys and values for the viewer, returning paths.

use super::find::{path_of, Step};
use super::node::preview;
use super::text_match::TextMatcher;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
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
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    search_split(doc, query, SPLIT_MIN_ITEMS, threads.min(MAX_THREADS))
}

/// An array at least this long is searched in parts on several threads.
const SPLIT_MIN_ITEMS: usize = 10_000;
/// The window's own threads need a core too, beyond a few.
const MAX_THREADS: usize = 4;

fn search_split(
    doc: &Value,
    query: &SearchQuery,
    split_min_items: usize,
    threads: usize,
) -> SearchResult {
    let mut searcher = Searcher {
        query,
        matcher: &TextMatcher::new(&query.text, query.case_sensitive),
        trail: Vec::new(),
        result: SearchResult {
            hits: Vec::new(),
            truncated: false,
        },
        split: (threads > 1).then_some((split_min_items.max(threads), threads)),
    };
    if !query.text.is_empty() && query.limit > 0 {
        searcher.walk(doc);
    }
    searcher.result
}

struct Searcher<'a, 'q> {
    query: &'q SearchQuery,
    matcher: &'q TextMatcher,
    /// The way from the root, written out as a path only for a hit:
    /// formatting every node's path was a fifth of a search.
    trail: Vec<Step<'a>>,
    result: SearchResult,
    /// (shortest array, threads): the first array this long is cut into
    /// that many parts, searched at once. The walk over a parsed document
    /// mostly waits on memory, so it gains from a second core.
    split: Option<(usize, usize)>,
}

impl<'a> Searcher<'a, '_> {
    /// Records a hit; false once the limit is passed, to stop the walk.
    fn hit(&mut self, matched: SearchTarget, value: &Value) -> bool {
        if self.result.hits.len() >= self.query.limit {
            self.result.truncated = true;
            return false;
        }
        self.result.hits.push(SearchHit {
            path: path_of(&self.trail),
            matched,
            preview: preview(value).0,
        });
        true
    }

    fn scalar_matches(&self, value: &Value) -> bool {
        match value {
            Value::String(s) => self.matcher.contains(s),
            Value::Number(n) => self.matcher.contains_number(n),
            Value::Bool(true) => self.matcher.contains("true"),
            Value::Bool(false) => self.matcher.contains("false"),
            Value::Null => self.matcher.contains("null"),
            Value::Object(_) | Value::Array(_) => false,
        }
    }

    fn walk(&mut self, value: &'a Value) -> bool {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    self.trail.push(Step::Key(k));
                    let go_on = (!self.query.keys
                        || !self.matcher.contains(k)
                        || self.hit(SearchTarget::Key, v))
                        && self.walk(v);
                    self.trail.pop();
                    if !go_on {
                        return false;
                    }
                }
                true
            }
            Value::Array(items) => match self.split {
                Some((min, threads)) if items.len() >= min => {
                    self.split = None;
                    self.walk_in_parts(items, threads)
                }
                _ => self.walk_items(items, 0, None),
            },
            scalar => {
                !self.query.values
                    || !self.scalar_matches(scalar)
                    || self.hit(SearchTarget::Value, scalar)
            }
        }
    }

    /// `items` are the array's items from index `first` on; `stop` ends
    /// the walk early once an earlier part has filled the limit.
    fn walk_items(&mut self, items: &'a [Value], first: usize, stop: Option<&AtomicBool>) -> bool {
        for (i, v) in items.iter().enumerate() {
            if stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
                return false;
            }
            self.trail.push(Step::Index(first + i));
            let go_on = self.walk(v);
            self.trail.pop();
            if !go_on {
                return false;
            }
        }
        true
    }

    /// The same hits as [`Searcher::walk_items`] over all of `items`: the
    /// first part here, the others on their own threads, their hits taken
    /// in order as far as the limit allows.
    fn walk_in_parts(&mut self, items: &'a [Value], threads: usize) -> bool {
        let size = items.len().div_ceil(threads);
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let mut parts = items.chunks(size).enumerate();
            let Some((_, mine)) = parts.next() else {
                return true;
            };
            let others: Vec<_> = parts
                .map(|(n, part)| {
                    let mut other = Searcher {
                        query: self.query,
                        matcher: self.matcher,
                        trail: self.trail.clone(),
                        result: SearchResult {
                            hits: Vec::new(),
                            truncated: false,
                        },
                        split: None,
                    };
                    let stop = &stop;
                    let first = n * size;
                    std::thread::Builder::new()
                        .name("latchkey-search".into())
                        .spawn_scoped(scope, move || {
                            other.walk_items(part, first, Some(stop));
                            other.result
                        })
                        // No thread to be had: that part is walked here.
                        .map_err(|_| (part, first))
                })
                .collect();
            let mut go_on = self.walk_items(mine, 0, None);
            for other in others {
                if !go_on {
                    stop.store(true, Ordering::Relaxed);
                    break;
                }
                go_on = match other {
                    Ok(thread) => match thread.join() {
                        Ok(found) => self.take(found),
                        Err(panic) => std::panic::resume_unwind(panic),
                    },
                    Err((part, first)) => self.walk_items(part, first, None),
                };
            }
            go_on
        })
    }

    /// Adds a later part's hits after this part's, as one walk would have
    /// found them; false once the limit is passed.
    fn take(&mut self, later: SearchResult) -> bool {
        for hit in later.hits {
            if self.result.hits.len() >= self.query.limit {
                self.result.truncated = true;
                return false;
            }
            self.result.hits.push(hit);
        }
        // The later part found a hit past a full page of its own.
        if later.truncated {
            self.result.truncated = true;
            return false;
        }
        true
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

    /// The search as it was first written (lower-case a copy of every text,
    /// format every number, write every node's path): the meaning the
    /// faster walk must keep.
    fn reference(doc: &Value, query: &SearchQuery) -> SearchResult {
        use crate::json::path::{push_index, push_key};
        fn walk(
            q: &SearchQuery,
            needle: &str,
            out: &mut SearchResult,
            value: &Value,
            path: &mut String,
        ) -> bool {
            let contains = |hay: &str| {
                if q.case_sensitive {
                    hay.contains(needle)
                } else {
                    hay.to_lowercase().contains(needle)
                }
            };
            let hit = |out: &mut SearchResult, path: &str, matched, v: &Value| {
                if out.hits.len() >= q.limit {
                    out.truncated = true;
                    return false;
                }
                out.hits.push(SearchHit {
                    path: path.to_string(),
                    matched,
                    preview: preview(v).0,
                });
                true
            };
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        let len = path.len();
                        push_key(path, k);
                        let go_on =
                            (!q.keys || !contains(k) || hit(out, path, SearchTarget::Key, v))
                                && walk(q, needle, out, v, path);
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
                        let go_on = walk(q, needle, out, v, path);
                        path.truncate(len);
                        if !go_on {
                            return false;
                        }
                    }
                    true
                }
                Value::String(s) => {
                    !q.values || !contains(s) || hit(out, path, SearchTarget::Value, value)
                }
                scalar => {
                    !q.values
                        || !contains(&scalar.to_string())
                        || hit(out, path, SearchTarget::Value, value)
                }
            }
        }
        let mut out = SearchResult {
            hits: Vec::new(),
            truncated: false,
        };
        if query.text.is_empty() || query.limit == 0 {
            return out;
        }
        let needle = if query.case_sensitive {
            query.text.clone()
        } else {
            query.text.to_lowercase()
        };
        walk(query, &needle, &mut out, doc, &mut String::from("$"));
        out
    }

    /// Keys and values in mixed case, characters whose lower case is
    /// ASCII or longer than they are, numbers of every kind, odd keys.
    fn varied() -> Value {
        json!({
            "joinURL": "https://Meet.Example.test/JOIN/123",
            "Kelvin \u{212A}": ["\u{212A}ELVIN", "kelvin", "K"],
            "STRASSE": {"name": "Straße", "upper": "STRASSE ẞ", "İstanbul": "İSTANBUL istanbul"},
            "ΣΊΣΥΦΟΣ": "Σίσυφος ΟΔΟΣ",
            "a b": {"x-y": [1, -2, 3.5, 1.5e-7, 12345678901234567890u64, -9223372036854775808i64, 0.1]},
            "flags": [true, false, null, "true", "NULL", "False"],
            "emoji 🎉": "party 🎉 Time",
            "nested": [[{"joinurl": 42}, {"JOINURL": {"joinUrl": "deep"}}], []],
            "e": {"E": "e-7 1E5", "count": 1000000}
        })
    }

    #[test]
    fn the_walk_finds_what_the_first_search_found() {
        let doc = varied();
        let needles = [
            "join",
            "JOIN",
            "joinurl",
            "url",
            "k",
            "K",
            "\u{212A}",
            "kelvin",
            "ELVIN",
            "straße",
            "STRASSE",
            "ss",
            "ß",
            "ẞ",
            "i\u{307}",
            "İ",
            "istanbul",
            "σ",
            "Σ",
            "ς",
            "οσ",
            "🎉",
            "party 🎉 t",
            "1",
            "-2",
            "3.5",
            "e-7",
            "1e",
            "E",
            "e",
            "123456789",
            "-9223",
            "0.1",
            ".",
            "tru",
            "true",
            "false",
            "null",
            "NULL",
            "fa",
            "x-y",
            "a b",
            " ",
            "nothing at all",
            "deep",
            "/",
        ];
        for text in needles {
            for case_sensitive in [false, true] {
                for (keys, values) in [(true, true), (true, false), (false, true)] {
                    for limit in [0, 1, 2, 3, 200] {
                        let query = SearchQuery {
                            text: text.into(),
                            case_sensitive,
                            keys,
                            values,
                            limit,
                        };
                        let expected = reference(&doc, &query);
                        assert_eq!(search(&doc, &query), expected, "{query:?}");
                        for threads in [2, 3] {
                            let split = search_split(&doc, &query, 1, threads);
                            assert_eq!(split, expected, "{query:?} on {threads} threads");
                        }
                    }
                }
            }
        }
        let count = |text: &str| {
            let query = SearchQuery {
                text: text.into(),
                ..Default::default()
            };
            search(&doc, &query).hits.len()
        };
        // The keys joinURL, joinurl, JOINURL and joinUrl.
        assert_eq!(count("joinurl"), 4);
        assert_eq!(count("kelvin"), 3);
        // The number 1.5e-7 and the string "e-7 1E5".
        assert_eq!(count("e-7"), 2);
    }

    #[test]
    fn a_long_array_searched_in_parts_gives_the_hits_of_one_walk() {
        let items: Vec<Value> = (0..25_000)
            .map(|i| json!({"id": i, "name": format!("Item {i}")}))
            .collect();
        let doc = json!({"items": items, "item 0": true});
        for (text, limit) in [
            ("item 1", 500),
            ("item 24999", 500),
            ("item 2", 100_000),
            ("item 9999", 2),
            ("item 99", 111),
            ("ITEM 0", 1),
            ("nowhere", 10),
        ] {
            let query = SearchQuery {
                text: text.into(),
                limit,
                ..Default::default()
            };
            let expected = reference(&doc, &query);
            for threads in [2, 3, 4] {
                assert_eq!(
                    search_split(&doc, &query, 10_000, threads),
                    expected,
                    "{query:?} on {threads} threads"
                );
            }
        }
        let last = SearchQuery {
            text: "item 24999".into(),
            ..Default::default()
        };
        assert_eq!(search(&doc, &last).hits[0].path, "$.items[24999].name");
    }

    mod generated {
        use super::*;
        use proptest::prelude::*;
        use serde_json::{Map, Number};

        /// Text from a small alphabet with case pairs and awkward
        /// characters, so needles and texts often meet.
        fn text() -> impl Strategy<Value = String> {
            "[aAkKsSıIiİσΣςßẞ\u{212A}\u{307}é0-9 .eE+-]{0,8}"
        }

        fn document() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::from),
                any::<u64>().prop_map(Value::from),
                any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
                text().prop_map(Value::String),
            ];
            leaf.prop_recursive(4, 48, 6, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                    prop::collection::vec((text(), inner), 0..6).prop_map(|members| Value::Object(
                        members.into_iter().collect::<Map<_, _>>()
                    )),
                ]
            })
        }

        proptest! {
            #[test]
            fn any_document_any_needle(
                doc in document(),
                text in text(),
                case_sensitive: bool,
                keys: bool,
                values: bool,
                limit in 0usize..12,
            ) {
                let query = SearchQuery { text, case_sensitive, keys, values, limit };
                let expected = reference(&doc, &query);
                prop_assert_eq!(&search(&doc, &query), &expected);
                prop_assert_eq!(&search_split(&doc, &query, 1, 2), &expected);
                prop_assert_eq!(&search_split(&doc, &query, 2, 3), &expected);
            }
        }
    }
}
