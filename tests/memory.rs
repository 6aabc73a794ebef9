//! The memory a hostile success answer can cost, measured (issue 22, item 1): an endless
//! 200 body against `send()`, `send_json()` and a page stream, with the default limit. A
//! counting global allocator (this binary's only) records the peak of live heap bytes during
//! each call; the bound asserted is the limit plus room for the client's own buffers.
//!
//! One `#[test]`, so no other test allocates while a peak is measured.

use futures_util::TryStreamExt;
use lineworks_partner::{Client, Credentials, DEFAULT_MAX_RESPONSE_BODY, Error, RetryPolicy};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Counted as the new block arriving before the old one leaves: a moving realloc
            // holds both for a moment.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The server stops after this many bytes: "endless" to any client that keeps to a limit,
/// and a bound for the test's sake.
const CAP: u64 = 512 << 20;

static SPACES: [u8; 64 * 1024] = [b' '; 64 * 1024];

/// A 200 whose body is JSON whitespace without end (until `CAP` or the client hangs up).
async fn endless() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                // The request head (a GET has no body), then the answer.
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n")
                    .await;
                let mut sent = 0;
                while sent < CAP && socket.write_all(&SPACES).await.is_ok() {
                    sent += SPACES.len() as u64;
                }
            });
        }
    });
    url
}

/// The peak of live heap bytes above the level before `call`, in MiB, and its result.
async fn peak<T>(call: impl std::future::Future<Output = T>) -> (f64, T) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = call.await;
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    (peak as f64 / (1 << 20) as f64, out)
}

#[tokio::test(flavor = "current_thread")]
async fn an_endless_success_body_costs_the_limit_not_the_machine() {
    let url = endless().await;
    let client = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(Credentials::access_token("token"))
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let limit_mib = (DEFAULT_MAX_RESPONSE_BODY >> 20) as f64;
    // The limit, and as much again for the client's buffers and a moving reallocation.
    let bound = 2.0 * limit_mib + 8.0;

    let (send, err) = peak(client.list_customers().send()).await;
    let err = err.map(|_| ()).unwrap_err();
    let (json, err_json) = peak(client.list_customers().send_json()).await;
    let err_json = err_json.map(|_| ()).unwrap_err();
    let (pages, err_pages) = peak(async {
        let mut items = std::pin::pin!(client.list_customers().stream());
        items.try_next().await.map(|_| ())
    })
    .await;
    let err_pages = err_pages.unwrap_err();
    println!(
        "endless 200 body (server cap {} MiB), default limit {limit_mib} MiB: peak heap send() \
         {send:.1} MiB, send_json() {json:.1} MiB, stream() {pages:.1} MiB (bound {bound} MiB)",
        CAP >> 20
    );
    for e in [&err, &err_json, &err_pages] {
        assert!(
            matches!(e, Error::ResponseTooLarge { limit, .. } if *limit == DEFAULT_MAX_RESPONSE_BODY),
            "{e:?}"
        );
    }
    for (what, mib) in [("send", send), ("send_json", json), ("stream", pages)] {
        assert!(mib < bound, "{what}: {mib:.1} MiB at the peak");
        // The limit was really read: the bound is not met by failing early.
        assert!(mib >= limit_mib, "{what}: {mib:.1} MiB at the peak");
    }
}
