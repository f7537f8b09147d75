//! OAuth operations of [`Latchkey`]: what the desktop shell and the CLI
//! call. Each reports its outcome as an [`AuthEvent`] too.

use super::Latchkey;
use crate::error::{Error, Result};
use crate::model::User;
use crate::oauth::complete::ResponseIssuer;
use crate::oauth::pasted::{self, Pasted};
use crate::oauth::{
    client_credentials, complete, device, lifecycle, login, loopback::Listener, revoke, AuthEvent,
    AuthEventKind, AuthSettings, DeviceAuthorization, LoginLink, LoopbackAuthorization, ValidToken,
};
use crate::oauth::{ServiceTokenState, SignOut};
use crate::service::{Service, DEFAULT_REDIRECT_URI};
use crate::store::{pending, services, users, CacheCheck};
use std::time::Duration;
use tokio::sync::broadcast;

/// How long `finish_authorization` waits by default.
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(300);

impl Latchkey {
    /// Authorization results and status changes, for the shell to forward.
    pub fn subscribe_auth_events(&self) -> broadcast::Receiver<AuthEvent> {
        self.auth.subscribe()
    }

    pub fn auth_settings(&self) -> AuthSettings {
        self.auth.settings()
    }

    /// Changes the engine's tunables (tests use short timeouts).
    pub fn set_auth_settings(&self, settings: AuthSettings) {
        self.auth.set_settings(settings);
    }

    /// A login link for the service's redirect URI, to copy or send to the
    /// account owner; finish with [`Latchkey::complete_from_pasted`]. It
    /// replaces the user's earlier links.
    pub fn login_link(&self, service: &str, user: &str) -> Result<LoginLink> {
        let (service, user) = self.service_user(service, user)?;
        let redirect = redirect_uri(&service);
        login::create(&self.oauth(), &service, &user, &redirect)
    }

    /// Starts a browser sign-in: binds the loopback listener on the
    /// service's redirect URI (port 0: any free port), then makes the login
    /// link for it. Open `link().url`, then await
    /// [`Latchkey::finish_authorization`].
    pub async fn begin_authorization(
        &self,
        service: &str,
        user: &str,
    ) -> Result<LoopbackAuthorization> {
        let (service, user) = self.service_user(service, user)?;
        let listener = Listener::bind(&redirect_uri(&service)).await?;
        let link = login::create(&self.oauth(), &service, &user, listener.redirect_uri())?;
        Ok(LoopbackAuthorization {
            listener,
            link,
            service: service.spec.slug,
            user: user.external_id,
        })
    }

    /// Waits (up to `timeout`) for the browser to come back, exchanges the
    /// code and stores the tokens. The browser is shown the outcome.
    pub async fn finish_authorization(
        &self,
        pending: LoopbackAuthorization,
        timeout: Duration,
    ) -> Result<User> {
        let LoopbackAuthorization {
            listener,
            link,
            service,
            user,
        } = pending;
        let result = async {
            let (svc, usr) = self.service_user(&service, &user)?;
            let state = self.store.read(|conn| pending::states_for_user(conn, usr.id))?;
            // The newest attempt for this user is the one this link made.
            let state = state.into_iter().next().ok_or_else(|| {
                Error::AuthorizationFailed(format!(
                    "the login for `{user}` was replaced or cancelled before it finished: start again"
                ))
            })?;
            let caught = listener.wait(&state, timeout).await?;
            let outcome = match (caught.params.provider_refusal(), caught.params.code.as_deref()) {
                (Some(refusal), _) => {
                    self.store.write(|tx| pending::take(tx, &state, usr.id))?;
                    Err(refusal)
                }
                (None, None) => Err(Error::AuthorizationFailed(
                    "the browser came back without an authorization code: start again".into(),
                )),
                (None, Some(code)) => {
                    let iss = ResponseIssuer::Redirect(caught.params.iss.as_deref());
                    complete::exchange(&self.oauth(), &svc, &usr, &state, code, iss).await
                }
            };
            caught.reply.finish(outcome.as_ref().map(who)).await;
            outcome
        }
        .await;
        let _ = link;
        self.report(&service, &user, result.as_ref());
        result
    }

    /// [`Latchkey::begin_authorization`] and [`Latchkey::finish_authorization`]
    /// with `open` called on the link in between (e.g. to open a browser).
    pub async fn authorize_in_browser(
        &self,
        service: &str,
        user: &str,
        timeout: Duration,
        open: impl FnOnce(&LoginLink),
    ) -> Result<User> {
        let pending = self.begin_authorization(service, user).await;
        let pending = match pending {
            Ok(p) => p,
            Err(err) => {
                self.report(service, user, Err(&err));
                return Err(err);
            }
        };
        open(pending.link());
        self.finish_authorization(pending, timeout).await
    }

    /// Completes a sign-in from what the person pasted: the full redirect
    /// URL, or the bare code (then the user's one pending login is used).
    pub async fn complete_from_pasted(
        &self,
        service: &str,
        user: &str,
        text: &str,
    ) -> Result<User> {
        let result = async {
            let (svc, usr) = self.service_user(service, user)?;
            let (state, code, redirect_iss) = match pasted::parse(text)? {
                Pasted::Redirect(params) => {
                    if let Some(refusal) = params.provider_refusal() {
                        if let Some(state) = &params.state {
                            self.store.write(|tx| pending::take(tx, state, usr.id))?;
                        }
                        return Err(refusal);
                    }
                    let state = match params.state {
                        Some(s) => s,
                        None => {
                            stateless_needs_s256(&svc, "address has no `state`")?;
                            self.single_pending(&usr)?
                        }
                    };
                    (state, params.code.unwrap_or_default(), Some(params.iss))
                }
                Pasted::BareCode(code) => {
                    stateless_needs_s256(&svc, "text is a bare code, without `state`")?;
                    (self.single_pending(&usr)?, code, None)
                }
            };
            // A redirect's `iss` is checked; a bare code has none to check.
            let iss = match &redirect_iss {
                Some(iss) => ResponseIssuer::Redirect(iss.as_deref()),
                None => ResponseIssuer::BareCode,
            };
            complete::exchange(&self.oauth(), &svc, &usr, &state, &code, iss).await
        }
        .await;
        if result.is_ok() {
            // The listener waiting for this login's redirect has nothing left to catch.
            self.cancel_login(service, user);
        }
        self.report(service, user, result.as_ref());
        result
    }

    /// A usable access token for the user, refreshed when it expires within
    /// the skew (or when `force_refresh`). Safe to call concurrently from
    /// many tasks and processes: one refresh reaches the provider.
    pub async fn access_token(
        &self,
        service: &str,
        user: &str,
        force_refresh: bool,
    ) -> Result<ValidToken> {
        let (svc, usr) = self.service_user(service, user)?;
        self.access_token_of(&svc, &usr, force_refresh, None).await
    }

    /// [`Latchkey::access_token`] for a service and user already read (a
    /// send reads them once, with everything else it needs).
    pub(crate) async fn access_token_of(
        &self,
        svc: &Service,
        usr: &User,
        force_refresh: bool,
        checked: Option<CacheCheck>,
    ) -> Result<ValidToken> {
        let (token, changed) =
            lifecycle::access_token(&self.oauth(), svc, usr, force_refresh, checked).await?;
        if let Some(u) = changed {
            self.auth.emit(AuthEvent {
                service: svc.spec.slug.clone(),
                user: Some(u.external_id),
                kind: AuthEventKind::StatusChanged { status: u.status },
            });
        }
        Ok(token)
    }

    /// The service's client-credentials token, fetched on first use and
    /// again when expired (or when `force_refresh`).
    pub async fn service_token(&self, service: &str, force_refresh: bool) -> Result<ValidToken> {
        let svc = self.get_service(service)?;
        self.service_token_of(&svc, force_refresh).await
    }

    /// The service's own client-credentials token state, without fetching
    /// one; `None` for services whose tokens belong to users.
    pub fn service_token_state(&self, service: &str) -> Result<Option<ServiceTokenState>> {
        let svc = self.get_service(service)?;
        client_credentials::token_state(&self.oauth(), &svc)
    }

    /// [`Latchkey::service_token`] for a service already read.
    pub(crate) async fn service_token_of(
        &self,
        svc: &Service,
        force_refresh: bool,
    ) -> Result<ValidToken> {
        let result = client_credentials::service_token(&self.oauth(), svc, force_refresh).await;
        if matches!(&result, Ok(t) if t.refreshed) || result.is_err() {
            let kind = match &result {
                Ok(_) => AuthEventKind::Succeeded {
                    status: crate::model::UserStatus::Authorized,
                },
                Err(e) => AuthEventKind::failed(e),
            };
            self.auth.emit(AuthEvent {
                service: svc.spec.slug.clone(),
                user: None,
                kind,
            });
        }
        result
    }

    /// Revokes the user's tokens at the provider (when it has a revocation
    /// endpoint) and forgets them; status becomes `revoked`. A refusal keeps
    /// everything unless `force`.
    pub async fn sign_out(&self, service: &str, user: &str, force: bool) -> Result<SignOut> {
        let (svc, usr) = self.service_user(service, user)?;
        let done = revoke::sign_out(&self.oauth(), &svc, &usr, force).await?;
        self.auth.emit(AuthEvent {
            service: svc.spec.slug,
            user: Some(done.user.external_id.clone()),
            kind: AuthEventKind::StatusChanged {
                status: done.user.status,
            },
        });
        Ok(done)
    }

    /// Starts the device grant; show `prompt()` to the person, then await
    /// [`Latchkey::finish_device_authorization`].
    pub async fn start_device_authorization(
        &self,
        service: &str,
        user: &str,
    ) -> Result<DeviceAuthorization> {
        let (svc, usr) = self.service_user(service, user)?;
        device::start(&self.oauth(), &svc, &usr).await
    }

    /// Polls until the device code is approved, denied or expired.
    pub async fn finish_device_authorization(&self, pending: DeviceAuthorization) -> Result<User> {
        let result = async {
            let (svc, usr) = self.service_user(&pending.service, &pending.user)?;
            device::finish(&self.oauth(), &svc, &usr, &pending).await
        }
        .await;
        self.report(&pending.service, &pending.user, result.as_ref());
        result
    }

    /// The service and its user, read together.
    pub(crate) fn service_user(&self, service: &str, user: &str) -> Result<(Service, User)> {
        self.store
            .read_cached(&format!("service_user\0{service}\0{user}"), |conn| {
                let service = services::get(conn, service)?;
                let user = users::get(conn, &service, user)?;
                Ok((service, user))
            })
    }

    fn single_pending(&self, user: &User) -> Result<String> {
        let mut states = self
            .store
            .read(|conn| pending::states_for_user(conn, user.id))?;
        match states.len() {
            1 => Ok(states.remove(0)),
            0 => Err(Error::AuthorizationFailed(format!(
                "there is no login in progress for `{}`: make a login link first, then paste what the browser ended on",
                user.external_id
            ))),
            _ => Err(Error::InvalidInput(
                "several logins are in progress: paste the whole address the browser ended on, not just the code".into(),
            )),
        }
    }

    fn report(&self, service: &str, user: &str, result: std::result::Result<&User, &Error>) {
        let kind = match result {
            Ok(u) => AuthEventKind::Succeeded { status: u.status },
            Err(e) => AuthEventKind::failed(e),
        };
        self.auth.emit(AuthEvent {
            service: service.to_string(),
            user: Some(user.to_string()),
            kind,
        });
    }
}

fn redirect_uri(service: &Service) -> String {
    service
        .spec
        .redirect_uri
        .clone()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_REDIRECT_URI.to_string())
}

fn who(user: &User) -> String {
    user.email
        .clone()
        .or_else(|| user.name.clone())
        .unwrap_or_else(|| format!("`{}`", user.external_id))
}

/// Without `state`, nothing ties a pasted code to the login Latchkey
/// started, except PKCE S256: a code injected from another login fails the
/// verifier at the token endpoint. Without S256 such a paste is refused.
fn stateless_needs_s256(service: &crate::service::Service, what: &str) -> Result<()> {
    if service.spec.pkce == crate::PkceMode::S256 {
        return Ok(());
    }
    Err(Error::InvalidInput(format!(
        "the pasted {what}, and service `{}` does not use PKCE S256, so Latchkey cannot tell \
         that this code belongs to the sign-in it started: paste the whole address the browser \
         ended on, including `state`",
        service.spec.slug
    )))
}
