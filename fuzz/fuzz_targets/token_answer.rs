//! A token endpoint's answer (status, content type, body), as any provider
//! might send it: normalized to RFC 6749 JSON or refused with a message,
//! never a panic, and a message never quotes the body.
#![no_main]

use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/json; charset=utf-8",
    "application/x-www-form-urlencoded",
    "text/plain",
    "text/html",
    "",
    "APPLICATION/JSON",
];

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    // Final statuses only: an HTTP client never hands over a 1xx.
    let status = 200 + u16::from_le_bytes([data[0], data[1]]) % 400;
    let content_type = CONTENT_TYPES[data[2] as usize % CONTENT_TYPES.len()];
    let body = &data[3..];
    match latchkey_core::fuzzing::token_answer(status, content_type, body) {
        Ok((status, json)) => {
            // Success is 200; an error body keeps a non-2xx status.
            assert!(status == 200 || status >= 300, "{status}");
            if !json.is_empty() {
                serde_json::from_slice::<serde_json::Value>(&json)
                    .expect("a normalized answer is JSON");
            }
        }
        Err(problem) => {
            // The OAuth error code may be quoted; the tokens never are.
            let tokens: Vec<String> = match serde_json::from_slice::<serde_json::Value>(body) {
                Ok(serde_json::Value::Object(map)) => ["access_token", "refresh_token", "id_token"]
                    .iter()
                    .filter_map(|k| map.get(*k).and_then(|v| v.as_str()).map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            for token in tokens.iter().filter(|t| t.len() >= 8) {
                assert!(!problem.contains(token.as_str()), "a token leaked into: {problem}");
            }
        }
    }
});
