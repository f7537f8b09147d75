//! `#[tauri::command]`s: parse, call one core function, map the result.

use crate::state::AppState;
use latchkey_core::model::{Operation, OperationSummary};
use latchkey_core::service::DiscoveryFill;
use latchkey_core::{
    AppInfo, Error, ErrorPayload, Latchkey, Preset, RemovedService, Service, ServiceInput, User,
    UserInput,
};
use std::sync::Arc;
use tauri::State;

/// What every command returns: the core error crosses IPC as `{code, message, fields}`.
pub(crate) type CmdResult<T> = Result<T, ErrorPayload>;

/// Runs blocking core work (SQLite, D-Bus) off the main thread.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> latchkey_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|err| Error::Internal(format!("a background task failed: {err}")))?
        .map_err(Into::into)
}

/// [`blocking`] with the shared core handle.
pub(crate) async fn with_core<T: Send + 'static>(
    state: State<'_, AppState>,
    work: impl FnOnce(&Latchkey) -> latchkey_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    let core: Arc<Latchkey> = state.latchkey()?;
    blocking(move || work(&core)).await
}

/// Version, data directory and keyring reachability for the status bar.
#[tauri::command]
pub async fn app_info() -> CmdResult<AppInfo> {
    blocking(|| latchkey_core::app_info(None)).await
}

/// Without a keyring: keep the data key in a file (mode 0600) from now on,
/// for the app and the CLI. Answers the file's path.
#[tauri::command]
pub async fn use_key_file(state: State<'_, AppState>) -> CmdResult<String> {
    with_core(state, |core| {
        core.use_key_file().map(|path| path.display().to_string())
    })
    .await
}

#[tauri::command]
pub fn list_presets() -> Vec<Preset> {
    latchkey_core::presets().to_vec()
}

/// What a service gets for fields left empty (the redirect URI).
#[tauri::command]
pub fn service_defaults() -> latchkey_core::service::ServiceDefaults {
    latchkey_core::service::defaults()
}

#[tauri::command]
pub fn service_draft(preset: Option<String>, slug: String) -> CmdResult<ServiceInput> {
    Ok(latchkey_core::service::draft(preset.as_deref(), &slug)?)
}

#[tauri::command]
pub async fn discover_into(issuer: String, input: ServiceInput) -> CmdResult<DiscoveryFill> {
    Ok(latchkey_core::service::discover_for_form(&issuer, input).await?)
}

#[tauri::command]
pub async fn list_services(state: State<'_, AppState>) -> CmdResult<Vec<Service>> {
    with_core(state, |core| core.list_services()).await
}

#[tauri::command]
pub async fn service_input(state: State<'_, AppState>, slug: String) -> CmdResult<ServiceInput> {
    with_core(state, move |core| {
        core.get_service(&slug).map(|s| ServiceInput::from(&s.spec))
    })
    .await
}

#[tauri::command]
pub async fn create_service(state: State<'_, AppState>, input: ServiceInput) -> CmdResult<Service> {
    with_core(state, move |core| core.create_service(&input)).await
}

#[tauri::command]
pub async fn update_service(
    state: State<'_, AppState>,
    slug: String,
    input: ServiceInput,
) -> CmdResult<Service> {
    with_core(state, move |core| core.update_service(&slug, &input)).await
}

#[tauri::command]
pub async fn remove_service(
    state: State<'_, AppState>,
    slug: String,
    force: bool,
) -> CmdResult<RemovedService> {
    with_core(state, move |core| core.remove_service(&slug, force)).await
}

#[tauri::command]
pub async fn list_users(state: State<'_, AppState>, service: String) -> CmdResult<Vec<User>> {
    with_core(state, move |core| core.list_users(&service)).await
}

/// Who a new request for `service` goes out as (`None`: no one authorized).
#[tauri::command]
pub async fn default_user(
    state: State<'_, AppState>,
    service: String,
) -> CmdResult<Option<String>> {
    with_core(state, move |core| core.default_user(&service)).await
}

#[tauri::command]
pub async fn add_user(
    state: State<'_, AppState>,
    service: String,
    input: UserInput,
) -> CmdResult<User> {
    with_core(state, move |core| core.add_user(&service, &input)).await
}

#[tauri::command]
pub async fn remove_user(
    state: State<'_, AppState>,
    service: String,
    external_id: String,
) -> CmdResult<User> {
    with_core(state, move |core| core.remove_user(&service, &external_id)).await
}

/// Services as an export document (pretty JSON), never with secrets: the
/// window copies it; `latchkey service export --with-secrets` is the way to
/// include them, explicitly.
#[tauri::command]
pub async fn export_services(state: State<'_, AppState>, slugs: Vec<String>) -> CmdResult<String> {
    with_core(state, move |core| {
        let document = core.export_services(&slugs, false)?;
        serde_json::to_string_pretty(&document).map_err(Error::encode("the export"))
    })
    .await
}

/// Imports every service of a pasted export document, or none.
#[tauri::command]
pub async fn import_services(state: State<'_, AppState>, text: String) -> CmdResult<Vec<Service>> {
    with_core(state, move |core| core.import_services(&text)).await
}

/// Fills the form from an OpenAPI / Swagger document (a file path or an
/// http(s) URL): name, endpoints, scopes and base URL.
#[tauri::command]
pub async fn import_api_into(
    source: String,
    input: ServiceInput,
) -> CmdResult<latchkey_core::service::ApiImportFill> {
    Ok(latchkey_core::service::import_for_form(&source, input).await?)
}

/// Creates a service with the operations of its API description, read
/// again from `source` so what is stored is what the document says now.
#[tauri::command]
pub async fn create_service_from_api(
    state: State<'_, AppState>,
    input: ServiceInput,
    source: String,
) -> CmdResult<Service> {
    let api = latchkey_core::service::import_api(
        source.trim(),
        latchkey_core::openapi::Purpose::Operations,
    )
    .await?;
    with_core(state, move |core| {
        core.create_service_with_operations(&input, &api.description.operations)
    })
    .await
}

/// Reads the service's API description again from `source` (a file path
/// or an http(s) URL) and replaces its operations; a bad document changes
/// nothing.
#[tauri::command]
pub async fn update_operations_from(
    state: State<'_, AppState>,
    service: String,
    source: String,
) -> CmdResult<latchkey_core::model::OperationsChange> {
    let core = state.latchkey()?;
    Ok(core.update_operations_from(&service, &source).await?)
}

/// What the operation picker lists: method, path, id and summary only (the
/// schemas come with [`operation`], one at a time).
#[tauri::command]
pub async fn list_operations(
    state: State<'_, AppState>,
    service: String,
) -> CmdResult<Vec<OperationSummary>> {
    with_core(state, move |core| {
        core.list_operations(&service)
            .map(|ops| ops.iter().map(OperationSummary::from).collect())
    })
    .await
}

/// One operation, by operationId or `METHOD /path`, with its schemas.
#[tauri::command]
pub async fn operation(
    state: State<'_, AppState>,
    service: String,
    key: String,
) -> CmdResult<Operation> {
    with_core(state, move |core| core.operation(&service, &key)).await
}
