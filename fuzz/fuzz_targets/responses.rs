//! Any bytes as the success answer of every operation: each generated type (or the lenient
//! reader, where the status is a guess) gives a value or a serde error, never a panic.
#![no_main]

use lineworks_partner::fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for id in fuzzing::operations() {
        let _ = fuzzing::success_answer(id, data);
    }
});
