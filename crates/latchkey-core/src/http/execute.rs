//! Sending a prepared request: token placement, only ever to the service's
//! token origins (checked on every hop), one retry on 401 with a refreshed
//! token, a total deadline, cancellation, and the body within its caps.

use super::auth::{AuthPlacement, StaticToken, TokenProvider};
use super::body::read_body;
use super::client::{transport_error, HttpClient, SendOptions};
use super::progress::ReportProgress;
use super::redirect::{is_redirect, next_request, same_origin, strip_credentials};
use super::response::{HttpResponse, Timings};
use super::spec::PreparedRequest;
use crate::error::{Error, Result};
use crate::model::decode_body;
use crate::model::Param;
use crate::model::ResponseBody;
use crate::model::Secret;
use crate::model::TokenPlacement;
use crate::net::shown_url;
use crate::service::TokenOrigins;
use crate::vault::Vault;
use reqwest::header::CONTENT_TYPE;
use reqwest::{StatusCode, Url};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use tokio_util::sync::CancellationToken;

/// Sends `request` with a fixed token (or none); the token goes only to
/// `origins`. Bodies over the inline limit are written under `bodies_dir`
/// as they came (these low-level calls hold no key; [`crate::Latchkey`]
/// seals them).
pub async fn execute(
    client: &HttpClient,
    request: &PreparedRequest,
    auth: Option<AuthPlacement>,
    origins: &TokenOrigins,
    options: &SendOptions,
    bodies_dir: &Path,
    cancel: &CancellationToken,
) -> Result<HttpResponse> {
    exchange(
        client,
        request,
        auth_source(auth).as_ref(),
        origins,
        options,
        bodies_dir,
        None,
        None,
        cancel,
    )
    .await
    .result
}

/// Sends `request` with tokens from `tokens`, placed as `placement` says;
/// on a 401 asks once for a refreshed token and sends again. Tokens go
/// only to `origins`.
// Each argument is a separate concern a caller chooses; a struct would
// only rename them.
#[allow(clippy::too_many_arguments)]
pub async fn execute_with_tokens<P: TokenProvider>(
    client: &HttpClient,
    request: &PreparedRequest,
    placement: &TokenPlacement,
    tokens: &P,
    origins: &TokenOrigins,
    options: &SendOptions,
    bodies_dir: &Path,
    cancel: &CancellationToken,
) -> Result<HttpResponse> {
    exchange(
        client,
        request,
        Some((placement, tokens)),
        origins,
        options,
        bodies_dir,
        None,
        None,
        cancel,
    )
    .await
    .result
}

/// A fixed token as a provider that cannot refresh.
pub(crate) fn auth_source(auth: Option<AuthPlacement>) -> Option<(TokenPlacement, StaticToken)> {
    auth.map(|a| {
        let placement = match &a {
            AuthPlacement::Header { name, prefix, .. } => TokenPlacement::Header {
                name: name.clone(),
                prefix: prefix.clone(),
            },
            AuthPlacement::Query { name, .. } => TokenPlacement::Query { name: name.clone() },
        };
        (placement, StaticToken(a.token().clone()))
    })
}

/// The result of a send and every token that went out with it, so
/// history can scrub them from whatever it stores.
pub(crate) struct Exchange {
    pub result: Result<HttpResponse>,
    pub tokens: Vec<Secret>,
}

/// `auth` is `Option<(&TokenPlacement, &P)>` in spirit; taking a reference
/// to a pair lets [`execute`] pass its owned static token.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn exchange<A: AuthArg>(
    client: &HttpClient,
    request: &PreparedRequest,
    auth: Option<A>,
    origins: &TokenOrigins,
    options: &SendOptions,
    bodies_dir: &Path,
    spill_key: Option<Arc<Vault>>,
    progress: Option<&ReportProgress>,
    cancel: &CancellationToken,
) -> Exchange {
    let start = Instant::now();
    let deadline = tokio::time::Instant::from_std(start + options.timeout());
    let mut tokens = Vec::new();
    let result = {
        let work = send(
            client,
            request,
            auth.as_ref().map(|a| a.parts()),
            origins,
            options,
            bodies_dir,
            spill_key,
            progress,
            start,
            &mut tokens,
        );
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(Error::Cancelled(format!(
                "the request to {} was cancelled",
                shown_url(&request.url, None)
            ))),
            _ = tokio::time::sleep_until(deadline) => Err(Error::Timeout(format!(
                "no complete answer from {} within {} (the total timeout): raise the timeout or check the server",
                shown_url(&request.url, None),
                seconds(options.timeout_ms)
            ))),
            result = work => result,
        }
    };
    Exchange { result, tokens }
}

/// Borrowed or owned (placement, provider) pairs.
pub(crate) trait AuthArg {
    type Provider: TokenProvider;
    fn parts(&self) -> (&TokenPlacement, &Self::Provider);
}

impl<P: TokenProvider> AuthArg for (&TokenPlacement, &P) {
    type Provider = P;
    fn parts(&self) -> (&TokenPlacement, &P) {
        (self.0, self.1)
    }
}

impl<P: TokenProvider> AuthArg for &(TokenPlacement, P) {
    type Provider = P;
    fn parts(&self) -> (&TokenPlacement, &P) {
        (&self.0, &self.1)
    }
}

fn seconds(ms: u64) -> String {
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

#[allow(clippy::too_many_arguments)]
async fn send<P: TokenProvider>(
    client: &HttpClient,
    request: &PreparedRequest,
    auth: Option<(&TokenPlacement, &P)>,
    origins: &TokenOrigins,
    options: &SendOptions,
    bodies_dir: &Path,
    spill_key: Option<Arc<Vault>>,
    progress: Option<&ReportProgress>,
    start: Instant,
    tokens: &mut Vec<Secret>,
) -> Result<HttpResponse> {
    // Refused before a token is even fetched: nothing leaves.
    if auth.is_some() && !origins.allows(&request.url) {
        return Err(origins.refusal(&request.url));
    }
    let http = client.client(options.connect_timeout())?;
    let mut placed = match auth {
        Some((placement, provider)) => {
            let token = provider.token(false).await?;
            tokens.push(token.clone());
            Some(AuthPlacement::new(placement, token))
        }
        None => None,
    };
    let mut hop = follow(
        &http,
        request,
        placed.as_ref(),
        origins,
        options.max_redirects,
    )
    .await?;
    // Only a 401 from a token origin (which got the token) says the token
    // is stale; any other origin's 401 is its own business.
    if hop.response.status() == StatusCode::UNAUTHORIZED && origins.allows(&hop.url) {
        if let Some((placement, provider)) = auth.filter(|(_, p)| p.can_refresh()) {
            // The 401's body is dropped unread: only the retry's answer matters.
            let token = provider.token(true).await?;
            tokens.push(token.clone());
            placed = Some(AuthPlacement::new(placement, token));
            hop = follow(
                &http,
                request,
                placed.as_ref(),
                origins,
                options.max_redirects,
            )
            .await?;
        }
    }
    let ttfb = start.elapsed();
    let query_name = placed.as_ref().and_then(|a| a.query_name());
    let url = shown_url(&hop.url, query_name);
    let mut response = hop.response;
    let status = response.status();
    let headers: Vec<Param> = response
        .headers()
        .iter()
        .map(|(name, value)| Param {
            name: name.as_str().to_string(),
            value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
        })
        .collect();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let read = read_body(
        &mut response,
        options,
        &bodies_dir.join(super::body::BODIES_DIR),
        &url,
        spill_key.clone(),
        progress,
    )
    .await?;
    let body = match (&read.file, &read.inline) {
        (Some(path), _) => ResponseBody::File {
            path: path.display().to_string(),
            note: format!(
                "the body is {}, more than the {} shown inline: it was saved to {}",
                crate::model::human_bytes(read.size),
                crate::model::human_bytes(options.inline_body_bytes),
                path.display()
            ),
        },
        (None, Some(bytes)) => decode_body(bytes, content_type.as_deref()),
        (None, None) => ResponseBody::Empty,
    };
    Ok(HttpResponse {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("").to_string(),
        url,
        redirects: hop.redirects,
        headers,
        content_type,
        timings: Timings {
            total_ms: millis(start.elapsed()),
            ttfb_ms: millis(ttfb),
        },
        size: read.size,
        body,
        head: read.head,
        spill_key: read.file.as_ref().and(spill_key),
    })
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

struct Hop {
    response: reqwest::Response,
    url: Url,
    redirects: u32,
}

/// Sends and follows redirects. The token goes on a hop only when that
/// hop's origin is one of `origins`; credentials the person typed go only
/// while every hop stays on the origin of the one before, and once a hop
/// leaves it they are gone for the rest of the chain.
async fn follow(
    http: &reqwest::Client,
    request: &PreparedRequest,
    auth: Option<&AuthPlacement>,
    origins: &TokenOrigins,
    max_redirects: u32,
) -> Result<Hop> {
    let mut current = request.clone();
    let mut with_auth = true;
    let mut redirects = 0;
    loop {
        let mut outgoing = current.clone();
        if let Some(auth) = auth {
            if origins.allows(&outgoing.url) {
                auth.apply(&mut outgoing)?;
            }
        }
        let response = send_one(http, &outgoing).await?;
        let status = response.status();
        if max_redirects == 0 || !is_redirect(status) {
            return Ok(Hop {
                response,
                url: outgoing.url,
                redirects,
            });
        }
        let Some(mut next) = next_request(&current, status, response.headers()) else {
            return Ok(Hop {
                response,
                url: outgoing.url,
                redirects,
            });
        };
        if redirects >= max_redirects {
            return Err(Error::network(
                shown_url(&request.url, None),
                format!(
                    "more than {max_redirects} redirects (the last went to {})",
                    shown_url(&next.url, None)
                ),
            ));
        }
        if !same_origin(&current.url, &next.url) {
            with_auth = false;
        }
        if !with_auth {
            strip_credentials(
                &mut next,
                auth.and_then(|a| a.header_name()),
                auth.and_then(|a| a.query_name()),
            );
        }
        current = next;
        redirects += 1;
    }
}

async fn send_one(http: &reqwest::Client, request: &PreparedRequest) -> Result<reqwest::Response> {
    let mut builder = http
        .request(request.method.clone(), request.url.clone())
        .headers(request.headers.clone());
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    builder
        .send()
        .await
        .map_err(|e| transport_error(&shown_url(&request.url, None), e))
}
