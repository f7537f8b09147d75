//! The opt-in for machines without a keyring: keep the data key in a file
//! in the data directory (mode 0600), chosen once for the app and the CLI.

use super::Latchkey;
use crate::error::{Error, Result};
use crate::store::meta;
use crate::vault::{KeySource, KEY_FILE_NAME};
use std::path::PathBuf;

impl Latchkey {
    /// Keeps this database's data key in `DATA_DIR/data.key` (made now,
    /// readable only by its owner) instead of the OS keyring, from now on.
    /// Returns the file's path; a key file already in use is kept.
    ///
    /// Refused while secrets are sealed with a key kept elsewhere: a new key
    /// could not open them.
    pub fn use_key_file(&self) -> Result<PathBuf> {
        if let KeySource::File(path) = self.key_source() {
            return Ok(path);
        }
        let sealed = self.store.read(meta::sealed_value_count)?;
        if sealed > 0 {
            return Err(Error::KeyFile(format!(
                "{sealed} secret(s) are sealed with the key in the OS keyring, which a new key file could not open: start the keyring to use them, or remove them first"
            )));
        }
        let path = self.data_dir.path().join(KEY_FILE_NAME);
        let shown = path.to_str().ok_or_else(|| {
            Error::KeyFile(format!(
                "the data directory {} is not a UTF-8 path: set LATCHKEY_KEY_FILE to a key file path instead",
                self.data_dir.path().display()
            ))
        })?;
        self.vault
            .switch(&self.store, KeySource::File(path.clone()))?;
        self.store
            .write(|tx| meta::set(tx, meta::KEY_FILE, shown))?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_makes_a_private_file_and_holds_for_the_next_open() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let app = Latchkey::open_with(Some(&data), KeySource::Keyring).unwrap();
        let path = app.use_key_file().unwrap();
        assert_eq!(path, data.join(KEY_FILE_NAME));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(app.key_source(), KeySource::File(path.clone()));
        // Asking again keeps the same file (and key).
        let key = std::fs::read_to_string(&path).unwrap();
        assert_eq!(app.use_key_file().unwrap(), path);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), key);
        drop(app);

        let again = Latchkey::open(Some(&data)).unwrap();
        assert_eq!(again.key_source(), KeySource::File(path));
    }
}
