//! Commands that authorize users. Long waits (the browser, device polling)
//! run as tasks; their outcome reaches the window as events.

use crate::commands::CmdResult;
use crate::state::AppState;
use latchkey_core::oauth::{DevicePrompt, StartedLogin};
use latchkey_core::DEFAULT_LOGIN_TIMEOUT;
use latchkey_core::{SignOut, User};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

/// Binds the loopback listener, opens the login page in the system browser
/// and waits for the redirect in the background. Returns the link so the
/// window can offer Copy and "paste the redirect URL", and says when no
/// browser could be opened (the link is then the way in).
#[tauri::command]
pub async fn start_authorization<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    service: String,
    user: String,
) -> CmdResult<StartedLogin> {
    let core = state.latchkey()?;
    let link = core
        .start_login(&service, &user, DEFAULT_LOGIN_TIMEOUT, None)
        .await?;
    // The login waits for its redirect whether or not a browser opened: the
    // window shows the link to open by hand.
    let browser_error = app
        .opener()
        .open_url(&link.url, None::<&str>)
        .err()
        .map(|err| err.to_string());
    Ok(StartedLogin {
        link,
        browser_error,
    })
}

/// Stops waiting for a browser or device login.
#[tauri::command]
pub fn cancel_authorization(
    state: State<'_, AppState>,
    service: String,
    user: String,
) -> CmdResult<bool> {
    Ok(state.latchkey()?.cancel_login(&service, &user))
}

/// Completes a login from a redirect URL (or bare code) the person pasted,
/// e.g. from a user who logged in on another machine.
#[tauri::command]
pub async fn complete_pasted(
    state: State<'_, AppState>,
    service: String,
    user: String,
    text: String,
) -> CmdResult<User> {
    let core = state.latchkey()?;
    Ok(core.complete_from_pasted(&service, &user, &text).await?)
}

/// Starts the device grant: returns the code to show; polls in the background.
#[tauri::command]
pub async fn start_device_authorization(
    state: State<'_, AppState>,
    service: String,
    user: String,
) -> CmdResult<DevicePrompt> {
    let core = state.latchkey()?;
    Ok(core.start_device_login(&service, &user, None).await?)
}

/// Refreshes the user's access token now (single-flight with every other caller).
#[tauri::command]
pub async fn refresh_user(
    state: State<'_, AppState>,
    service: String,
    user: String,
) -> CmdResult<User> {
    let core = state.latchkey()?;
    core.access_token(&service, &user, true).await?;
    Ok(core.get_user(&service, &user)?)
}

/// Revokes at the provider (when it can), then deletes the local tokens;
/// says which of the two happened.
#[tauri::command]
pub async fn sign_out(
    state: State<'_, AppState>,
    service: String,
    user: String,
    force: bool,
) -> CmdResult<SignOut> {
    let core = state.latchkey()?;
    Ok(core.sign_out(&service, &user, force).await?)
}
