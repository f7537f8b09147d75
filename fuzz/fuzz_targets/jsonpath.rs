//! JSONPath: an expression (the first line) over a document (the rest, or
//! a fixed meeting list when it is not JSON).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (expression, rest) = text.split_once('\n').unwrap_or((text, ""));
    let doc: Value = serde_json::from_str(rest).unwrap_or_else(|_| {
        serde_json::json!([
            {"meetingid": 1, "joinURL": "https://meet.example/1", "tags": ["a", "b"]},
            {"meetingid": 2, "nested": {"joinURL": "https://meet.example/2", "n": null}}
        ])
    });
    if let Ok(result) = latchkey_core::json::query_path(&doc, expression) {
        // Every match's path points back at its value.
        for m in result.matches.iter().take(64) {
            let again = latchkey_core::json::query_path(&doc, &m.path)
                .expect("a match's path is a valid JSONPath");
            assert_eq!(again.matches.len(), 1, "{} selects one node", m.path);
            assert_eq!(again.matches[0].value, m.value, "{}", m.path);
        }
    }
});
