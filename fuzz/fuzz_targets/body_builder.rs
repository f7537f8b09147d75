//! The JSON body builder on any form rows (as the window sends them):
//! every bad row is an error, never a panic, and a built document comes
//! back the same through rows (or, holding an empty key, is refused).
#![no_main]

use latchkey_core::json::{json_to_rows, rows_to_json, BodyRow};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(rows) = serde_json::from_slice::<BodyRow>(data) else {
        return;
    };
    if let Ok(doc) = rows_to_json(&rows) {
        match json_to_rows(&doc) {
            Ok(back) => {
                let again = rows_to_json(&back).expect("rows of a document build");
                assert_eq!(again, doc);
            }
            Err(e) => assert!(e.to_string().contains("empty key"), "{e}"),
        }
    }
});
