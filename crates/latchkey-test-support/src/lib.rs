//! What the integration tests of the core and the CLI and the end-to-end
//! tests share: the real OAuth fixture servers, the keyring check, and the
//! `latchkey` command as a test runs it. A dev-dependency only; it does not
//! depend on the core, so the core's tests can use it.

pub mod cli;
pub mod oauth_server;

pub use oauth_server::{approve_device, browse, fixture_dir, OauthServer, Provider};

use std::path::Path;

/// Fails the test unless it runs under `scripts/with-keyring.sh`, so a
/// missing Secret Service is named instead of failing somewhere deeper.
pub fn require_keyring() {
    assert!(
        std::env::var_os("LATCHKEY_TEST_KEYRING").is_some(),
        "run the tests through scripts/with-keyring.sh so a real Secret Service is available"
    );
}

/// Whether `needle` occurs anywhere in the file's raw bytes (false if absent).
pub fn file_contains(path: &Path, needle: &[u8]) -> bool {
    std::fs::read(path)
        .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        .unwrap_or(false)
}

/// Runs `future` to completion on a fresh current-thread runtime (for
/// synchronous tests that ask the fixture something async).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime")
        .block_on(future)
}
