//! Any bytes as a token endpoint's answer, under a status from the first two bytes: a token
//! or a typed error whose message never quotes the body.
#![no_main]

use lineworks_partner::fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (100 + u16::from_be_bytes([*a, *b]) % 500, rest),
        _ => (200, data),
    };
    if let Err(message) = fuzzing::token_answer(status, body) {
        assert!(message.len() < 1_024 + body.len(), "{message}");
    }
});
