//! The local automation API: login links and requests as a user
//! over HTTP on loopback, for scripts and workflow tools on this machine.
//! Served by `latchkey serve` and, when turned on, inside the desktop app,
//! over the same core and database.
//!
//! Security: loopback bind only (there is no remote mode), the `Host` must
//! name loopback and our port, requests from web pages (`Origin`) are
//! refused, every route but `/v1/health` needs the API key, bodies are
//! capped at [`MAX_BODY_BYTES`].

mod extract;
mod guards;
mod handlers;
pub mod openapi;
mod problem;
pub mod router;
mod settings;
mod state;
mod workers;

pub use crate::latchkey::{ApiKeyStatus, LocalApiSettings, DEFAULT_PORT};
pub use problem::{Problem, PROBLEM_CONTENT_TYPE};
pub use settings::{start_enabled, LocalApiStatus, RevealedApiKey};

use crate::error::{Error, Result};
use crate::http::CancellationToken;
use crate::latchkey::Latchkey;
use state::ApiState;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tokio::task::JoinHandle;

/// The largest request body accepted (413 above).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// `127.0.0.1:7412`.
pub fn default_addr() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DEFAULT_PORT)
}

/// Refuses anything but a loopback address: the API hands out tokens'
/// power, so it is never reachable from the network.
pub fn check_loopback(addr: SocketAddr) -> Result<()> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "the local API binds loopback only (127.0.0.1 or ::1), not {}: there is no remote mode",
            addr.ip()
        )))
    }
}

/// A bound, not yet running server: its address is known (port 0 resolved).
pub struct Server {
    listener: tokio::net::TcpListener,
    state: Arc<ApiState>,
    addr: SocketAddr,
}

impl Server {
    /// Binds `addr` (loopback only). Does not create an API key: call
    /// [`Latchkey::enable_api_key`] first, or every call gets 401.
    pub async fn bind(app: Arc<Latchkey>, addr: SocketAddr) -> Result<Self> {
        check_loopback(addr)?;
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            let detail = if e.kind() == std::io::ErrorKind::AddrInUse {
                format!("{addr} is already in use (another `latchkey serve` or the app?): choose another port")
            } else {
                format!("cannot listen on {addr}: {e}")
            };
            Error::Conflict(detail)
        })?;
        let addr = listener
            .local_addr()
            .map_err(Error::io("cannot read the bound address"))?;
        let state = Arc::new(ApiState {
            app,
            port: addr.port(),
            base_url: format!("http://{addr}"),
            cancel: CancellationToken::new(),
        });
        Ok(Self {
            listener,
            state,
            addr,
        })
    }

    /// The bound address (with the real port when 0 was asked).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves on its own threads ([`workers`]) until `shutdown` completes;
    /// then in-flight sends are cancelled and waiting logins stopped.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        let listener = self.listener.into_std().map_err(Error::io(
            "cannot hand the local API's socket to its threads",
        ))?;
        let app = router::router(Arc::clone(&self.state));
        let stop = CancellationToken::new();
        let (ends, mut ended) = tokio::sync::mpsc::unbounded_channel();
        let started = workers::start(&listener, &app, &stop, &ends);
        drop(ends);
        // A thread that ends early (its socket failed) stops the others.
        let mut result = match started {
            Ok(()) => tokio::select! {
                () = shutdown => Ok(()),
                Some(end) = ended.recv() => end,
            },
            Err(err) => Err(err),
        };
        self.state.cancel.cancel();
        stop.cancel();
        while let Some(end) = ended.recv().await {
            if result.is_ok() {
                result = end;
            }
        }
        result
    }

    /// Serves in the background (the serving threads answer; a task on the
    /// current runtime waits for them); stop it with [`ServerHandle::stop`].
    pub fn spawn(self) -> ServerHandle {
        let addr = self.addr;
        let stop = CancellationToken::new();
        let token = stop.clone();
        let task = tokio::spawn(self.run(async move { token.cancelled().await }));
        ServerHandle { addr, stop, task }
    }
}

/// A running server (what the desktop shell keeps while the setting is on).
pub struct ServerHandle {
    addr: SocketAddr,
    stop: CancellationToken,
    task: JoinHandle<Result<()>>,
}

impl ServerHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, cancels in-flight sends, and waits for the end.
    pub async fn stop(self) -> Result<()> {
        self.stop.cancel();
        self.task.await.map_err(|source| Error::Task {
            what: "the local API".into(),
            source,
        })?
    }
}

/// Binds `addr` (loopback only) and serves until `shutdown` completes.
pub async fn serve(
    app: Arc<Latchkey>,
    addr: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    Server::bind(app, addr).await?.run(shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_is_accepted() {
        assert!(check_loopback("127.0.0.1:0".parse().unwrap()).is_ok());
        assert!(check_loopback("[::1]:7412".parse().unwrap()).is_ok());
        let err = check_loopback("0.0.0.0:7412".parse().unwrap()).unwrap_err();
        assert!(err.to_string().contains("loopback only"), "{err}");
        assert!(check_loopback("192.168.1.2:7412".parse().unwrap()).is_err());
    }
}
