//! Any script of pages (next cursor, item count) as a listing's server, repeated once it runs
//! out: every reader ends, after at most one request more than the script has pages.
#![no_main]

use lineworks_partner::fuzzing::{self, Reader};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // One page per line: first byte the item count, the rest the cursor ("-" for none).
    let script: Vec<(Option<String>, usize)> = data
        .split(|b| *b == b'\n')
        .take(64)
        .map(|line| match line {
            [] => (None, 0),
            [n, b'-'] => (None, usize::from(*n % 4)),
            [n, cursor @ ..] => (
                Some(String::from_utf8_lossy(cursor).into_owned()),
                usize::from(*n % 4),
            ),
        })
        .collect();
    for reader in [Reader::Items, Reader::Pages, Reader::Collect] {
        let (requests, _) = fuzzing::listing(&script, reader).expect("every listing ends");
        assert!(requests <= script.len().max(1) + 1, "{requests} requests");
    }
});
