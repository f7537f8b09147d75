//! What the handlers share.

use crate::http::CancellationToken;
use crate::latchkey::Latchkey;
use std::sync::Arc;

pub struct ApiState {
    pub app: Arc<Latchkey>,
    /// The bound port, for the `Host` check.
    pub port: u16,
    /// `http://127.0.0.1:PORT`, for the OpenAPI document's `servers`.
    pub base_url: String,
    /// Cancelled when the server stops: in-flight sends and the logins
    /// started through this server end with it.
    pub cancel: CancellationToken,
}
