//! Starts a real OAuth fixture server on an ephemeral loopback port and
//! stops it (SIGTERM) when dropped: `oidc-provider` (tests/fixtures/oauth-server,
//! Node) or django-oauth-toolkit (tests/fixtures/dot-server, Python), two
//! independently written implementations. Also runs `browser.mjs` (which
//! completes the login pages of both) and `device.mjs`.
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The fixture folder, found by walking up from this crate to `tests/fixtures`.
pub fn fixture_dir() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|dir| dir.join("tests/fixtures/oauth-server"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| here.join("../../tests/fixtures/oauth-server"))
}

/// The dot-server fixture folder (django-oauth-toolkit).
pub fn dot_fixture_dir() -> PathBuf {
    fixture_dir().with_file_name("dot-server")
}

/// Which implementation a fixture server runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// `oidc-provider` (Node): issuer at the root, per-client auth methods
    /// enforced, PKCE required only of public clients.
    OidcProvider,
    /// django-oauth-toolkit (Python), mounted at `/o/`: PKCE required of
    /// every client, either client auth method accepted from any
    /// confidential client, the RFC 8414 document only at the appended
    /// `/o/.well-known/oauth-authorization-server`.
    DjangoOauthToolkit,
}

impl Provider {
    pub const BOTH: [Provider; 2] = [Provider::OidcProvider, Provider::DjangoOauthToolkit];

    pub fn name(self) -> &'static str {
        match self {
            Provider::OidcProvider => "oidc-provider",
            Provider::DjangoOauthToolkit => "django-oauth-toolkit",
        }
    }

    /// The client for the client-credentials grant: django-oauth-toolkit
    /// binds one grant type to an application.
    pub fn client_credentials_client(self) -> (&'static str, &'static str) {
        match self {
            Provider::OidcProvider => ("latchkey-basic", "latchkey-basic-secret"),
            Provider::DjangoOauthToolkit => ("latchkey-cc", "latchkey-cc-secret"),
        }
    }
}

/// How long a fixture may take to print its first line.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How many times a stuck fixture is started again.
const START_TRIES: usize = 3;

pub struct OauthServer {
    pub provider: Provider,
    child: Child,
    /// The server's first stdout line: issuer, endpoints, ...
    pub info: Value,
    pub issuer: String,
    _log: tempfile::NamedTempFile,
}

impl OauthServer {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts a server with extra environment, e.g. `ACCESS_TOKEN_TTL`.
    pub fn start_with(env: &[(&str, &str)]) -> Self {
        Self::start_provider(Provider::OidcProvider, env)
    }

    /// Starts `provider` with extra environment (both read `ACCESS_TOKEN_TTL`).
    /// A fixture that prints nothing within [`START_TIMEOUT`] is stuck (a
    /// Node start-up deadlock was seen here, once in hundreds of starts):
    /// it is killed and started again, up to [`START_TRIES`] times.
    pub fn start_provider(provider: Provider, env: &[(&str, &str)]) -> Self {
        let mut stuck_log = String::new();
        for _ in 0..START_TRIES {
            let mut cmd = match provider {
                Provider::OidcProvider => Self::oidc_provider_command(),
                Provider::DjangoOauthToolkit => Self::dot_command(),
            };
            let log = tempfile::NamedTempFile::new().unwrap();
            cmd.arg("0")
                .arg("--exit-on-stdin-eof")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(log.reopen().unwrap());
            for (k, v) in env {
                cmd.env(k, v);
            }
            let mut child = cmd
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start the {} fixture: {e}", provider.name()));
            let stdout = child.stdout.take().unwrap();
            let (first_line, line_read) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(stdout).read_line(&mut line);
                let _ = first_line.send(line);
            });
            let Ok(line) = line_read.recv_timeout(START_TIMEOUT) else {
                let _ = child.kill();
                let _ = child.wait();
                stuck_log = std::fs::read_to_string(log.path()).unwrap_or_default();
                continue;
            };
            let info: Value = match serde_json::from_str(&line) {
                Ok(v) => v,
                Err(_) => {
                    let _ = child.kill();
                    panic!(
                        "the {} fixture did not start: {}",
                        provider.name(),
                        std::fs::read_to_string(log.path()).unwrap_or_default()
                    );
                }
            };
            let issuer = info["issuer"].as_str().unwrap().to_string();
            return Self {
                provider,
                child,
                info,
                issuer,
                _log: log,
            };
        }
        panic!(
            "the {} fixture printed nothing within {START_TIMEOUT:?}, {START_TRIES} times: {stuck_log}",
            provider.name()
        )
    }

    fn dot_command() -> Command {
        let dir = dot_fixture_dir();
        let python = dir.join(".venv/bin/python");
        assert!(
            python.is_file(),
            "the django-oauth-toolkit fixture's venv is missing: run `scripts/setup.sh test` \
             (it creates {})",
            dir.join(".venv").display()
        );
        let mut cmd = Command::new(python);
        cmd.arg(dir.join("server.py"));
        cmd
    }

    fn oidc_provider_command() -> Command {
        let dir = fixture_dir();
        let node_ok = Command::new("node")
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        assert!(node_ok, "the OAuth fixture needs `node` (20.19+) on PATH");
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "the OAuth fixture's packages are missing: run `npm ci` in {}",
            dir.display()
        );
        let mut cmd = Command::new("node");
        cmd.arg(dir.join("server.mjs"));
        cmd
    }

    pub fn endpoint(&self, name: &str) -> String {
        self.info[name].as_str().unwrap().to_string()
    }

    pub async fn stats(&self) -> Value {
        reqwest::get(self.endpoint("stats"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// How many token requests of this grant the server has seen.
    pub async fn token_requests(&self, grant: &str) -> u64 {
        self.stats().await["token_requests"][grant]
            .as_u64()
            .unwrap()
    }

    /// The fixture API's answer status to `GET /api/me` with this token.
    pub async fn api_status(&self, token: &str) -> u16 {
        reqwest::Client::new()
            .get(format!("{}/me", self.endpoint("api")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// Whether the provider's RFC 7662 introspection calls `token` active
    /// (asked as the confidential `latchkey-basic` client).
    pub async fn is_active(&self, token: &str) -> bool {
        let res = reqwest::Client::new()
            .post(self.endpoint("introspection_endpoint"))
            .basic_auth("latchkey-basic", Some("latchkey-basic-secret"))
            .form(&[("token", token)])
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success(),
            "introspection answered {}",
            res.status()
        );
        let body: Value = res.json().await.unwrap();
        body["active"].as_bool().unwrap()
    }

    /// RFC 7009 revocation of one token as `client` with a type hint;
    /// returns the status.
    pub async fn revoke_raw(&self, client: (&str, &str), token: &str, hint: &str) -> u16 {
        reqwest::Client::new()
            .post(self.endpoint("revocation_endpoint"))
            .basic_auth(client.0, Some(client.1))
            .form(&[("token", token), ("token_type_hint", hint)])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// POSTs a refresh token to the token endpoint as `client`; returns the
    /// status and JSON body.
    pub async fn refresh_raw(&self, client: (&str, &str), refresh_token: &str) -> (u16, Value) {
        let res = reqwest::Client::new()
            .post(self.endpoint("token_endpoint"))
            .basic_auth(client.0, Some(client.1))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ])
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

impl Drop for OauthServer {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        // Up to 5 s: on SIGTERM the django-oauth-toolkit fixture removes its
        // temp database first, which a SIGKILL would leave behind.
        for _ in 0..250 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `browser.mjs` in the foreground on `url` with `action`
/// (allow | deny | ignore | wrong-state | replay); returns its JSON line.
pub fn browse(url: &str, action: &str) -> Value {
    let out = Command::new("node")
        .arg(fixture_dir().join("browser.mjs"))
        .arg("--foreground")
        .arg(url)
        .env("LATCHKEY_TEST_BROWSER_ACTION", action)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().last().unwrap_or("null")).unwrap_or(Value::Null)
}

/// Runs `device.mjs` to approve (or with `deny`, refuse) a device code.
pub fn approve_device(verification_uri_complete: &str, action: &str) -> Value {
    let out = Command::new("node")
        .arg(fixture_dir().join("device.mjs"))
        .arg(verification_uri_complete)
        .env("LATCHKEY_TEST_BROWSER_ACTION", action)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().last().unwrap_or("null")).unwrap_or(Value::Null)
}
