//! Any bytes as the rate-limit headers (one value per line): read leniently, never a panic.
#![no_main]

use http::{HeaderMap, HeaderValue};
use lineworks_partner::retry::{RateLimitState, rate_limit_reset};

const NAMES: [&str; 6] = [
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-used",
    "ratelimit-ssed",
    "ratelimit-reset",
    "retry-after",
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut headers = HeaderMap::new();
    for (name, value) in NAMES.iter().zip(data.split(|b| *b == b'\n')) {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.insert(*name, value);
        }
    }
    let _ = RateLimitState::from_headers("fuzz", &headers);
    let _ = rate_limit_reset(&headers);
});
