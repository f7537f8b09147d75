//! Entry points for the `cargo fuzz` targets in `fuzz/` (feature
//! `fuzzing`): the parsers that take outside input but are private to the
//! OAuth engine. Each runs the same code the engine runs.

use crate::oauth::{loopback, normalize, pasted};

/// What the loopback listener makes of a request head: the method and the
/// target's path, after reading the callback parameters it would check
/// (and the refusal it would show).
pub fn loopback_request(head: &[u8]) -> Option<(String, String)> {
    let (method, target) = loopback::parse_request_line(head)?;
    let url = loopback::target_url(&target)?;
    let params = pasted::CallbackParams::from_url(&url);
    if let Some(refusal) = params.provider_refusal() {
        let _ = refusal.to_string();
    }
    Some((method, url.path().to_string()))
}

/// A redirect address (or bare code) pasted by a person: whether it is
/// accepted; a refusal's message is rendered too.
pub fn pasted_redirect(text: &str) -> bool {
    match pasted::parse(text) {
        Ok(pasted::Pasted::Redirect(params)) => {
            if let Some(refusal) = params.provider_refusal() {
                let _ = refusal.to_string();
            }
            true
        }
        Ok(pasted::Pasted::BareCode(_)) => true,
        Err(e) => {
            let _ = e.to_string();
            false
        }
    }
}

/// A token endpoint's answer, normalized to RFC 6749 JSON (or refused).
pub fn token_answer(
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<(u16, Vec<u8>), String> {
    normalize::normalize(status, content_type, body).map(|n| (n.status, n.body))
}
