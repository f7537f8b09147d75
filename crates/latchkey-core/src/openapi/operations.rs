//! Every operation of a document, with its parameters, request body and
//! success answer, schemas inlined.

use super::document::Spec;
use super::refs::Resolver;
use super::skeleton::skeleton;
use crate::error::{Error, Result};
use crate::model::{Operation, OperationBody, OperationParameter, ParameterLocation};
use serde_json::{Map, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub fn operations(doc: &Value, spec: &Spec, resolver: &Resolver<'_>) -> Result<Vec<Operation>> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (path, item) in paths {
        let item = resolver.follow(item).map_err(|e| in_path(path, e))?;
        let Some(item) = item.as_object() else {
            continue;
        };
        let shared = item.get("parameters");
        for method in METHODS {
            let Some(op) = item.get(method).and_then(Value::as_object) else {
                continue;
            };
            let label = format!("{} {path}", method.to_uppercase());
            let operation = read_operation(doc, spec, resolver, path, method, op, shared)
                .map_err(|e| in_operation(&label, e))?;
            out.push(operation);
        }
    }
    Ok(out)
}

fn in_path(path: &str, err: Error) -> Error {
    Error::InvalidInput(format!("path `{path}`: {err}"))
}

fn in_operation(label: &str, err: Error) -> Error {
    Error::InvalidInput(format!("{label}: {err}"))
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn read_operation(
    doc: &Value,
    spec: &Spec,
    resolver: &Resolver<'_>,
    path: &str,
    method: &str,
    op: &Map<String, Value>,
    shared: Option<&Value>,
) -> Result<Operation> {
    let mut raw_params: Vec<&Value> = Vec::new();
    for list in [shared, op.get("parameters")].into_iter().flatten() {
        let Some(list) = list.as_array() else {
            return Err(Error::InvalidInput("`parameters` must be a list".into()));
        };
        for param in list {
            let param = resolver.follow(param)?;
            let key = |p: &Value| {
                (
                    p.get("name").and_then(Value::as_str).map(str::to_string),
                    p.get("in").and_then(Value::as_str).map(str::to_string),
                )
            };
            // An operation's parameter replaces a path-level one of the same name and place.
            raw_params.retain(|p| key(p) != key(param));
            raw_params.push(param);
        }
    }
    let mut parameters = Vec::new();
    let mut body = None;
    let mut form_fields = Vec::new();
    for param in raw_params {
        let place = param.get("in").and_then(Value::as_str).unwrap_or("");
        match place {
            "body" => body = Some(swagger_body(doc, resolver, op, param)?),
            "formData" => form_fields.push(param),
            _ => parameters.push(read_parameter(spec, resolver, param)?),
        }
    }
    if !form_fields.is_empty() {
        body = Some(swagger_form(doc, resolver, op, &form_fields)?);
    }
    if let Some(request_body) = op.get("requestBody") {
        body = read_body(resolver, resolver.follow(request_body)?)?;
    }
    let response_schema = match spec {
        Spec::Swagger2 => success(resolver, op)?
            .and_then(|r| r.get("schema"))
            .map(|s| resolver.inline(s))
            .transpose()?,
        Spec::OpenApi3(_) => match success(resolver, op)? {
            Some(response) => json_media(response.get("content"))
                .and_then(|(_, media)| media.get("schema"))
                .map(|s| resolver.inline(s))
                .transpose()?,
            None => None,
        },
    };
    Ok(Operation {
        method: method.to_uppercase(),
        path: path.to_string(),
        operation_id: text(op, "operationId"),
        summary: text(op, "summary"),
        description: text(op, "description"),
        parameters,
        request_body: body,
        response_schema,
    })
}

fn read_parameter(
    spec: &Spec,
    resolver: &Resolver<'_>,
    param: &Value,
) -> Result<OperationParameter> {
    let name = param
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::InvalidInput("a parameter has no `name`".into()))?;
    let place = param.get("in").and_then(Value::as_str).unwrap_or("");
    let location = match place {
        "path" => ParameterLocation::Path,
        "query" => ParameterLocation::Query,
        "header" => ParameterLocation::Header,
        "cookie" => ParameterLocation::Cookie,
        other => {
            return Err(Error::InvalidInput(format!(
                "parameter `{name}` has `in: {other}`: path, query, header or cookie was expected"
            )))
        }
    };
    let schema = match spec {
        Spec::OpenApi3(_) => param
            .get("schema")
            .or_else(|| json_media(param.get("content")).and_then(|(_, media)| media.get("schema")))
            .map(|s| resolver.inline(s))
            .transpose()?,
        Spec::Swagger2 => Some(swagger_param_schema(resolver, param)?),
    };
    let example = param
        .get("example")
        .or_else(|| param.get("x-example"))
        .cloned()
        .or_else(|| first_example(resolver, param.get("examples")))
        .unwrap_or_else(|| schema.as_ref().map(skeleton).unwrap_or(Value::Null));
    Ok(OperationParameter {
        name: name.to_string(),
        location,
        required: location == ParameterLocation::Path
            || param.get("required").and_then(Value::as_bool) == Some(true),
        description: param
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        schema,
        example,
    })
}

/// A Swagger 2.0 non-body parameter carries its schema keywords itself.
fn swagger_param_schema(resolver: &Resolver<'_>, param: &Value) -> Result<Value> {
    let mut schema = Map::new();
    if let Some(map) = param.as_object() {
        for key in [
            "type", "format", "items", "enum", "default", "minimum", "maximum", "pattern",
        ] {
            if let Some(value) = map.get(key) {
                schema.insert(key.into(), value.clone());
            }
        }
        if let Some(value) = map.get("x-example") {
            schema.insert("example".into(), value.clone());
        }
        if schema.get("type").and_then(Value::as_str) == Some("file") {
            schema.insert("type".into(), "string".into());
            schema.insert("format".into(), "binary".into());
        }
    }
    resolver.inline(&Value::Object(schema))
}

fn first_example(resolver: &Resolver<'_>, examples: Option<&Value>) -> Option<Value> {
    let (_, first) = examples?.as_object()?.iter().next()?;
    let first = resolver.follow(first).ok()?;
    first.get("value").cloned()
}

/// The JSON media type of a `content` map (`application/json`, then any
/// `+json`), else its first entry.
fn json_media(content: Option<&Value>) -> Option<(&String, &Value)> {
    let content = content?.as_object()?;
    content
        .iter()
        .find(|(k, _)| k.split(';').next().map(str::trim) == Some("application/json"))
        .or_else(|| {
            content.iter().find(|(k, _)| {
                k.split(';')
                    .next()
                    .is_some_and(|t| t.trim().ends_with("+json"))
            })
        })
        .or_else(|| content.iter().next())
}

fn read_body(resolver: &Resolver<'_>, body: &Value) -> Result<Option<OperationBody>> {
    let Some((content_type, media)) = json_media(body.get("content")) else {
        return Ok(None);
    };
    let schema = media
        .get("schema")
        .map(|s| resolver.inline(s))
        .transpose()?
        .unwrap_or(Value::Object(Map::new()));
    let skeleton = media
        .get("example")
        .cloned()
        .or_else(|| first_example(resolver, media.get("examples")))
        .unwrap_or_else(|| skeleton(&schema));
    Ok(Some(OperationBody {
        content_type: content_type.clone(),
        required: body.get("required").and_then(Value::as_bool) == Some(true),
        schema,
        skeleton,
    }))
}

/// The media types a Swagger 2.0 operation consumes (its own, else the document's).
fn consumes<'a>(doc: &'a Value, op: &'a Map<String, Value>) -> Vec<&'a str> {
    op.get("consumes")
        .or_else(|| doc.get("consumes"))
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn swagger_body(
    doc: &Value,
    resolver: &Resolver<'_>,
    op: &Map<String, Value>,
    param: &Value,
) -> Result<OperationBody> {
    let types = consumes(doc, op);
    let content_type = types
        .iter()
        .find(|t| t.contains("json"))
        .or(types.first())
        .copied()
        .unwrap_or("application/json");
    let schema = param
        .get("schema")
        .map(|s| resolver.inline(s))
        .transpose()?
        .unwrap_or(Value::Object(Map::new()));
    Ok(OperationBody {
        content_type: content_type.to_string(),
        required: param.get("required").and_then(Value::as_bool) == Some(true),
        skeleton: skeleton(&schema),
        schema,
    })
}

fn swagger_form(
    doc: &Value,
    resolver: &Resolver<'_>,
    op: &Map<String, Value>,
    fields: &[&Value],
) -> Result<OperationBody> {
    let types = consumes(doc, op);
    let content_type = if types.contains(&"multipart/form-data") {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in fields {
        let Some(name) = field.get("name").and_then(Value::as_str) else {
            return Err(Error::InvalidInput("a form parameter has no `name`".into()));
        };
        properties.insert(name.to_string(), swagger_param_schema(resolver, field)?);
        if field.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(Value::String(name.to_string()));
        }
    }
    let mut schema = Map::new();
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    let schema = Value::Object(schema);
    Ok(OperationBody {
        content_type: content_type.into(),
        required: true,
        skeleton: skeleton(&schema),
        schema,
    })
}

/// The first 2xx answer (lowest code first), else `default`.
fn success<'a>(resolver: &Resolver<'a>, op: &'a Map<String, Value>) -> Result<Option<&'a Value>> {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return Ok(None);
    };
    let mut codes: Vec<&String> = responses
        .keys()
        .filter(|k| k.starts_with('2') && k.len() == 3)
        .collect();
    codes.sort();
    let chosen = codes
        .first()
        .and_then(|k| responses.get(*k))
        .or_else(|| responses.get("2XX"))
        .or_else(|| responses.get("default"));
    chosen.map(|r| resolver.follow(r)).transpose()
}
