//! Reading a response body within the size cap: small bodies in memory,
//! large ones streamed to a file; then decoding text by its charset.

use super::client::{transport_error, SendOptions};
use super::progress::{ReportProgress, Throttle};
use super::spill::SpillWriter;
use crate::error::{Error, Result};
use crate::model::human_bytes;
use crate::vault::Vault;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    file: Option<SpillWriter>,
    keep: bool,
}

impl Drop for Spill {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
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
    vault: Option<Arc<Vault>>,
    progress: Option<&ReportProgress>,
) -> Result<ReadBody> {
    let cap = options.max_response_bytes;
    if response.content_length().is_some_and(|len| len > cap) {
        return Err(too_large(url, cap));
    }
    let expected = response.content_length();
    let mut throttle = progress.map(|report| Throttle::new(report, expected));
    let io_error = |e: std::io::Error| {
        Error::io(format!(
            "cannot save the response body in {}",
            dir.display()
        ))(e)
    };
    let mut inline = Vec::new();
    let mut head = Vec::new();
    let mut spill: Option<Spill> = None;
    let mut size: u64 = 0;
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(url, e))?
    {
        size += chunk.len() as u64;
        if size > cap {
            return Err(too_large(url, cap));
        }
        if let Some(throttle) = throttle.as_mut() {
            throttle.received(size);
        }
        if head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        if spill.is_none() && size > options.inline_body_bytes {
            crate::paths::private_dir(dir).map_err(io_error)?;
            let path = dir.join(format!("{}.body", uuid::Uuid::new_v4()));
            let mut opened = Spill {
                file: None,
                path,
                keep: false,
            };
            let mut writer = SpillWriter::create(&opened.path, vault.clone())
                .await
                .map_err(io_error)?;
            writer.write(&inline).await.map_err(io_error)?;
            opened.file = Some(writer);
            inline = Vec::new();
            spill = Some(opened);
        }
        match spill.as_mut().and_then(|s| s.file.as_mut()) {
            Some(writer) => writer.write(&chunk).await.map_err(io_error)?,
            None => inline.extend_from_slice(&chunk),
        }
    }
    if let Some(throttle) = throttle.as_mut() {
        throttle.finished(size);
    }
    let file = match spill {
        Some(mut s) => {
            if let Some(writer) = s.file.take() {
                writer.finish().await.map_err(io_error)?;
            }
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
