//! The local API's serving threads: each runs a single-threaded runtime
//! and accepts from the one listening socket, so a request, its upstream
//! connection and its answer stay on one core (the model nginx's workers
//! use). A shared multi-threaded runtime moved each request between
//! threads several times, and those wakeups cost more than the request.

use crate::error::{Error, Result};
use crate::http::CancellationToken;
use axum::serve::ListenerExt;
use axum::Router;
use std::net::TcpListener;
use tokio::sync::mpsc;

/// How many serving threads: one per core, at most four (a loopback API
/// for scripts gains nothing from more, and each holds a connection pool).
pub fn count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Starts `threads` serving threads on `listener` until `stop` is
/// cancelled; each sends how it ended on `ends` (closed once all have).
pub fn start(
    listener: TcpListener,
    router: &Router,
    threads: usize,
    stop: &CancellationToken,
    ends: &mpsc::UnboundedSender<Result<()>>,
) -> Result<()> {
    for n in 0..threads.max(1) {
        let listener = listener.try_clone().map_err(Error::io(
            "cannot share the local API's socket between threads",
        ))?;
        let (router, stop) = (router.clone(), stop.clone());
        let done = ends.clone();
        std::thread::Builder::new()
            .name(format!("latchkey-api-{n}"))
            .spawn(move || {
                let _ = done.send(serve(listener, router, stop));
            })
            .map_err(Error::io("cannot start a local API thread"))?;
    }
    Ok(())
}

fn serve(listener: TcpListener, router: Router, stop: CancellationToken) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::io("cannot start a local API thread's runtime"))?;
    runtime.block_on(async move {
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
    })
}
