//! Any bytes as an API error body: LINE WORKS' code and description, or a bounded excerpt.
#![no_main]

use lineworks_partner::fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = fuzzing::error_answer(data);
    // An excerpt keeps at most 512 characters of a body that is not a LINE WORKS error.
    assert!(
        text.len() <= data.len().max(1) * 3 + 64,
        "{} bytes from {}",
        text.len(),
        data.len()
    );
});
