//! The endpoints: each parses, calls one core function and shapes the answer.

use super::extract::ApiJson;
use super::guards::CheckedAtArrival;
use super::problem::Problem;
use super::state::ApiState;
use crate::error::{Error, FieldError};
use crate::http::{
    HistorySource, HttpResponse, RequestBody, RequestSpec, ResponseBody, SendOptions,
};
use crate::json::{find_key, query_path, value_at};
use crate::latchkey::SendRequest;
use crate::model::AuthKind;
use crate::model::Param;
use crate::model::UserStatus;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Extension;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

type Answer<T> = Result<Json<T>, Problem>;

pub async fn health() -> Json<Value> {
    Json(json!({"status": "ok", "version": crate::VERSION}))
}

pub async fn openapi(State(state): State<Arc<ApiState>>) -> Json<Value> {
    Json(super::openapi::document(&state.base_url))
}

#[derive(Serialize)]
pub struct ServiceView {
    slug: String,
    name: String,
    preset: Option<String>,
    auth_kind: AuthKind,
    api_base_url: Option<String>,
    scopes: Vec<String>,
    users: usize,
}

pub async fn services(State(state): State<Arc<ApiState>>) -> Answer<Vec<ServiceView>> {
    let mut out = Vec::new();
    for service in state.app.list_services()? {
        let users = state.app.list_users(&service.spec.slug)?.len();
        let spec = service.spec;
        out.push(ServiceView {
            slug: spec.slug,
            name: spec.name,
            preset: spec.preset,
            auth_kind: spec.auth_kind,
            api_base_url: spec.api_base_url,
            scopes: spec.scopes,
            users,
        });
    }
    Ok(Json(out))
}

#[derive(Serialize)]
pub struct UserView {
    id: String,
    label: Option<String>,
    status: UserStatus,
    granted_scopes: Vec<String>,
    expires_at: Option<i64>,
    subject: Option<String>,
    email: Option<String>,
    name: Option<String>,
}

pub async fn users(
    State(state): State<Arc<ApiState>>,
    Path(service): Path<String>,
) -> Answer<Vec<UserView>> {
    let users = state.app.list_users(&service)?;
    Ok(Json(
        users
            .into_iter()
            .map(|u| UserView {
                id: u.external_id,
                label: u.label,
                status: u.status,
                granted_scopes: u.granted_scopes,
                expires_at: u.expires_at,
                subject: u.subject,
                email: u.email,
                name: u.name,
            })
            .collect(),
    ))
}

const DEFAULT_LOGIN_SECS: u64 = 300;
const MAX_LOGIN_SECS: u64 = 3600;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginLinkInput {
    timeout_secs: Option<u64>,
}

#[derive(Serialize)]
pub struct LoginLinkOutput {
    url: String,
    redirect_uri: String,
    expires_at: i64,
    /// How long this server's loopback listener waits for the browser.
    timeout_secs: u64,
}

/// Makes the link and keeps a loopback listener waiting for its redirect,
/// so opening the link anywhere on this machine completes the sign-in.
pub async fn login_link(
    State(state): State<Arc<ApiState>>,
    Path((service, user)): Path<(String, String)>,
    ApiJson(input): ApiJson<LoginLinkInput>,
) -> Answer<LoginLinkOutput> {
    let timeout_secs = input.timeout_secs.unwrap_or(DEFAULT_LOGIN_SECS);
    if !(1..=MAX_LOGIN_SECS).contains(&timeout_secs) {
        return Err(Error::field(
            "timeout_secs",
            format!("timeout_secs must be 1 to {MAX_LOGIN_SECS}"),
        )
        .into());
    }
    // Replaces the user's earlier login, also one started in the window.
    // A login started here stops with this server.
    let link = state
        .app
        .start_login(
            &service,
            &user,
            Duration::from_secs(timeout_secs),
            Some(state.cancel.child_token()),
        )
        .await?;
    Ok(Json(LoginLinkOutput {
        url: link.url,
        redirect_uri: link.redirect_uri,
        expires_at: link.expires_at,
        timeout_secs,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallInput {
    method: String,
    url: String,
    headers: Option<Value>,
    query: Option<Value>,
    json: Option<Value>,
    form: Option<Value>,
    body: Option<String>,
    find: Option<String>,
    path: Option<String>,
    /// With `find` or `path`: `found` is every match as a list.
    #[serde(default)]
    all: bool,
    /// Variables to store from a successful JSON answer: name → a key
    /// found anywhere, or a JSONPath (starting with `$`).
    set: Option<std::collections::BTreeMap<String, String>>,
    timeout_ms: Option<u64>,
}

#[derive(Serialize)]
pub struct Match {
    path: String,
    value: Value,
}

#[derive(Serialize)]
pub struct CallOutput {
    status: u16,
    reason: String,
    headers: Vec<Param>,
    /// JSON when the response is JSON, else text; null when empty or binary.
    body: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
    /// With `find` or `path`: the first match (null when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    matches: Option<Vec<Match>>,
    /// With `set`: each variable stored and its value.
    #[serde(skip_serializing_if = "Option::is_none")]
    set: Option<std::collections::BTreeMap<String, String>>,
    /// The URL that answered, after redirects (token parameters redacted).
    url: String,
    duration_ms: u64,
    history_id: Option<i64>,
}

/// Sends as the user exactly like the request builder (refresh, history).
pub async fn call(
    State(state): State<Arc<ApiState>>,
    Path((service, user)): Path<(String, String)>,
    arrival: Option<Extension<CheckedAtArrival>>,
    ApiJson(input): ApiJson<CallInput>,
) -> Answer<CallOutput> {
    if input.find.is_some() && input.path.is_some() {
        return Err(Problem::bad_request("give `find` or `path`, not both"));
    }
    if input.all && input.find.is_none() && input.path.is_none() {
        return Err(Problem::bad_request("`all` goes with `find` or `path`"));
    }
    let mut captures = Vec::new();
    for (name, what) in input.set.iter().flatten() {
        crate::template::check_name(name)?;
        captures.push((name.clone(), crate::json::capture_extractor(what)?));
    }
    let request = spec_of(&input)?;
    let mut options = SendOptions::default();
    if let Some(ms) = input.timeout_ms {
        options.timeout_ms = ms;
    }
    let send = SendRequest {
        service: Some(service),
        user: Some(user),
        request,
        options,
        source: HistorySource::Api,
        progress_id: None,
    };
    let cancel = state.cancel.child_token();
    let slug = send.service.clone();
    let checked = arrival.map(|Extension(CheckedAtArrival(checked))| checked);
    let sent = state.app.send_as_of(&send, checked, &cancel).await?;
    let response = sent.response;
    let (body, body_base64) = render_body(&response);
    let set = if captures.is_empty() || !(200..300).contains(&response.status) {
        None
    } else {
        let extractors: Vec<_> = captures.iter().map(|(_, e)| e.clone()).collect();
        let found = crate::json::run_extractors(Some(&body), &extractors);
        let mut stored = std::collections::BTreeMap::new();
        for ((name, _), found) in captures.iter().zip(found) {
            let Some(value) = found.value else {
                return Err(Problem::bad_request(format!(
                    "`set.{name}` found nothing in the answer ({}); the request was sent",
                    found.error.unwrap_or_default()
                )));
            };
            let text = crate::template::value_text(&value);
            state.app.capture_variable(slug.as_deref(), name, &text)?;
            stored.insert(name.clone(), text);
        }
        Some(stored)
    };
    let (found, matches) = match (&input.find, &input.path) {
        (Some(key), _) => {
            let (f, m) = find_in(&body, key, false);
            (Some(f), Some(m))
        }
        (_, Some(path)) => {
            let (f, m) = select(&body, path)?;
            (Some(f), Some(m))
        }
        _ => (None, None),
    };
    let found = match (&matches, input.all) {
        (Some(list), true) => Some(Value::Array(list.iter().map(|m| m.value.clone()).collect())),
        _ => found,
    };
    Ok(Json(CallOutput {
        status: response.status,
        reason: response.reason,
        headers: response.headers,
        body,
        body_base64,
        found,
        matches,
        set,
        url: response.url,
        duration_ms: response.timings.total_ms,
        history_id: sent.history_id,
    }))
}

fn spec_of(input: &CallInput) -> Result<RequestSpec, Error> {
    let bodies = [
        input.json.is_some(),
        input.form.is_some(),
        input.body.is_some(),
    ];
    if bodies.iter().filter(|b| **b).count() > 1 {
        return Err(Error::field(
            "body",
            "give one of `json`, `form` or `body`, not several",
        ));
    }
    let mut errors = Vec::new();
    let mut params = |field: &str, value: &Option<Value>| match value {
        None => Vec::new(),
        Some(v) => params_of(field, v).unwrap_or_else(|e| {
            errors.push(e);
            Vec::new()
        }),
    };
    let headers = params("headers", &input.headers);
    let query = params("query", &input.query);
    let form = params("form", &input.form);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let body = if let Some(json) = &input.json {
        RequestBody::Json {
            text: json.to_string(),
        }
    } else if input.form.is_some() {
        RequestBody::Form { fields: form }
    } else if let Some(text) = &input.body {
        RequestBody::Raw {
            content_type: String::new(),
            text: text.clone(),
        }
    } else {
        RequestBody::None
    };
    Ok(RequestSpec {
        method: input.method.clone(),
        url: input.url.clone(),
        query,
        headers,
        body,
    })
}

/// `{"Name": "value"}` or `[{"name": "Name", "value": "value"}]` (for
/// repeated names); numbers and booleans are taken as their text.
fn params_of(field: &str, value: &Value) -> Result<Vec<Param>, FieldError> {
    let text = |name: &str, v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(_) | Value::Bool(_) => Ok(v.to_string()),
        _ => Err(FieldError::new(
            field,
            format!("`{field}.{name}` must be a string, number or boolean"),
        )),
    };
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(name, v)| {
                Ok(Param {
                    name: name.clone(),
                    value: text(name, v)?,
                })
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                let name = item.get("name").and_then(Value::as_str);
                match (name, item.get("value")) {
                    (Some(name), Some(v)) => Ok(Param {
                        name: name.to_string(),
                        value: text(name, v)?,
                    }),
                    _ => Err(FieldError::new(
                        field,
                        format!("each item of `{field}` needs `name` and `value`"),
                    )),
                }
            })
            .collect(),
        _ => Err(FieldError::new(
            field,
            format!("`{field}` must be an object of names to values, or a list of {{name, value}}"),
        )),
    }
}

fn render_body(response: &HttpResponse) -> (Value, Option<String>) {
    let is_json = response
        .content_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().contains("json"));
    if is_json {
        if let Some(value) = response.json() {
            return (value, None);
        }
    }
    match &response.body {
        ResponseBody::Empty => (Value::Null, None),
        ResponseBody::Text { text, .. } => (Value::String(text.clone()), None),
        ResponseBody::Binary { base64, .. } => (Value::Null, Some(base64.clone())),
        ResponseBody::File { .. } => match response.body_bytes() {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => (Value::String(text), None),
                Err(e) => {
                    use base64::Engine as _;
                    let b64 = base64::engine::general_purpose::STANDARD.encode(e.as_bytes());
                    (Value::Null, Some(b64))
                }
            },
            Err(_) => (Value::Null, None),
        },
    }
}

/// Every value of `key` with its path, and the first (null when none).
fn find_in(doc: &Value, key: &str, case_insensitive: bool) -> (Value, Vec<Match>) {
    let result = find_key(doc, key, case_insensitive);
    let matches = result
        .matches
        .iter()
        .filter_map(|m| {
            value_at(doc, &m.path).map(|v| Match {
                path: m.path.clone(),
                value: v.clone(),
            })
        })
        .collect();
    (result.first.unwrap_or(Value::Null), matches)
}

fn select(doc: &Value, expression: &str) -> Result<(Value, Vec<Match>), Error> {
    let result = query_path(doc, expression)?;
    let matches: Vec<Match> = result
        .matches
        .into_iter()
        .map(|m| Match {
            path: m.path,
            value: m.value,
        })
        .collect();
    let first = matches.first().map_or(Value::Null, |m| m.value.clone());
    Ok((first, matches))
}

#[derive(Serialize)]
pub struct Found {
    found: Value,
    matches: Vec<Match>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindInput {
    document: Value,
    key: String,
    #[serde(default)]
    case_insensitive: bool,
}

pub async fn json_find(ApiJson(input): ApiJson<FindInput>) -> Answer<Found> {
    if input.key.is_empty() {
        return Err(Error::field("key", "the key to find is empty").into());
    }
    let (found, matches) = find_in(&input.document, &input.key, input.case_insensitive);
    Ok(Json(Found { found, matches }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathInput {
    document: Value,
    path: String,
}

pub async fn json_path(ApiJson(input): ApiJson<PathInput>) -> Answer<Found> {
    let (found, matches) = select(&input.document, &input.path)?;
    Ok(Json(Found { found, matches }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_take_objects_and_lists() {
        let p = params_of("headers", &json!({"Accept": "x", "N": 1})).unwrap();
        assert_eq!(p[1].value, "1");
        let p = params_of(
            "query",
            &json!([{"name": "a", "value": "1"}, {"name": "a", "value": true}]),
        )
        .unwrap();
        assert_eq!(p.len(), 2);
        assert!(params_of("query", &json!("a=b")).is_err());
        assert!(params_of("query", &json!({"a": null})).is_err());
    }

    #[test]
    fn find_reports_values_with_paths() {
        let doc = json!([{"joinURL": "https://m/1"}, {"x": {"joinURL": "https://m/2"}}]);
        let (first, all) = find_in(&doc, "joinURL", false);
        assert_eq!(first, "https://m/1");
        assert_eq!(all[1].path, "$[1].x.joinURL");
        assert_eq!(all[1].value, "https://m/2");
    }
}

/// `?service=SLUG`: a service's variable instead of a global one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VarScope {
    service: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VarInput {
    value: String,
    /// Sealed at rest; its value is never answered again.
    #[serde(default)]
    secret: bool,
}

/// A variable as a request in the scope sees it (the service's, else the
/// global one); a secret one without its value.
pub async fn get_var(
    State(state): State<Arc<ApiState>>,
    Path(name): Path<String>,
    Query(scope): Query<VarScope>,
) -> Answer<crate::model::Variable> {
    Ok(Json(state.app.variable(scope.service.as_deref(), &name)?))
}

pub async fn put_var(
    State(state): State<Arc<ApiState>>,
    Path(name): Path<String>,
    Query(scope): Query<VarScope>,
    ApiJson(input): ApiJson<VarInput>,
) -> Answer<crate::model::Variable> {
    let service = scope.service.as_deref();
    let stored = if input.secret {
        state
            .app
            .set_secret_variable(service, &name, &crate::model::Secret::new(input.value))?
    } else {
        state.app.set_variable(service, &name, &input.value)?
    };
    Ok(Json(stored))
}

pub async fn delete_var(
    State(state): State<Arc<ApiState>>,
    Path(name): Path<String>,
    Query(scope): Query<VarScope>,
) -> Result<StatusCode, Problem> {
    state.app.unset_variable(scope.service.as_deref(), &name)?;
    Ok(StatusCode::NO_CONTENT)
}
