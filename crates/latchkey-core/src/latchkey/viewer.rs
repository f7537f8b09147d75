//! Sending for the desktop viewer: the response goes to the window with its
//! body cut to what a text view needs, and a JSON body is kept parsed in a
//! [`JsonDocumentCache`] so the tree pages through it instead of the whole
//! document crossing IPC.

use super::{Latchkey, SendRequest};
use crate::error::Result;
use crate::http::{CancellationToken, HistorySource, HttpResponse, RequestSpec, ResponseBody};
use crate::json::{format_path, parse_path, DocumentInfo, JsonDocumentCache};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The raw view shows at most this much of a text body; the tree has it all.
pub const VIEWER_TEXT_BYTES: usize = 512 * 1024;

/// What the request builder sends.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SendInput {
    pub service: Option<String>,
    /// `None`: send without a token ("no auth").
    pub user: Option<String>,
    pub request: RequestSpec,
    /// Total timeout in milliseconds (default 60 s).
    #[ts(optional)]
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SendOutcome {
    pub response: HttpResponse,
    pub history_id: Option<i64>,
    /// The parsed JSON body, for the tree, find and JSONPath.
    pub document: Option<DocumentInfo>,
    /// Whether `response.body` was cut to [`VIEWER_TEXT_BYTES`].
    pub body_trimmed: bool,
}

impl SendInput {
    /// The send this input describes, recorded as coming from the app. The
    /// builder keeps a body across method switches; a GET or HEAD drops it.
    pub fn into_send(self) -> SendRequest {
        self.into_send_reporting(None)
    }

    /// [`SendInput::into_send`], reporting the body's progress under
    /// `progress_id` while it downloads.
    pub fn into_send_reporting(mut self, progress_id: Option<String>) -> SendRequest {
        self.request.drop_body_if_bodiless();
        let mut send = SendRequest {
            service: self.service,
            user: self.user,
            request: self.request,
            source: HistorySource::App,
            progress_id,
            ..SendRequest::default()
        };
        if let Some(ms) = self.timeout_ms.filter(|ms| *ms > 0) {
            send.options.timeout_ms = ms;
        }
        send
    }
}

impl Latchkey {
    /// Sends for the window; with `progress_id`, reports the body's
    /// progress under it ([`Latchkey::subscribe_send_progress`]).
    pub async fn send_for_viewer(
        &self,
        input: SendInput,
        progress_id: Option<String>,
        cache: &JsonDocumentCache,
        cancel: &CancellationToken,
    ) -> Result<SendOutcome> {
        let sent = self
            .send(&input.into_send_reporting(progress_id), cancel)
            .await?;
        let mut response = sent.response;
        let document = index_json(&response, cache);
        let body_trimmed = trim_for_view(&mut response.body);
        Ok(SendOutcome {
            response,
            history_id: sent.history_id,
            document,
            body_trimmed,
        })
    }
}

/// Keeps a JSON body (inline or spilled to a file) in the cache; anything
/// else, or JSON too large for the cache, simply gets no tree.
fn index_json(response: &HttpResponse, cache: &JsonDocumentCache) -> Option<DocumentInfo> {
    let says_json = response
        .content_type
        .as_deref()
        .is_some_and(|ct| ct.contains("json"));
    match &response.body {
        ResponseBody::Text { text, .. } if says_json || looks_like_json(text) => {
            cache.insert_answer_text(text, response.status).ok()
        }
        ResponseBody::File { .. } if says_json => response
            .body_bytes()
            .ok()
            .and_then(|bytes| cache.insert_answer_bytes(&bytes, response.status).ok()),
        _ => None,
    }
}

fn looks_like_json(text: &str) -> bool {
    matches!(text.trim_start().chars().next(), Some('{' | '['))
}

fn trim_for_view(body: &mut ResponseBody) -> bool {
    let ResponseBody::Text { text, .. } = body else {
        return false;
    };
    if text.len() <= VIEWER_TEXT_BYTES {
        return false;
    }
    let mut end = VIEWER_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    true
}

/// The paths of a node's containers, outermost first (`$`, `$[0]`, ...):
/// what the tree must expand to show it.
pub fn ancestors(path: &str) -> Result<Vec<String>> {
    let segments = parse_path(path)?;
    Ok((0..segments.len())
        .map(|n| format_path(&segments[..n]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_list_every_container_outermost_first() {
        assert_eq!(
            ancestors("$[0].conferenceCallInfo['dial in']").unwrap(),
            vec!["$", "$[0]", "$[0].conferenceCallInfo"]
        );
        assert_eq!(ancestors("$").unwrap(), Vec::<String>::new());
        assert!(ancestors("joinURL").is_err());
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let mut body = ResponseBody::Text {
            text: "é".repeat(VIEWER_TEXT_BYTES),
            charset: "utf-8".into(),
            note: None,
        };
        assert!(trim_for_view(&mut body));
        let ResponseBody::Text { text, .. } = body else {
            unreachable!()
        };
        assert!(text.len() <= VIEWER_TEXT_BYTES && text.chars().all(|c| c == 'é'));
    }
}
