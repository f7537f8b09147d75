//! What the grants need from the core, and nothing more: the database, the
//! vault (unlocked on first use), the engine's shared state, and a service's
//! client secret. The facade lends one per call, so `oauth` never sees the
//! whole `Latchkey`.

use super::settings::AuthState;
use crate::error::Result;
use crate::model::Secret;
use crate::service::client_secret_purpose;
use crate::store::{services, Store};
use crate::vault::{Vault, VaultSlot};
use std::sync::Arc;

#[derive(Clone, Copy)]
pub(crate) struct Context<'a> {
    store: &'a Store,
    vault: &'a VaultSlot,
    auth: &'a AuthState,
}

impl<'a> Context<'a> {
    pub(crate) fn new(store: &'a Store, vault: &'a VaultSlot, auth: &'a AuthState) -> Self {
        Self { store, vault, auth }
    }

    pub(crate) fn store(&self) -> &'a Store {
        self.store
    }

    pub(crate) fn vault(&self) -> Result<Arc<Vault>> {
        self.vault.unlock(self.store)
    }

    pub(crate) fn auth(&self) -> &'a AuthState {
        self.auth
    }

    /// The plaintext client secret of a service, when one is stored.
    pub(crate) fn client_secret(&self, slug: &str) -> Result<Option<Secret>> {
        let (id, sealed) = self.store.read(|conn| {
            let service = services::get(conn, slug)?;
            Ok((service.id, services::sealed_secret(conn, service.id)?))
        })?;
        match sealed {
            None => Ok(None),
            Some(blob) => self
                .vault()?
                .open(&client_secret_purpose(id), &blob)
                .map(Some),
        }
    }
}
