//! Who signed in, read from an OpenID Connect id token for display only.
//!
//! The signature is NOT checked: the token came straight from the token
//! endpoint over the connection Latchkey opened (OIDC Core §3.1.3.7 allows
//! skipping validation then), and the claims are shown to the person, never
//! used to decide access.

pub use crate::model::IdentityClaims;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The OpenID Connect `nonce` sent with the login whose `state` is
/// `state`. Derived rather than stored: as unguessable as the state, and
/// nothing more to keep per login.
pub fn nonce_for(state: &str) -> String {
    use sha2::{Digest, Sha256};
    URL_SAFE_NO_PAD.encode(Sha256::digest(format!("latchkey-oidc-nonce:{state}")))
}

/// The `nonce` claim of a compact JWT, if it has one.
pub fn nonce_claim(id_token: &str) -> Option<String> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("nonce")?.as_str().map(str::to_string)
}

/// The claims of a compact JWT, or `None` when it is not one.
pub fn decode(id_token: &str) -> Option<IdentityClaims> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sub_email_and_name_from_the_payload() {
        let payload = URL_SAFE_NO_PAD
            .encode(br#"{"sub":"alice","email":"a@x.test","name":"Alice","aud":"c"}"#);
        let claims = decode(&format!("eyJhbGciOiJSUzI1NiJ9.{payload}.sig")).unwrap();
        assert_eq!(claims.sub.as_deref(), Some("alice"));
        assert_eq!(claims.email.as_deref(), Some("a@x.test"));
        assert_eq!(claims.name.as_deref(), Some("Alice"));
        assert!(decode("not-a-jwt").is_none());
    }
}
