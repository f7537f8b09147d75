//! Without any keyring (no D-Bus session), Latchkey still sends requests
//! that need no secret, and writes nothing of their answers unsealed: a
//! large answer stays in memory instead of going to a file.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

const MARKER: &str = "answer-marker-7f3c9a";

/// Serves one HTTP answer of about 3 MB of JSON that repeats `MARKER`.
fn serve_one_big_answer() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request);
        let item = format!("\"{MARKER}\",");
        let mut body = String::from("[");
        while body.len() < 3 * 1024 * 1024 {
            body.push_str(&item);
        }
        body.push_str("0]");
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
    });
    port
}

fn latchkey_without_keyring(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("LATCHKEY_KEY_FILE")
        .output()
        .unwrap()
}

fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if std::fs::read(&path)
            .unwrap()
            .windows(needle.len())
            .any(|w| w == needle)
        {
            found.push(path.display().to_string());
        }
    }
    found
}

#[test]
fn a_large_answer_without_a_keyring_leaves_nothing_readable_on_disk() {
    let port = serve_one_big_answer();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let base = format!("http://127.0.0.1:{port}");
    let add = latchkey_without_keyring(
        &data,
        &[
            "service",
            "add",
            "open",
            "--auth-kind",
            "none",
            "--api-base-url",
            &base,
        ],
    );
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );

    let sent = latchkey_without_keyring(&data, &["request", "open", "-", "GET", "/big"]);
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let shown = String::from_utf8_lossy(&sent.stdout);
    assert!(shown.contains(MARKER), "the answer is printed");
    assert!(shown.len() > 3 * 1024 * 1024, "the whole answer is printed");

    let leaked = files_containing(&data, MARKER.as_bytes());
    assert!(
        leaked.is_empty(),
        "answer bytes readable at rest: {leaked:?}"
    );
}
