//! The local automation API inside the desktop app: on when the person turns
//! it on, remembered across restarts, same core and database as the CLI.

use crate::commands::CmdResult;
use crate::state::AppState;
use latchkey_core::local_api::{start_enabled, LocalApiSettings, LocalApiStatus, RevealedApiKey};
use latchkey_core::Latchkey;
use std::sync::Arc;
use tauri::State;

async fn status(state: &AppState, core: &Latchkey) -> latchkey_core::Result<LocalApiStatus> {
    Ok(LocalApiStatus {
        settings: core.local_api_settings()?,
        serving_at: state.api_address().await.map(|a| format!("http://{a}")),
        key: core.api_key_status()?,
        problem: state.api_problem(),
    })
}

/// On start-up: serve if the person left it on. Failure is shown in settings.
pub async fn resume(state: &AppState) {
    let Ok(core) = state.latchkey() else { return };
    let Ok(settings) = core.local_api_settings() else {
        return;
    };
    if settings.enabled {
        match start_enabled(core, settings).await {
            Ok((server, _)) => state.set_api_server(Some(server)).await,
            Err(err) => state.set_api_problem(Some(err.to_string())),
        }
    }
}

#[tauri::command]
pub async fn local_api_status(state: State<'_, AppState>) -> CmdResult<LocalApiStatus> {
    let core = state.latchkey()?;
    Ok(status(&state, &core).await?)
}

/// Turns the API on or off (or moves it to another port). The first time it
/// is turned on a key is made and returned, once.
#[tauri::command]
pub async fn set_local_api(
    state: State<'_, AppState>,
    settings: LocalApiSettings,
) -> CmdResult<(LocalApiStatus, Option<RevealedApiKey>)> {
    let core = state.latchkey()?;
    state.set_api_server(None).await;
    state.set_api_problem(None);
    let mut new_key = None;
    if settings.enabled {
        let (server, key) = start_enabled(Arc::clone(&core), settings).await?;
        new_key = key.map(|key| RevealedApiKey {
            key: key.expose().to_string(),
        });
        state.set_api_server(Some(server)).await;
    } else {
        core.set_local_api_settings(settings)?;
    }
    Ok((status(&state, &core).await?, new_key))
}

/// A new key (the old one stops working at once), shown once.
#[tauri::command]
pub async fn rotate_api_key(state: State<'_, AppState>) -> CmdResult<RevealedApiKey> {
    let core = state.latchkey()?;
    let key = core.rotate_api_key()?;
    Ok(RevealedApiKey {
        key: key.expose().to_string(),
    })
}
