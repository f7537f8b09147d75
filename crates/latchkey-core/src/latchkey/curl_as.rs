//! "Copy as cURL" for a send, from the service's settings: the token is
//! never looked up, so the command can be shared; where the service would
//! put it, the command reads `$LATCHKEY_TOKEN`.

use super::{Latchkey, SendRequest};
use crate::error::Result;
use crate::http::{to_curl, AuthPlacement};
use crate::model::AuthKind;
use crate::model::Secret;

impl Latchkey {
    /// `send` as a curl command: URL resolved against the service's API base
    /// URL, and `"$LATCHKEY_TOKEN"` where [`Latchkey::send`] would place a
    /// token (unless `no_auth`). The user, when named, must exist.
    pub fn curl_command(&self, send: &SendRequest, no_auth: bool) -> Result<String> {
        let service = match send.service.as_deref() {
            Some(slug) => Some(self.get_service(slug)?),
            None => None,
        };
        if let (Some(service), Some(user)) = (&service, send.user.as_deref()) {
            self.get_user(&service.spec.slug, user)?;
        }
        let base_url = service
            .as_ref()
            .and_then(|s| s.spec.api_base_url.as_deref());
        // Variables are filled in, secret ones too: the command is for the
        // person who asked for it, like a revealed value.
        let (expanded, _) = self.expand_send(send, service.as_ref())?;
        let prepared = expanded.request.prepare(base_url)?;
        // The same choice as `send`: a user's token for user grants, the
        // service's own for client credentials, none otherwise.
        let auth = service.as_ref().filter(|_| !no_auth).and_then(|s| {
            let placed = matches!(
                (s.spec.auth_kind, send.user.as_deref()),
                (AuthKind::AuthorizationCode | AuthKind::DeviceCode, Some(_))
                    | (AuthKind::ClientCredentials | AuthKind::ApiKey, _)
            );
            placed.then(|| AuthPlacement::new(&s.spec.token_placement, Secret::new("")))
        });
        to_curl(&prepared, auth.as_ref(), false)
    }
}
