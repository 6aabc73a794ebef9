//! Every way a call can fail maps to one variant of `Error`, and none loses the HTTP status.

use crate::support;
use httpmock::MockServer;
use lineworks_partner::{Client, Credentials, Error, RetryPolicy};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn documented_error_statuses_become_api_errors() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v1.0/partners/customers/404");
            then.status(404)
                .json_body(json!({"code": "NOT_FOUND", "description": "no such domain"}));
        })
        .await;
    let err = support::client(&server)
        .get_customer()
        .domain_id(404)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.code(), Some("NOT_FOUND"));
    assert_eq!(
        err.to_string(),
        "get_customer (GET /partners/customers/{domainId}): the Partner API answered HTTP 404 \
         NOT_FOUND: no such domain"
    );
    assert!(!err.is_before_send());
}

#[tokio::test]
async fn rate_limited_answers_carry_the_reset_time() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(429)
                .header("rateLimit-limit", "240")
                .header("rateLimit-remaining", "0")
                .header("rateLimit-reset", "7")
                .json_body(json!({"code": "TOO_MANY_REQUESTS", "description": "slow down"}));
        })
        .await;
    let err = support::client(&server)
        .get_customer()
        .domain_id(1)
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::RateLimited {
            error,
            reset_after,
            limit,
            remaining,
        } => {
            assert_eq!(error.code(), "TOO_MANY_REQUESTS");
            assert_eq!(*reset_after, Some(Duration::from_secs(7)));
            assert_eq!((*limit, *remaining), (Some(240), Some(0)));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert!(err.to_string().contains("7 s"), "{err}");
}

#[tokio::test]
async fn undocumented_answers_keep_status_and_a_short_body() {
    let server = MockServer::start_async().await;
    let html = format!("<html>{}</html>", "bad gateway ".repeat(500));
    server
        .mock_async(|when, then| {
            when.path("/v1.0/partners/customers/1");
            then.status(502)
                .header("content-type", "text/html")
                .body(html.clone());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v1.0/partners/customers/2");
            then.status(200).body("{not json");
        })
        .await;
    let client = support::client(&server);
    match client.get_customer().domain_id(1).send().await.unwrap_err() {
        Error::UnexpectedResponse {
            status,
            detail,
            attempts,
            ..
        } => {
            assert_eq!(status.as_u16(), 502);
            assert!(
                detail.len() < 1_000,
                "the body is cut: {} bytes kept",
                detail.len()
            );
            assert!(
                detail.contains(&format!("{} bytes in all", html.len())),
                "{detail}"
            );
            assert_eq!(attempts, 1);
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
    match client.get_customer().domain_id(2).send().await.unwrap_err() {
        Error::UnexpectedResponse { status, detail, .. } => {
            assert_eq!(
                status.as_u16(),
                200,
                "a malformed success body keeps its status"
            );
            assert!(detail.contains("{not json"), "{detail}");
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn slow_answers_time_out_and_closed_ports_are_transport_errors() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(200)
                .delay(Duration::from_millis(600))
                .json_body(json!({}));
        })
        .await;
    let client = Client::builder()
        .base_url(server.url("/v1.0"))
        .credentials(Credentials::access_token(support::TOKEN))
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = Client::builder()
        .base_url(format!("http://{closed}/v1.0"))
        .credentials(Credentials::access_token(support::TOKEN))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.status().is_none());
}

#[test]
fn bad_configuration_is_reported_before_any_request() {
    for url in [
        "http://example.com/v1.0",
        "ftp://example.com",
        "no url",
        "https://x.test/v1.0?q=1",
    ] {
        let err = Client::builder().base_url(url).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
        assert!(err.is_before_send());
    }
}

#[tokio::test]
async fn a_401_to_a_client_without_credentials_says_how_to_add_them() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(401)
                .json_body(json!({"code": "UNAUTHORIZED", "description": "no token"}));
        })
        .await;
    let bare = Client::builder()
        .base_url(server.url("/v1.0"))
        .without_credentials()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = bare.get_customer().domain_id(1).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        err.to_string(),
        "get_customer (GET /partners/customers/{domainId}): the Partner API answered HTTP 401 \
         UNAUTHORIZED: no token; the client has no credentials: build it with \
         `Client::from_env` or `ClientBuilder::credentials`"
    );
    // With credentials the same answer carries no such hint.
    let err = support::client(&server)
        .get_customer()
        .domain_id(1)
        .send()
        .await
        .unwrap_err();
    assert!(!err.to_string().contains("no credentials"), "{err}");
}

#[test]
fn a_client_without_credentials_or_with_a_blank_token_does_not_build() {
    let err = Client::builder().build().unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid client configuration: no credentials: set them with \
         `ClientBuilder::credentials` (or use `Client::from_env`); \
         `ClientBuilder::without_credentials` sends calls without a token on purpose"
    );
    for blank in ["", "  ", "Bearer ", "bearer", " \t"] {
        let err = Client::builder()
            .credentials(Credentials::access_token(blank))
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid client configuration: the access token is blank: pass the token itself \
             (an empty or `Bearer`-only value was given)",
            "{blank:?}"
        );
    }
    // Without credentials on purpose (a proxy adds them, a mock ignores them).
    assert!(Client::builder().without_credentials().build().is_ok());
}

#[tokio::test]
async fn a_rejected_fixed_token_suggests_it_expired() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(401)
                .json_body(json!({"code": "UNAUTHORIZED", "description": "Authentication failed"}));
        })
        .await;
    let err = support::client(&server)
        .get_customer()
        .domain_id(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "get_customer (GET /partners/customers/{domainId}): the Partner API answered HTTP 401 \
         UNAUTHORIZED: Authentication failed; the access token was refused: it may have expired \
         (or been revoked): get a new token, or use a service account, whose tokens are renewed \
         automatically"
    );
}

#[tokio::test]
async fn a_web_page_instead_of_the_api_says_to_check_the_base_url() {
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>Welcome</title></head>\n<body>{}</body></html>",
        "<p>Our products</p>".repeat(100)
    );
    for status in [200, 404, 502] {
        let server = MockServer::start_async().await;
        let body = page.clone();
        server
            .mock_async(move |_, then| {
                then.status(status)
                    .header("content-type", "text/html")
                    .body(body);
            })
            .await;
        let err = support::client(&server)
            .get_customer()
            .domain_id(1)
            .send()
            .await
            .unwrap_err();
        let text = err.to_string();
        let (head, start) = text
            .split_once("; the page starts: ")
            .unwrap_or_else(|| panic!("{status}: {text}"));
        assert_eq!(
            head,
            format!(
                "get_customer (GET /partners/customers/{{domainId}}): unexpected response HTTP \
                 {status} {} (1 attempt): the answer from http://127.0.0.1:{} is a web page, not \
                 the Partner API's JSON: check the base URL (it should end in /v1.0 on the \
                 API's host)",
                reqwest::StatusCode::from_u16(status)
                    .unwrap()
                    .canonical_reason()
                    .unwrap(),
                server.port()
            ),
            "{status}"
        );
        // A bounded, one-line excerpt, not the whole page.
        assert!(
            start
                .starts_with("<!DOCTYPE html> <html><head><title>Welcome</title></head> <body><p>"),
            "{start}"
        );
        assert!(
            start.ends_with(&format!("… ({} bytes in all)", page.len())),
            "{start}"
        );
        assert!(start.chars().count() < 260, "{start}");
    }
}

#[tokio::test]
async fn a_429_whose_wait_does_not_fit_the_budget_says_so() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|_, then| {
            then.status(429)
                .header("rateLimit-reset", "30")
                .json_body(json!({"code": "TOO_MANY_REQUESTS", "description": "slow down"}));
        })
        .await;
    let client = Client::builder()
        .base_url(server.url("/v1.0"))
        .credentials(Credentials::access_token(support::TOKEN))
        .retry_policy(RetryPolicy::new().max_elapsed(Duration::from_secs(5)))
        .build()
        .unwrap();
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "get_customer (GET /partners/customers/{domainId}): the Partner API answered HTTP 429 \
         TOO_MANY_REQUESTS: slow down; the limit resets in 30 s; not retried: waiting 30 s \
         would end past the retry budget of 5 s (RetryPolicy::max_elapsed)"
    );
    assert_eq!(mock.calls_async().await, 1);
    // Out of attempts rather than budget: no such note.
    let client = Client::builder()
        .base_url(server.url("/v1.0"))
        .credentials(Credentials::access_token(support::TOKEN))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    assert!(!err.to_string().contains("budget"), "{err}");
}

/// An answer without a field the spec requires names the operation and the field's JSON path,
/// for the plain and the lenient (several success statuses) readers alike.
#[tokio::test]
async fn a_missing_required_field_is_named_by_its_json_path() {
    let server = MockServer::start_async().await;
    let customer = json!({
        "tenantId": 1, "domainId": 10000001, "domain": "example.com",
        "companyName": "Example", "phoneNumber": "03-0000-0000", "timeZone": "Asia/Tokyo",
        "locale": "ja_JP", "enableActiveMxrecord": false, "enableActiveDomain": false,
        "domainType": "DOMAIN", "administrator": {"id": "admin", "privateEmail": "a@example.com"}
    });
    server
        .mock_async(|when, then| {
            when.path_includes("/partners/customers");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(customer.clone());
        })
        .await;
    let client = support::client(&server);
    let e = client
        .get_customer()
        .domain_id(10000001)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "get_customer (GET /partners/customers/{domainId}): unexpected response HTTP 200 OK (1 attempt): \
         the answer does not match the spec: it lacks `administrator.lastName`, a field the \
         spec requires"
    );
    let e = client
        .update_customer()
        .domain_id(10000001)
        .body_map(|b| {
            b.company_name("Example")
                .phone_number("03-0000-0000")
                .time_zone("Asia/Tokyo")
                .locale(lineworks_partner::types::Locale::JaJp)
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "update_customer (PUT /partners/customers/{domainId}): unexpected response HTTP 200 OK (1 attempt): \
         the answer does not match the spec: it lacks `administrator.lastName`, a field the \
         spec requires"
    );
}
