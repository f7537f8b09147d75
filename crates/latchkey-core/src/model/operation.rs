//! The operations of a service, read from its OpenAPI / Swagger document.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// One operation of an API: what `latchkey operations` lists and what the
/// builder fills a request from. Schemas are stored with every local
/// `$ref` already inlined (a cycle is cut where it closes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Operation {
    /// Upper case: `GET`, `POST`, ...
    pub method: String,
    /// The path template as the document writes it, e.g. `/meetings/{id}`.
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Path-level and operation-level parameters merged (the operation's win).
    pub parameters: Vec<OperationParameter>,
    pub request_body: Option<OperationBody>,
    /// The schema of the first success (2xx, else `default`) JSON answer.
    #[ts(type = "unknown")]
    pub response_schema: Option<Value>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
    Cookie,
}

impl std::fmt::Display for ParameterLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OperationParameter {
    pub name: String,
    #[serde(rename = "in")]
    #[ts(rename = "in")]
    pub location: ParameterLocation,
    pub required: bool,
    pub description: Option<String>,
    #[ts(type = "unknown")]
    pub schema: Option<Value>,
    /// An example value: the document's, else a typed placeholder.
    #[ts(type = "unknown")]
    pub example: Value,
}

/// The request body an operation takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OperationBody {
    /// The media type chosen: JSON when the document offers it.
    pub content_type: String,
    pub required: bool,
    #[ts(type = "unknown")]
    pub schema: Value,
    /// A body to start from: required fields first, the document's
    /// examples, else typed placeholders, and each enum's first value.
    #[ts(type = "unknown")]
    pub skeleton: Value,
}

/// One row of `latchkey operations`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OperationSummary {
    pub method: String,
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
}

impl From<&Operation> for OperationSummary {
    fn from(op: &Operation) -> Self {
        Self {
            method: op.method.clone(),
            path: op.path.clone(),
            operation_id: op.operation_id.clone(),
            summary: op.summary.clone(),
        }
    }
}

/// What replacing a service's operations with a newer document's did,
/// matching operations by method and path (an operationId may be renamed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, TS)]
pub struct OperationsChange {
    /// In the new document only.
    pub added: u32,
    /// In the old list only: gone.
    pub removed: u32,
    /// In both (their parameters and schemas are now the new document's).
    pub kept: u32,
}

impl OperationsChange {
    pub fn between(old: &[Operation], new: &[Operation]) -> Self {
        let same = |a: &Operation, b: &Operation| a.method == b.method && a.path == b.path;
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let kept = new
            .iter()
            .filter(|n| old.iter().any(|o| same(o, n)))
            .count();
        Self {
            added: count(new.len() - kept),
            removed: count(
                old.iter()
                    .filter(|o| !new.iter().any(|n| same(o, n)))
                    .count(),
            ),
            kept: count(kept),
        }
    }
}

impl std::fmt::Display for OperationsChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} added, {} removed, {} kept",
            self.added, self.removed, self.kept
        )
    }
}

impl Operation {
    /// Whether `key` names this operation: its operationId, or
    /// `METHOD /path` (method in any case).
    pub fn is_named(&self, key: &str) -> bool {
        let key = key.trim();
        if self.operation_id.as_deref() == Some(key) {
            return true;
        }
        match key.split_once(char::is_whitespace) {
            Some((method, path)) => {
                method.eq_ignore_ascii_case(&self.method) && path.trim() == self.path
            }
            None => false,
        }
    }
}
