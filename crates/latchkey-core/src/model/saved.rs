//! Saved requests ("Create meeting") and the extractors whose values are
//! shown and copyable after each send: plain data.

use super::request::RequestSpec;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Extractor {
    /// The first value of `key` anywhere in the body.
    FindKey {
        key: String,
        #[serde(default)]
        case_insensitive: bool,
        /// The variable a found value is stored in after a successful send.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        variable: Option<String>,
    },
    /// The first node a JSONPath selects.
    JsonPath {
        expression: String,
        /// The variable a found value is stored in after a successful send.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        variable: Option<String>,
    },
}

impl Extractor {
    /// The variable this extractor writes to, if it names one.
    pub fn variable(&self) -> Option<&str> {
        match self {
            Self::FindKey { variable, .. } | Self::JsonPath { variable, .. } => variable.as_deref(),
        }
    }
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
    /// The variable the value was stored in, when the extractor names one
    /// and the send succeeded.
    pub stored_as: Option<String>,
}
