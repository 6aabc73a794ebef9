//! Cursor pagination as lazy streams.
//!
//! LINE WORKS pages with a `count` and a `cursor` query parameter and answers with
//! `responseMetaData.nextCursor`, absent on the last page. `build.rs` implements
//! [`Paginated`] for every operation the spec marks with `x-pagination`, and gives those
//! builders `stream()`, `pages()` and `collect_all()`.
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! # async fn run(client: lineworks_partner::Client) -> Result<(), lineworks_partner::Error> {
//! let mut customers = std::pin::pin!(client.list_customers().count(30).stream());
//! while let Some(customer) = customers.try_next().await? {
//!     println!("{} {}", customer.domain_id, customer.domain);
//! }
//! # Ok(()) }
//! ```

use crate::Error;
use futures_core::Stream;
use std::collections::HashSet;
use std::future::Future;

/// A request builder whose operation pages with a cursor.
pub trait Paginated<'a>: Clone + Send + Sized + 'a {
    /// One page as the API returns it.
    type Page: Send + 'a;
    /// One item of a page.
    type Item: Send + 'a;
    /// The largest `count` the operation accepts, when the spec states one.
    const MAX_PAGE_SIZE: Option<i64>;
    /// The spec's `operationId`, named in errors.
    const OPERATION_ID: &'static str;
    /// The same request, asking for the page after `cursor`.
    fn with_cursor(self, cursor: String) -> Self;
    /// Sends the request for one page.
    fn send_page(self) -> impl Future<Output = Result<Self::Page, Error>> + Send + 'a;
    /// The cursor of the next page; `None` on the last page.
    fn next_cursor(page: &Self::Page) -> Option<&str>;
    /// The items of a page.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
}

/// A listing builder whose pages can also be had as the JSON the API sent (`pages_json`).
pub(crate) trait JsonPaginated<'a>: Paginated<'a> {
    /// JSON pointer to the next cursor in a page.
    const NEXT_CURSOR: &'static str;
    /// The page's field holding the items.
    const ITEMS: &'static str;
    /// Sends the request for one page and returns its JSON as sent.
    fn send_json_page(self) -> impl Future<Output = Result<serde_json::Value, Error>> + Send + 'a;
}

/// The listing `B`, each page as the API sent it.
#[derive(Clone)]
pub(crate) struct JsonPages<B>(pub(crate) B);

impl<'a, B: JsonPaginated<'a>> Paginated<'a> for JsonPages<B> {
    type Page = serde_json::Value;
    type Item = serde_json::Value;
    const MAX_PAGE_SIZE: Option<i64> = B::MAX_PAGE_SIZE;
    const OPERATION_ID: &'static str = B::OPERATION_ID;

    fn with_cursor(self, cursor: String) -> Self {
        Self(self.0.with_cursor(cursor))
    }

    fn send_page(self) -> impl Future<Output = Result<Self::Page, Error>> + Send + 'a {
        self.0.send_json_page()
    }

    fn next_cursor(page: &Self::Page) -> Option<&str> {
        page.pointer(B::NEXT_CURSOR)?.as_str()
    }

    fn into_items(page: Self::Page) -> Vec<Self::Item> {
        match page {
            serde_json::Value::Object(mut fields) => match fields.remove(B::ITEMS) {
                Some(serde_json::Value::Array(items)) => items,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}

/// Why a listing was stopped before the server said it was over.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PagingProblem {
    /// The server sent a `nextCursor` it had already sent in this listing: following it would
    /// loop for ever.
    RepeatedCursor,
    /// [`MAX_EMPTY_PAGES`] pages in a row had no items yet named a next page.
    EmptyPages,
}

/// How many empty pages in a row, each with a next cursor, a listing follows before giving up.
/// A real listing has at most one (the last page); a server stuck in a loop has no end of them.
pub const MAX_EMPTY_PAGES: u32 = 10;

/// What a listing has seen so far: every cursor it followed and the current run of empty pages.
/// One short string per page, so memory grows with the listing, never more.
struct Progress<B> {
    next: Option<B>,
    seen: HashSet<String>,
    pages: u32,
    empty_run: u32,
}

impl<'a, B: Paginated<'a>> Progress<B> {
    fn new(first: B) -> Self {
        Self {
            next: Some(first),
            seen: HashSet::new(),
            pages: 0,
            empty_run: 0,
        }
    }

    /// Records a page (answered to `request`, holding `items` items, naming `cursor` as the
    /// next) and prepares the request for the page after it, or ends the listing: normally
    /// after the last page, with an error when the server would make it go on for ever.
    fn advance(&mut self, request: B, cursor: Option<&str>, items: usize) -> Result<(), Error> {
        self.pages += 1;
        let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
            return Ok(());
        };
        self.empty_run = if items == 0 { self.empty_run + 1 } else { 0 };
        let problem = if !self.seen.insert(cursor.to_owned()) {
            Some(PagingProblem::RepeatedCursor)
        } else if self.empty_run >= MAX_EMPTY_PAGES {
            Some(PagingProblem::EmptyPages)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(Error::Paging {
                operation: B::OPERATION_ID,
                cursor: cursor.to_owned(),
                pages: self.pages,
                problem,
            });
        }
        self.next = Some(request.with_cursor(cursor.to_owned()));
        Ok(())
    }
}

/// Every page, requested one at a time as the stream is polled.
pub(crate) fn pages<'a, B: Paginated<'a>>(
    first: B,
) -> impl Stream<Item = Result<B::Page, Error>> + Send + 'a {
    // Empty pages are yielded (the caller sees progress), so only repeated cursors end it.
    futures_util::stream::try_unfold(Progress::new(first), |mut state| async move {
        let Some(request) = state.next.take() else {
            return Ok(None);
        };
        let page = request.clone().send_page().await?;
        state.advance(request, B::next_cursor(&page), 1)?;
        Ok(Some((page, state)))
    })
}

struct Items<B, I> {
    buffered: std::vec::IntoIter<I>,
    progress: Progress<B>,
}

/// Every item; holds at most one page in memory.
pub(crate) fn items<'a, B: Paginated<'a>>(
    first: B,
) -> impl Stream<Item = Result<B::Item, Error>> + Send + 'a {
    let start = Items {
        buffered: Vec::new().into_iter(),
        progress: Progress::new(first),
    };
    futures_util::stream::try_unfold(start, |mut state: Items<B, B::Item>| async move {
        loop {
            if let Some(item) = state.buffered.next() {
                return Ok(Some((item, state)));
            }
            let Some(request) = state.progress.next.take() else {
                return Ok(None);
            };
            let page = request.clone().send_page().await?;
            let next = B::next_cursor(&page).map(str::to_owned);
            let items = B::into_items(page);
            state
                .progress
                .advance(request, next.as_deref(), items.len())?;
            state.buffered = items.into_iter();
        }
    })
}

/// Every item of every page, collected.
pub(crate) async fn collect<'a, B: Paginated<'a>>(first: B) -> Result<Vec<B::Item>, Error> {
    let mut all = Vec::new();
    let mut progress = Progress::new(first);
    while let Some(request) = progress.next.take() {
        let page = request.clone().send_page().await?;
        let next = B::next_cursor(&page).map(str::to_owned);
        let items = B::into_items(page);
        progress.advance(request, next.as_deref(), items.len())?;
        all.extend(items);
    }
    Ok(all)
}
