//! Success answers are bounded too (issue 22, item 1): an endless or huge 2xx body fails the
//! call at the client's limit with a typed error naming the operation and the limit, in every
//! reader (`send()`, `send_json()`, pages, the lenient reader of guessed-status operations).
//! The memory bound itself is measured in `tests/memory.rs` (a counting allocator).

use crate::support::TOKEN;
use crate::wire::{endless, raw, send};
use futures_util::TryStreamExt;
use lineworks_partner::{Client, Credentials, DEFAULT_MAX_RESPONSE_BODY, Error, RetryPolicy};
use std::sync::atomic::Ordering;
use std::time::Duration;

const LIMIT: usize = 1 << 20;
/// The servers stop after this much: 64 times the limit, "endless" to a client that keeps it.
const CAP: u64 = 64 << 20;

fn client(url: &str, limit: Option<usize>) -> Client {
    let mut builder = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(Credentials::access_token(TOKEN))
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_secs(60));
    if let Some(limit) = limit {
        builder = builder.max_response_body(limit);
    }
    builder.build().unwrap()
}

fn assert_too_large(err: &Error, id: &str, limit: usize) {
    match err {
        Error::ResponseTooLarge {
            status,
            limit: l,
            operation,
            attempts,
        } => {
            assert_eq!(
                (status.as_u16(), *l, operation.id(), *attempts),
                (200, limit, id, 1)
            );
        }
        other => panic!("{id}: {other:?}"),
    }
}

#[tokio::test]
async fn an_endless_success_body_fails_at_the_limit_in_every_reader() {
    let (url, written) = endless(CAP).await;
    let client = client(&url, Some(LIMIT));

    let err = client.list_customers().send().await.unwrap_err();
    assert_too_large(&err, "list_customers", LIMIT);
    assert_eq!(
        err.to_string(),
        "list_customers (GET /partners/customers): the answer (HTTP 200 OK) is larger than the \
         client's limit of 1 MiB (1 attempt); reading stopped there"
    );
    assert!(!err.may_have_succeeded(), "a read changed nothing");

    let err = client.list_customers().send_json().await.unwrap_err();
    assert_too_large(&err, "list_customers", LIMIT);

    let mut items = std::pin::pin!(client.list_customers().stream());
    let err = items.try_next().await.unwrap_err();
    assert_too_large(&err, "list_customers", LIMIT);

    // The lenient reader (a guessed success status) and a write: applied, answer unreadable.
    let body = crate::hostile::create_customer_body();
    let err = client
        .create_customer()
        .body(body.clone())
        .send()
        .await
        .unwrap_err();
    assert_too_large(&err, "create_customer", LIMIT);
    assert!(err.may_have_succeeded(), "a 2xx write was applied");
    assert!(err.to_string().ends_with(
        "reading stopped there; the request was sent, so it may have been applied: read the \
         resource back (get or list) before sending it again"
    ));
    let err = client
        .create_customer()
        .body(body)
        .send_json()
        .await
        .unwrap_err();
    assert_too_large(&err, "create_customer", LIMIT);
    assert!(err.may_have_succeeded());

    let sent = written.load(Ordering::Relaxed);
    println!(
        "endless 200 body, limit 1 MiB: 5 calls, {} MiB sent by the server in all (cap {} MiB each)",
        sent >> 20,
        CAP >> 20
    );
    // Each call hung up soon after the limit (socket buffers hold a few MiB at most).
    assert!(sent < 5 * CAP / 2, "{sent} bytes went out");
}

#[tokio::test]
async fn a_declared_length_past_the_limit_is_refused_before_reading() {
    // 10 GiB announced, nothing sent: reading would wait for the timeout (60 s).
    let url = raw(|mut socket, _| async move {
        send(
            &mut socket,
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n",
        )
        .await;
        tokio::time::sleep(Duration::from_secs(120)).await;
    })
    .await;
    let started = std::time::Instant::now();
    let err = client(&url, None)
        .get_customer()
        .domain_id(1)
        .send()
        .await
        .unwrap_err();
    assert_too_large(&err, "get_customer", DEFAULT_MAX_RESPONSE_BODY);
    assert!(err.to_string().contains("limit of 16 MiB"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "it waited for the body"
    );
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read_one_byte_more_is_not() {
    let page = r#"{"customers":[],"responseMetaData":{}}"#;
    let limit = 4096;
    for (extra, fits) in [(0, true), (1, false)] {
        let body = format!("{page}{}", " ".repeat(limit - page.len() + extra));
        let url = raw(move |mut socket, _| {
            let body = body.clone();
            async move {
                // No length: the body ends when the connection closes, so only the count of
                // bytes read decides.
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n";
                send(&mut socket, format!("{head}{body}").as_bytes()).await;
            }
        })
        .await;
        let client = client(&url, Some(limit));
        let typed = client.list_customers().send().await;
        let json = client.list_customers().send_json().await;
        if fits {
            assert!(typed.unwrap().customers.is_empty());
            assert_eq!(json.unwrap()["customers"], serde_json::json!([]));
        } else {
            assert_too_large(&typed.unwrap_err(), "list_customers", limit);
            assert_too_large(&json.unwrap_err(), "list_customers", limit);
        }
    }
}

#[test]
fn the_default_limit_is_16_mib() {
    assert_eq!(DEFAULT_MAX_RESPONSE_BODY, 16 * 1024 * 1024);
    // The builder takes any other.
    let client = Client::builder()
        .base_url("http://127.0.0.1:9/v1.0")
        .max_response_body(1)
        .without_credentials()
        .build();
    assert!(client.is_ok());
}
