//! `app_info`: what the status bar shows about this installation.

use crate::error::Result;
use crate::keyring_probe::{self, KeyringStatus};
use crate::paths::DataDir;
use crate::store::Store;
use crate::vault::KeySource;
use serde::Serialize;
use std::path::Path;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    /// The product version, e.g. `0.1.0`.
    pub version: String,
    /// The git commit it was built from (12 hex digits), or `unknown`.
    pub commit: String,
    /// The absolute data directory in use.
    pub data_dir: String,
    /// Whether the OS keyring can be reached, and why not when it cannot.
    pub keyring: KeyringStatus,
    /// The file that holds the data key when the person chose one (or set
    /// `LATCHKEY_KEY_FILE`) instead of the keyring.
    pub key_file: Option<String>,
}

/// Resolves (and creates) the data directory and probes the keyring.
pub fn app_info(explicit_data_dir: Option<&Path>) -> Result<AppInfo> {
    let data_dir = DataDir::resolve(explicit_data_dir)?;
    data_dir.ensure()?;
    let shown = std::fs::canonicalize(data_dir.path()).unwrap_or_else(|_| data_dir.path().into());
    Ok(AppInfo {
        version: crate::VERSION.to_string(),
        commit: crate::COMMIT.to_string(),
        data_dir: shown.display().to_string(),
        keyring: keyring_probe::probe(),
        key_file: key_file(&data_dir),
    })
}

/// The key file in use, if any. A database that cannot be opened says so
/// where it is used; here it only means no key file is known.
fn key_file(data_dir: &DataDir) -> Option<String> {
    let store = Store::open(data_dir).ok()?;
    match KeySource::configured(&store).ok()? {
        KeySource::File(path) => Some(path.display().to_string()),
        KeySource::Keyring => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_version_and_the_data_dir_it_created() {
        let tmp = tempfile::tempdir().unwrap();
        let wanted = tmp.path().join("data");
        let info = app_info(Some(&wanted)).unwrap();
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
        let commit = &info.commit;
        assert!(
            commit == "unknown"
                || (commit.len() == 12 && commit.chars().all(|c| c.is_ascii_hexdigit())),
            "{commit}"
        );
        assert!(wanted.is_dir());
        assert_eq!(
            Path::new(&info.data_dir),
            std::fs::canonicalize(&wanted).unwrap()
        );
    }
}
