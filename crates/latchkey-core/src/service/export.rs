//! The import/export document: `{"latchkey_export": 1, "services": [...]}`.
//! Each service is a [`ServiceInput`](super::ServiceInput); a client secret
//! appears only when the export asked for secrets.

use crate::error::{Error, Result};
use serde::Serialize;
use serde_json::Value;

/// The document version this build writes and reads.
pub const EXPORT_VERSION: u64 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct ExportDocument {
    pub latchkey_export: u64,
    /// Each a service input object, plus `client_secret` when exported.
    pub services: Vec<Value>,
}

impl ExportDocument {
    /// Reads a document, checking its version before its services.
    pub fn parse(text: &str) -> Result<Vec<super::ServiceInput>> {
        let invalid = |why: String| Error::InvalidInput(format!("the import file {why}"));
        let value: Value = serde_json::from_str(text)
            .map_err(|err| invalid(format!("is not valid JSON ({err})")))?;
        let version = match value.get("latchkey_export") {
            Some(v) => v
                .as_u64()
                .ok_or_else(|| invalid("has a `latchkey_export` that is not a number".into()))?,
            None => {
                return Err(invalid(
                    "is not a Latchkey export (it has no `latchkey_export` field)".into(),
                ))
            }
        };
        if version > EXPORT_VERSION {
            return Err(invalid(format!(
                "was written by a newer Latchkey (export version {version}, this build reads {EXPORT_VERSION}): upgrade Latchkey"
            )));
        }
        let services = value
            .get("services")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("has no `services` list".into()))?;
        services
            .iter()
            .enumerate()
            .map(|(i, service)| {
                serde_json::from_value(service.clone()).map_err(|err| {
                    let slug = service.get("slug").and_then(Value::as_str).unwrap_or("?");
                    invalid(format!("has a bad service #{} (`{slug}`): {err}", i + 1))
                })
            })
            .collect()
    }
}
