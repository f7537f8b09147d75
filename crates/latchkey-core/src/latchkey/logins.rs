//! Logins waiting for the provider (a browser redirect on the loopback
//! listener, or a device code being approved), by service and user.
//!
//! One registry per [`Latchkey`]: the window and the local API running
//! inside it hold the same handle, so a login started by one is seen,
//! replaced and cancelled by the other, and a fixed redirect port is freed
//! before a new listener binds it.

use super::Latchkey;
use crate::error::Result;
use crate::http::CancellationToken;
use crate::oauth::{DevicePrompt, LoginLink};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::task::JoinHandle;

type Key = (String, String);

#[derive(Default)]
pub(crate) struct LoginRegistry {
    waiting: Mutex<HashMap<Key, JoinHandle<()>>>,
}

impl LoginRegistry {
    fn waiting(&self) -> MutexGuard<'_, HashMap<Key, JoinHandle<()>>> {
        // A panicked caller cannot leave the map half-changed.
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn key(service: &str, user: &str) -> Key {
        (service.to_string(), user.to_string())
    }

    /// Stops the user's waiting login and waits until its listener is
    /// dropped, so its port can be bound again at once.
    async fn stop(&self, service: &str, user: &str) {
        let old = self.waiting().remove(&Self::key(service, user));
        if let Some(task) = old {
            task.abort();
            // The task ends as aborted; nothing else to learn from it.
            let _ = task.await;
        }
    }

    /// Runs `work` in the background (until it ends, or until `until` is
    /// cancelled) as the user's waiting login; an older one (a start that
    /// raced this one) is stopped.
    fn run(
        &self,
        service: &str,
        user: &str,
        until: Option<CancellationToken>,
        work: impl Future<Output = ()> + Send + 'static,
    ) {
        let task = tokio::spawn(async move {
            match until {
                Some(stop) => {
                    tokio::select! {
                        _ = work => {}
                        _ = stop.cancelled() => {}
                    }
                }
                None => work.await,
            }
        });
        let mut waiting = self.waiting();
        waiting.retain(|_, t| !t.is_finished());
        if let Some(old) = waiting.insert(Self::key(service, user), task) {
            old.abort();
        }
    }

    fn cancel(&self, service: &str, user: &str) -> bool {
        match self.waiting().remove(&Self::key(service, user)) {
            Some(task) => {
                let running = !task.is_finished();
                task.abort();
                running
            }
            None => false,
        }
    }

    fn is_waiting(&self, service: &str, user: &str) -> bool {
        self.waiting()
            .get(&Self::key(service, user))
            .is_some_and(|t| !t.is_finished())
    }
}

impl Latchkey {
    /// Starts a browser login that finishes in the background: stops the
    /// user's earlier login (whoever started it), binds the loopback
    /// listener, makes the link and waits up to `timeout` for the redirect.
    /// The outcome reaches the browser page, the user's status and the auth
    /// events. Runs on the current tokio runtime.
    pub async fn start_login(
        self: &Arc<Self>,
        service: &str,
        user: &str,
        timeout: Duration,
        until: Option<CancellationToken>,
    ) -> Result<LoginLink> {
        self.logins.stop(service, user).await;
        let pending = self.begin_authorization(service, user).await?;
        let link = pending.link().clone();
        let app = Arc::clone(self);
        // The outcome goes out as an auth event; nobody here waits for it.
        self.logins.run(service, user, until, async move {
            let _ = app.finish_authorization(pending, timeout).await;
        });
        Ok(link)
    }

    /// Starts the device grant and polls for its approval in the background;
    /// returns the code to show. Replaces the user's earlier login.
    pub async fn start_device_login(
        self: &Arc<Self>,
        service: &str,
        user: &str,
        until: Option<CancellationToken>,
    ) -> Result<DevicePrompt> {
        self.logins.stop(service, user).await;
        let pending = self.start_device_authorization(service, user).await?;
        let prompt = pending.prompt().clone();
        let app = Arc::clone(self);
        self.logins.run(service, user, until, async move {
            let _ = app.finish_device_authorization(pending).await;
        });
        Ok(prompt)
    }

    /// Stops the user's waiting login (its loopback port closes); whether
    /// one was waiting.
    pub fn cancel_login(&self, service: &str, user: &str) -> bool {
        self.logins.cancel(service, user)
    }

    /// Whether a login for the user is waiting for the provider.
    pub fn login_waiting(&self, service: &str, user: &str) -> bool {
        self.logins.is_waiting(service, user)
    }
}
