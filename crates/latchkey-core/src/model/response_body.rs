//! A response body as the viewer, the CLI and history show it, and how
//! bytes become one (text by charset, else base64).

use base64::Engine as _;
use encoding_rs::Encoding;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResponseBody {
    Empty,
    /// Decoded from `charset` (the content type's, else UTF-8).
    Text {
        text: String,
        charset: String,
        /// Set when some bytes could not be decoded and were replaced.
        note: Option<String>,
    },
    /// Not text: the bytes, base64-encoded.
    Binary {
        base64: String,
        note: String,
    },
    /// Too large to keep in memory: written to `path` in the data dir.
    File {
        path: String,
        note: String,
    },
}

/// A size as people read it: `512 bytes`, `1.5 KB`, `2.0 MB`.
pub(crate) fn human_bytes(n: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / MB)
    } else if n >= 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}

/// The `charset` parameter of a content type.
fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"'))
    })
}

/// Whether a media type is text (Some(true)), binary (Some(false)), or unknown.
fn is_text_type(content_type: &str) -> Option<bool> {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime.is_empty() {
        return None;
    }
    let text = mime.starts_with("text/")
        || mime.ends_with("+json")
        || mime.ends_with("+xml")
        || matches!(
            mime.as_str(),
            "application/json"
                | "application/xml"
                | "application/javascript"
                | "application/ecmascript"
                | "application/x-www-form-urlencoded"
                | "application/graphql"
                | "application/x-ndjson"
                | "application/problem+json"
                | "application/yaml"
                | "application/x-yaml"
        );
    if text {
        Some(true)
    } else if mime == "application/octet-stream"
        || mime.starts_with("image/")
        || mime.starts_with("audio/")
        || mime.starts_with("video/")
        || mime.starts_with("font/")
        || mime == "application/pdf"
        || mime == "application/zip"
    {
        Some(false)
    } else {
        None
    }
}

/// Text decoded by charset, or the bytes as base64 with a note.
pub fn decode_body(bytes: &[u8], content_type: Option<&str>) -> ResponseBody {
    if bytes.is_empty() {
        return ResponseBody::Empty;
    }
    let declared = content_type.and_then(is_text_type);
    let label = content_type.and_then(charset_of);
    let encoding = label.and_then(|l| Encoding::for_label(l.as_bytes()));
    let binary = |note: String| ResponseBody::Binary {
        base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        note,
    };
    match (declared, encoding) {
        (Some(false), _) => binary(format!(
            "binary body ({}, {}) kept as bytes",
            content_type.unwrap_or("no content type"),
            human_bytes(bytes.len() as u64)
        )),
        (Some(true), _) | (None, Some(_)) => {
            let chosen = encoding.unwrap_or(encoding_rs::UTF_8);
            let (text, used, had_errors) = chosen.decode(bytes);
            let mut note = match (label, encoding) {
                (Some(l), None) => Some(format!("unknown charset `{l}`: decoded as UTF-8")),
                _ => None,
            };
            if had_errors {
                note = Some(format!(
                    "some bytes are not valid {}: shown as �",
                    used.name()
                ));
            }
            ResponseBody::Text {
                text: text.into_owned(),
                charset: used.name().to_string(),
                note,
            }
        }
        (None, None) => match std::str::from_utf8(bytes) {
            // With no content type, text is what decodes cleanly and has no NUL.
            Ok(text) if !text.contains('\0') => ResponseBody::Text {
                text: text.to_string(),
                charset: "UTF-8".into(),
                note: None,
            },
            _ => binary(format!(
                "binary body ({}, {}) kept as bytes",
                content_type.unwrap_or("no content type"),
                human_bytes(bytes.len() as u64)
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_by_declared_charset() {
        let latin1 = b"caf\xe9";
        match decode_body(latin1, Some("text/plain; charset=\"ISO-8859-1\"")) {
            ResponseBody::Text {
                text,
                charset,
                note,
            } => {
                assert_eq!(text, "café");
                assert_eq!(charset, "windows-1252");
                assert_eq!(note, None);
            }
            other => panic!("{other:?}"),
        }
        match decode_body("{\"a\":\"é\"}".as_bytes(), Some("application/json")) {
            ResponseBody::Text { text, charset, .. } => assert_eq!(
                (text.as_str(), charset.as_str()),
                ("{\"a\":\"é\"}", "UTF-8")
            ),
            other => panic!("{other:?}"),
        }
        match decode_body(b"ok \xff", Some("text/plain")) {
            ResponseBody::Text { note, .. } => assert!(note.unwrap().contains("not valid UTF-8")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn binary_is_kept_as_base64_with_a_note() {
        match decode_body(&[0x89, b'P', b'N', b'G', 0], Some("image/png")) {
            ResponseBody::Binary { base64, note } => {
                assert_eq!(base64, "iVBORwA=");
                assert!(note.contains("image/png"), "{note}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            decode_body(&[0, 1, 2], None),
            ResponseBody::Binary { .. }
        ));
        assert!(matches!(
            decode_body(b"plain", None),
            ResponseBody::Text { .. }
        ));
        assert_eq!(decode_body(b"", Some("text/plain")), ResponseBody::Empty);
        assert_eq!(charset_of("text/html; Charset=utf-8"), Some("utf-8"));
    }
}
