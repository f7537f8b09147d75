//! Variables that `{{NAME}}` in a request refers to.

use serde::Serialize;
use ts_rs::TS;

/// A stored variable as lists show it: a secret one without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Variable {
    pub name: String,
    /// The service's slug for a service's variable; `None` for a global one.
    pub service: Option<String>,
    pub secret: bool,
    /// `None` for a secret variable (sealed at rest, never listed).
    pub value: Option<String>,
    /// Unix milliseconds.
    pub updated_at: i64,
}
