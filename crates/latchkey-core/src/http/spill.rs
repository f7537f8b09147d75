//! Large answers on disk, sealed with the vault so a token echoed in a
//! body is not readable at rest.
//!
//! A sealed file is `LKSEAL1\n` then chunks of `[u32 BE length][sealed]`,
//! each at most [`CHUNK`] bytes of plaintext, sealed with the associated
//! data `spill:{file name}:{index}:{last}`: a chunk moved to another file
//! or place, or a file cut short, fails to open.

use crate::error::{Error, Result};
use crate::vault::Vault;
use std::path::Path;
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

const MAGIC: &[u8; 8] = b"LKSEAL1\n";
const CHUNK: usize = 64 * 1024;

fn purpose(name: &str, index: u64, last: bool) -> String {
    format!("spill:{name}:{index}:{}", u8::from(last))
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// An owner-only (0600) file, created new.
pub(crate) async fn create_private(path: &Path) -> std::io::Result<tokio::fs::File> {
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path).await
}

/// Writes a body to disk: sealed in chunks when a vault is given.
pub(crate) struct SpillWriter {
    file: tokio::fs::File,
    vault: Option<Arc<Vault>>,
    name: String,
    pending: Vec<u8>,
    index: u64,
}

impl SpillWriter {
    pub(crate) async fn create(path: &Path, vault: Option<Arc<Vault>>) -> std::io::Result<Self> {
        let mut file = create_private(path).await?;
        if vault.is_some() {
            file.write_all(MAGIC).await?;
        }
        Ok(Self {
            file,
            vault,
            name: name_of(path),
            pending: Vec::new(),
            index: 0,
        })
    }

    pub(crate) async fn write(&mut self, data: &[u8]) -> std::io::Result<()> {
        if self.vault.is_none() {
            return self.file.write_all(data).await;
        }
        self.pending.extend_from_slice(data);
        // Strictly more than a chunk: the last chunk is sealed by `finish`.
        while self.pending.len() > CHUNK {
            let rest = self.pending.split_off(CHUNK);
            let chunk = std::mem::replace(&mut self.pending, rest);
            self.seal(&chunk, false).await?;
        }
        Ok(())
    }

    async fn seal(&mut self, chunk: &[u8], last: bool) -> std::io::Result<()> {
        let Some(vault) = &self.vault else {
            return Ok(());
        };
        let sealed = vault.seal_bytes(&purpose(&self.name, self.index, last), chunk);
        self.index += 1;
        let len = u32::try_from(sealed.len()).map_err(std::io::Error::other)?;
        self.file.write_all(&len.to_be_bytes()).await?;
        self.file.write_all(&sealed).await
    }

    pub(crate) async fn finish(mut self) -> std::io::Result<()> {
        let last = std::mem::take(&mut self.pending);
        self.seal(&last, true).await?;
        self.file.flush().await
    }
}

/// The plaintext of a body file written by [`SpillWriter`]: opened with
/// `vault` when it is sealed, read as is otherwise.
pub(crate) fn read_spilled(path: &Path, vault: Option<&Vault>) -> Result<Vec<u8>> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(Error::io(format!(
        "cannot read the saved response body {shown}"
    )))?;
    let Some(sealed) = bytes.strip_prefix(MAGIC.as_slice()) else {
        return Ok(bytes);
    };
    let vault = vault.ok_or_else(|| {
        Error::InvalidInput(format!(
            "the saved response body {shown} is sealed: open it through Latchkey"
        ))
    })?;
    let damaged = || Error::damaged(format!("the saved response body {shown}"));
    let name = name_of(path);
    let mut out = Vec::with_capacity(sealed.len());
    let mut rest = sealed;
    let mut index = 0;
    loop {
        let len_bytes: [u8; 4] = rest
            .get(..4)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(damaged)?;
        let len = u32::from_be_bytes(len_bytes) as usize;
        let blob = rest.get(4..4 + len).ok_or_else(damaged)?;
        rest = &rest[4 + len..];
        let last = rest.is_empty();
        let plain = vault
            .open_bytes(&purpose(&name, index, last), blob)
            .map_err(|_| damaged())?;
        out.extend_from_slice(&plain);
        if last {
            return Ok(out);
        }
        index += 1;
    }
}
