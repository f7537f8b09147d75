//! What a send leaves for history before redaction: owned copies that the
//! history writer turns into a redacted row, off the request path.
//! Redacting parses the request's and the answer's bodies and runs the
//! secret-name pattern over them, which for a small answer costs more than
//! the send's own work; the send only hands over what it already has.

use crate::error::Result;
use crate::http::redact::Redactor;
use crate::http::{HistoryLimits, HistorySource, HttpResponse, Timings};
use crate::model::{NewHistory, Param, RequestSpec, ResponseBody, Secret};

pub(crate) struct HistoryDraft {
    /// Every token that went out, and the names they were placed under.
    pub tokens: Vec<Secret>,
    pub token_names: Vec<String>,
    /// The request with `{{NAME}}` replaced: secrets are learned from it.
    pub expanded: RequestSpec,
    /// The request as written (references, not values): what history keeps.
    pub written: RequestSpec,
    /// As validated and sent (`GET` for a typed `get`).
    pub method: String,
    pub url: url::Url,
    /// Values of secret variables, and the service's client secret.
    pub marked_secrets: Vec<Secret>,
    pub known_secrets: Vec<Secret>,
    pub source: HistorySource,
    pub service_id: Option<i64>,
    pub user_id: Option<i64>,
    pub outcome: Outcome,
}

pub(crate) enum Outcome {
    Answered(Answer),
    Failed {
        message: String,
        code: Option<String>,
    },
}

impl Outcome {
    /// What history needs of a send's result; the answer's first bytes are
    /// moved out, as nothing but history reads them.
    pub fn take_from(result: &mut Result<HttpResponse>) -> Outcome {
        match result {
            Ok(response) => Outcome::Answered(Answer {
                status: response.status,
                reason: response.reason.clone(),
                timings: response.timings,
                size: response.size,
                headers: response.headers.clone(),
                content_type: response.content_type.clone(),
                head: std::mem::take(&mut response.head),
                file: match &response.body {
                    ResponseBody::File { path, .. } => Some(path.clone()),
                    _ => None,
                },
            }),
            Err(err) => Outcome::Failed {
                message: err.to_string(),
                code: serde_json::to_value(err.code())
                    .ok()
                    .and_then(|v| v.as_str().map(String::from)),
            },
        }
    }
}

pub(crate) struct Answer {
    pub status: u16,
    pub reason: String,
    pub timings: Timings,
    pub size: u64,
    pub headers: Vec<Param>,
    pub content_type: Option<String>,
    /// The first bytes of the body.
    pub head: Vec<u8>,
    /// Where a large body was written, sealed.
    pub file: Option<String>,
}

impl HistoryDraft {
    /// The row to store: every secret Latchkey knows for this send, and the
    /// new tokens an answer carries (a token endpoint called through the
    /// builder), replaced wherever they appear.
    pub fn redact(self, limits: &HistoryLimits) -> NewHistory {
        let names: Vec<&str> = self.token_names.iter().map(String::as_str).collect();
        let mut redactor = Redactor::new(&self.tokens, &names)
            .learn_from(&self.expanded, &self.url)
            .with_marked_secrets(&self.marked_secrets)
            .with_secrets(&self.known_secrets);
        if let Outcome::Answered(answer) = &self.outcome {
            redactor = redactor
                .learn_from_answer(&String::from_utf8_lossy(&answer.head))
                .learn_from_headers(&answer.headers);
        }
        let mut record = NewHistory {
            service_id: self.service_id,
            user_id: self.user_id,
            source: self.source,
            method: self.method,
            url: redactor.url(self.url.as_str()),
            request: redactor.spec(&self.written),
            status: None,
            reason: None,
            duration_ms: None,
            ttfb_ms: None,
            response_size: None,
            response_headers: Vec::new(),
            response_content_type: None,
            response_body: None,
            response_truncated: false,
            response_file: None,
            error: None,
            error_code: None,
        };
        match self.outcome {
            Outcome::Answered(answer) => {
                let cap = (limits.max_body_bytes as usize).min(answer.head.len());
                let head = &answer.head[..cap];
                let complete = answer.size == head.len() as u64;
                // A complete JSON body gets its secret-named keys redacted too.
                let body = match std::str::from_utf8(head) {
                    Ok(text) if complete => redactor.body_text(text).into_bytes(),
                    // Cut short: no JSON parse, but names still find values.
                    Ok(text) => redactor.text(text).into_bytes(),
                    // Cut inside a character: the text before it.
                    Err(e) if e.valid_up_to() + 4 > head.len() => redactor
                        .text(&String::from_utf8_lossy(&head[..e.valid_up_to()]))
                        .into_bytes(),
                    Err(_) => redactor.scrub_bytes(head),
                };
                record.status = Some(answer.status);
                record.reason = Some(answer.reason);
                record.duration_ms = i64::try_from(answer.timings.total_ms).ok();
                record.ttfb_ms = i64::try_from(answer.timings.ttfb_ms).ok();
                record.response_size = i64::try_from(answer.size).ok();
                record.response_headers = redactor.headers(&answer.headers);
                record.response_content_type = answer.content_type;
                record.response_body = Some(body);
                record.response_truncated = !complete;
                record.response_file = answer.file;
            }
            Outcome::Failed { message, code } => {
                record.error = Some(redactor.text(&message));
                record.error_code = code;
            }
        }
        record
    }
}
