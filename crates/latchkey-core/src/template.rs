//! `{{NAME}}` references in a request, replaced by variables' values.
//!
//! `\{{` is a literal `{{` (the backslash is dropped). Any other `{{` must
//! open a reference: a name of letters, digits, `_`, `-` or `.` (starting
//! with a letter or `_`), spaces allowed around it, closed by `}}`.
//! Inside a JSON string the value is escaped as a JSON string's content;
//! outside one (`"count": {{n}}`) it goes in as written.

use crate::error::{Error, Result};

/// How a value is written where a reference stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Text,
    Json,
}

/// Whether `name` may be a variable's name.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && name.len() <= 64
}

/// A variable name, or a message saying what names look like.
pub fn check_name(name: &str) -> Result<()> {
    if is_valid_name(name) {
        return Ok(());
    }
    Err(Error::InvalidInput(format!(
        "`{}` is not a variable name: use letters, digits, `_`, `-` and `.`, starting with a letter or `_` (at most 64), e.g. `meeting_id`",
        crate::net::shown_input(name)
    )))
}

enum Piece<'a> {
    Literal(&'a str),
    Reference(&'a str),
}

fn pieces(text: &str) -> Result<Vec<Piece<'_>>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(at) = rest.find("{{") {
        if rest[..at].ends_with('\\') {
            out.push(Piece::Literal(&rest[..at - 1]));
            out.push(Piece::Literal("{{"));
            rest = &rest[at + 2..];
            offset += at + 2;
            continue;
        }
        out.push(Piece::Literal(&rest[..at]));
        let after = &rest[at + 2..];
        let Some(close) = after.find("}}") else {
            return Err(Error::InvalidInput(format!(
                "`{{{{` at character {} opens no variable: close it as `{{{{name}}}}`, or write `\\{{{{` for a literal `{{{{`",
                offset + at + 1
            )));
        };
        let name = after[..close].trim();
        if !is_valid_name(name) {
            return Err(Error::InvalidInput(format!(
                "`{{{{{}}}}}` at character {} is not a variable reference: names use letters, digits, `_`, `-` and `.`; write `\\{{{{` for a literal `{{{{`",
                crate::net::shown_input(&after[..close]),
                offset + at + 1
            )));
        }
        out.push(Piece::Reference(name));
        rest = &after[close + 2..];
        offset += at + 2 + close + 2;
    }
    out.push(Piece::Literal(rest));
    Ok(out)
}

/// The text of a JSON value wherever text is wanted (a variable it is
/// captured into, a value the CLI prints, so `$(...)` is the value itself):
/// a string without its quotes, anything else as compact JSON.
pub fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The names `text` refers to, in order (repeats included).
pub fn references(text: &str) -> Result<Vec<String>> {
    Ok(pieces(text)?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Reference(name) => Some(name.to_string()),
            Piece::Literal(_) => None,
        })
        .collect())
}

/// `text` with every reference replaced by `value(name)`; the caller has
/// checked that every name has one (see [`references`]).
pub fn expand(
    text: &str,
    context: Context,
    value: &dyn Fn(&str) -> Option<String>,
) -> Result<String> {
    if !text.contains("{{") {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    for piece in pieces(text)? {
        match piece {
            Piece::Literal(literal) => {
                if context == Context::Json {
                    in_string = json_string_state(literal, in_string);
                }
                out.push_str(literal);
            }
            Piece::Reference(name) => {
                let found = value(name).ok_or_else(|| unknown(&[name.to_string()]))?;
                if context == Context::Json && in_string {
                    let quoted = serde_json::Value::String(found).to_string();
                    out.push_str(&quoted[1..quoted.len() - 1]);
                } else {
                    out.push_str(&found);
                }
            }
        }
    }
    Ok(out)
}

/// Whether the text after `literal` is inside a JSON string, given whether
/// its start was.
fn json_string_state(literal: &str, mut in_string: bool) -> bool {
    let mut escaped = false;
    for c in literal.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        }
    }
    in_string
}

/// The error for references to variables that are not set.
pub fn unknown(names: &[String]) -> Error {
    let listed: Vec<String> = names.iter().map(|n| format!("`{{{{{n}}}}}`")).collect();
    let first = names.first().map(String::as_str).unwrap_or("NAME");
    Error::InvalidInput(format!(
        "unknown variable{} {}: set {} with `latchkey var set {first} VALUE` (add --service SLUG for one service); nothing was sent",
        if names.len() == 1 { "" } else { "s" },
        listed.join(", "),
        if names.len() == 1 { "it" } else { "them" },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(name: &str) -> Option<String> {
        match name {
            "subject" => Some("Weekly \"sync\"".into()),
            "mid" => Some("123".into()),
            _ => None,
        }
    }

    #[test]
    fn a_value_as_text_is_a_string_unquoted_or_compact_json() {
        use serde_json::json;
        assert_eq!(
            value_text(&json!("https://meet/7 \"x\"")),
            "https://meet/7 \"x\""
        );
        assert_eq!(value_text(&json!(7)), "7");
        assert_eq!(value_text(&json!(null)), "null");
        assert_eq!(value_text(&json!({"a": [1, "b"]})), r#"{"a":[1,"b"]}"#);
    }

    #[test]
    fn text_json_strings_and_bare_json_values() {
        assert_eq!(
            expand("/meetings/{{mid}}", Context::Text, &vars).unwrap(),
            "/meetings/123"
        );
        assert_eq!(
            expand("/m/{{ mid }}", Context::Text, &vars).unwrap(),
            "/m/123"
        );
        assert_eq!(
            expand(
                r#"{"subject":"{{subject}}","n":{{mid}},"q":"a\"{{mid}}"}"#,
                Context::Json,
                &vars
            )
            .unwrap(),
            r#"{"subject":"Weekly \"sync\"","n":123,"q":"a\"123"}"#
        );
    }

    #[test]
    fn an_escaped_brace_pair_is_literal_and_a_bad_one_is_named() {
        assert_eq!(
            expand(r"a \{{mid}} b", Context::Text, &vars).unwrap(),
            "a {{mid}} b"
        );
        let err = expand("x {{mid", Context::Text, &vars)
            .unwrap_err()
            .to_string();
        assert!(err.contains("at character 3 opens no variable"), "{err}");
        let err = expand("{{a b}}", Context::Text, &vars)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`{{a b}}` at character 1 is not a variable reference"),
            "{err}"
        );
        let err = expand("{{nope}}", Context::Text, &vars)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "unknown variable `{{nope}}`: set it with `latchkey var set nope VALUE`"
            ),
            "{err}"
        );
    }

    #[test]
    fn references_lists_names() {
        assert_eq!(references("{{a}}/{{ b.c }}/\\{{d}}").unwrap(), ["a", "b.c"]);
        assert!(is_valid_name("_x-1.y") && !is_valid_name("1x") && !is_valid_name(""));
    }
}
