//! The loopback redirect listener (RFC 8252 §7.3): binds the redirect URI's
//! port on 127.0.0.1 or [::1] only (for `localhost`, both, on one port: a
//! browser may resolve it to either, RFC 8252 §8.3), serves each connection
//! in its own task, answers stray requests with 404 and a wrong `state` with
//! 400 while it keeps waiting, takes exactly one good callback, and gives up
//! after a timeout. A small HTTP/1.1 request-line
//! reader is all a browser's redirect needs; no server framework.

use super::login::LoginLink;
use super::pasted::CallbackParams;
use crate::error::{Error, Result};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::{timeout, Instant};
use url::{Host, Url};

/// A request head larger than this is not a redirect.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long one connection may take to send its request line.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A login in progress: the link to open, and the listener that will catch
/// its redirect. Made by `Latchkey::begin_authorization`, finished by
/// `Latchkey::finish_authorization`; dropping it closes the port.
pub struct LoopbackAuthorization {
    pub(crate) listener: Listener,
    pub(crate) link: LoginLink,
    pub(crate) service: String,
    pub(crate) user: String,
}

impl LoopbackAuthorization {
    pub fn link(&self) -> &LoginLink {
        &self.link
    }
    pub fn service(&self) -> &str {
        &self.service
    }
    pub fn user(&self) -> &str {
        &self.user
    }
}

pub struct Listener {
    listener: TcpListener,
    /// For a `localhost` redirect URI: the same port on [::1], since a
    /// browser may resolve `localhost` to either address.
    v6: Option<TcpListener>,
    redirect_uri: String,
    path: String,
}

/// What the listener caught, and the browser's connection, still open so
/// the page can say how the exchange went.
pub struct Caught {
    pub params: CallbackParams,
    pub reply: Reply,
}

pub struct Reply {
    stream: TcpStream,
}

impl Listener {
    /// Binds the redirect URI's host and port. Port 0 takes a free port
    /// (for providers that accept any loopback port); the returned
    /// listener's `redirect_uri` then names the real one.
    pub async fn bind(redirect_uri: &str) -> Result<Self> {
        let url = Url::parse(redirect_uri).map_err(|_| {
            Error::InvalidInput(format!("the redirect URI `{redirect_uri}` is not a URL"))
        })?;
        let localhost =
            matches!(url.host(), Some(Host::Domain(d)) if d.eq_ignore_ascii_case("localhost"));
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) if ip.is_loopback() => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) if ip.is_loopback() => IpAddr::V6(ip),
            // RFC 8252 §8.3: listen on the IP literals, never all interfaces.
            _ if localhost => IpAddr::V4(Ipv4Addr::LOCALHOST),
            _ => {
                return Err(Error::InvalidInput(format!(
                    "the redirect URI `{redirect_uri}` must be on 127.0.0.1, [::1] or localhost for Latchkey to catch it"
                )))
            }
        };
        if url.scheme() != "http" {
            return Err(Error::InvalidInput(format!(
                "the redirect URI `{redirect_uri}` must use http:// (the listener is plain HTTP on this machine)"
            )));
        }
        let port = url.port().unwrap_or(80);
        // `localhost` may resolve to 127.0.0.1 or ::1: listen on both, on
        // one port. A free port picked for IPv4 can be taken on IPv6, so
        // an ephemeral choice is retried a few times.
        let mut attempts = 0;
        let (listener, v6) = loop {
            attempts += 1;
            let listener = TcpListener::bind(SocketAddr::new(ip, port))
                .await
                .map_err(|e| bind_error(e, ip, port))?;
            let actual = local_port(&listener)?;
            if !localhost {
                break (listener, None);
            }
            let v6_addr = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), actual);
            match TcpListener::bind(v6_addr).await {
                Ok(v6) => break (listener, Some(v6)),
                // No IPv6 loopback on this machine: browsers cannot reach ::1 either.
                Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => {
                    break (listener, None)
                }
                Err(e)
                    if e.kind() == std::io::ErrorKind::AddrInUse && port == 0 && attempts < 5 =>
                {
                    continue
                }
                Err(e) => return Err(bind_error(e, IpAddr::V6(Ipv6Addr::LOCALHOST), actual)),
            }
        };
        let actual = local_port(&listener)?;
        let mut url = url;
        if port == 0 {
            let _ = url.set_port(Some(actual));
        }
        Ok(Self {
            listener,
            v6,
            path: url.path().to_string(),
            redirect_uri: url.to_string(),
        })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the one callback carrying `state`. Each connection is
    /// served in its own task, so idle or slow connections cannot hold up
    /// the browser's redirect. Other paths get 404 and a wrong state 400,
    /// and the wait goes on.
    pub async fn wait(self, state: &str, limit: Duration) -> Result<Caught> {
        let deadline = Instant::now() + limit;
        let check = Arc::new(Check {
            path: self.path.clone(),
            state: state.to_string(),
            wrong_state: AtomicUsize::new(0),
        });
        let (found, mut caught) = mpsc::channel::<Caught>(1);
        // Dropped on return: connections still being read are closed.
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                Some(c) = caught.recv() => return Ok(c),
                accepted = self.accept() => {
                    if let Ok(stream) = accepted {
                        connections.spawn(serve(stream, Arc::clone(&check), found.clone()));
                    }
                }
                () = tokio::time::sleep_until(deadline) => {
                    let wrong = check.wrong_state.load(Ordering::Relaxed);
                    return Err(timed_out(&self.redirect_uri, limit, wrong));
                }
            }
            // Reap finished connection tasks so the set does not grow.
            while connections.try_join_next().is_some() {}
        }
    }

    async fn accept(&self) -> std::io::Result<TcpStream> {
        match &self.v6 {
            None => self.listener.accept().await.map(|(s, _)| s),
            Some(v6) => tokio::select! {
                r = self.listener.accept() => r.map(|(s, _)| s),
                r = v6.accept() => r.map(|(s, _)| s),
            },
        }
    }
}

/// What every connection is checked against.
struct Check {
    path: String,
    state: String,
    wrong_state: AtomicUsize,
}

/// Serves one connection: answers it, or hands a good callback to the waiter.
async fn serve(mut stream: TcpStream, check: Arc<Check>, found: mpsc::Sender<Caught>) {
    let target = match timeout(READ_TIMEOUT, read_target(&mut stream)).await {
        Ok(Some(t)) => t,
        _ => {
            let _ = respond(
                &mut stream,
                400,
                &page("Bad request", "Latchkey could not read this request."),
            )
            .await;
            return;
        }
    };
    let (method, target) = target;
    let url = match target_url(&target) {
        Some(u) => u,
        None => {
            let _ = respond(
                &mut stream,
                400,
                &page("Bad request", "Latchkey could not read this address."),
            )
            .await;
            return;
        }
    };
    if url.path() != check.path {
        let _ = respond(
            &mut stream,
            404,
            &page(
                "Not found",
                "This is Latchkey's sign-in listener; nothing is here.",
            ),
        )
        .await;
        return;
    }
    if method != "GET" {
        let _ = respond(
            &mut stream,
            405,
            &page(
                "Method not allowed",
                "Only the browser's redirect is accepted here.",
            ),
        )
        .await;
        return;
    }
    let params = CallbackParams::from_url(&url);
    if params.state.as_deref() != Some(check.state.as_str()) {
        check.wrong_state.fetch_add(1, Ordering::Relaxed);
        let _ = respond(
            &mut stream,
            400,
            &page(
                "This sign-in does not match",
                "This response belongs to another or an older login attempt, so Latchkey refused it. Start the sign-in again from Latchkey.",
            ),
        )
        .await;
        return;
    }
    // If the waiter already has one, this connection is simply closed.
    let _ = found
        .send(Caught {
            params,
            reply: Reply { stream },
        })
        .await;
}

fn local_port(listener: &TcpListener) -> Result<u16> {
    Ok(listener
        .local_addr()
        .map_err(Error::io("cannot read the listener's port"))?
        .port())
}

impl Reply {
    /// Tells the browser how it went, then closes the connection.
    pub async fn finish(mut self, outcome: std::result::Result<String, &Error>) {
        let (status, html) = match outcome {
            Ok(who) => (
                200,
                page(
                    "Signed in",
                    &format!("Latchkey has the tokens for {who}. You can close this tab."),
                ),
            ),
            Err(err) => (400, page("Sign-in failed", &err.to_string())),
        };
        let _ = respond(&mut self.stream, status, &html).await;
    }
}

/// Reads the request line; `None` when it is not HTTP.
async fn read_target(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && !head.windows(2).any(|w| w == b"\n\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() + n > MAX_HEAD_BYTES {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    parse_request_line(&head)
}

/// The method and target of an HTTP/1.x request head (origin-form targets
/// only); `None` when it is not one.
pub(crate) fn parse_request_line(head: &[u8]) -> Option<(String, String)> {
    let line = head.split(|b| *b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim_end();
    let mut parts = line.split(' ');
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let version = parts.next()?;
    (version.starts_with("HTTP/1.") && target.starts_with('/')).then_some((method, target))
}

/// The request target as a URL, to compare its path and read its query.
pub(crate) fn target_url(target: &str) -> Option<Url> {
    Url::parse("http://loopback")
        .and_then(|base| base.join(target))
        .ok()
}

async fn respond(stream: &mut TcpStream, status: u16, html: &str) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Bad Request",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
        html.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(html.as_bytes()).await?;
    stream.shutdown().await
}

/// A small self-contained page; `message` is escaped. The message comes
/// first so even a truncated read of the page shows it.
fn page(title: &str, message: &str) -> String {
    format!(
        "<!doctype html><meta charset=\"utf-8\"><title>Latchkey: {t}</title>\
<h1>{t}</h1><p>{m}</p>\
<style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}}</style>",
        t = escape(title),
        m = escape(message)
    )
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn bind_error(err: std::io::Error, ip: IpAddr, port: u16) -> Error {
    let addr = match ip {
        IpAddr::V6(v6) if v6 == Ipv6Addr::LOCALHOST => format!("[::1]:{port}"),
        other => format!("{other}:{port}"),
    };
    if err.kind() == std::io::ErrorKind::AddrInUse {
        Error::Conflict(format!(
            "port {port} ({addr}) is in use by another program, so Latchkey cannot catch the sign-in redirect there: close that program or choose another port in the service's redirect URI"
        ))
    } else {
        Error::io(format!("cannot listen on {addr} for the sign-in redirect"))(err)
    }
}

fn timed_out(redirect_uri: &str, limit: Duration, wrong_state: usize) -> Error {
    let note = if wrong_state > 0 {
        format!(" ({wrong_state} response(s) with a wrong state were refused)")
    } else {
        String::new()
    };
    Error::Timeout(format!(
        "no sign-in arrived at {redirect_uri} within {} s{note}. The likely cause: the provider \
         does not accept this redirect URI, so its page shows an error (such as \"redirect URI \
         mismatch\") instead of sending the browser back. {} Otherwise start again and finish \
         the login in the browser",
        limit.as_secs(),
        registration_hint(redirect_uri)
    ))
}

/// What the provider must have registered for `redirect_uri`, said the same
/// way by the CLI, the window and the timeout message.
pub fn registration_hint(redirect_uri: &str) -> String {
    let host = Url::parse(redirect_uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
    let other = match host.as_deref() {
        Some("localhost") => Some(("localhost", "127.0.0.1")),
        Some("127.0.0.1") => Some(("127.0.0.1", "localhost")),
        _ => None,
    };
    let mut hint = format!("Register exactly {redirect_uri} at the provider.");
    if let Some((this, that)) = other {
        hint.push_str(&format!(
            " `{this}` and `{that}` are different addresses to a provider: if it has `{that}` \
             registered, register this one too or change the service's redirect URI."
        ));
    }
    hint
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_provider_text() {
        assert_eq!(
            escape("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
        assert!(page("t", "<script>").contains("&lt;script&gt;"));
    }
}
