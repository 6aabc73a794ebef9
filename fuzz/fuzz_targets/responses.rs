//! Any bytes as a response body: the generated types and the LINE WORKS error body either
//! parse or fail with a serde error, never panic or hang.
#![no_main]

use lineworks_partner::types;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<types::Customer>(data);
    let _ = serde_json::from_slice::<types::Error>(data);
    let _ = serde_json::from_slice::<serde_json::Value>(data);
});
