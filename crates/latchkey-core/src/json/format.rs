//! Parsing with a useful error, and pretty/minify that rewrite only
//! whitespace: numbers, key order and duplicate keys stay exactly as sent.

use crate::error::{Error, Result};
use serde_json::Value;

/// Parses `text` as JSON; the error names `what` and the line and column.
pub fn parse_json(text: &str, what: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| invalid_json(what, &e))
}

pub(crate) fn invalid_json(what: &str, err: &serde_json::Error) -> Error {
    // serde_json's Display appends " at line L column C"; we say it our way.
    let full = err.to_string();
    let reason = full
        .rsplit_once(" at line ")
        .map(|(head, _)| head.to_string())
        .unwrap_or(full);
    Error::InvalidJson {
        message: format!(
            "{what} is not valid JSON: {reason} at line {}, column {}",
            err.line(),
            err.column()
        ),
        line: err.line(),
        column: err.column(),
    }
}

/// Checks the syntax without building a tree; errors name `what`.
pub(crate) fn check_json(text: &str, what: &str) -> Result<()> {
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map(|_| ())
        .map_err(|e| invalid_json(what, &e))
}

/// Two-space indented JSON.
pub fn pretty(text: &str) -> Result<String> {
    check_json(text, "the document")?;
    Ok(reformat(text, true))
}

/// JSON with no insignificant whitespace.
pub fn minify(text: &str) -> Result<String> {
    check_json(text, "the document")?;
    Ok(reformat(text, false))
}

/// Rewrites whitespace of valid JSON, copying every token verbatim.
fn reformat(text: &str, indent: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(s) = chars.next() {
                    out.push(s);
                    if s == '\\' {
                        if let Some(escaped) = chars.next() {
                            out.push(escaped);
                        }
                    } else if s == '"' {
                        break;
                    }
                }
            }
            c if c.is_whitespace() => {}
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                let empty = matches!(chars.peek(), Some('}') | Some(']'));
                if empty {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    if indent {
                        newline(&mut out, depth);
                    }
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                if indent {
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(',');
                if indent {
                    newline(&mut out, depth);
                }
            }
            ':' => out.push_str(if indent { ": " } else { ":" }),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_and_minify_keep_tokens_verbatim() {
        let text = r#" {"b": 12345678901234567890123, "a":[1, 2.50, {}, [ ]], "s":"x, \"y\": {z}", "b": true} "#;
        assert_eq!(
            minify(text).unwrap(),
            r#"{"b":12345678901234567890123,"a":[1,2.50,{},[]],"s":"x, \"y\": {z}","b":true}"#
        );
        let indented = pretty(text).unwrap();
        assert_eq!(
            indented,
            "{\n  \"b\": 12345678901234567890123,\n  \"a\": [\n    1,\n    2.50,\n    {},\n    []\n  ],\n  \"s\": \"x, \\\"y\\\": {z}\",\n  \"b\": true\n}"
        );
        assert_eq!(minify(&indented).unwrap(), minify(text).unwrap());
        assert_eq!(pretty("\"only\"").unwrap(), "\"only\"");
    }

    #[test]
    fn errors_give_line_and_column() {
        let err = pretty("{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        match &err {
            Error::InvalidJson {
                line,
                column,
                message,
            } => {
                assert_eq!((*line, *column), (3, 7));
                assert!(message.contains("line 3, column 7"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(err.code(), crate::error::ErrorCode::InvalidJson);
        let err = parse_json("[1,", "the body").unwrap_err().to_string();
        assert!(err.starts_with("the body is not valid JSON: EOF"), "{err}");
    }
}
