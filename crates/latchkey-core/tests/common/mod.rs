//! Shared helpers for the integration tests: a fresh data dir per test and
//! a known-good service input to break one field at a time.
#![allow(dead_code)]

use latchkey_core::{KeySource, Latchkey, ServiceInput};
use std::path::Path;

pub fn require_keyring() {
    assert!(
        std::env::var_os("LATCHKEY_TEST_KEYRING").is_some(),
        "run the tests through scripts/with-keyring.sh so a real Secret Service is available"
    );
}

/// A handle on a new data dir inside `tmp`, keeping its key in the keyring.
pub fn open(tmp: &Path) -> Latchkey {
    Latchkey::open_with(Some(&tmp.join("data")), KeySource::Keyring).unwrap()
}

pub fn valid_input(slug: &str) -> ServiceInput {
    ServiceInput {
        slug: slug.into(),
        name: Some("GoTo Meeting".into()),
        client_id: Some("client-123".into()),
        authorize_url: Some("https://authentication.logmeininc.com/oauth/authorize".into()),
        token_url: Some("https://authentication.logmeininc.com/oauth/token".into()),
        api_base_url: Some("https://api.getgo.com/G2M/rest".into()),
        scopes: "collab:".into(),
        ..ServiceInput::default()
    }
}

/// Everything a person could see of the store, to compare before/after.
pub fn snapshot(app: &Latchkey) -> String {
    let services = app.list_services().unwrap();
    let users: Vec<_> = services
        .iter()
        .map(|s| app.list_users(&s.spec.slug).unwrap())
        .collect();
    serde_json::to_string(&(services, users)).unwrap()
}

/// Whether `needle` occurs anywhere in the file's raw bytes (false if absent).
pub fn file_contains(path: &Path, needle: &[u8]) -> bool {
    std::fs::read(path)
        .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        .unwrap_or(false)
}
