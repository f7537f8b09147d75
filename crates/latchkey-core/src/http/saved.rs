//! Checking a saved request ("Create meeting") before it is stored.

use crate::error::{Error, FieldError, Result};
use crate::json::compile_path;
use crate::model::{Extractor, SavedRequestInput};

const MAX_NAME: usize = 200;

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
            Extractor::JsonPath { expression, .. } => {
                if let Err(e) = compile_path(expression) {
                    errors.push(FieldError::new(&field, e.to_string()));
                }
            }
            _ => {}
        }
        if let Some(variable) = extractor.variable() {
            if let Err(e) = crate::template::check_name(variable) {
                errors.push(FieldError::new(&field, e.to_string()));
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RequestSpec;

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
                    variable: None,
                },
                Extractor::FindKey {
                    key: "".into(),
                    case_insensitive: false,
                    variable: None,
                },
                Extractor::FindKey {
                    key: "meetingid".into(),
                    case_insensitive: false,
                    variable: Some("meeting id".into()),
                },
            ],
        };
        let Err(Error::Validation(errors)) = validate_saved(&input, None) else {
            panic!()
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "method",
                "extractors[0]",
                "extractors[1]",
                "extractors[2]"
            ]
        );
        assert!(
            errors[4].message.contains("is not a variable name")
                && errors[4].message.contains("letters, digits"),
            "{}",
            errors[4].message
        );
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
