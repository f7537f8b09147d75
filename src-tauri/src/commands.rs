//! `#[tauri::command]`s: parse, call one core function, map the result.

use latchkey_core::{AppInfo, ErrorPayload};

/// Version, data directory and keyring reachability for the status bar.
#[tauri::command]
pub async fn app_info() -> Result<AppInfo, ErrorPayload> {
    // The keyring probe talks D-Bus; keep it off the main thread.
    tauri::async_runtime::spawn_blocking(|| latchkey_core::app_info(None))
        .await
        .map_err(|err| ErrorPayload {
            code: latchkey_core::ErrorCode::Internal,
            message: format!("app_info did not finish: {err}"),
        })?
        .map_err(Into::into)
}
