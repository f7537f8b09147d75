//! The one place that turns network failures and URLs into what messages
//! may show: the reqwest client every outgoing call starts from, reqwest
//! errors as [`Error`]s (the cause in words, reqwest's error kept as the
//! source), and URLs and typed input with anything that could carry a
//! secret (user info, query, fragment) taken out.
//!
//! A leaf like `model`: it imports only `error` and the crate version.

use crate::error::{Error, Result};
use reqwest::Url;
use std::time::Duration;

/// A client that never follows redirects itself (callers decide what a
/// redirect may carry) and says who it is. `total` bounds a whole exchange.
pub(crate) fn client(
    connect_timeout: Duration,
    total: Option<Duration>,
) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(format!("Latchkey/{}", crate::VERSION));
    if let Some(total) = total {
        builder = builder.timeout(total);
    }
    builder
        .build()
        .map_err(|e| Error::Internal(format!("cannot set up the HTTP client: {e}")))
}

/// The innermost cause of a reqwest failure ("Connection refused", "failed
/// to lookup address"): the outer ones repeat the URL, query included.
pub(crate) fn cause(err: &reqwest::Error) -> String {
    let mut source = std::error::Error::source(err);
    let mut text = None;
    while let Some(inner) = source {
        text = Some(inner.to_string());
        source = inner.source();
    }
    text.unwrap_or_else(|| {
        if err.is_body() || err.is_decode() {
            "the answer was cut off".into()
        } else {
            "the request failed".into()
        }
    })
}

/// A reqwest failure as [`Error::Network`] naming `url` (already passed
/// through [`shown_url`]). Callers say what a timeout means before calling.
pub(crate) fn network_error(url: &str, err: reqwest::Error) -> Error {
    let cause = cause(&err);
    let detail = if err.is_connect() {
        format!("could not connect ({cause})")
    } else {
        cause
    };
    network_error_with(url, detail, err)
}

/// [`network_error`] with the caller's own words for what happened.
pub(crate) fn network_error_with(url: &str, detail: String, err: reqwest::Error) -> Error {
    Error::Network {
        url: url.to_string(),
        detail,
        source: Some(Box::new(err.without_url())),
    }
}

/// A URL for messages and responses: no user info or fragment; the token
/// parameter (when named) redacted, else the whole query dropped.
pub(crate) fn shown_url(url: &Url, token_query: Option<&str>) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);
    match token_query {
        None => url.set_query(None),
        Some(name) => {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k == name {
                        "[redacted]".into()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            if !pairs.is_empty() {
                url.query_pairs_mut().clear().extend_pairs(pairs);
            }
        }
    }
    url.to_string()
}

/// [`shown_url`] for a URL held as text; text that is not a URL is not
/// echoed at all.
pub(crate) fn shown_url_text(url: &str) -> String {
    match Url::parse(url) {
        Ok(url) => shown_url(&url, None),
        Err(_) => "the configured URL".into(),
    }
}

/// Typed input echoed in messages: short, and cut before `?` or `#` so a
/// pasted link with a token in it is not repeated.
pub(crate) fn shown_input(text: &str) -> String {
    let cut = text.split(['?', '#']).next().unwrap_or("");
    let short: String = cut.chars().take(200).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_urls_carry_no_credentials_query_or_fragment() {
        let url = Url::parse("https://u:p@api.test/a?access_token=t&x=1#frag").unwrap();
        assert_eq!(shown_url(&url, None), "https://api.test/a");
        assert_eq!(
            shown_url(&url, Some("access_token")),
            "https://api.test/a?access_token=%5Bredacted%5D&x=1"
        );
        assert_eq!(shown_url_text("not a url?secret"), "the configured URL");
    }

    #[test]
    fn shown_input_stops_before_the_query_and_is_short() {
        assert_eq!(shown_input("htp:/x?token=abc"), "htp:/x…");
        assert_eq!(shown_input("plain"), "plain");
        assert_eq!(shown_input(&"a".repeat(300)).chars().count(), 201);
    }
}
