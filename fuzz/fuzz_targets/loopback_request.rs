//! The loopback listener's reading of a request head, as any local process
//! or browser could send it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((method, path)) = latchkey_core::fuzzing::loopback_request(data) {
        assert!(!method.contains(' '), "one word: {method:?}");
        assert!(path.starts_with('/'), "an origin-form path: {path:?}");
    }
});
