//! Entry points for the property tests in `tests/` and the `fuzz/` targets: each parser that
//! reads data from the network, called with bytes instead of an answer. Hidden from the docs
//! and outside the semver promise; applications have no use for it.

use crate::Error;
use crate::paginate::{self, MAX_EMPTY_PAGES, Paginated};
use futures_util::{FutureExt, StreamExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The operations whose success answer is a JSON body, in spec order.
pub fn operations() -> impl Iterator<Item = &'static str> {
    crate::validate::operations()
        .iter()
        .map(|op| op.id)
        .filter(|id| crate::generated::answers::parse(id, b"{}").is_some())
}

/// `body` read as `operation_id`'s success answer, exactly as its `send()` reads one: the
/// generated type with serde, leniently where the spec only guesses the status. `None` when
/// the operation has no JSON success body.
pub fn success_answer(operation_id: &str, body: &[u8]) -> Option<Result<(), serde_json::Error>> {
    crate::generated::answers::parse(operation_id, body).map(|r| r.map_err(|m| m.error))
}

/// A token endpoint's answer: `Ok` for a usable token, else the error the client reports, as
/// its message.
pub fn token_answer(status: u16, body: &[u8]) -> Result<(), String> {
    use crate::auth::endpoint::{parse_error, parse_token};
    if (200..300).contains(&status) {
        parse_token(status, body, tokio::time::Instant::now())
            .map(drop)
            .map_err(|e| e.to_string())
    } else {
        Err(parse_error(status, body, "application/json").to_string())
    }
}

/// An API error answer's body as an error reports it: LINE WORKS' `code` and `description`
/// when it has them, else the bounded excerpt kept in `UnexpectedResponse`.
pub fn error_answer(body: &[u8]) -> String {
    match serde_json::from_slice::<crate::generated::raw::types::ApiErrorBody>(body) {
        Ok(error) => format!("{}: {:?}", error.code, error.description),
        Err(_) => crate::hooks::excerpt(body),
    }
}

/// Which of a listing's three readers [`listing`] drives.
#[derive(Clone, Copy, Debug)]
pub enum Reader {
    /// `stream()`: item by item.
    Items,
    /// `pages()`: page by page.
    Pages,
    /// `collect_all()`.
    Collect,
}

/// How a listing ends when its server answers `pages` (next cursor, number of items) in
/// turn and then starts again from the first, as a server stuck in a loop would. `Some((pages
/// requested, outcome))`; `None` if it has not ended after `pages.len() + MAX_EMPTY_PAGES + 2`
/// requests, which no input may cause.
pub fn listing(
    pages: &[(Option<String>, usize)],
    reader: Reader,
) -> Option<(usize, Result<(), Error>)> {
    let script: Arc<[(Option<String>, usize)]> = if pages.is_empty() {
        Arc::from([(None, 0)])
    } else {
        pages
            .iter()
            .map(|(c, n)| (c.clone(), (*n).min(1_000)))
            .collect()
    };
    let cap = script.len() + MAX_EMPTY_PAGES as usize + 2;
    let first = Scripted {
        script,
        served: Arc::new(AtomicUsize::new(0)),
        cap,
    };
    let served = Arc::clone(&first.served);
    // Every answer is ready at once, so one poll settles each step; a step left pending means
    // the listing asked for more pages than the cap.
    let outcome = match reader {
        Reader::Collect => paginate::collect(first).now_or_never()?.map(drop),
        Reader::Items => drain(paginate::items(first))?,
        Reader::Pages => drain(paginate::pages(first))?,
    };
    Some((served.load(Ordering::Relaxed), outcome))
}

fn drain<T>(
    stream: impl futures_core::Stream<Item = Result<T, Error>>,
) -> Option<Result<(), Error>> {
    let mut stream = std::pin::pin!(stream);
    loop {
        match stream.next().now_or_never()? {
            None => return Some(Ok(())),
            Some(Err(e)) => return Some(Err(e)),
            Some(Ok(_)) => {}
        }
    }
}

/// A listing request whose server is a script of pages; past `cap` requests it never answers.
#[derive(Clone)]
struct Scripted {
    script: Arc<[(Option<String>, usize)]>,
    served: Arc<AtomicUsize>,
    cap: usize,
}

impl Paginated<'static> for Scripted {
    type Page = (Option<String>, usize);
    type Item = ();
    const MAX_PAGE_SIZE: Option<i64> = None;
    const OPERATION_ID: &'static str = "scripted_listing";

    fn with_cursor(self, _cursor: String) -> Self {
        self
    }

    async fn send_page(self) -> Result<Self::Page, Error> {
        let n = self.served.fetch_add(1, Ordering::Relaxed);
        if n >= self.cap {
            std::future::pending::<()>().await;
        }
        Ok(self.script[n % self.script.len()].clone())
    }

    fn next_cursor(page: &Self::Page) -> Option<&str> {
        page.0.as_deref()
    }

    fn into_items(page: Self::Page) -> Vec<Self::Item> {
        vec![(); page.1]
    }
}
