//! [`Latchkey`]: the one handle the desktop shell and the CLI share. It
//! opens the database at once and the vault only when a secret is needed,
//! so listing services works even without a keyring.

mod api_access;
mod auth;
mod curl_as;
mod extract;
mod history_draft;
mod history_writer;
mod key_file;
mod logins;
mod requests;
mod send_as;
mod services;
mod users;
mod variables;
mod viewer;
mod watch;

pub use api_access::{ApiKeyStatus, LocalApiSettings, DEFAULT_PORT};
pub use auth::DEFAULT_LOGIN_TIMEOUT;
pub use requests::{SendProgress, SendRequest, Sent};
pub use viewer::{ancestors, SendInput, SendOutcome, VIEWER_TEXT_BYTES};
pub use watch::{ModelChanged, ModelKind, ModelWatch};

use crate::error::Result;
use crate::oauth::Context;
use crate::paths::DataDir;
use crate::store::{meta, Store};
use crate::vault::{KeySource, Vault, VaultSlot};
use std::path::Path;
use std::sync::Arc;

pub struct Latchkey {
    data_dir: DataDir,
    store: Arc<Store>,
    vault: VaultSlot,
    history: history_writer::HistoryWriter,
    auth: crate::oauth::AuthState,
    /// Logins waiting for the provider, whoever started them.
    logins: logins::LoginRegistry,
    progress: tokio::sync::broadcast::Sender<SendProgress>,
}

impl Latchkey {
    /// Opens the data directory (explicit, `LATCHKEY_DATA_DIR`, or the
    /// platform's), keeping the data key where `LATCHKEY_KEY_FILE` says, or
    /// in the key file chosen from the window, or in the OS keyring.
    pub fn open(data_dir: Option<&Path>) -> Result<Self> {
        let data_dir = DataDir::resolve(data_dir)?;
        let store = Store::open(&data_dir)?;
        let key_source = KeySource::configured(&store)?;
        Ok(Self::from_parts(data_dir, store, key_source))
    }

    /// [`Latchkey::open`] with an explicit place for the data key.
    pub fn open_with(data_dir: Option<&Path>, key_source: KeySource) -> Result<Self> {
        let data_dir = DataDir::resolve(data_dir)?;
        let store = Store::open(&data_dir)?;
        Ok(Self::from_parts(data_dir, store, key_source))
    }

    fn from_parts(data_dir: DataDir, store: Store, key_source: KeySource) -> Self {
        let store = Arc::new(store);
        Self {
            data_dir,
            history: history_writer::HistoryWriter::new(Arc::clone(&store)),
            store,
            vault: VaultSlot::new(key_source),
            auth: crate::oauth::AuthState::default(),
            logins: logins::LoginRegistry::default(),
            // A lagging window skips reports; only the latest count matters.
            progress: tokio::sync::broadcast::channel(16).0,
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    pub fn database_path(&self) -> &Path {
        self.store.path()
    }

    /// The random id naming this database (and its keyring entry).
    pub fn database_id(&self) -> Result<String> {
        self.store
            .read(|conn| meta::get(conn, meta::DATABASE_ID))
            .map(Option::unwrap_or_default)
    }

    pub fn key_source(&self) -> KeySource {
        self.vault.key_source()
    }

    /// The database, for the core's other modules (tests reach it only
    /// through [`crate::testing`]).
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Waits until the history rows of every send so far are committed
    /// (they are written off the request path); reading history does this.
    pub fn flush_history(&self) {
        self.history.flush();
    }

    /// The unlocked vault, unlocking (or creating the key) on first use.
    pub(crate) fn vault(&self) -> Result<Arc<Vault>> {
        self.vault.unlock(&self.store)
    }

    /// What the OAuth engine may use of this handle.
    pub(crate) fn oauth(&self) -> Context<'_> {
        Context::new(&self.store, &self.vault, &self.auth)
    }

    /// After a `secrets_lost` error: forgets every sealed value (client
    /// secrets, tokens, pending logins) so new ones can be entered under a
    /// new key. Users who had tokens become `needs_reauth`. Returns how many
    /// sealed values were dropped.
    pub fn discard_unreadable_secrets(&self) -> Result<i64> {
        let dropped = self.store.write(|tx| meta::discard_sealed_values(tx))?;
        self.vault.forget();
        Ok(dropped)
    }
}
