//! `#[tauri::command]`s: parse, call one core function, map the result.

use latchkey_core::{AppInfo, Error, ErrorPayload};

/// Runs blocking core work (SQLite, D-Bus) off the main thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> latchkey_core::Result<T> + Send + 'static,
) -> Result<T, ErrorPayload> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|err| Error::Internal(format!("a background task failed: {err}")))?
        .map_err(Into::into)
}

/// Version, data directory and keyring reachability for the status bar.
#[tauri::command]
pub async fn app_info() -> Result<AppInfo, ErrorPayload> {
    blocking(|| latchkey_core::app_info(None)).await
}
