//! Latchkey's core: every rule of the product, with no window attached.
//!
//! The desktop shell (`src-tauri`) and the `latchkey` CLI are thin adapters
//! over the functions exported here.

pub mod app_info;
pub mod error;
pub mod keyring_probe;
pub mod paths;
pub mod ts_bindings;

pub use app_info::{app_info, AppInfo};
pub use error::{Error, ErrorCode, ErrorPayload, Result};
pub use keyring_probe::{KeyringState, KeyringStatus};
pub use paths::DataDir;

/// The product version, shared by the app, the CLI and the local API.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
