//! Commands for variables: the Variables view, the builder's `{{`
//! completion and hover, and "Save to variable" in the response tree.

use crate::commands::{blocking, with_core, CmdResult};
use crate::state::AppState;
use latchkey_core::model::Variable;
use latchkey_core::Secret;
use std::sync::Arc;
use tauri::State;

/// `service` `None`: every variable of every scope; `Some(slug)`: the
/// service's own and the global ones. Secret values never come back.
#[tauri::command]
pub async fn list_variables(
    state: State<'_, AppState>,
    service: Option<String>,
) -> CmdResult<Vec<Variable>> {
    with_core(state, move |core| core.list_variables(service.as_deref())).await
}

/// Sets a variable in a scope (`service` `None`: global). A secret one is
/// sealed and its value is not sent back.
#[tauri::command]
pub async fn set_variable(
    state: State<'_, AppState>,
    service: Option<String>,
    name: String,
    value: String,
    secret: bool,
) -> CmdResult<Variable> {
    with_core(state, move |core| {
        if secret {
            core.set_secret_variable(service.as_deref(), &name, &Secret::new(value))
        } else {
            core.set_variable(service.as_deref(), &name, &value)
        }
    })
    .await
}

#[tauri::command]
pub async fn unset_variable(
    state: State<'_, AppState>,
    service: Option<String>,
    name: String,
) -> CmdResult<()> {
    with_core(state, move |core| {
        core.unset_variable(service.as_deref(), &name)
    })
    .await
}

/// Stores the value at `path` of a response document in a variable: a
/// string as it is, anything else as JSON.
#[tauri::command]
pub async fn save_value_to_variable(
    state: State<'_, AppState>,
    doc: String,
    path: String,
    service: Option<String>,
    name: String,
) -> CmdResult<Variable> {
    let core = state.latchkey()?;
    let documents = Arc::clone(&state.documents);
    blocking(move || {
        latchkey_core::template::check_name(&name)?;
        let value = documents.value(&doc, &path)?;
        let text = latchkey_core::template::value_text(&value);
        core.set_variable(service.as_deref(), &name, &text)
    })
    .await
}
