//! The client against servers that misbehave: loops, refusals, silence. Each test fails
//! without the fix it is named for, and prints the figures the issue asks for.

use crate::support::{self, TOKEN, serve};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{any, post};
use futures_util::TryStreamExt;
use lineworks_partner::paginate::PagingProblem;
use lineworks_partner::{Client, Credentials, Error, RetryPolicy, types};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

fn customer(id: u64) -> Value {
    json!({"tenantId": id, "domainId": id, "domain": format!("c{id}.example.com"), "companyName": "c",
           "phoneNumber": "0", "timeZone": "Asia/Tokyo", "locale": "ja_JP", "enableActiveMxrecord": true,
           "enableActiveDomain": true, "domainType": "DOMAIN"})
}

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(Credentials::access_token(TOKEN))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// A listing whose `page(n)` (n from 0) gives the items and next cursor of the n-th answer.
async fn listing(page: fn(u64) -> (Vec<Value>, Option<String>)) -> (String, Arc<AtomicU64>) {
    let hits = Arc::new(AtomicU64::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/v1.0/partners/customers",
        any(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let (items, next) = page(n);
            let mut body = json!({"customers": items, "responseMetaData": {}});
            if let Some(next) = next {
                body["responseMetaData"]["nextCursor"] = next.into();
            }
            async move { axum::Json(body) }
        }),
    );
    (serve(app).await, hits)
}

/// Page 0 names cursor A, page 1 cursor B, every later page A again: a cycle.
fn cycling(n: u64) -> (Vec<Value>, Option<String>) {
    let cursor = if n.is_multiple_of(2) { "A" } else { "B" };
    (vec![customer(n + 1)], Some(cursor.into()))
}

#[tokio::test]
async fn a_repeated_cursor_ends_every_kind_of_listing_with_a_typed_error() {
    let expected = "list_customers: the server sent next cursor \"A\" a second time (after 3 \
                    pages), so the listing would never end; stopped";
    // stream()
    let (url, hits) = listing(cycling).await;
    let listing_client = client(&url);
    let mut items = std::pin::pin!(listing_client.list_customers().count(2).stream());
    let mut seen = 0;
    let err = loop {
        match items.try_next().await {
            Ok(Some(_)) => seen += 1,
            Ok(None) => panic!("the listing cannot end normally"),
            Err(e) => break e,
        }
    };
    assert_eq!(err.to_string(), expected);
    match &err {
        Error::Paging {
            operation,
            cursor,
            pages,
            problem,
        } => {
            assert_eq!(
                (*operation, cursor.as_str(), *pages, *problem),
                ("list_customers", "A", 3, PagingProblem::RepeatedCursor)
            );
        }
        other => panic!("{other:?}"),
    }
    println!(
        "repeating cursor, stream(): {} calls, {seen} items, then: {err}",
        hits.load(Ordering::SeqCst)
    );
    assert_eq!((hits.load(Ordering::SeqCst), seen), (3, 2));

    // collect_all() and pages()
    let (url, hits) = listing(cycling).await;
    let err = client(&url)
        .list_customers()
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), expected);
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    let (url, hits) = listing(cycling).await;
    let pages: Vec<Result<_, Error>> =
        futures_util::StreamExt::collect(client(&url).list_customers().pages()).await;
    assert_eq!(pages.len(), 3, "two pages, then the error, then the end");
    assert!(
        matches!(&pages[2], Err(Error::Paging { .. })),
        "{:?}",
        pages[2]
    );
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_run_of_empty_pages_with_new_cursors_is_stopped() {
    let (url, hits) = listing(|n| (Vec::new(), Some(format!("c{n}")))).await;
    let err = client(&url)
        .list_customers()
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "list_customers: 10 empty pages in a row still named a next page (last cursor \"c9\", \
         10 pages in all); stopped"
    );
    assert!(matches!(
        err,
        Error::Paging {
            problem: PagingProblem::EmptyPages,
            ..
        }
    ));
    println!(
        "empty pages: {} calls before stopping",
        hits.load(Ordering::SeqCst)
    );
    assert_eq!(hits.load(Ordering::SeqCst), 10);
    // One empty page in the middle of a real listing is fine.
    let (url, _) = listing(|n| match n {
        0 => (vec![customer(1)], Some("x".into())),
        1 => (Vec::new(), Some("y".into())),
        _ => (vec![customer(2)], None),
    })
    .await;
    assert_eq!(
        client(&url)
            .list_customers()
            .collect_all()
            .await
            .unwrap()
            .len(),
        2
    );
}

/// An API that refuses every token with 401, and a token endpoint that hands out new ones.
async fn revoked_account() -> (String, Arc<AtomicU64>, Arc<AtomicU64>) {
    let api_hits = Arc::new(AtomicU64::new(0));
    let token_hits = Arc::new(AtomicU64::new(0));
    let (a, t) = (api_hits.clone(), token_hits.clone());
    let app = axum::Router::new()
        .route(
            "/token",
            post(move || {
                let n = t.fetch_add(1, Ordering::SeqCst) + 1;
                async move {
                    axum::Json(json!({
                        "access_token": format!("fresh-{n}"), "refresh_token": format!("refresh-{n}"),
                        "token_type": "Bearer", "scope": "partner", "expires_in": "86400"
                    }))
                }
            }),
        )
        .route(
            "/v1.0/{*path}",
            any(move || {
                a.fetch_add(1, Ordering::SeqCst);
                async {
                    (
                        StatusCode::UNAUTHORIZED,
                        [("content-type", "application/json"), ("x-request-id", "req-42")],
                        r#"{"code":"UNAUTHORIZED","description":"service account revoked"}"#,
                    )
                }
            }),
        );
    let url = serve(app).await;
    (url, api_hits, token_hits)
}

fn service_account_client(url: &str) -> Client {
    Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(support::service_account(url))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_persistent_401_pauses_renewals_instead_of_one_token_request_per_call() {
    let (url, api_hits, token_hits) = revoked_account().await;
    let client = service_account_client(&url);
    let mut last = None;
    for _ in 0..1000 {
        let err = client.get_customer().domain_id(1).send().await.unwrap_err();
        last = Some(err);
    }
    let err = last.unwrap();
    let (api, tokens) = (
        api_hits.load(Ordering::SeqCst),
        token_hits.load(Ordering::SeqCst),
    );
    println!("persistent 401, 1000 calls: {api} API requests, {tokens} token requests; {err}");
    assert!(tokens <= 4, "{tokens} token requests");
    assert!(api <= 1000 + tokens, "{api} API requests");
    assert_eq!(err.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(err.code(), Some("UNAUTHORIZED"));
    assert!(!err.is_before_send());
    assert!(!err.may_have_succeeded());
    assert_eq!(err.api_error().unwrap().request_id(), Some("req-42"));
    assert_eq!(
        err.to_string(),
        "get_customer (GET /partners/customers/{domainId}): the Partner API answered HTTP 401 \
         UNAUTHORIZED: service account revoked [request id req-42]; the credentials were \
         refused: check that the client and service account are valid and allowed the \
         operation's scope"
    );
    for text in [format!("{err:?}"), err.to_string()] {
        for secret in ["fresh-", "refresh-", support::CLIENT_SECRET, TOKEN] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}

/// A server that accepts connections and never answers.
async fn silent() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    url
}

pub(crate) fn create_customer_body() -> types::CustomerCreateRequest {
    let media = &support::spec()["paths"]["/partners/customers"]["post"]["requestBody"]["content"]
        ["application/json"];
    support::typed(&support::example(media).expect("create_customer has an example"))
}

#[tokio::test]
async fn a_write_that_timed_out_says_it_may_have_been_applied() {
    let url = silent().await;
    let client = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(Credentials::access_token(TOKEN))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client
        .create_customer()
        .body(create_customer_body())
        .send()
        .await
        .unwrap_err();
    assert!(err.may_have_succeeded(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "create_customer (POST /partners/customers): the Partner API did not answer within \
         0.2 s (1 attempt); the request was sent, so it may have been applied: read the \
         resource back (get or list) before sending it again"
    );
    assert!(
        std::error::Error::source(&err).is_some(),
        "the cause chain is kept"
    );
    // A read that timed out changed nothing.
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    assert!(!err.may_have_succeeded());
    assert_eq!(err.attempts(), 4, "GET is retried after a timeout");
}

#[tokio::test]
async fn a_closed_port_names_the_operation_and_the_cause() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = Client::builder()
        .base_url(format!("http://{closed}/v1.0"))
        .credentials(Credentials::access_token("t"))
        .retry_policy(
            RetryPolicy::new()
                .max_attempts(2)
                .base_delay(Duration::ZERO),
        )
        .build()
        .unwrap();
    let err = client
        .create_customer()
        .body(create_customer_body())
        .send()
        .await
        .unwrap_err();
    // The host and port, so a wrong base URL or a server that is not running shows at once.
    assert_eq!(
        err.to_string(),
        format!(
            "create_customer (POST /partners/customers): could not connect to the Partner API \
             at 127.0.0.1:{} (2 attempts): Connection refused (os error 111)",
            closed.port()
        )
    );
    assert!(
        !err.may_have_succeeded(),
        "a refused connection sent nothing"
    );
    // The innermost cause is the io error itself, with its kind, through `source()`.
    let mut cause = std::error::Error::source(&err);
    let mut kind = None;
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            kind = Some(io.kind());
        }
        cause = c.source();
    }
    assert_eq!(kind, Some(std::io::ErrorKind::ConnectionRefused));
}

#[tokio::test]
async fn a_delete_that_finds_nothing_after_a_timeout_was_probably_done() {
    let hits = Arc::new(AtomicU64::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/v1.0/{*path}",
        any(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    // The first attempt is applied, but its answer comes too late.
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                (
                    StatusCode::NOT_FOUND,
                    [("content-type", "application/json")],
                    r#"{"code":"NOT_FOUND","description":"no such domain"}"#,
                )
            }
        }),
    );
    let url = serve(app).await;
    let client = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(Credentials::access_token(TOKEN))
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::new().base_delay(Duration::ZERO))
        .build()
        .unwrap();
    let err = client
        .delete_customer()
        .domain_id(7)
        .send()
        .await
        .unwrap_err();
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    assert_eq!(err.status(), Some(reqwest::StatusCode::NOT_FOUND));
    assert!(err.may_have_succeeded(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "delete_customer (DELETE /partners/customers/{domainId}): the Partner API answered \
         HTTP 404 NOT_FOUND: no such domain (after 2 attempts); an earlier attempt got no \
         answer, so it most likely deleted the resource already"
    );
}

#[tokio::test]
async fn one_deadline_covers_the_token_request_and_every_attempt() {
    // The token endpoint never answers: without a call deadline, the client's timeout (30 s
    // by default) would hold the call.
    let url = silent().await;
    let account = lineworks_partner::auth::ServiceAccount::builder()
        .client_id("id")
        .client_secret("secret")
        .service_account_id("sa@example.com")
        .private_key_pem(include_str!("../fixtures/test_key_pkcs8.pem"))
        .token_url(format!("{url}/token"))
        .build()
        .unwrap();
    let client = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(Credentials::service_account(account))
        .retry_policy(RetryPolicy::new().max_elapsed(Duration::from_millis(300)))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(matches!(err, Error::Timeout { total: true, .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "get_customer (GET /partners/customers/{domainId}): no result within 0.3 s for the \
         whole call (0 attempts, token requests and waits included)"
    );

    // The API itself never answers: attempts and waits stop at the deadline too.
    let client = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(Credentials::access_token(TOKEN))
        .timeout(Duration::from_secs(20))
        .retry_policy(RetryPolicy::new().max_elapsed(Duration::from_millis(300)))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        matches!(
            err,
            Error::Timeout {
                total: true,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_rate_limit_state_is_read_after_every_answer() {
    let app = axum::Router::new().route(
        "/v1.0/{*path}",
        any(|headers: HeaderMap| async move {
            // The docs page's spelling of the calls-used header on one path, the likely real
            // one on the other.
            let used = if headers.contains_key("x-typo") {
                "rateLimit-ssed"
            } else {
                "rateLimit-used"
            };
            (
                [
                    ("content-type", "application/json"),
                    ("rateLimit-limit", "240"),
                    ("rateLimit-remaining", "238"),
                    (used, "2"),
                    ("rateLimit-reset", "41"),
                ],
                serde_json::to_string(&customer(1)).unwrap(),
            )
        }),
    );
    let url = serve(app).await;
    let client = client(&url);
    assert_eq!(client.rate_limit_state(), None);
    client.get_customer().domain_id(1).send().await.unwrap();
    let state = client.rate_limit_state().expect("headers were sent");
    assert_eq!(state.operation, "get_customer");
    assert_eq!(
        (state.limit, state.remaining, state.used, state.reset_after),
        (Some(240), Some(238), Some(2), Some(Duration::from_secs(41)))
    );
}

#[test]
fn a_plain_http_token_url_is_refused_before_any_request() {
    let err = lineworks_partner::auth::ServiceAccount::builder()
        .client_id("id")
        .client_secret("secret")
        .service_account_id("sa@example.com")
        .private_key_pem(include_str!("../fixtures/test_key_pkcs8.pem"))
        .token_url("http://auth.example.com/oauth2/v2.0/token")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid authentication settings: service account: token_url \
         `http://auth.example.com/oauth2/v2.0/token` uses plain http on a non-loopback host, \
         which would send the client secret and tokens in cleartext; use https"
    );
    let err = lineworks_partner::auth::UserToken::builder()
        .refresh_token("r")
        .client_id("id")
        .client_secret("secret")
        .token_url("http://10.0.0.1/token")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("plain http"), "{err}");
    for ok in [
        "http://127.0.0.1:9/token",
        "http://localhost/token",
        "https://auth.example.com/t",
    ] {
        assert!(
            lineworks_partner::auth::UserToken::builder()
                .refresh_token("r")
                .client_id("id")
                .client_secret("secret")
                .token_url(ok)
                .build()
                .is_ok(),
            "{ok}"
        );
    }
}
