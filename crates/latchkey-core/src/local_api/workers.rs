//! The local API's serving threads: each runs a single-threaded runtime
//! and accepts from the one listening socket, so a request and its answer
//! stay on one core (the model nginx's workers use); an upstream connection
//! is driven by the thread that opened it, which can be another, as the
//! pool is shared. A shared multi-threaded runtime moved each request
//! between threads several times, and those wakeups cost more than the
//! request.
//!
//! The threads live as long as the process, started the first time the
//! API is: the connections a send opens on them go to the process's shared
//! pools (requests, token endpoints) and are driven by their runtime, so a
//! runtime that stopped with the API would leave the window's next send on
//! a dead connection.

use crate::error::{Error, Result};
use crate::http::CancellationToken;
use axum::serve::ListenerExt;
use axum::Router;
use std::net::TcpListener;
use std::sync::Mutex;
use tokio::runtime::Handle;
use tokio::sync::mpsc;

/// How many serving threads: one per core, at most four (a loopback API
/// for scripts gains nothing from more).
fn count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// The serving threads' runtimes, started on first use.
fn runtimes() -> Result<Vec<Handle>> {
    static RUNTIMES: Mutex<Vec<Handle>> = Mutex::new(Vec::new());
    let mut runtimes = RUNTIMES.lock().unwrap_or_else(|p| p.into_inner());
    while runtimes.len() < count() {
        let next = start_runtime(runtimes.len())?;
        runtimes.push(next);
    }
    Ok(runtimes.clone())
}

fn start_runtime(n: usize) -> Result<Handle> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::io("cannot start a local API thread's runtime"))?;
    let handle = runtime.handle().clone();
    std::thread::Builder::new()
        .name(format!("latchkey-api-{n}"))
        // Runs what is spawned on `handle` for the rest of the process.
        .spawn(move || runtime.block_on(std::future::pending::<()>()))
        .map_err(Error::io("cannot start a local API thread"))?;
    Ok(handle)
}

/// Serves `router` on `listener` from every serving thread until `stop` is
/// cancelled; each sends how it ended on `ends`.
pub fn start(
    listener: &TcpListener,
    router: &Router,
    stop: &CancellationToken,
    ends: &mpsc::UnboundedSender<Result<()>>,
) -> Result<()> {
    for runtime in runtimes()? {
        let listener = listener.try_clone().map_err(Error::io(
            "cannot share the local API's socket between threads",
        ))?;
        let (router, stop, done) = (router.clone(), stop.clone(), ends.clone());
        runtime.spawn(async move {
            let _ = done.send(serve(listener, router, stop).await);
        });
    }
    Ok(())
}

async fn serve(listener: TcpListener, router: Router, stop: CancellationToken) -> Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)
        .map_err(Error::io("cannot watch the local API's socket"))?;
    // Answers go out as soon as they are written: without TCP_NODELAY a
    // keep-alive client's next request waits on Nagle's algorithm.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(stop.cancelled_owned())
        .await
        .map_err(Error::io("the local API stopped"))
}
