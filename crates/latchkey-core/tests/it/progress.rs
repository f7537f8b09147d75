//! A send that asks for progress reports how much of a slow answer has
//! arrived, about ten times a second and growing; a small answer costs no
//! report at all; a send that does not ask reports nothing.

use crate::support::open;
use latchkey_core::http::{CancellationToken, RequestSpec, REPORT_EVERY};
use latchkey_core::{SendProgress, SendRequest};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CHUNK: usize = 64 * 1024;
const CHUNKS: usize = 12;
const PAUSE: Duration = Duration::from_millis(60);

/// `/slow` sends CHUNKS chunks PAUSE apart, with its length announced;
/// anything else gets `{}` at once.
async fn server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let slow = String::from_utf8_lossy(&head).starts_with("GET /slow");
                let len = if slow { CHUNK * CHUNKS } else { 2 };
                let header = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {len}\r\nconnection: close\r\n\r\n"
                );
                let _ = socket.write_all(header.as_bytes()).await;
                if !slow {
                    let _ = socket.write_all(b"{}").await;
                    return;
                }
                for _ in 0..CHUNKS {
                    if socket.write_all(&[b'x'; CHUNK]).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(PAUSE).await;
                }
            });
        }
    });
    addr
}

fn get(url: String, progress_id: Option<&str>) -> SendRequest {
    SendRequest {
        request: RequestSpec {
            url,
            ..Default::default()
        },
        progress_id: progress_id.map(String::from),
        ..Default::default()
    }
}

fn drain(rx: &mut tokio::sync::broadcast::Receiver<SendProgress>) -> Vec<SendProgress> {
    let mut seen = Vec::new();
    while let Ok(p) = rx.try_recv() {
        seen.push(p);
    }
    seen
}

#[tokio::test]
async fn a_slow_answer_reports_growing_byte_counts_and_a_small_one_none() {
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    let addr = server().await;
    let mut rx = app.subscribe_send_progress();
    let cancel = CancellationToken::new();

    let started = std::time::Instant::now();
    let sent = app
        .send(&get(format!("http://{addr}/slow"), Some("send-1")), &cancel)
        .await
        .unwrap();
    let took = started.elapsed();
    let total = (CHUNK * CHUNKS) as u64;
    assert_eq!(sent.response.size, total);
    let seen = drain(&mut rx);
    assert!(seen.len() >= 2, "{} reports over {took:?}", seen.len());
    assert!(seen.iter().all(|p| p.send_id == "send-1"));
    let bytes: Vec<u64> = seen.iter().map(|p| p.received.bytes).collect();
    assert!(
        bytes.windows(2).all(|w| w[0] <= w[1]) && bytes[0] < total,
        "not growing: {bytes:?}"
    );
    assert!(bytes.iter().all(|b| *b > 0 && *b <= total), "{bytes:?}");
    assert!(seen.iter().all(|p| p.received.expected == Some(total)));
    // The last report says the body is whole; none before it does.
    let last = seen.last().unwrap().received;
    assert!(last.complete && last.bytes == total, "{last:?}");
    assert!(seen[..seen.len() - 1].iter().all(|p| !p.received.complete));
    // Throttled: never more than one report per interval (and the last).
    let most = took.as_millis() / REPORT_EVERY.as_millis() + 2;
    assert!(
        seen.len() as u128 <= most,
        "{} reports in {took:?}",
        seen.len()
    );

    // An answer that arrives at once reports nothing.
    app.send(
        &get(format!("http://{addr}/small"), Some("send-2")),
        &cancel,
    )
    .await
    .unwrap();
    assert_eq!(drain(&mut rx), vec![]);

    // Nobody asked: nothing is reported.
    app.send(&get(format!("http://{addr}/slow"), None), &cancel)
        .await
        .unwrap();
    assert_eq!(drain(&mut rx), vec![]);
}
