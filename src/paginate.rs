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
use std::future::Future;

/// A request builder whose operation pages with a cursor.
pub trait Paginated<'a>: Clone + Send + Sized + 'a {
    /// One page as the API returns it.
    type Page: Send + 'a;
    /// One item of a page.
    type Item: Send + 'a;
    /// The largest `count` the operation accepts, when the spec states one.
    const MAX_PAGE_SIZE: Option<i64>;
    /// The same request, asking for the page after `cursor`.
    fn with_cursor(self, cursor: String) -> Self;
    /// Sends the request for one page.
    fn send_page(self) -> impl Future<Output = Result<Self::Page, Error>> + Send + 'a;
    /// The cursor of the next page; `None` on the last page.
    fn next_cursor(page: &Self::Page) -> Option<&str>;
    /// The items of a page.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
}

/// The request for the page after `page`, or `None` after the last page.
fn follow<'a, B: Paginated<'a>>(request: B, page: &B::Page) -> Option<B> {
    B::next_cursor(page)
        .filter(|cursor| !cursor.is_empty())
        .map(|cursor| request.with_cursor(cursor.to_string()))
}

/// Every page, requested one at a time as the stream is polled.
pub(crate) fn pages<'a, B: Paginated<'a>>(
    first: B,
) -> impl Stream<Item = Result<B::Page, Error>> + Send + 'a {
    futures_util::stream::try_unfold(Some(first), |next| async move {
        let Some(request) = next else { return Ok(None) };
        let page = request.clone().send_page().await?;
        let next = follow(request, &page);
        Ok(Some((page, next)))
    })
}

struct Items<B, I> {
    buffered: std::vec::IntoIter<I>,
    next: Option<B>,
}

/// Every item; holds at most one page in memory.
pub(crate) fn items<'a, B: Paginated<'a>>(
    first: B,
) -> impl Stream<Item = Result<B::Item, Error>> + Send + 'a {
    let start = Items {
        buffered: Vec::new().into_iter(),
        next: Some(first),
    };
    futures_util::stream::try_unfold(start, |mut state: Items<B, B::Item>| async move {
        loop {
            if let Some(item) = state.buffered.next() {
                return Ok(Some((item, state)));
            }
            let Some(request) = state.next.take() else {
                return Ok(None);
            };
            let page = request.clone().send_page().await?;
            state.next = follow(request, &page);
            state.buffered = B::into_items(page).into_iter();
        }
    })
}

/// Every item of every page, collected.
pub(crate) async fn collect<'a, B: Paginated<'a>>(first: B) -> Result<Vec<B::Item>, Error> {
    let mut all = Vec::new();
    let mut next = Some(first);
    while let Some(request) = next.take() {
        let page = request.clone().send_page().await?;
        next = follow(request, &page);
        all.extend(B::into_items(page));
    }
    Ok(all)
}
