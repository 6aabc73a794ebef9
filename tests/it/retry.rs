//! `RetryPolicy::next_delay` for real transport failures and real 429/5xx answers on 127.0.0.1.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::any;
use lineworks_partner::retry::{Outcome, RATE_LIMIT_JITTER, RetryPolicy, rate_limit_reset};
use reqwest::Method;
use tokio::io::AsyncReadExt;

const METHODS: [Method; 7] = [
    Method::GET,
    Method::HEAD,
    Method::PUT,
    Method::DELETE,
    Method::OPTIONS,
    Method::POST,
    Method::PATCH,
];

fn idempotent(m: &Method) -> bool {
    !matches!(*m, Method::POST | Method::PATCH)
}

fn client() -> reqwest::Client {
    // Built once: loading the platform's root certificates is slow in debug builds.
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap()
        })
        .clone()
}

async fn send(method: &Method, url: &str) -> Result<reqwest::Response, reqwest::Error> {
    let request = client().request(method.clone(), url).body("{}");
    // Short: only the hanging server ever runs into it.
    request.timeout(Duration::from_millis(100)).send().await
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Accepts connections and behaves badly: holds them silently, or drops them after reading.
async fn bad_server(hang: bool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            if hang {
                held.push(socket);
            }
        }
    });
    url
}

#[tokio::test]
async fn transport_error_table() {
    let policy = RetryPolicy::new();
    let eager = RetryPolicy::new().retry_non_idempotent(true);
    let refused = format!("http://127.0.0.1:{}/", closed_port());
    let hanging = bad_server(true).await;
    let dropping = bad_server(false).await;

    for method in &METHODS {
        // Connection refused: the request never left, so every method may be retried.
        let e = send(method, &refused).await.unwrap_err();
        assert!(e.is_connect(), "{e:?}");
        assert!(
            policy
                .next_delay(method, Outcome::Error(&e), 1, Duration::ZERO)
                .is_some(),
            "{method} connect"
        );

        // Timeout after sending, and a connection closed without an answer: the server may
        // have acted, so only idempotent methods (or an explicit opt-in) are retried.
        for url in [&hanging, &dropping] {
            let e = send(method, url).await.unwrap_err();
            assert!(e.is_timeout() || e.is_request(), "{e:?}");
            assert!(!e.is_connect(), "{e:?}");
            let got = policy.next_delay(method, Outcome::Error(&e), 1, Duration::ZERO);
            assert_eq!(got.is_some(), idempotent(method), "{method} {e:?}");
            assert!(
                eager
                    .next_delay(method, Outcome::Error(&e), 1, Duration::ZERO)
                    .is_some()
            );
            assert!(
                policy
                    .next_delay(method, Outcome::Error(&e), 4, Duration::ZERO)
                    .is_none()
            );
        }
    }

    // An error building the request is never retried.
    let e = client().get("http://[::1").send().await.unwrap_err();
    assert!(e.is_builder(), "{e:?}");
    assert!(
        eager
            .next_delay(&Method::GET, Outcome::Error(&e), 1, Duration::ZERO)
            .is_none()
    );
}

/// A body that parses both as a `Customer` and as a `CustomerList` (unknown fields are ignored),
/// so one fake serves every call below.
fn ok_body() -> &'static str {
    r#"{"customers":[],"tenantId":1,"domainId":1,"domain":"example.com","companyName":"c","phoneNumber":"0",
       "timeZone":"Asia/Tokyo","locale":"ja_JP","enableActiveMxrecord":true,"enableActiveDomain":true,"domainType":"DOMAIN"}"#
}

/// A fake API answering from a script of statuses; the last one repeats. Returns its base URL.
async fn api(script: Vec<(u16, Vec<(&'static str, &'static str)>)>) -> (String, Arc<AtomicU64>) {
    let hits = Arc::new(AtomicU64::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/{*path}",
        any(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) as usize;
            let (status, headers) = script[n.min(script.len() - 1)].clone();
            async move {
                let mut map = HeaderMap::new();
                for (name, value) in headers {
                    // from_bytes lower-cases, as HTTP/2 and hyper do; HeaderMap lookups ignore case.
                    let name = axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap();
                    map.insert(name, value.parse().unwrap());
                }
                let body = if status < 300 {
                    ok_body()
                } else {
                    r#"{"code":"X","description":"y"}"#
                };
                (StatusCode::from_u16(status).unwrap(), map, body)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1.0", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hits)
}

fn partner(url: &str, policy: RetryPolicy) -> lineworks_partner::Client {
    lineworks_partner::Client::builder()
        .base_url(url)
        .credentials(lineworks_partner::Credentials::access_token("t"))
        .retry_policy(policy)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_client_retries_what_is_safe_and_says_how_often_it_tried() {
    let fast = RetryPolicy::new().base_delay(Duration::from_millis(5));

    // 503, 502 then 200: a GET recovers on the third attempt.
    let (url, hits) = api(vec![(503, vec![]), (502, vec![]), (200, vec![])]).await;
    partner(&url, fast.clone())
        .list_customers()
        .send()
        .await
        .unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 3);

    // A POST that may have been applied is not sent again ...
    let (url, hits) = api(vec![(503, vec![]), (200, vec![])]).await;
    let client = partner(&url, fast.clone());
    let err = client
        .activate_customer()
        .domain_id(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // ... unless this call opts in.
    let eager = fast.clone().retry_non_idempotent(true);
    client
        .activate_customer()
        .domain_id(1)
        .retry_policy(eager)
        .send()
        .await
        .unwrap();

    // A persistent 500 stops at max_attempts, and the error says so; a 400 is final at once.
    let (url, hits) = api(vec![(500, vec![])]).await;
    let err = partner(&url, fast.clone())
        .delete_customer()
        .domain_id(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(hits.load(Ordering::SeqCst), 4);
    match &err {
        lineworks_partner::Error::Api(api) => {
            assert_eq!((api.status().as_u16(), api.attempts()), (500, 4))
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert!(err.to_string().contains("after 4 attempts"), "{err}");
    let (url, hits) = api(vec![(400, vec![]), (200, vec![])]).await;
    partner(&url, fast.clone())
        .list_customers()
        .send()
        .await
        .unwrap_err();
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn the_client_waits_for_the_rate_limit_reset() {
    let (url, hits) = api(vec![
        (
            429,
            vec![
                ("rateLimit-limit", "240"),
                ("rateLimit-remaining", "0"),
                ("rateLimit-reset", "30"),
            ],
        ),
        (200, vec![]),
    ])
    .await;
    let started = tokio::time::Instant::now();
    // A POST too: the server refused it before acting on it.
    partner(&url, RetryPolicy::new())
        .activate_customer()
        .domain_id(1)
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(30),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

/// A fake API whose every answer is 401 until it sees `Bearer fresh-2`, plus a token endpoint
/// that hands out `fresh-1`, `fresh-2`, ...
async fn api_with_token_endpoint() -> (String, Arc<AtomicU64>, Arc<AtomicU64>) {
    let api_hits = Arc::new(AtomicU64::new(0));
    let token_hits = Arc::new(AtomicU64::new(0));
    let (a, t) = (api_hits.clone(), token_hits.clone());
    let app = axum::Router::new()
        .route(
            "/token",
            axum::routing::post(move || {
                let n = t.fetch_add(1, Ordering::SeqCst) + 1;
                async move {
                    axum::Json(serde_json::json!({
                        "access_token": format!("fresh-{n}"), "token_type": "Bearer",
                        "scope": "partner", "expires_in": "86400"
                    }))
                }
            }),
        )
        .route(
            "/v1.0/{*path}",
            any(move |headers: HeaderMap| {
                a.fetch_add(1, Ordering::SeqCst);
                let ok = headers
                    .get("authorization")
                    .is_some_and(|v| v == "Bearer fresh-2");
                async move {
                    if ok {
                        (StatusCode::OK, ok_body())
                    } else {
                        (
                            StatusCode::UNAUTHORIZED,
                            r#"{"code":"UNAUTHORIZED","description":"expired"}"#,
                        )
                    }
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, api_hits, token_hits)
}

#[tokio::test]
async fn a_rejected_token_is_renewed_once_and_the_call_sent_again() {
    let (url, api_hits, token_hits) = api_with_token_endpoint().await;
    let account = lineworks_partner::auth::ServiceAccount::builder()
        .client_id("id")
        .client_secret("secret")
        .service_account_id("sa@example.com")
        .private_key_pem(include_str!("../fixtures/test_key_pkcs8.pem"))
        .token_url(format!("{url}/token"))
        .build()
        .unwrap();
    let client = lineworks_partner::Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(lineworks_partner::Credentials::service_account(account))
        .build()
        .unwrap();
    // fresh-1 is rejected, fresh-2 accepted: two API calls, two token requests.
    client.get_customer().domain_id(1).send().await.unwrap();
    assert_eq!(
        (
            api_hits.load(Ordering::SeqCst),
            token_hits.load(Ordering::SeqCst)
        ),
        (2, 2)
    );
    // fresh-2 is cached now.
    client.get_customer().domain_id(1).send().await.unwrap();
    assert_eq!(
        (
            api_hits.load(Ordering::SeqCst),
            token_hits.load(Ordering::SeqCst)
        ),
        (3, 2)
    );
}

#[tokio::test]
async fn a_static_token_that_is_rejected_is_not_retried() {
    let (url, api_hits, _) = api_with_token_endpoint().await;
    let client = partner(&format!("{url}/v1.0"), RetryPolicy::new());
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    assert_eq!(
        api_hits.load(Ordering::SeqCst),
        1,
        "no loop, no second attempt"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err:?}");
}

#[tokio::test]
async fn rate_limited_post_waits_for_the_reset() {
    // Spelled as in the LINE WORKS docs.
    let (url, hits) = api(vec![
        (
            429,
            vec![
                ("rateLimit-limit", "240"),
                ("rateLimit-remaining", "0"),
                ("rateLimit-reset", "2"),
            ],
        ),
        (201, vec![]),
    ])
    .await;
    let first = client().post(&url).send().await.unwrap();
    assert_eq!(
        rate_limit_reset(first.headers()),
        Some(Duration::from_secs(2))
    );
    let delay = RetryPolicy::new()
        .next_delay(&Method::POST, Outcome::Response(&first), 1, Duration::ZERO)
        .expect("a 429 is retried even for POST");
    assert!(delay >= Duration::from_secs(2) && delay <= Duration::from_secs(2) + RATE_LIMIT_JITTER);
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    // With a budget too small for the reset, give up instead of waiting.
    let short = RetryPolicy::new().max_elapsed(Duration::from_secs(1));
    assert!(
        short
            .next_delay(&Method::POST, Outcome::Response(&first), 1, Duration::ZERO)
            .is_none()
    );
}

/// A server counting each operation in a fixed one-minute window that opens at its first
/// arrival, as the sandbox does, over `limit`: 429 with `rateLimit-reset` in whole seconds
/// (rounded up, at least 1). The first request arrives `first_delay` late, as one that paid
/// for a new connection does. Returns the base URL and the count of 429s answered.
async fn windowed_api(limit: u32, first_delay: Duration) -> (String, Arc<AtomicU64>) {
    use tokio::time::Instant;
    let window: Arc<std::sync::Mutex<Option<(Instant, u32)>>> = Arc::default();
    let refused = Arc::new(AtomicU64::new(0));
    let first = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let counter = refused.clone();
    let app = axum::Router::new().route(
        "/{*path}",
        any(move || {
            let (window, counter, first) = (window.clone(), counter.clone(), first.clone());
            async move {
                if first.swap(false, Ordering::SeqCst) {
                    tokio::time::sleep(first_delay).await;
                }
                let now = Instant::now();
                let mut window = window.lock().unwrap();
                let (start, count) = window.get_or_insert((now, 0));
                if now.duration_since(*start) >= Duration::from_secs(60) {
                    (*start, *count) = (now, 0);
                }
                let mut headers = HeaderMap::new();
                if *count >= limit {
                    counter.fetch_add(1, Ordering::SeqCst);
                    let reset = 60u64
                        .saturating_sub(now.duration_since(*start).as_secs())
                        .max(1);
                    headers.insert("ratelimit-reset", reset.into());
                    let body = r#"{"code":"TOO_MANY_REQUESTS","description":"over"}"#;
                    return (StatusCode::TOO_MANY_REQUESTS, headers, body);
                }
                *count += 1;
                (StatusCode::OK, headers, ok_body())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1.0", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, refused)
}

/// The client's limiter and a server window that opened a little after the client's first
/// call: the call at the edge of the client's minute lands inside the server's and gets a
/// 429. That call must still have the budget to wait out `rateLimit-reset`, so the limiter
/// may not have spent most of it (a whole window's wait after a burst did, and the 429 was
/// given up on).
#[tokio::test(start_paused = true)]
async fn a_429_at_the_window_edge_is_absorbed_within_the_budget() {
    let limit = 3;
    let (url, refused) = windowed_api(limit, Duration::from_millis(10)).await;
    let client = lineworks_partner::Client::builder()
        .base_url(&url)
        .credentials(lineworks_partner::Credentials::access_token("t"))
        .rate_limit(lineworks_partner::RateLimit::per_minute(limit))
        .build()
        .unwrap();
    // One after another: each call starts as the one before it ends.
    for call in 0..3 * limit {
        if let Err(e) = client.list_customers().send().await {
            panic!("call {call} failed: {e}");
        }
    }
    assert!(
        refused.load(Ordering::SeqCst) >= 1,
        "the server's window edge was reached (else this test shows nothing)"
    );
}
