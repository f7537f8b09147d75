//! User operations of [`Latchkey`].

use super::Latchkey;
use crate::error::Result;
use crate::model::{User, UserInput};
use crate::oauth::tokens::{user_purpose, StoredTokens};
use crate::store::{credentials, services, users};

impl Latchkey {
    /// Adds a user (status `new`) to the service `service`.
    pub fn add_user(&self, service: &str, input: &UserInput) -> Result<User> {
        let label = input.validate()?;
        self.store.write(|tx| {
            let service = services::get(tx, service)?;
            users::insert(tx, &service, &input.external_id, label.as_deref())?;
            users::get(tx, &service, &input.external_id)
        })
    }

    /// The users of `service`, each with whether its tokens can be
    /// refreshed (best effort: left unknown when the vault cannot be opened).
    pub fn list_users(&self, service: &str) -> Result<Vec<User>> {
        let (mut list, sealed) = self.store.read(|conn| {
            let service = services::get(conn, service)?;
            let list = users::list(conn, service.id)?;
            let mut sealed = Vec::new();
            for user in &list {
                sealed.push(credentials::get(conn, user.id)?.map(|row| row.tokens_sealed));
            }
            Ok((list, sealed))
        })?;
        if sealed.iter().any(Option::is_some) {
            if let Ok(vault) = self.vault() {
                for (user, blob) in list.iter_mut().zip(sealed) {
                    let Some(blob) = blob else { continue };
                    user.refreshable = StoredTokens::open(&vault, &user_purpose(user.id), &blob)
                        .ok()
                        .map(|tokens| tokens.refresh_token.is_some());
                }
            }
        }
        Ok(list)
    }

    /// The user a new request for `service` is sent as: the authorized user
    /// its last request used, else its first authorized user; `None` when no
    /// user is authorized.
    pub fn default_user(&self, service: &str) -> Result<Option<String>> {
        self.store.read(|conn| {
            let service = services::get(conn, service)?;
            users::default_sender(conn, service.id)
        })
    }

    pub fn get_user(&self, service: &str, external_id: &str) -> Result<User> {
        self.store.read(|conn| {
            let service = services::get(conn, service)?;
            users::get(conn, &service, external_id)
        })
    }

    /// Removes a user and its tokens.
    pub fn remove_user(&self, service: &str, external_id: &str) -> Result<User> {
        self.store.write(|tx| {
            let service = services::get(tx, service)?;
            let user = users::get(tx, &service, external_id)?;
            users::delete(tx, user.id)?;
            Ok(user)
        })
    }
}
