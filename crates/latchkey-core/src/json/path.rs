//! JSONPath-style locations of a node: `$`, `.name` for identifier keys,
//! `['any key']` for the rest, `[0]` for array items. The viewer sends these
//! back to page a node, so [`parse_path`] reads exactly what
//! [`format_path`] writes (and RFC 9535 normalized paths).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use ts_rs::TS;

/// One step into a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum PathSegment {
    Index(usize),
    Key(String),
}

/// `$` followed by each segment.
pub fn format_path(segments: &[PathSegment]) -> String {
    let mut out = String::from("$");
    for segment in segments {
        match segment {
            PathSegment::Index(i) => push_index(&mut out, *i),
            PathSegment::Key(k) => push_key(&mut out, k),
        }
    }
    out
}

/// The node `segments` lead to, or `None` when the document has nothing
/// there (a key on an array, an index past the end).
pub fn node_at<'a>(
    doc: &'a serde_json::Value,
    segments: &[PathSegment],
) -> Option<&'a serde_json::Value> {
    let mut node = doc;
    for segment in segments {
        node = match (segment, node) {
            (PathSegment::Key(k), serde_json::Value::Object(map)) => map.get(k)?,
            (PathSegment::Index(i), serde_json::Value::Array(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The node at a path as [`format_path`] writes it (`$.data[0].id`).
pub fn value_at<'a>(doc: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    node_at(doc, &parse_path(path).ok()?)
}

pub(crate) fn push_index(out: &mut String, index: usize) {
    let _ = write!(out, "[{index}]");
}

/// Appends `.key`, or `['key']` when the key is not a JSONPath
/// member-name shorthand (RFC 9535 §2.5.1.1).
pub(crate) fn push_key(out: &mut String, key: &str) {
    if is_shorthand(key) {
        out.push('.');
        out.push_str(key);
        return;
    }
    out.push_str("['");
    for c in key.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push_str("']");
}

fn is_shorthand(key: &str) -> bool {
    let mut chars = key.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || !c.is_ascii());
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii())
}

/// Reads a path written by [`format_path`] (or a normalized path).
pub fn parse_path(path: &str) -> Result<Vec<PathSegment>> {
    let bad = |why: &str| Error::InvalidInput(format!("`{path}` is not a node path: {why}"));
    let rest = path
        .trim()
        .strip_prefix('$')
        .ok_or_else(|| bad("it must start with `$`"))?;
    let chars: Vec<char> = rest.chars().collect();
    let mut segments = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let start = i + 1;
                i = start;
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    i += 1;
                }
                if i == start {
                    return Err(bad("a `.` must be followed by a key"));
                }
                segments.push(PathSegment::Key(chars[start..i].iter().collect()));
            }
            '[' => {
                i += 1;
                match chars.get(i) {
                    Some(&q) if q == '\'' || q == '"' => {
                        let (key, next) = read_quoted(&chars, i + 1, q)
                            .ok_or_else(|| bad("a quoted key is not closed"))?;
                        i = next;
                        if chars.get(i) != Some(&']') {
                            return Err(bad("expected `]` after a quoted key"));
                        }
                        i += 1;
                        segments.push(PathSegment::Key(key));
                    }
                    _ => {
                        let start = i;
                        while i < chars.len() && chars[i].is_ascii_digit() {
                            i += 1;
                        }
                        let digits: String = chars[start..i].iter().collect();
                        if digits.is_empty() || chars.get(i) != Some(&']') {
                            return Err(bad(
                                "expected an index such as `[0]` or a key such as `['a b']`",
                            ));
                        }
                        i += 1;
                        let index = digits.parse().map_err(|_| bad("the index is too large"))?;
                        segments.push(PathSegment::Index(index));
                    }
                }
            }
            _ => return Err(bad("expected `.` or `[`")),
        }
    }
    Ok(segments)
}

/// Reads a quoted key from `start` (just after the opening quote); returns
/// the key and the position after the closing quote.
fn read_quoted(chars: &[char], start: usize, quote: char) -> Option<(String, usize)> {
    let mut key = String::new();
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            c if c == quote => return Some((key, i + 1)),
            '\\' => {
                i += 1;
                match *chars.get(i)? {
                    'n' => key.push('\n'),
                    'r' => key.push('\r'),
                    't' => key.push('\t'),
                    'b' => key.push('\u{8}'),
                    'f' => key.push('\u{c}'),
                    'u' => {
                        let hex: String = chars.get(i + 1..i + 5)?.iter().collect();
                        key.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                        i += 4;
                    }
                    other => key.push(other),
                }
            }
            c => key.push(c),
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_use_dots_and_others_brackets() {
        let path = format_path(&[
            PathSegment::Index(0),
            PathSegment::Key("joinURL".into()),
            PathSegment::Key("a b".into()),
            PathSegment::Key("it's".into()),
            PathSegment::Key("9lives".into()),
            PathSegment::Key("".into()),
        ]);
        assert_eq!(path, r"$[0].joinURL['a b']['it\'s']['9lives']['']");
    }

    #[test]
    fn parse_reads_what_format_writes() {
        let segments = vec![
            PathSegment::Key("data".into()),
            PathSegment::Index(12),
            PathSegment::Key("we\\ird 'key'\n".into()),
            PathSegment::Key("ünï".into()),
        ];
        assert_eq!(parse_path(&format_path(&segments)).unwrap(), segments);
        assert_eq!(parse_path("$").unwrap(), vec![]);
        assert_eq!(
            parse_path(r#"$["x"][1]"#).unwrap(),
            vec![PathSegment::Key("x".into()), PathSegment::Index(1)]
        );
    }

    #[test]
    fn parse_rejects_garbage_with_the_reason() {
        for bad in ["a.b", "$.", "$[x]", "$['open", "$[1"] {
            let err = parse_path(bad).unwrap_err().to_string();
            assert!(err.contains("is not a node path"), "{bad}: {err}");
        }
    }
}
