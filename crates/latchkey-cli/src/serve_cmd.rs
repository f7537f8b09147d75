//! `latchkey serve` (the local automation API) and `latchkey api-key`.

use crate::output::{self, outln};
use clap::Subcommand;
use latchkey_core::local_api::{check_loopback, Server};
use latchkey_core::{Error, Latchkey, Result};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tokio::runtime::Runtime;

#[derive(Subcommand)]
pub enum ApiKeyCommand {
    /// Make a new API key (printed as the last line; the old key stops working).
    Rotate,
    /// Whether a key is set, and since when (the key itself is never stored).
    Status,
}

/// `127.0.0.1`, `::1` or `localhost`; anything else is refused (no remote mode).
fn bind_ip(text: &str) -> Result<IpAddr> {
    if text.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    let trimmed = text.trim_start_matches('[').trim_end_matches(']');
    trimmed.parse().map_err(|_| {
        Error::InvalidInput(format!(
            "--bind `{text}` is not an IP address: use 127.0.0.1 or ::1"
        ))
    })
}

/// Serves until Ctrl-C or SIGTERM. The first stdout line is
/// `listening on http://ADDR` (scripts and tests read the port from it).
pub fn serve(rt: &Runtime, app: Latchkey, port: u16, bind: &str) -> Result<()> {
    let addr = SocketAddr::new(bind_ip(bind)?, port);
    check_loopback(addr)?;
    rt.block_on(async {
        let app = Arc::new(app);
        let new_key = app.enable_api_key()?;
        let server = Server::bind(app, addr).await?;
        outln!("listening on {}", server.base_url())?;
        if let Some(key) = new_key {
            eprintln!("A new API key was made; it is shown only this once (`latchkey api-key rotate` replaces it):");
            eprintln!("{}", key.expose());
        }
        server.run(stop_signal()).await
    })
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub fn api_key(app: &Latchkey, command: &ApiKeyCommand, json: bool) -> Result<()> {
    match command {
        ApiKeyCommand::Rotate => {
            let key = app.rotate_api_key()?;
            if json {
                return output::json(&serde_json::json!({"api_key": key.expose()}));
            }
            outln!("New local API key (the old one no longer works; it is shown only once):")?;
            outln!("{}", key.expose())?;
            Ok(())
        }
        ApiKeyCommand::Status => {
            let status = app.api_key_status()?;
            if json {
                return output::json(&status);
            }
            match status.created_at {
                Some(ms) if status.configured => outln!("API key set on {}", output::utc_time(ms))?,
                _ => outln!(
                    "no API key yet: `latchkey serve` or `latchkey api-key rotate` makes one"
                )?,
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_accepts_loopback_names() {
        assert_eq!(
            bind_ip("localhost").unwrap(),
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        );
        assert!(bind_ip("[::1]").unwrap().is_loopback());
        assert!(bind_ip("example.com").is_err());
    }
}
