//! Bodies that are not a documented success are read up to 64 KiB, at the API and at the token
//! endpoint alike; and an error in getting a token names the call that needed it.

use crate::support::{self, TOKEN, serve};
use axum::http::StatusCode;
use axum::routing::{any, post};
use lineworks_partner::auth::AuthError;
use lineworks_partner::{Client, Credentials, Error, RetryPolicy};
use std::time::Duration;

/// 16 MiB: far past the bound, small enough that a client without it still finishes.
const HUGE: usize = 16 << 20;

/// A JSON error body that is valid, but `HUGE` bytes long: without a bound it parses.
fn huge_error(code_key: &str, description_key: &str, code: &str) -> String {
    format!(
        r#"{{"{code_key}":"{code}","{description_key}":"{}"}}"#,
        "a".repeat(HUGE)
    )
}

/// An API whose every answer is `status` with `body`, and a token endpoint answering
/// `token_status` with `token_body`.
async fn server(status: u16, body: String, token_status: u16, token_body: String) -> String {
    let status = StatusCode::from_u16(status).unwrap();
    let token_status = StatusCode::from_u16(token_status).unwrap();
    let app = axum::Router::new()
        .route(
            "/token",
            post(move || async move {
                (
                    token_status,
                    [("content-type", "application/json")],
                    token_body,
                )
            }),
        )
        .route(
            "/v1.0/{*path}",
            any(move || async move { (status, [("content-type", "application/json")], body) }),
        );
    serve(app).await
}

fn client(url: &str, credentials: Credentials) -> Client {
    Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(credentials)
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The error of a call whose answer is `status` with a huge LINE WORKS error body.
async fn huge_answer(status: u16) -> Error {
    let url = server(
        status,
        huge_error("code", "description", "CODE"),
        500,
        String::new(),
    )
    .await;
    let client = client(&url, Credentials::access_token(TOKEN));
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(&err, Error::UnexpectedResponse { status: s, .. } if s.as_u16() == status),
        "{}",
        &text[..text.len().min(300)]
    );
    assert!(text.contains("(body cut at 64 KiB)"), "{text}");
    assert!(text.len() < 2_000, "{} bytes of error text", text.len());
    assert!(format!("{err:?}").len() < 4_000);
    err
}

#[tokio::test]
async fn a_huge_documented_error_body_is_cut_at_64_kib() {
    huge_answer(404).await;
}

#[tokio::test]
async fn a_huge_undocumented_error_body_is_cut_at_64_kib() {
    huge_answer(418).await;
}

#[tokio::test]
async fn a_huge_token_error_body_is_cut_and_the_error_names_the_call() {
    let url = server(
        200,
        "{}".into(),
        400,
        huge_error("error", "error_description", "invalid_client"),
    )
    .await;
    let client = client(&url, support::service_account(&url));
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    let text = err.to_string();
    let Error::Auth {
        source: AuthError::InvalidResponse { status: 400, .. },
        operation: Some(operation),
    } = &err
    else {
        panic!("{}", &text[..text.len().min(300)]);
    };
    assert_eq!(operation.id(), "get_customer");
    assert_eq!(err.operation(), Some(*operation));
    assert!(err.is_before_send());
    assert_eq!(err.attempts(), 0);
    assert!(
        text.starts_with(
            "get_customer (GET /partners/customers/{domainId}): no access token could be \
             obtained, so the call was not sent: unexpected answer from the token endpoint \
             (HTTP 400)"
        ),
        "{text}"
    );
    assert!(text.len() < 1_000, "{} bytes of error text", text.len());
}

#[tokio::test]
async fn a_huge_token_response_is_refused_not_read_whole() {
    let body = format!(
        r#"{{"access_token":"{}","expires_in":"86400"}}"#,
        "t".repeat(HUGE)
    );
    let url = server(200, "{}".into(), 200, body).await;
    let client = client(&url, support::service_account(&url));
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Auth { source: AuthError::InvalidResponse { detail, .. }, .. }
                if detail == "the token response is larger than 64 KiB"
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn credentials_that_cannot_be_read_name_no_call() {
    let err = Error::from(AuthError::Config("LW_CLIENT_SECRET is not set".into()));
    assert_eq!(err.operation(), None);
    assert_eq!(
        err.to_string(),
        "the credentials cannot be used: invalid authentication settings: LW_CLIENT_SECRET is \
         not set"
    );
}
