//! The cURL importer on any pasted text: an error or a request spec, never
//! a panic; an imported spec serializes (it crosses IPC).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(spec) = latchkey_core::http::from_curl(text) {
        serde_json::to_string(&spec).expect("an imported request serializes");
    }
});
