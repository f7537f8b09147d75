//! Saved requests ("Create meeting") and the extractors whose values are
//! shown and copyable after each send.

use super::spec::RequestSpec;
use crate::error::{Error, FieldError, Result};
use crate::json::{compile_path, find_key, query_path};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

const MAX_NAME: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Extractor {
    /// The first value of `key` anywhere in the body.
    FindKey {
        key: String,
        #[serde(default)]
        case_insensitive: bool,
    },
    /// The first node a JSONPath selects.
    JsonPath { expression: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SavedRequestInput {
    pub name: String,
    pub request: RequestSpec,
    pub extractors: Vec<Extractor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedRequest {
    pub id: i64,
    /// The service's slug.
    pub service: String,
    pub name: String,
    pub request: RequestSpec,
    pub extractors: Vec<Extractor>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What one extractor found in a response.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ExtractedValue {
    pub extractor: Extractor,
    /// Where it was found.
    pub path: Option<String>,
    #[ts(type = "unknown")]
    pub value: Option<Value>,
    /// Why there is no value (not JSON, nothing matched).
    pub error: Option<String>,
}

/// Checks a saved request; `base_url` lets relative URLs be checked.
pub fn validate_saved(
    input: &SavedRequestInput,
    base_url: Option<&str>,
) -> Result<SavedRequestInput> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    if name.is_empty() {
        errors.push(FieldError::new(
            "name",
            "give the request a name, e.g. Create meeting",
        ));
    } else if name.chars().count() > MAX_NAME {
        errors.push(FieldError::new(
            "name",
            format!("the name is longer than {MAX_NAME} characters"),
        ));
    }
    // A relative URL is fine even before the service has a base URL.
    let base = base_url
        .filter(|b| !b.trim().is_empty())
        .unwrap_or("https://api-base-url.invalid");
    match input.request.prepare(Some(base)) {
        Ok(_) => {}
        Err(Error::Validation(fields)) => errors.extend(fields),
        Err(other) => errors.push(FieldError::new("body", other.to_string())),
    }
    for (i, extractor) in input.extractors.iter().enumerate() {
        let field = format!("extractors[{i}]");
        match extractor {
            Extractor::FindKey { key, .. } if key.is_empty() => {
                errors.push(FieldError::new(&field, "the key to find is empty"));
            }
            Extractor::JsonPath { expression } => {
                if let Err(e) = compile_path(expression) {
                    errors.push(FieldError::new(&field, e.to_string()));
                }
            }
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(SavedRequestInput {
        name: name.to_string(),
        ..input.clone()
    })
}

/// Runs each extractor on a response body.
pub fn run_extractors(body: Option<&Value>, extractors: &[Extractor]) -> Vec<ExtractedValue> {
    extractors
        .iter()
        .map(|extractor| {
            let found = match (body, extractor) {
                (None, _) => Err("the response is not JSON".to_string()),
                (
                    Some(doc),
                    Extractor::FindKey {
                        key,
                        case_insensitive,
                    },
                ) => {
                    let result = find_key(doc, key, *case_insensitive);
                    match (result.first, result.matches.into_iter().next()) {
                        (Some(value), Some(m)) => Ok((m.path, value)),
                        _ => Err(format!("no key `{key}` in the response")),
                    }
                }
                (Some(doc), Extractor::JsonPath { expression }) => {
                    match query_path(doc, expression) {
                        Ok(result) => result
                            .matches
                            .into_iter()
                            .next()
                            .map(|m| (m.path, m.value))
                            .ok_or_else(|| {
                                format!("`{expression}` selects nothing in the response")
                            }),
                        Err(e) => Err(e.to_string()),
                    }
                }
            };
            match found {
                Ok((path, value)) => ExtractedValue {
                    extractor: extractor.clone(),
                    path: Some(path),
                    value: Some(value),
                    error: None,
                },
                Err(error) => ExtractedValue {
                    extractor: extractor.clone(),
                    path: None,
                    value: None,
                    error: Some(error),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extractors_find_values_or_say_why_not() {
        let doc = json!([{"joinURL": "https://meet/1", "meetingid": 7}]);
        let extractors = vec![
            Extractor::FindKey {
                key: "joinurl".into(),
                case_insensitive: true,
            },
            Extractor::JsonPath {
                expression: "$[0].meetingid".into(),
            },
            Extractor::FindKey {
                key: "nope".into(),
                case_insensitive: false,
            },
        ];
        let out = run_extractors(Some(&doc), &extractors);
        assert_eq!(out[0].value, Some(json!("https://meet/1")));
        assert_eq!(out[0].path.as_deref(), Some("$[0].joinURL"));
        assert_eq!(out[1].value, Some(json!(7)));
        assert_eq!(
            out[2].error.as_deref(),
            Some("no key `nope` in the response")
        );
        assert_eq!(
            run_extractors(None, &extractors)[0].error.as_deref(),
            Some("the response is not JSON")
        );
    }

    #[test]
    fn validation_reports_name_request_and_extractors() {
        let input = SavedRequestInput {
            name: "  ".into(),
            request: RequestSpec {
                method: "B AD".into(),
                url: "/meetings".into(),
                ..Default::default()
            },
            extractors: vec![
                Extractor::JsonPath {
                    expression: "$[".into(),
                },
                Extractor::FindKey {
                    key: "".into(),
                    case_insensitive: false,
                },
            ],
        };
        let Err(Error::Validation(errors)) = validate_saved(&input, None) else {
            panic!()
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "method", "extractors[0]", "extractors[1]"]);
        let ok = SavedRequestInput {
            name: " Create meeting ".into(),
            request: RequestSpec {
                method: "POST".into(),
                url: "/meetings".into(),
                ..Default::default()
            },
            extractors: vec![],
        };
        assert_eq!(validate_saved(&ok, None).unwrap().name, "Create meeting");
    }
}
