//! Latchkey's core: every rule of the product, with no window attached.
//!
//! The desktop shell (`src-tauri`) and the `latchkey` CLI are thin adapters
//! over the functions exported here.

pub mod app_info;
pub mod discovery;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod http;
pub mod json;
pub mod keyring_probe;
pub mod latchkey;
pub mod local_api;
pub mod model;
mod net;
pub mod oauth;
pub mod openapi;
pub mod paths;
pub mod presets;
pub mod service;
pub(crate) mod store;
pub mod template;
#[doc(hidden)]
pub mod testing;
pub mod ts_bindings;
pub(crate) mod vault;

pub use app_info::{app_info, AppInfo};
pub use discovery::DiscoveredEndpoints;
pub use error::{Error, ErrorCode, ErrorPayload, FieldError, Result};
pub use keyring_probe::{KeyringState, KeyringStatus};
pub use latchkey::{ancestors, SendInput, SendOutcome, SendProgress, SendRequest, Sent};
pub use latchkey::{Latchkey, DEFAULT_LOGIN_TIMEOUT};
pub use latchkey::{ModelChanged, ModelKind, ModelWatch};
pub use model::{AuthKind, ClientAuth, PkceMode, TokenPlacement};
pub use model::{Param, RemovedService, Secret, Service, ServiceInput, ServiceSpec};
pub use model::{User, UserInput, UserStatus};
pub use oauth::{
    AuthEvent, AuthEventKind, AuthSettings, DeviceAuthorization, DevicePrompt, LoginLink,
    LoopbackAuthorization, ProviderRevocation, SignOut, StartedLogin, ValidToken,
};
pub use paths::DataDir;
pub use presets::{find_preset, presets, Preset};
/// Milliseconds since the Unix epoch: the clock every stored timestamp uses.
pub use store::now_ms;
pub use vault::KeySource;

/// The product version, shared by the app, the CLI and the local API.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git commit these binaries were built from (12 hex digits), or
/// `unknown` when built without git (see build.rs).
pub const COMMIT: &str = env!("LATCHKEY_GIT_COMMIT");

/// `0.1.0 (commit 0123456789ab)`: what `--version` prints.
pub const VERSION_AND_COMMIT: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("LATCHKEY_GIT_COMMIT"),
    ")"
);
