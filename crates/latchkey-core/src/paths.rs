//! Where Latchkey keeps its data.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Overrides the platform data directory (tests, scripts, portable setups).
pub const DATA_DIR_ENV: &str = "LATCHKEY_DATA_DIR";

/// The folder that holds the database and any response bodies spilled to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir(PathBuf);

impl DataDir {
    /// Resolves the data directory: an explicit path wins, then
    /// `LATCHKEY_DATA_DIR`, then the platform's data dir (XDG on Linux).
    pub fn resolve(explicit: Option<&Path>) -> Result<Self> {
        if let Some(path) = explicit {
            return Ok(Self(path.to_path_buf()));
        }
        if let Some(path) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            return Ok(Self(PathBuf::from(path)));
        }
        directories::ProjectDirs::from("dev", "Latchkey", "latchkey")
            .map(|dirs| Self(dirs.data_dir().to_path_buf()))
            .ok_or(Error::NoDataDir)
    }

    /// Creates the directory (and parents) if missing, owner-only on Unix.
    pub fn ensure(&self) -> Result<()> {
        let wrap = |source| Error::DataDir {
            path: self.0.clone(),
            source,
        };
        private_dir(&self.0).map_err(wrap)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

/// Creates `dir` (and parents) if missing and makes it owner-only (0700).
pub(crate) fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Makes an existing file owner-only (0600); a missing file is fine.
pub(crate) fn private_file(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err),
            _ => {}
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates `path` empty and owner-only (0600) unless it exists, then makes
/// sure it is owner-only: SQLite gives its -wal and -shm files the mode of
/// the database file, so this covers them as they are made.
pub(crate) fn ensure_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?;
    private_file(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_path_wins() {
        let dir = DataDir::resolve(Some(Path::new("/tmp/explicit"))).unwrap();
        assert_eq!(dir.path(), Path::new("/tmp/explicit"));
    }

    #[test]
    fn ensure_creates_an_owner_only_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::resolve(Some(&tmp.path().join("a/b"))).unwrap();
        dir.ensure().unwrap();
        assert!(dir.path().is_dir());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
    }

    #[test]
    fn ensure_reports_the_path_when_it_cannot_create_it() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a-file");
        std::fs::write(&file, b"x").unwrap();
        let dir = DataDir::resolve(Some(&file.join("sub"))).unwrap();
        let err = dir.ensure().unwrap_err();
        assert!(err.to_string().contains("a-file/sub"), "{err}");
    }
}
