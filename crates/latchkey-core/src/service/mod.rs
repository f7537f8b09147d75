//! API services: what Latchkey needs to know to get and use tokens for one
//! provider. [`ServiceInput`] is what a form or the CLI submits;
//! [`validate`] turns it into a [`ServiceSpec`] or a list of field errors.

mod export;
mod openapi;
mod origins;
mod prefill;
mod urls;
mod validate;

pub use export::{ExportDocument, EXPORT_VERSION};
pub use openapi::{given as api_source, import_api, import_for_form, ApiImportFill, ImportedApi};
pub use origins::{normalize_origin, normalize_origins, TokenOrigins};
pub use prefill::{
    defaults, discover_for_form, discover_into, draft, DiscoveryFill, ServiceDefaults,
};
pub use urls::DEFAULT_REDIRECT_URI;
pub use validate::{validate, SecretChange, ValidInput};

pub use crate::model::{Param, RemovedService, Service, ServiceInput, ServiceSpec};

/// The vault purpose (associated data) of a service's client secret.
pub fn client_secret_purpose(service_id: i64) -> String {
    format!("service:{service_id}:client_secret")
}

/// The vault purpose (associated data) of an API-key service's key.
pub fn api_key_purpose(service_id: i64) -> String {
    format!("service:{service_id}:api_key")
}
