//! What the commands share: the core handle (opened on first use, so a broken
//! data dir shows as an error in the window instead of a process that will
//! not start), the requests in flight, and where core events go. Logins in
//! flight live in the core, shared with the local API.

use latchkey_core::http::CancellationToken;
use latchkey_core::json::{CacheLimits, JsonDocumentCache};
use latchkey_core::local_api::ServerHandle;
use latchkey_core::oauth::AuthEvent;
use latchkey_core::{ErrorPayload, Latchkey, ModelChanged, ModelWatch, SendProgress};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

type EventSink = Arc<dyn Fn(AuthEvent) + Send + Sync>;
type ModelSink = Arc<dyn Fn(ModelChanged) + Send + Sync>;
type ProgressSink = Arc<dyn Fn(SendProgress) + Send + Sync>;

/// How often the database is checked for changes made by other processes:
/// the window shows them within this, without needing focus.
const MODEL_POLL: std::time::Duration = std::time::Duration::from_millis(400);

pub struct AppState {
    latchkey: Mutex<Option<Arc<Latchkey>>>,
    /// Forwards core events to the window; set once the app is built.
    sink: EventSink,
    /// Forwards "the database changed" to the window.
    model_sink: ModelSink,
    /// Forwards how much of an answer in flight has arrived.
    progress_sink: ProgressSink,
    model_watch: Mutex<Option<ModelWatch>>,
    /// Requests in flight, by the id the window gave them, for Cancel.
    sends: Mutex<HashMap<String, CancellationToken>>,
    /// Parsed response bodies the tree pages through.
    pub documents: Arc<JsonDocumentCache>,
    /// The local automation API while it serves.
    api: tokio::sync::Mutex<Option<ServerHandle>>,
    api_problem: Mutex<Option<String>>,
}

impl AppState {
    pub fn new(
        sink: impl Fn(AuthEvent) + Send + Sync + 'static,
        model_sink: impl Fn(ModelChanged) + Send + Sync + 'static,
        progress_sink: impl Fn(SendProgress) + Send + Sync + 'static,
    ) -> Self {
        Self {
            latchkey: Mutex::new(None),
            sink: Arc::new(sink),
            model_sink: Arc::new(model_sink),
            progress_sink: Arc::new(progress_sink),
            model_watch: Mutex::new(None),
            sends: Mutex::new(HashMap::new()),
            documents: Arc::new(JsonDocumentCache::new(CacheLimits::default())),
            api: tokio::sync::Mutex::new(None),
            api_problem: Mutex::new(None),
        }
    }

    pub fn latchkey(&self) -> Result<Arc<Latchkey>, ErrorPayload> {
        let mut slot = self.latchkey.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(open) = slot.as_ref() {
            return Ok(Arc::clone(open));
        }
        let open = Arc::new(Latchkey::open(None)?);
        self.forward_events(&open);
        let sink = Arc::clone(&self.model_sink);
        // Without the watch the window still works; it just catches up on focus.
        if let Ok(watch) = open.watch_model(MODEL_POLL, move |changed| sink(changed)) {
            *self.model_watch.lock().unwrap_or_else(|p| p.into_inner()) = Some(watch);
        }
        *slot = Some(Arc::clone(&open));
        Ok(open)
    }

    fn forward_events(&self, core: &Latchkey) {
        forward(core.subscribe_auth_events(), Arc::clone(&self.sink));
        forward(
            core.subscribe_send_progress(),
            Arc::clone(&self.progress_sink),
        );
    }

    /// Replaces the running API server (stopping the old one first).
    pub async fn set_api_server(&self, next: Option<ServerHandle>) {
        let mut slot = self.api.lock().await;
        if let Some(old) = slot.take() {
            // Stopping only fails if the server already ended; nothing to do.
            let _ = old.stop().await;
        }
        *slot = next;
    }

    pub async fn api_address(&self) -> Option<SocketAddr> {
        self.api.lock().await.as_ref().map(ServerHandle::local_addr)
    }

    pub fn api_problem(&self) -> Option<String> {
        self.api_problem
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_api_problem(&self, problem: Option<String>) {
        *self.api_problem.lock().unwrap_or_else(|p| p.into_inner()) = problem;
    }

    /// A cancellation token for a new send, registered under `id`.
    pub fn begin_send(&self, id: &str) -> CancellationToken {
        let token = CancellationToken::new();
        let mut sends = self.sends.lock().unwrap_or_else(|p| p.into_inner());
        sends.insert(id.to_string(), token.clone());
        token
    }

    pub fn end_send(&self, id: &str) {
        let mut sends = self.sends.lock().unwrap_or_else(|p| p.into_inner());
        sends.remove(id);
    }

    pub fn cancel_send(&self, id: &str) -> bool {
        let sends = self.sends.lock().unwrap_or_else(|p| p.into_inner());
        sends.get(id).map(CancellationToken::cancel).is_some()
    }
}

/// Hands each event of a core channel to `sink` until the core closes it;
/// a window that fell behind skips what it missed.
fn forward<T: Clone + Send + 'static>(
    mut events: tokio::sync::broadcast::Receiver<T>,
    sink: Arc<dyn Fn(T) + Send + Sync>,
) {
    tauri::async_runtime::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match events.recv().await {
                Ok(event) => sink(event),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
}
