//! Starts `tauri-driver` for one test and stops it (and WebKitWebDriver) when
//! dropped.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct TauriDriver {
    child: Child,
    pub port: u16,
}

impl TauriDriver {
    /// Starts tauri-driver on free ports with `envs` added to the app's
    /// environment (the app inherits it through WebKitWebDriver).
    pub fn start(envs: &[(&str, &Path)]) -> Self {
        let port = crate::free_port();
        let native_port = crate::free_port();
        let mut cmd = Command::new(tauri_driver_path());
        cmd.args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        if crate::theme() == "dark" {
            cmd.env("GTK_THEME", "Adwaita:dark");
        }
        let child = cmd
            .spawn()
            .expect("start tauri-driver (install it with `cargo install tauri-driver --locked`; make test does)");
        let driver = Self { child, port };
        driver.wait_until_listening();
        driver
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_until_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "tauri-driver did not listen on port {} within 20 s",
            self.port
        );
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver too; SIGKILL would
        // orphan it.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tauri_driver_path() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return p.into();
    }
    let home_bin = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .map(|p| p.join("bin/tauri-driver"));
    match home_bin {
        Some(p) if p.is_file() => p,
        _ => "tauri-driver".into(),
    }
}
