//! Sending requests, history and saved requests on [`Latchkey`].

use super::history_draft::{HistoryDraft, Outcome};
use super::history_writer::Record;
use super::Latchkey;
use crate::error::{Error, Result};
use crate::http::execute::{auth_source, exchange, AuthArg, Exchange};
use crate::http::ReportProgress;
use crate::http::{
    validate_saved, AuthPlacement, CancellationToken, HistoryEntry, HistoryFilter, HistoryLimits,
    HistoryPage, HistorySource, HttpClient, HttpResponse, Received, RequestSpec, SavedRequest,
    SavedRequestInput, SendOptions, TokenProvider,
};
use crate::model::Secret;
use crate::model::TokenPlacement;
use crate::model::User;
use crate::service::{Service, TokenOrigins};
use crate::store::{history, meta, saved_requests, services, users, CacheCheck};
use serde::Serialize;
use std::sync::Arc;
use tokio::sync::broadcast;
use ts_rs::TS;

const HISTORY_LIMITS_KEY: &str = "history_limits";

/// One send: which service and user (for the base URL and history), the
/// request, its limits and where it came from.
#[derive(Debug, Clone, Default)]
pub struct SendRequest {
    pub service: Option<String>,
    pub user: Option<String>,
    pub request: RequestSpec,
    pub options: SendOptions,
    pub source: HistorySource,
    /// Report the body's progress on [`Latchkey::subscribe_send_progress`]
    /// under this id while it downloads; `None`: no reports.
    pub progress_id: Option<String>,
}

/// How much of the answer to the send `send_id` has arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SendProgress {
    pub send_id: String,
    pub received: Received,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Sent {
    pub response: HttpResponse,
    /// The history entry, unless recording failed (the send still counts).
    pub history_id: Option<i64>,
}

/// What a send reads before it goes out, in one read transaction: the
/// service (base URL, auth), the user, and the history limits.
#[derive(Clone)]
pub(super) struct SendContext {
    /// Shared with the read cache: a send copies none of it.
    pub read: Arc<ContextRead>,
    /// The send's one check of the read cache; its later reads use it.
    pub checked: CacheCheck,
}

/// What the send read from the database, kept by the read cache until a
/// commit changes the tables it came from.
pub(super) struct ContextRead {
    pub service: Option<Service>,
    pub user: Option<User>,
    pub limits: HistoryLimits,
    /// Where the service's credentials may go, worked out once per read.
    pub origins: TokenOrigins,
}

impl Latchkey {
    /// Progress of sends that asked for it ([`SendRequest::progress_id`]),
    /// for the shell to forward.
    pub fn subscribe_send_progress(&self) -> broadcast::Receiver<SendProgress> {
        self.progress.subscribe()
    }

    /// `checked`: a check of the read cache made when the send was asked
    /// for (the local API's key check); `None` checks now.
    pub(super) fn send_context(
        &self,
        send: &SendRequest,
        checked: Option<CacheCheck>,
    ) -> Result<SendContext> {
        let key = format!(
            "send_context\0{}\0{}",
            send.service.as_deref().unwrap_or("\0"),
            send.user.as_deref().unwrap_or("\0")
        );
        // The one look at the database for changes this send makes.
        let checked = match checked {
            Some(checked) => checked,
            None => self.store.check_cache()?,
        };
        let read = self.store.read_cached_as_of(checked, &key, |conn| {
            let service = match send.service.as_deref() {
                Some(slug) => Some(services::get(conn, slug)?),
                None => None,
            };
            let user = match (&service, send.user.as_deref()) {
                (Some(service), Some(user)) => Some(users::get(conn, service, user)?),
                (None, Some(_)) => {
                    return Err(Error::InvalidInput("a user needs its service".into()))
                }
                _ => None,
            };
            let limits = parse_limits(meta::get(conn, HISTORY_LIMITS_KEY)?);
            let origins = service
                .as_ref()
                .map_or_else(TokenOrigins::none, |s| TokenOrigins::of_service(&s.spec));
            Ok(Arc::new(ContextRead {
                service,
                user,
                limits,
                origins,
            }))
        })?;
        Ok(SendContext { read, checked })
    }

    /// Sends with a fixed token (or none), records it in history.
    pub async fn send_request(
        &self,
        send: &SendRequest,
        auth: Option<AuthPlacement>,
        cancel: &CancellationToken,
    ) -> Result<Sent> {
        let context = self.send_context(send, None)?;
        self.send_request_in(&context, send, auth, cancel).await
    }

    pub(super) async fn send_request_in(
        &self,
        context: &SendContext,
        send: &SendRequest,
        auth: Option<AuthPlacement>,
        cancel: &CancellationToken,
    ) -> Result<Sent> {
        let names: Vec<String> = auth
            .iter()
            .filter_map(|a| a.header_name().or(a.query_name()))
            .map(String::from)
            .collect();
        let source = auth_source(auth);
        self.send_with(context, send, source.as_ref(), &names, cancel)
            .await
    }

    /// Sends with tokens from `tokens` (the OAuth engine's per-user
    /// provider: refresh ahead of expiry, and once on 401), records it.
    pub async fn send_request_with_tokens<P: TokenProvider>(
        &self,
        send: &SendRequest,
        placement: &TokenPlacement,
        tokens: &P,
        cancel: &CancellationToken,
    ) -> Result<Sent> {
        let context = self.send_context(send, None)?;
        self.send_with_tokens_in(&context, send, placement, tokens, cancel)
            .await
    }

    pub(super) async fn send_with_tokens_in<P: TokenProvider>(
        &self,
        context: &SendContext,
        send: &SendRequest,
        placement: &TokenPlacement,
        tokens: &P,
        cancel: &CancellationToken,
    ) -> Result<Sent> {
        let name = match placement {
            TokenPlacement::Header { name, .. } | TokenPlacement::Query { name } => name.clone(),
        };
        self.send_with(context, send, Some((placement, tokens)), &[name], cancel)
            .await
    }

    async fn send_with<A: AuthArg>(
        &self,
        context: &SendContext,
        send: &SendRequest,
        auth: Option<A>,
        token_names: &[String],
        cancel: &CancellationToken,
    ) -> Result<Sent> {
        let service = context.read.service.as_ref();
        let base_url = service.and_then(|s| s.spec.api_base_url.as_deref());
        // `{{NAME}}` replaced before anything goes out; history keeps the
        // request as written (references, not values).
        let (expanded, variable_secrets) = self.expand_send(send, service)?;
        let prepared = expanded.request.prepare(base_url)?;
        // Large answers are sealed on disk. Without a keyring there is no
        // key: a send without a token still works, and its answer stays in
        // memory (up to the response cap) so nothing unsealed is written.
        let vault = self.vault().ok();
        let options = match vault {
            Some(_) => send.options,
            None => SendOptions {
                inline_body_bytes: send.options.max_response_bytes,
                ..send.options
            },
        };
        let progress = send.progress_id.clone().map(|send_id| {
            let events = self.progress.clone();
            move |received| {
                // Nobody listening (no window) is fine.
                let _ = events.send(SendProgress {
                    send_id: send_id.clone(),
                    received,
                });
            }
        });
        let Exchange { result, tokens } = exchange(
            HttpClient::shared(),
            &prepared,
            auth,
            // Whoever calls (window, CLI, local API), a credential goes only
            // to the service's token origins; with no service, to none.
            &context.read.origins,
            &options,
            self.data_dir(),
            vault.clone(),
            progress.as_ref().map(|p| p as &ReportProgress),
            cancel,
        )
        .await;
        // History must never cost the send its answer: with no keyring to
        // seal it with (or no id), it is dropped. The record is redacted,
        // sealed and committed by the history writer, off the request path.
        let mut result = result;
        let id = vault.as_ref().and_then(|_| self.history.next_id().ok());
        let history_id = match (vault, id) {
            (Some(vault), Some(id)) => {
                let outcome = Outcome::take_from(&mut result);
                let draft = HistoryDraft {
                    tokens,
                    token_names: token_names.to_vec(),
                    expanded: expanded.request,
                    written: send.request.clone(),
                    method: prepared.method.as_str().to_string(),
                    url: prepared.url,
                    marked_secrets: variable_secrets,
                    known_secrets: self.known_secrets(service, context.checked),
                    source: send.source,
                    service_id: service.map(|s| s.id),
                    user_id: context.read.user.as_ref().map(|u| u.id),
                    outcome,
                };
                self.history.submit(Record {
                    id,
                    draft,
                    limits: context.read.limits,
                    vault,
                });
                Some(id)
            }
            _ => None,
        };
        result.map(|response| Sent {
            response,
            history_id,
        })
    }

    /// The service's client secret, for history to scrub wherever it appears.
    fn known_secrets(&self, service: Option<&Service>, checked: CacheCheck) -> Vec<Secret> {
        let Some(service) = service.filter(|s| s.has_client_secret) else {
            return Vec::new();
        };
        let slug = &service.spec.slug;
        let secret = self
            .store
            .cached_as_of(checked, &format!("client_secret\0{slug}"), || {
                self.client_secret(slug)
            });
        secret.ok().flatten().into_iter().collect()
    }

    pub fn history_limits(&self) -> Result<HistoryLimits> {
        let text = self
            .store
            .read(|conn| meta::get(conn, HISTORY_LIMITS_KEY))?;
        Ok(parse_limits(text))
    }

    pub fn set_history_limits(&self, limits: &HistoryLimits) -> Result<()> {
        if limits.max_entries == 0 || limits.max_bytes == 0 {
            return Err(Error::InvalidInput(
                "history limits must be above zero".into(),
            ));
        }
        let text = serde_json::to_string(limits).map_err(Error::encode("the history limits"))?;
        self.store
            .write(|tx| meta::set(tx, HISTORY_LIMITS_KEY, &text))
    }

    pub fn history(&self, filter: &HistoryFilter) -> Result<HistoryPage> {
        self.history.flush();
        self.store.read(|conn| history::list(conn, filter))
    }

    pub fn history_entry(&self, id: i64) -> Result<HistoryEntry> {
        self.history.flush();
        let stored = self.store.read(|conn| history::get(conn, id))?;
        match stored.sealed.clone() {
            None => Ok(stored.entry),
            Some(blob) => {
                let plain = self.vault()?.open_bytes(&history::purpose(id), &blob)?;
                stored.with_opened(&plain)
            }
        }
    }

    pub fn delete_history(&self, id: i64) -> Result<()> {
        self.history.flush();
        let files = self.store.write(|tx| history::delete(tx, id))?;
        remove_files(&files);
        Ok(())
    }

    /// Clears all history, or one service's; returns how many entries went.
    pub fn clear_history(&self, service: Option<&str>) -> Result<usize> {
        self.history.flush();
        let (count, files) = self.store.write(|tx| {
            let id = match service {
                Some(slug) => Some(services::get(tx, slug)?.id),
                None => None,
            };
            history::clear(tx, id)
        })?;
        remove_files(&files);
        Ok(count)
    }

    /// The stored request of a history entry, to send again (with fresh auth).
    pub fn rerun_request(&self, id: i64) -> Result<SendRequest> {
        let entry = self.history_entry(id)?;
        Ok(SendRequest {
            service: entry.summary.service,
            user: entry.summary.user,
            request: entry.request,
            options: SendOptions::default(),
            source: entry.summary.source,
            progress_id: None,
        })
    }

    pub fn list_saved_requests(&self, service: &str) -> Result<Vec<SavedRequest>> {
        let stored = self
            .store
            .read(|conn| saved_requests::list(conn, services::get(conn, service)?.id))?;
        stored.into_iter().map(|s| self.open_saved(s)).collect()
    }

    pub fn get_saved_request(&self, service: &str, name: &str) -> Result<SavedRequest> {
        let stored = self
            .store
            .read(|conn| saved_requests::get(conn, services::get(conn, service)?.id, name))?;
        self.open_saved(stored)
    }

    fn open_saved(&self, stored: saved_requests::StoredSaved) -> Result<SavedRequest> {
        match stored.sealed.clone() {
            None => Ok(stored.saved),
            Some(blob) => {
                let purpose = saved_requests::purpose(stored.saved.id);
                let plain = self.vault()?.open_bytes(&purpose, &blob)?;
                stored.with_opened(&plain)
            }
        }
    }

    /// Validates and stores a request; a name already used is refused.
    pub fn create_saved_request(
        &self,
        service: &str,
        input: &SavedRequestInput,
    ) -> Result<SavedRequest> {
        let vault = self.vault()?;
        let stored = self.store.write(|tx| {
            let svc = services::get(tx, service)?;
            let valid = validate_saved(input, svc.spec.api_base_url.as_deref())?;
            saved_requests::insert(tx, svc.id, &valid, |p, b| vault.seal_bytes(p, b))?;
            saved_requests::get(tx, svc.id, &valid.name)
        })?;
        self.open_saved(stored)
    }

    /// Replaces the saved request `name` (which may be renamed).
    pub fn update_saved_request(
        &self,
        service: &str,
        name: &str,
        input: &SavedRequestInput,
    ) -> Result<SavedRequest> {
        let vault = self.vault()?;
        let stored = self.store.write(|tx| {
            let svc = services::get(tx, service)?;
            let current = saved_requests::get(tx, svc.id, name)?.saved;
            let valid = validate_saved(input, svc.spec.api_base_url.as_deref())?;
            saved_requests::update(tx, current.id, svc.id, &valid, |p, b| {
                vault.seal_bytes(p, b)
            })?;
            saved_requests::get(tx, svc.id, &valid.name)
        })?;
        self.open_saved(stored)
    }

    pub fn delete_saved_request(&self, service: &str, name: &str) -> Result<()> {
        self.store.write(|tx| {
            let svc = services::get(tx, service)?;
            let current = saved_requests::get(tx, svc.id, name)?.saved;
            saved_requests::delete(tx, current.id)
        })
    }
}

/// The stored limits; the defaults when unset or unreadable.
fn parse_limits(text: Option<String>) -> HistoryLimits {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn remove_files(files: &[String]) {
    for file in files {
        let _ = std::fs::remove_file(file);
    }
}
