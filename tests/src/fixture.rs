//! The setup most end-to-end tests share: the OAuth fixture server, a fresh
//! data dir with a service registered against the server, and users added
//! and authorized there through the CLI, before the app is started on it.

use crate::cli;
use crate::oauth_server::{fixture_dir, OauthServer};
use serde_json::Value;
use std::path::PathBuf;
use tempfile::TempDir;

/// The scopes most tests ask for: a refresh token and the meetings API.
pub const SCOPES: &str = "openid offline_access meetings";

/// A data dir `TMP/NAME` that does not exist yet (the app or the CLI
/// creates it), and the temporary directory `TMP` that holds it: the
/// directory goes away when that guard is dropped.
pub fn fresh_data_dir(name: &str) -> (TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let data = tmp.path().join(name);
    (tmp, data)
}

/// A running OAuth fixture server and the data dir the CLI and the app
/// share; both go away when dropped.
pub struct Fixture {
    pub server: OauthServer,
    /// `TMP/data`: created by the first CLI run or by the app.
    pub data: PathBuf,
    /// Holds the data dir; tests put their own files beside it.
    pub tmp: TempDir,
}

impl Fixture {
    /// The server and a data dir with nothing in it yet.
    pub fn start() -> Self {
        let server = OauthServer::start();
        let (tmp, data) = fresh_data_dir("data");
        Self { server, data, tmp }
    }

    /// The server and a data dir holding the service `slug` (see
    /// [`Fixture::add_service`]).
    pub fn with_service(slug: &str, scopes: &str, extra: &[&str]) -> Self {
        let fixture = Self::start();
        fixture.add_service(slug, scopes, extra);
        fixture
    }

    /// The server and a data dir holding the service `slug` whose user
    /// alice is authorized (see [`Fixture::add_authorized`]).
    pub fn authorized(slug: &str, scopes: &str) -> Self {
        let fixture = Self::start();
        fixture.add_authorized(slug, scopes);
        fixture
    }

    /// The fixture's API base: `ISSUER/api`.
    pub fn api(&self) -> String {
        format!("{}/api", self.server.issuer)
    }

    /// `latchkey service add SLUG` against the fixture (discovery, its basic
    /// client) with `scopes`, its API as the base URL, and `extra` flags.
    pub fn add_service(&self, slug: &str, scopes: &str, extra: &[&str]) {
        let api = self.api();
        let mut args = vec!["--api-base-url", &api];
        args.extend(extra);
        cli::add_fixture_service(&self.data, &self.server, slug, scopes, &args);
    }

    /// `latchkey user add SLUG USER` for each of `users`.
    pub fn add_users(&self, slug: &str, users: &[&str]) {
        for user in users {
            cli::run(&self.data, &["user", "add", slug, user], "");
        }
    }

    /// `latchkey authorize SLUG USER`: the CLI's login opens $BROWSER
    /// (xdg-open honours it outside a desktop), where the fixture's
    /// `browser.mjs` logs the user in. The variables stay set in this
    /// process, so an app started afterwards inherits them.
    pub fn authorize(&self, slug: &str, user: &str) {
        std::env::set_var("BROWSER", fixture_dir().join("browser.mjs"));
        std::env::remove_var("XDG_CURRENT_DESKTOP");
        cli::run(
            &self.data,
            &["authorize", slug, user, "--timeout", "60"],
            "",
        );
    }

    /// The service `slug` with `scopes` and its user alice, authorized.
    pub fn add_authorized(&self, slug: &str, scopes: &str) {
        self.add_service(slug, scopes, &[]);
        self.add_users(slug, &["alice"]);
        self.authorize(slug, "alice");
    }

    /// What the fixture server has counted so far (`/__test/stats`).
    pub fn stats(&self) -> Value {
        ureq::get(&format!("{}/__test/stats", self.server.issuer))
            .call()
            .expect("the fixture's stats")
            .body_mut()
            .read_json()
            .expect("the fixture's stats are JSON")
    }
}
