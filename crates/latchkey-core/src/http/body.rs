//! Reading a response body within the size cap: small bodies in memory,
//! large ones streamed to a file; then decoding text by its charset.

use super::client::SendOptions;
use super::response::ResponseBody;
use crate::error::{Error, Result};
use base64::Engine as _;
use encoding_rs::Encoding;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// How much of the body is kept for history, whatever its size.
pub(crate) const HEAD_BYTES: usize = 1024 * 1024;

/// The sub-folder of the data dir for spilled bodies.
pub const BODIES_DIR: &str = "responses";

pub(crate) struct ReadBody {
    pub inline: Option<Vec<u8>>,
    pub file: Option<PathBuf>,
    pub size: u64,
    pub head: Vec<u8>,
}

/// Deletes a half-written file unless the read finished.
struct Spill {
    path: PathBuf,
    file: tokio::fs::File,
    keep: bool,
}

impl Drop for Spill {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

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

fn too_large(url: &str, cap: u64) -> Error {
    Error::TooLarge(format!(
        "the response from {url} is larger than the {} limit: raise the response size limit to receive it",
        human_bytes(cap)
    ))
}

pub(crate) async fn read_body(
    response: &mut reqwest::Response,
    options: &SendOptions,
    dir: &Path,
    url: &str,
) -> Result<ReadBody> {
    let cap = options.max_response_bytes;
    if response.content_length().is_some_and(|len| len > cap) {
        return Err(too_large(url, cap));
    }
    let io_error = |e: std::io::Error| {
        Error::Internal(format!(
            "cannot save the response body in {}: {e}",
            dir.display()
        ))
    };
    let mut inline = Vec::new();
    let mut head = Vec::new();
    let mut spill: Option<Spill> = None;
    let mut size: u64 = 0;
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| super::execute::transport_error(url, &e))?
    {
        size += chunk.len() as u64;
        if size > cap {
            return Err(too_large(url, cap));
        }
        if head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        if spill.is_none() && size > options.inline_body_bytes {
            crate::paths::private_dir(dir).map_err(io_error)?;
            let path = dir.join(format!("{}.body", uuid::Uuid::new_v4()));
            let mut owner_only = tokio::fs::OpenOptions::new();
            owner_only.write(true).create_new(true);
            #[cfg(unix)]
            owner_only.mode(0o600);
            let file = owner_only.open(&path).await.map_err(io_error)?;
            let mut opened = Spill {
                path,
                file,
                keep: false,
            };
            opened.file.write_all(&inline).await.map_err(io_error)?;
            inline = Vec::new();
            spill = Some(opened);
        }
        match spill.as_mut() {
            Some(s) => s.file.write_all(&chunk).await.map_err(io_error)?,
            None => inline.extend_from_slice(&chunk),
        }
    }
    let file = match spill {
        Some(mut s) => {
            s.file.flush().await.map_err(io_error)?;
            s.keep = true;
            Some(s.path.clone())
        }
        None => None,
    };
    Ok(ReadBody {
        inline: if file.is_some() { None } else { Some(inline) },
        file,
        size,
        head,
    })
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
pub(crate) fn decode(bytes: &[u8], content_type: Option<&str>) -> ResponseBody {
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
        match decode(latin1, Some("text/plain; charset=\"ISO-8859-1\"")) {
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
        match decode("{\"a\":\"é\"}".as_bytes(), Some("application/json")) {
            ResponseBody::Text { text, charset, .. } => assert_eq!(
                (text.as_str(), charset.as_str()),
                ("{\"a\":\"é\"}", "UTF-8")
            ),
            other => panic!("{other:?}"),
        }
        match decode(b"ok \xff", Some("text/plain")) {
            ResponseBody::Text { note, .. } => assert!(note.unwrap().contains("not valid UTF-8")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn binary_is_kept_as_base64_with_a_note() {
        match decode(&[0x89, b'P', b'N', b'G', 0], Some("image/png")) {
            ResponseBody::Binary { base64, note } => {
                assert_eq!(base64, "iVBORwA=");
                assert!(note.contains("image/png"), "{note}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            decode(&[0, 1, 2], None),
            ResponseBody::Binary { .. }
        ));
        assert!(matches!(decode(b"plain", None), ResponseBody::Text { .. }));
        assert_eq!(decode(b"", Some("text/plain")), ResponseBody::Empty);
        assert_eq!(charset_of("text/html; Charset=utf-8"), Some("utf-8"));
    }
}
