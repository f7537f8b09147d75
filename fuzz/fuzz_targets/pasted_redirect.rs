//! A redirect address or bare code pasted by a person.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        latchkey_core::fuzzing::pasted_redirect(text);
    }
});
