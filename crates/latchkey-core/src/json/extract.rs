//! Runs a saved request's extractors on a response body.

use super::find::find_key;
use super::jsonpath::query_path;
use crate::model::{ExtractedValue, Extractor};
use serde_json::Value;

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
                        ..
                    },
                ) => {
                    let result = find_key(doc, key, *case_insensitive);
                    match (result.first, result.matches.into_iter().next()) {
                        (Some(value), Some(m)) => Ok((m.path, value)),
                        _ => Err(format!("no key `{key}` in the response")),
                    }
                }
                (Some(doc), Extractor::JsonPath { expression, .. }) => {
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
                    stored_as: None,
                },
                Err(error) => ExtractedValue {
                    extractor: extractor.clone(),
                    path: None,
                    value: None,
                    error: Some(error),
                    stored_as: None,
                },
            }
        })
        .collect()
}

/// What `--set NAME=WHAT` (and the local API's `set`) reads: a JSONPath
/// when it starts with `$`, else a key found anywhere.
pub fn capture_extractor(what: &str) -> crate::error::Result<Extractor> {
    if what.is_empty() {
        return Err(crate::error::Error::InvalidInput(
            "a capture needs a key (e.g. meetingid) or a JSONPath (e.g. $[0].meetingid)".into(),
        ));
    }
    if what.starts_with('$') {
        super::jsonpath::compile_path(what)?;
        return Ok(Extractor::JsonPath {
            expression: what.to_string(),
            variable: None,
        });
    }
    Ok(Extractor::FindKey {
        key: what.to_string(),
        case_insensitive: false,
        variable: None,
    })
}

/// Every value an extractor matches, in document order (the "for each"
/// of `--all`): an empty list when nothing matches.
pub fn all_matches(body: Option<&Value>, extractor: &Extractor) -> Result<Vec<Value>, String> {
    let Some(doc) = body else {
        return Err("the response is not JSON".into());
    };
    match extractor {
        Extractor::FindKey {
            key,
            case_insensitive,
            ..
        } => Ok(find_key(doc, key, *case_insensitive)
            .matches
            .iter()
            .filter_map(|m| super::path::value_at(doc, &m.path).cloned())
            .collect()),
        Extractor::JsonPath { expression, .. } => query_path(doc, expression)
            .map(|r| r.matches.into_iter().map(|m| m.value).collect())
            .map_err(|e| e.to_string()),
    }
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
                variable: None,
            },
            Extractor::JsonPath {
                expression: "$[0].meetingid".into(),
                variable: None,
            },
            Extractor::FindKey {
                key: "nope".into(),
                case_insensitive: false,
                variable: None,
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
}
