//! The OAuth 2.0 engine: authorization code + PKCE through a loopback
//! redirect (RFC 6749, 7636, 8252), pasted redirects, refresh with
//! cross-process single flight, client credentials, device authorization
//! (RFC 8628) and revocation (RFC 7009).
//!
//! The grants themselves are the `oauth2` crate's. Latchkey supplies the
//! HTTP client it calls ([`http::TokenHttp`]), which turns each provider's
//! answer into what RFC 6749 says it should have been (see [`normalize`])
//! or into a specific error, so `oauth2` only ever parses standard JSON.
//!
//! The public entry points are methods of [`crate::Latchkey`] (in
//! `latchkey/auth.rs`); this module holds the pieces they are made of.

pub(crate) mod client;
pub(crate) mod client_credentials;
pub(crate) mod complete;
mod context;
pub(crate) mod device;
pub(crate) mod errors;
mod events;
pub(crate) mod http;
mod id_token;
pub(crate) mod lifecycle;
pub(crate) mod lock;
pub(crate) mod login;
pub(crate) mod loopback;
pub(crate) mod normalize;
pub(crate) mod pasted;
pub(crate) mod revoke;
mod settings;
pub(crate) mod tokens;

pub use client_credentials::ServiceTokenState;
pub(crate) use context::Context;
pub use device::{DeviceAuthorization, DevicePrompt};
pub use events::{AuthEvent, AuthEventKind};
pub use id_token::IdentityClaims;
pub use login::{LoginLink, StartedLogin};
pub use loopback::LoopbackAuthorization;
pub use revoke::{ProviderRevocation, SignOut};
pub use settings::{AuthSettings, AuthState};
pub use tokens::ValidToken;
