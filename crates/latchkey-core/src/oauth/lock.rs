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
//!
//! A holder that was killed (kill -9, a crash, power off the laptop lid)
//! would otherwise stall the next refresh for the whole ttl. So the owner
//! names its process (pid, and on Linux the boot and pid namespace it runs
//! in); a process on the same machine that finds the holder's process gone
//! takes the lease over at once. When liveness cannot be told (another
//! machine or namespace, another OS), the ttl still bounds the wait.

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
        let owner = format!("{}{}", process_tag(), uuid::Uuid::new_v4());
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 4);
        // A holder finishes within its ttl or loses the lease, so waiting a
        // little longer than one ttl is always enough.
        let give_up = now_ms().saturating_add(ttl_ms.saturating_mul(2));
        let mut pause = Duration::from_millis(10);
        loop {
            let now = now_ms();
            let taken = store.write(|tx| {
                let expires = now.saturating_add(ttl_ms);
                if locks::try_acquire(tx, name, &owner, now, expires)? {
                    return Ok(true);
                }
                match locks::holder(tx, name)? {
                    Some(holder) if holder_is_gone(&holder) => {
                        locks::release(tx, name, &holder)?;
                        locks::try_acquire(tx, name, &owner, now, expires)
                    }
                    _ => Ok(false),
                }
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

/// `pid:<pid>@<boot id>/<pid namespace>/` on Linux; empty elsewhere (the
/// lease then only expires).
fn process_tag() -> String {
    match this_machine() {
        Some(machine) => format!("pid:{}@{machine}/", std::process::id()),
        None => String::new(),
    }
}

/// What makes a pid meaningful: this boot of this machine, this pid namespace.
fn this_machine() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let namespace = std::fs::read_link("/proc/self/ns/pid").ok()?;
    Some(format!("{}/{}", boot.trim(), namespace.display()))
}

/// Whether `owner` was taken by a process of this machine that has exited.
/// Anything unparseable or from elsewhere counts as alive.
fn holder_is_gone(owner: &str) -> bool {
    let Some(machine) = this_machine() else {
        return false;
    };
    let Some(rest) = owner.strip_prefix("pid:") else {
        return false;
    };
    let Some((pid, rest)) = rest.split_once('@') else {
        return false;
    };
    let (Ok(pid), true) = (pid.parse::<u32>(), rest.starts_with(&format!("{machine}/"))) else {
        return false;
    };
    pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        // Best effort: a lease that cannot be released expires by itself.
        let _ = self
            .store
            .write(|tx| locks::release(tx, &self.name, &self.owner));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner_for(pid: u32) -> String {
        format!("pid:{pid}@{}/someone", this_machine().unwrap())
    }

    #[test]
    fn only_an_exited_process_of_this_machine_counts_as_gone() {
        let mut exited = std::process::Command::new("true").spawn().unwrap();
        exited.wait().unwrap();
        let mut running = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        assert!(holder_is_gone(&owner_for(exited.id())));
        assert!(!holder_is_gone(&owner_for(running.id())));
        assert!(!holder_is_gone(&owner_for(std::process::id())));
        // Another machine, another namespace, or an owner from before pids
        // were recorded: only the ttl can free those.
        let elsewhere = format!("pid:{}@another-boot/pid:[1]/x", exited.id());
        assert!(!holder_is_gone(&elsewhere));
        assert!(!holder_is_gone("0b7a3c51-2a7e-4a43-9a4e-d0c6a0e5f7d1"));
        assert!(!holder_is_gone("pid:notanumber@x/"));
        running.kill().unwrap();
        running.wait().unwrap();
    }

    #[tokio::test]
    async fn a_lease_left_by_a_killed_process_is_taken_over_at_once() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open_file(&tmp.path().join("t.db")).unwrap();
        let mut exited = std::process::Command::new("true").spawn().unwrap();
        exited.wait().unwrap();
        let dead = owner_for(exited.id());
        // Held for an hour by a process that no longer exists.
        store
            .write(|tx| {
                locks::try_acquire(tx, "refresh:user:1", &dead, now_ms(), now_ms() + 3_600_000)
            })
            .unwrap();
        // Without the takeover this would wait for the hour; the bound only
        // turns a hang into a failure.
        let lease = tokio::time::timeout(
            Duration::from_secs(60),
            Lease::acquire(&store, "refresh:user:1", Duration::from_secs(3600)),
        )
        .await
        .expect("the dead holder's lease is taken over, not waited out")
        .unwrap();
        let holder = store.read(|c| locks::holder(c, "refresh:user:1")).unwrap();
        assert_eq!(holder.as_deref(), Some(lease.owner.as_str()));
        assert!(lease
            .owner
            .starts_with(&format!("pid:{}@", std::process::id())));
    }
}
