//! Is the OS keyring (Secret Service, Keychain, Credential Manager) reachable?
//!
//! The probe writes and deletes an entry of its own: a locked Secret
//! Service collection still answers reads of missing entries but refuses
//! writes, and saving a secret is a write, so a read-only probe showed
//! "available" while every save failed.

use serde::Serialize;
use ts_rs::TS;

/// The keyring service name every Latchkey entry is stored under.
pub const KEYRING_SERVICE: &str = "latchkey";
const PROBE_USER: &str = "reachability-probe";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyringState {
    /// The keyring answered.
    Available,
    /// The keyring exists but refused access (usually: locked).
    Locked,
    /// No keyring service could be reached at all.
    Unavailable,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct KeyringStatus {
    pub state: KeyringState,
    /// One sentence for the person: what was found, or what to do.
    pub detail: String,
}

/// Asks the platform keyring for an entry and classifies the answer.
pub fn probe() -> KeyringStatus {
    let answer = keyring::Entry::new(KEYRING_SERVICE, PROBE_USER).and_then(|entry| {
        entry.set_password("probe")?;
        entry.delete_credential()
    });
    classify(answer)
}

pub(crate) fn classify(answer: keyring::Result<()>) -> KeyringStatus {
    use keyring::Error as K;
    let (state, detail) = match answer {
        Ok(()) | Err(K::NoEntry) => (
            KeyringState::Available,
            format!("{} is reachable", backend_name()),
        ),
        Err(K::NoStorageAccess(err)) => (
            KeyringState::Locked,
            format!(
                "{} refused access ({err}); unlock your keyring and try again",
                backend_name()
            ),
        ),
        Err(err) => (
            KeyringState::Unavailable,
            format!(
                "no OS keyring could be reached ({err}); {}",
                unavailable_hint()
            ),
        ),
    };
    KeyringStatus { state, detail }
}

fn backend_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "the macOS Keychain"
    } else if cfg!(windows) {
        "the Windows Credential Manager"
    } else {
        "the Secret Service keyring"
    }
}

fn unavailable_hint() -> &'static str {
    if cfg!(any(target_os = "macos", windows)) {
        "check that you are logged in to a desktop session"
    } else {
        "start a desktop session with gnome-keyring or KeePassXC, or run inside `dbus-run-session` with `gnome-keyring-daemon --unlock`"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_entry_means_the_keyring_answered() {
        let status = classify(Err(keyring::Error::NoEntry));
        assert_eq!(status.state, KeyringState::Available);
    }

    #[test]
    fn platform_failure_explains_how_to_get_a_keyring() {
        let err =
            keyring::Error::PlatformFailure("org.freedesktop.DBus.Error.ServiceUnknown".into());
        let status = classify(Err(err));
        assert_eq!(status.state, KeyringState::Unavailable);
        assert!(
            status.detail.contains("ServiceUnknown"),
            "{}",
            status.detail
        );
        assert!(status.detail.contains("keyring"), "{}", status.detail);
    }

    /// Runs against the real Secret Service that `scripts/with-keyring.sh`
    /// starts for the test suite.
    #[test]
    fn real_keyring_is_reachable_in_the_test_session() {
        if std::env::var_os("LATCHKEY_TEST_KEYRING").is_none() {
            panic!("run the tests through scripts/with-keyring.sh (make test does) so a real Secret Service is available");
        }
        let status = probe();
        assert_eq!(status.state, KeyringState::Available, "{}", status.detail);
    }
}
