//! The built desktop app under tauri-driver, driven through one WebDriver
//! session.

use crate::tauri_driver::TauriDriver;
use crate::webdriver::Session;
use std::ops::Deref;
use std::path::Path;
use std::time::Duration;

/// The app and the driver it runs under; derefs to its [`Session`].
pub struct App {
    // Declared first so it is dropped first: the session is closed through
    // the driver, which must still be running.
    session: Session,
    _driver: TauriDriver,
}

impl App {
    /// Starts the app on the data dir `data`, with `envs` added to its
    /// environment.
    pub fn start(data: &Path, envs: &[(&str, &Path)]) -> Self {
        let mut all = vec![("LATCHKEY_DATA_DIR", data)];
        all.extend_from_slice(envs);
        let driver = TauriDriver::start(&all);
        let session = Session::start(&driver.url(), &crate::desktop_binary());
        Self {
            session,
            _driver: driver,
        }
    }

    /// Clicks Send and waits for an answer whose status line starts with
    /// `status` (any answer for ""); returns that line.
    pub fn send(&self, wait: Duration, status: &str) -> String {
        self.click(&self.wait_for("[data-testid=send]", wait));
        self.wait_for_text("[data-testid=response-status]", wait, |t| {
            !t.is_empty() && t.starts_with(status)
        })
    }

    /// Opens the service `slug` from the sidebar.
    pub fn open_service(&self, slug: &str, wait: Duration) {
        let service = self.wait_for(&format!("nav [data-slug='{slug}']"), wait);
        self.click(&service);
    }
}

impl Deref for App {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.session
    }
}
