//! A database lease: single flight across every process that shares the
//! database (the app, `latchkey` commands, the local API).
//!
//! Why a lease row and not a transaction held open: a refresh is a network
//! call of up to the HTTP timeout. Holding `BEGIN IMMEDIATE` that long would
//! block every writer in every process (other users' refreshes, history,
//! edits in the UI), and writers give up after the 5 s busy timeout with
//! "database is locked". The lease is taken and given back in two tiny
//! transactions and blocks only work on the same name. Its expiry bounds
//! how long a crashed holder can stall others; it is longer than the HTTP
//! timeout, so a live holder never loses it mid-refresh.

use crate::error::{Error, Result};
use crate::store::{locks, now_ms, Store};
use std::time::Duration;

pub struct Lease<'a> {
    store: &'a Store,
    name: String,
    owner: String,
}

impl<'a> Lease<'a> {
    /// Polls until `name` is free, holding it for at most `ttl`.
    pub async fn acquire(store: &'a Store, name: &str, ttl: Duration) -> Result<Lease<'a>> {
        let owner = uuid::Uuid::new_v4().to_string();
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 4);
        // A holder finishes within its ttl or loses the lease, so waiting a
        // little longer than one ttl is always enough.
        let give_up = now_ms().saturating_add(ttl_ms.saturating_mul(2));
        let mut pause = Duration::from_millis(10);
        loop {
            let now = now_ms();
            let taken = store.write(|tx| {
                locks::try_acquire(tx, name, &owner, now, now.saturating_add(ttl_ms))
            })?;
            if taken {
                return Ok(Lease {
                    store,
                    name: name.to_string(),
                    owner,
                });
            }
            if now > give_up {
                return Err(Error::Timeout(format!(
                    "another Latchkey process has been refreshing these tokens for over {} s: try again",
                    ttl.as_secs() * 2
                )));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(100));
        }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        // Best effort: a lease that cannot be released expires by itself.
        let _ = self
            .store
            .write(|tx| locks::release(tx, &self.name, &self.owner));
    }
}
