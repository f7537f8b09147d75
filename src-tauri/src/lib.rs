//! The desktop shell. It wires plugins and state, and exposes thin commands
//! that call `latchkey-core`; no product rule lives here.

mod api_commands;
mod auth_commands;
mod commands;
#[cfg(target_os = "linux")]
pub mod painting;
mod request_commands;
mod state;
mod variable_commands;

use latchkey_core::oauth::{AuthEvent, AuthEventKind};
use tauri::{Emitter, Manager, Runtime};

/// Builds and runs the app on any runtime, so a smoke test can drive it with
/// `tauri::test::mock_builder()`.
pub fn run<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Result<()> {
    app(builder).run(tauri::generate_context!())
}

fn app<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        // Reopen at the size and place the person left it.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(|app| {
            let handle = app.handle().clone();
            let models = app.handle().clone();
            let progress = app.handle().clone();
            app.manage(state::AppState::new(
                move |event| forward(&handle, event),
                // No window (closing down) is fine: nobody is left to update.
                move |changed| {
                    let _ = models.emit("model-changed", changed);
                },
                move |received| {
                    let _ = progress.emit("send-progress", received);
                },
            ));
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                api_commands::resume(&handle.state::<state::AppState>()).await;
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::use_key_file,
            commands::list_presets,
            commands::service_draft,
            commands::service_defaults,
            commands::discover_into,
            commands::list_services,
            commands::service_input,
            commands::create_service,
            commands::update_service,
            commands::remove_service,
            commands::list_users,
            commands::default_user,
            commands::add_user,
            commands::remove_user,
            commands::export_services,
            commands::import_services,
            commands::import_api_into,
            commands::create_service_from_api,
            commands::list_operations,
            commands::update_operations_from,
            commands::operation,
            variable_commands::list_variables,
            variable_commands::set_variable,
            variable_commands::unset_variable,
            variable_commands::save_value_to_variable,
            auth_commands::start_authorization,
            auth_commands::cancel_authorization,
            auth_commands::complete_pasted,
            auth_commands::start_device_authorization,
            auth_commands::refresh_user,
            auth_commands::sign_out,
            request_commands::send_request,
            request_commands::cancel_request,
            request_commands::curl_command,
            request_commands::import_curl,
            request_commands::json_children,
            request_commands::json_value,
            request_commands::json_find_key,
            request_commands::json_query_path,
            request_commands::json_search,
            request_commands::json_ancestors,
            request_commands::rows_to_json_text,
            request_commands::json_text_to_rows,
            request_commands::list_history,
            request_commands::history_entry,
            request_commands::delete_history,
            request_commands::clear_history,
            request_commands::list_saved_requests,
            request_commands::save_request,
            request_commands::delete_saved_request,
            request_commands::run_extractors,
            api_commands::local_api_status,
            api_commands::set_local_api,
            api_commands::rotate_api_key,
        ])
}

/// Core auth events become window events, so screens update without polling.
fn forward<R: Runtime>(app: &tauri::AppHandle<R>, event: AuthEvent) {
    let name = match event.kind {
        AuthEventKind::Succeeded { .. } => "authorization-succeeded",
        AuthEventKind::Failed { .. } => "authorization-failed",
        AuthEventKind::StatusChanged { .. } => "user-status-changed",
    };
    // No window (closing down) is fine: nobody is left to update.
    let _ = app.emit(name, event);
}

#[cfg(test)]
mod tests {
    use super::*;
    use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
    use tauri::webview::InvokeRequest;

    #[test]
    fn app_info_crosses_ipc_with_the_data_dir() {
        let tmp = tempfile::tempdir().unwrap();
        std::env::set_var("LATCHKEY_DATA_DIR", tmp.path().join("mock-data"));
        let app = app(mock_builder())
            .build(mock_context(noop_assets()))
            .expect("the app builds");
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("a webview");
        let answer = get_ipc_response(
            &webview,
            InvokeRequest {
                cmd: "app_info".into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::default(),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .expect("app_info answers")
        .deserialize::<serde_json::Value>()
        .unwrap();
        assert_eq!(answer["version"], env!("CARGO_PKG_VERSION"));
        assert!(answer["data_dir"].as_str().unwrap().ends_with("mock-data"));
    }
}
