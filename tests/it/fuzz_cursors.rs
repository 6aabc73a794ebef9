//! Listings against servers whose cursors repeat, cycle, run empty or are huge, checked
//! against a model of how each must end: every listing ends, after at most one request more
//! than the server has distinct pages, with the error the model names.

use crate::mutate::quiet;
use lineworks_partner::Error;
use lineworks_partner::fuzzing::{self, Reader};
use lineworks_partner::paginate::{MAX_EMPTY_PAGES, PagingProblem};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a listing over `script` (repeated from the start once it runs out) must do: the
/// number of pages it requests and how it ends. `empty_pages_count` is false for `pages()`,
/// which yields empty pages and so never stops on a run of them.
fn expected_listing(
    script: &[(Option<String>, usize)],
    empty_pages_count: bool,
) -> (usize, Option<PagingProblem>) {
    let script: Vec<_> = if script.is_empty() {
        vec![(None, 0)]
    } else {
        script.to_vec()
    };
    let (mut seen, mut empty_run) = (std::collections::HashSet::new(), 0);
    for n in 1.. {
        let (cursor, items) = &script[(n - 1) % script.len()];
        let Some(cursor) = cursor.as_deref().filter(|c| !c.is_empty()) else {
            return (n, None);
        };
        empty_run = if *items == 0 && empty_pages_count {
            empty_run + 1
        } else {
            0
        };
        if !seen.insert(cursor.to_owned()) {
            return (n, Some(PagingProblem::RepeatedCursor));
        }
        if empty_run >= MAX_EMPTY_PAGES {
            return (n, Some(PagingProblem::EmptyPages));
        }
    }
    unreachable!()
}

#[test]
fn hostile_cursors_end_every_listing_as_the_model_says() {
    let cursor = prop_oneof![
        Just(None),
        Just(Some(String::new())),
        "[a-e]{1,2}".prop_map(Some),
        "\\PC{0,300}".prop_map(Some),
    ];
    let script = proptest::collection::vec((cursor, 0usize..3), 0..40);
    let mut runner = TestRunner::new(quiet(2_000));
    let requests = AtomicUsize::new(0);
    runner
        .run(&script, |script| {
            for reader in [Reader::Items, Reader::Pages, Reader::Collect] {
                let (pages, outcome) =
                    fuzzing::listing(&script, reader).expect("every listing ends");
                let (want_pages, want_problem) =
                    expected_listing(&script, !matches!(reader, Reader::Pages));
                prop_assert!(
                    pages <= script.len() + 1,
                    "{pages} requests for {} pages",
                    script.len()
                );
                prop_assert_eq!(pages, want_pages, "{:?}", reader);
                match (outcome, want_problem) {
                    (Ok(()), None) => {}
                    (
                        Err(Error::Paging {
                            problem,
                            pages: at,
                            operation,
                            ..
                        }),
                        Some(want),
                    ) => {
                        prop_assert_eq!(problem, want);
                        prop_assert_eq!(at as usize, pages);
                        prop_assert_eq!(operation, "scripted_listing");
                    }
                    (other, want) => {
                        prop_assert!(false, "{reader:?}: {other:?}, expected {want:?}")
                    }
                }
                requests.fetch_add(pages, Ordering::Relaxed);
            }
            Ok(())
        })
        .unwrap();
    println!(
        "hostile cursors: 2,000 scripts x 3 readers, {} page requests, every listing ended",
        requests.into_inner()
    );
}
