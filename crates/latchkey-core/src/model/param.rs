//! Extra parameters sent on the authorize URL or the token request.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub name: String,
    pub value: String,
}

impl Param {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }

    /// Parses `name=value` (the CLI's form); `field` names the input.
    pub fn parse(text: &str, field: &str) -> Result<Self, FieldError> {
        match text.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => Ok(Self {
                name: name.trim().to_string(),
                value: value.to_string(),
            }),
            _ => Err(FieldError::new(
                field,
                format!("{} `{text}` is not in name=value form", param_label(field)),
            )),
        }
    }
}

/// How a params field is named in messages.
pub(crate) fn param_label(field: &str) -> &'static str {
    if field == "authorize_params" {
        "authorize parameter"
    } else {
        "token parameter"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_name_equals_value_keeping_later_equals_signs() {
        let p = Param::parse("resource=https://x/?a=b", "token_params").unwrap();
        assert_eq!(p.name, "resource");
        assert_eq!(p.value, "https://x/?a=b");
    }

    #[test]
    fn refuses_text_without_a_name() {
        for bad in ["novalue", "=x", ""] {
            let err = Param::parse(bad, "token_params").unwrap_err();
            assert!(err.message.contains("name=value"), "{}", err.message);
            assert_eq!(err.field, "token_params");
        }
    }
}
