//! Reading a redirect: from the listener's request, or pasted back by a
//! person who signed in on another machine (a full URL or the bare code).

use super::normalize::clean;
use crate::error::{Error, Result};
use url::Url;

/// Not `Debug`: the code is a credential until it is exchanged.
#[derive(Clone, Default, PartialEq)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// RFC 9207: the issuer that sent this response, when the server says.
    pub iss: Option<String>,
}

impl std::fmt::Debug for Pasted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pasted([redacted])")
    }
}

/// What a person pasted.
pub enum Pasted {
    Redirect(CallbackParams),
    BareCode(String),
}

impl CallbackParams {
    pub fn from_url(url: &Url) -> Self {
        let mut out = Self::default();
        for (k, v) in url.query_pairs() {
            let slot = match k.as_ref() {
                "code" => &mut out.code,
                "state" => &mut out.state,
                "error" => &mut out.error,
                "error_description" => &mut out.error_description,
                "iss" => &mut out.iss,
                _ => continue,
            };
            slot.get_or_insert_with(|| v.into_owned());
        }
        out
    }

    /// The provider's refusal, as an error for the person.
    pub fn provider_refusal(&self) -> Option<Error> {
        let error = self.error.as_deref()?;
        let detail = self
            .error_description
            .as_deref()
            .map(|d| format!(": {}", clean(d)))
            .unwrap_or_default();
        let hint = if error == "access_denied" {
            " (the sign-in was denied)"
        } else {
            ""
        };
        Some(Error::AuthorizationFailed(format!(
            "the provider refused the authorization: {}{detail}{hint}",
            clean(error)
        )))
    }
}

/// A pasted redirect URL (anything with a query holding `code` or `error`)
/// or a bare code.
pub fn parse(text: &str) -> Result<Pasted> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::InvalidInput(
            "nothing was pasted: paste the whole address the browser ended on, or the code".into(),
        ));
    }
    let as_url = Url::parse(text).ok().or_else(|| {
        text.starts_with('?')
            .then(|| Url::parse(&format!("http://x/{text}")).ok())
            .flatten()
    });
    if let Some(url) = as_url {
        let params = CallbackParams::from_url(&url);
        if params.code.is_some() || params.error.is_some() {
            return Ok(Pasted::Redirect(params));
        }
        return Err(Error::InvalidInput(
            "the pasted address has no `code` (or `error`) in it: paste the address the browser ended on after signing in".into(),
        ));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::InvalidInput(
            "the pasted text is neither an address nor a code (it has spaces in it)".into(),
        ));
    }
    Ok(Pasted::BareCode(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_redirect_or_a_bare_code() {
        match parse(" http://127.0.0.1:8749/callback?code=abc&state=s1&iss=x \n").unwrap() {
            Pasted::Redirect(p) => {
                assert_eq!(p.code.as_deref(), Some("abc"));
                assert_eq!(p.state.as_deref(), Some("s1"));
                assert_eq!(p.iss.as_deref(), Some("x"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse("abc-123_XYZ").unwrap(), Pasted::BareCode(c) if c == "abc-123_XYZ"));
        assert!(parse("http://x/callback?nothing=1").is_err());
        assert!(parse("two words").is_err());
        let denied = match parse("http://x/cb?error=access_denied&state=s").unwrap() {
            Pasted::Redirect(p) => p.provider_refusal().unwrap(),
            other => panic!("{other:?}"),
        };
        assert!(denied.to_string().contains("access_denied"));
    }
}
