//! The HTTP client handed to `oauth2`: reqwest underneath, plus the
//! provider's extra token-request headers, a size cap, errors that name the
//! endpoint (never its query string), and [`normalize`] on every answer.
//!
//! Supplying our own client (rather than a custom token-response type) keeps
//! `oauth2`'s standard types everywhere and puts every quirk in one place
//! that also covers the device and revocation endpoints.

use super::normalize::{normalize, Normalized};
use crate::error::Error;
use crate::net;
use oauth2::http::{self, header, HeaderName, HeaderValue};
use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// Token answers are a few KB; anything past this is not one.
const MAX_BODY_BYTES: usize = 1024 * 1024;

pub struct TokenHttp {
    client: reqwest::Client,
    /// E.g. GitHub's `Accept: application/json` (from the service's preset).
    headers: Vec<(HeaderName, HeaderValue)>,
    timeout: Duration,
    /// An https URL to send as http (see `client::revocation_url`).
    as_http: Option<String>,
}

impl TokenHttp {
    pub fn new(client: reqwest::Client, timeout: Duration, extra: &[(String, String)]) -> Self {
        let headers = extra
            .iter()
            .filter_map(|(n, v)| {
                Some((
                    HeaderName::from_bytes(n.as_bytes()).ok()?,
                    HeaderValue::from_str(v).ok()?,
                ))
            })
            .collect();
        Self {
            client,
            headers,
            timeout,
            as_http: None,
        }
    }

    pub fn send_as_http(&mut self, https_url: String) {
        self.as_http = Some(https_url);
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let (parts, body) = request.into_parts();
        let mut target = parts.uri.to_string();
        if self.as_http.as_deref() == Some(target.as_str()) {
            target = target.replacen("https://", "http://", 1);
        }
        let shown = net::shown_url_text(&target);
        let mut headers = parts.headers;
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        let response = self
            .client
            .request(parts.method, target)
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(|e| self.transport_error(&shown, e))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = read_capped(response)
            .await
            .map_err(|e| match e {
                Capped::TooBig => Error::Provider(format!(
                    "the authorization server at {shown} answered more than {} KB: that is not a token response",
                    MAX_BODY_BYTES / 1024
                )),
                Capped::Transport(e) => self.transport_error(&shown, e),
            })?;
        let Normalized { status, body } =
            normalize(status, &content_type, &body).map_err(|problem| {
                Error::Provider(format!("the authorization server at {shown} {problem}"))
            })?;
        http::Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .map_err(|e| Error::Internal(format!("cannot hand over the token answer: {e}")))
    }

    fn transport_error(&self, shown: &str, err: reqwest::Error) -> Error {
        if err.is_timeout() {
            Error::Timeout(format!(
                "the authorization server at {shown} did not answer within {} s; nothing was changed, try again",
                self.timeout.as_secs().max(1)
            ))
        } else {
            net::network_error(shown, err)
        }
    }
}

impl<'c> AsyncHttpClient<'c> for TokenHttp {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

enum Capped {
    TooBig,
    Transport(reqwest::Error),
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, Capped> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Capped::Transport)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(Capped::TooBig);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
