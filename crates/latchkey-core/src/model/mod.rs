//! Plain types every layer shares: parameters, secrets, the OAuth
//! vocabulary, services, users, requests, responses, history records and
//! saved requests.
//!
//! The leaf of the core: it imports nothing from the crate but `error`, so
//! the store, the vault and everything above can use it without reaching
//! into each other. Behaviour that needs more (validation against presets,
//! sending, storage) lives with the layer that owns it.

pub mod auth_types;
mod history;
mod operation;
mod param;
mod request;
mod response_body;
mod saved;
mod secret;
mod service;
pub mod user;
mod variable;

pub use auth_types::{AuthKind, ClientAuth, PkceMode, TokenPlacement};
pub(crate) use history::NewHistory;
pub use history::{
    HistoryEntry, HistoryFilter, HistoryLimits, HistoryPage, HistorySource, HistorySummary,
};
pub use operation::{
    Operation, OperationBody, OperationParameter, OperationSummary, OperationsChange,
    ParameterLocation,
};
pub(crate) use param::param_label;
pub use param::Param;
pub use request::{RequestBody, RequestSpec};
pub(crate) use response_body::human_bytes;
pub use response_body::{decode_body, ResponseBody};
pub use saved::{ExtractedValue, Extractor, SavedRequest, SavedRequestInput};
pub use secret::Secret;
pub use service::{RemovedService, Service, ServiceInput, ServiceSpec};
pub use user::{IdentityClaims, User, UserInput, UserStatus};
pub use variable::Variable;
