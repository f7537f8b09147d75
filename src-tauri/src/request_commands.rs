//! Commands for the request builder, the response explorer and history.

use crate::commands::{blocking, CmdResult};
use crate::state::AppState;
use latchkey_core::http::{
    from_curl, ExtractedValue, Extractor, HistoryEntry, HistoryFilter, HistoryPage, RequestSpec,
    SavedRequest, SavedRequestInput,
};
use latchkey_core::json::{
    json_to_rows, parse_json, rows_to_json, BodyRow, ChildPage, FindPage, JsonDocumentCache,
    PathQueryPage, SearchQuery, SearchResult,
};
use latchkey_core::{Error, SendInput, SendOutcome};
use serde_json::Value;
use std::sync::Arc;
use tauri::State;

/// Runs work on a parsed document off the main thread: a search over 50 MB
/// must not freeze the window.
async fn on_documents<T: Send + 'static>(
    state: &State<'_, AppState>,
    work: impl FnOnce(&JsonDocumentCache) -> latchkey_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    let cache = Arc::clone(&state.documents);
    blocking(move || work(&cache)).await
}

/// Sends as the chosen user; `send_id` lets the window cancel it, and
/// names the `send-progress` events of its body.
#[tauri::command]
pub async fn send_request(
    state: State<'_, AppState>,
    send_id: String,
    input: SendInput,
) -> CmdResult<SendOutcome> {
    let core = state.latchkey()?;
    let cancel = state.begin_send(&send_id);
    let outcome = core
        .send_for_viewer(input, Some(send_id.clone()), &state.documents, &cancel)
        .await;
    state.end_send(&send_id);
    Ok(outcome?)
}

#[tauri::command]
pub fn cancel_request(state: State<'_, AppState>, send_id: String) -> bool {
    state.cancel_send(&send_id)
}

#[tauri::command]
pub async fn curl_command(state: State<'_, AppState>, input: SendInput) -> CmdResult<String> {
    let core = state.latchkey()?;
    blocking(move || core.curl_command(&input.into_send(), false)).await
}

#[tauri::command]
pub fn import_curl(text: String) -> CmdResult<RequestSpec> {
    Ok(from_curl(&text)?)
}

#[tauri::command]
pub async fn json_children(
    state: State<'_, AppState>,
    doc: String,
    path: String,
    offset: usize,
    limit: usize,
) -> CmdResult<ChildPage> {
    on_documents(&state, move |c| c.children(&doc, &path, offset, limit)).await
}

#[tauri::command]
pub async fn json_value(state: State<'_, AppState>, doc: String, path: String) -> CmdResult<Value> {
    on_documents(&state, move |c| c.value(&doc, &path)).await
}

/// One page of a find: the count of matches and a bounded slice of them.
#[tauri::command]
pub async fn json_find_key(
    state: State<'_, AppState>,
    doc: String,
    key: String,
    case_insensitive: bool,
    offset: usize,
    limit: usize,
) -> CmdResult<FindPage> {
    on_documents(&state, move |c| {
        c.find_key_page(&doc, &key, case_insensitive, offset, limit)
    })
    .await
}

/// One page of a JSONPath query's matches.
#[tauri::command]
pub async fn json_query_path(
    state: State<'_, AppState>,
    doc: String,
    expression: String,
    offset: usize,
    limit: usize,
) -> CmdResult<PathQueryPage> {
    on_documents(&state, move |c| {
        c.query_path_page(&doc, &expression, offset, limit)
    })
    .await
}

#[tauri::command]
pub async fn json_search(
    state: State<'_, AppState>,
    doc: String,
    query: SearchQuery,
) -> CmdResult<SearchResult> {
    on_documents(&state, move |c| c.search(&doc, &query)).await
}

#[tauri::command]
pub fn json_ancestors(path: String) -> CmdResult<Vec<String>> {
    Ok(latchkey_core::ancestors(&path)?)
}

/// The JSON form's rows as pretty JSON text (for the raw editor and sending).
#[tauri::command]
pub fn rows_to_json_text(root: BodyRow) -> CmdResult<String> {
    let value = rows_to_json(&root)?;
    serde_json::to_string_pretty(&value).map_err(|err| Error::encode("the JSON text")(err).into())
}

/// JSON text as form rows; a syntax error names its line and column.
#[tauri::command]
pub fn json_text_to_rows(text: String) -> CmdResult<BodyRow> {
    Ok(json_to_rows(&parse_json(&text, "the body")?)?)
}

#[tauri::command]
pub async fn list_history(
    state: State<'_, AppState>,
    filter: HistoryFilter,
) -> CmdResult<HistoryPage> {
    let core = state.latchkey()?;
    blocking(move || core.history(&filter)).await
}

#[tauri::command]
pub async fn history_entry(state: State<'_, AppState>, id: i64) -> CmdResult<HistoryEntry> {
    let core = state.latchkey()?;
    blocking(move || core.history_entry(id)).await
}

#[tauri::command]
pub async fn delete_history(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    let core = state.latchkey()?;
    blocking(move || core.delete_history(id)).await
}

#[tauri::command]
pub async fn clear_history(
    state: State<'_, AppState>,
    service: Option<String>,
) -> CmdResult<usize> {
    let core = state.latchkey()?;
    blocking(move || core.clear_history(service.as_deref())).await
}

#[tauri::command]
pub async fn list_saved_requests(
    state: State<'_, AppState>,
    service: String,
) -> CmdResult<Vec<SavedRequest>> {
    let core = state.latchkey()?;
    blocking(move || core.list_saved_requests(&service)).await
}

/// Saves under `name`, replacing the saved request of that name if `replace`.
#[tauri::command]
pub async fn save_request(
    state: State<'_, AppState>,
    service: String,
    input: SavedRequestInput,
    replace: bool,
) -> CmdResult<SavedRequest> {
    let core = state.latchkey()?;
    blocking(move || {
        if replace {
            core.update_saved_request(&service, &input.name, &input)
        } else {
            core.create_saved_request(&service, &input)
        }
    })
    .await
}

#[tauri::command]
pub async fn delete_saved_request(
    state: State<'_, AppState>,
    service: String,
    name: String,
) -> CmdResult<()> {
    let core = state.latchkey()?;
    blocking(move || core.delete_saved_request(&service, &name)).await
}

/// Runs a saved request's extractors on a response kept for the viewer,
/// storing the values of those that name a variable if that response was
/// a success (its status is the one kept with it, not the window's word).
#[tauri::command]
pub async fn run_extractors(
    state: State<'_, AppState>,
    doc: String,
    service: String,
    extractors: Vec<Extractor>,
) -> CmdResult<Vec<ExtractedValue>> {
    let core = state.latchkey()?;
    let cache = Arc::clone(&state.documents);
    blocking(move || core.extract(&cache, &doc, &service, &extractors)).await
}
