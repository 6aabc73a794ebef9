//! Redirects carry nothing anywhere (issue 22, item 2): the token request never follows one,
//! API calls follow none (the Partner API does not redirect), and the error names the
//! `Location`. "Another host" and "https to http" are played by loopback origins that differ
//! by name or port: whatever the target, nothing may reach it.

use crate::support::{self, TOKEN, serve};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{any, post};
use lineworks_partner::auth::AuthError;
use lineworks_partner::{Client, Credentials, Error, RetryPolicy};
use serde_json::json;
use std::sync::{Arc, Mutex};

/// A server that records every request it gets (path, authorization, body) and answers each
/// with a token and a customer: what an attacker's host would hand out.
async fn elsewhere() -> (u16, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = axum::Router::new().fallback(any(
        move |uri: axum::http::Uri, headers: HeaderMap, body: String| {
            let log = log.clone();
            async move {
                let auth = headers
                    .get("authorization")
                    .map(|v| v.to_str().unwrap_or("?").to_owned())
                    .unwrap_or_default();
                log.lock().unwrap().push(format!("{uri} [{auth}] {body}"));
                axum::Json(json!({
                    "access_token": "evil-token", "token_type": "Bearer", "expires_in": "86400",
                    "tenantId": 1, "domainId": 1, "domain": "evil.example", "companyName": "e",
                    "phoneNumber": "0", "timeZone": "Asia/Tokyo", "locale": "ja_JP",
                    "enableActiveMxrecord": true, "enableActiveDomain": true, "domainType": "DOMAIN"
                }))
            }
        },
    ));
    let url = serve(app).await;
    let port = url.rsplit(':').next().unwrap().parse().unwrap();
    (port, seen)
}

/// A token endpoint and an API that both redirect to `target` with `status`; what the API
/// received is recorded.
async fn redirecting(status: u16, target: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let status = StatusCode::from_u16(status).unwrap();
    let api_seen = Arc::new(Mutex::new(Vec::new()));
    let log = api_seen.clone();
    let to = target.clone();
    let app = axum::Router::new()
        .route(
            "/token",
            post(move || {
                let to = to.clone();
                async move { (status, [("location", format!("{to}/token"))]) }
            }),
        )
        .route(
            "/v1.0/{*path}",
            any(move |headers: HeaderMap| {
                let (target, log) = (target.clone(), log.clone());
                async move {
                    let auth = headers
                        .get("authorization")
                        .map(|v| v.to_str().unwrap_or("?").to_owned())
                        .unwrap_or_default();
                    log.lock().unwrap().push(auth);
                    (status, [("location", format!("{target}/v1.0/moved"))])
                }
            }),
        );
    (serve(app).await, api_seen)
}

/// The targets: another host name, and another port standing for an https origin sending the
/// request to plain http.
fn targets(port: u16) -> [String; 2] {
    [
        format!("http://localhost:{port}"),
        format!("http://127.0.0.1:{port}"),
    ]
}

#[tokio::test]
async fn the_token_request_follows_no_redirect() {
    let (port, seen) = elsewhere().await;
    for target in targets(port) {
        for status in [301, 302, 303, 307, 308] {
            let (url, api_seen) = redirecting(status, target.clone()).await;
            let client = Client::builder()
                .base_url(format!("{url}/v1.0"))
                .credentials(support::service_account(&url))
                .retry_policy(RetryPolicy::disabled())
                .build()
                .unwrap();
            let err = client.get_customer().domain_id(1).send().await.unwrap_err();
            let location = format!("{target}/token");
            match &err {
                Error::Auth {
                    source:
                        AuthError::Redirect {
                            status: s,
                            location: l,
                        },
                    ..
                } => assert_eq!((*s, l.as_deref()), (status, Some(location.as_str()))),
                other => panic!("{status} to {target}: {other:?}"),
            }
            assert!(err.is_before_send());
            assert!(err.to_string().ends_with(&format!(
                "the token endpoint answered HTTP {status} redirecting to \"{location}\"; token \
                 requests follow no redirect, so nothing was sent there and no token from there \
                 is used"
            )));
            assert!(api_seen.lock().unwrap().is_empty(), "the call was not sent");
        }
    }
    let seen = seen.lock().unwrap();
    println!(
        "token endpoint redirecting (5 statuses, 2 targets): the target got {} requests",
        seen.len()
    );
    assert!(
        seen.is_empty(),
        "the form went to the redirect's target: {seen:?}"
    );
}

#[tokio::test]
async fn a_callers_client_that_follows_gets_no_token_from_there() {
    let (port, _) = elsewhere().await;
    let target = format!("http://127.0.0.1:{port}");
    let (url, api_seen) = redirecting(307, target.clone()).await;
    let client = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(support::service_account(&url))
        // reqwest's default policy follows redirects: the caller's choice, not the crate's.
        .http_client(reqwest::Client::new())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Auth { source: AuthError::Redirect { status: 200, location: Some(l) }, .. }
                if *l == format!("{target}/token")
        ),
        "{err:?}"
    );
    assert!(
        api_seen.lock().unwrap().is_empty(),
        "the token from elsewhere was used"
    );
}

#[tokio::test]
async fn api_calls_follow_no_redirect() {
    let (port, seen) = elsewhere().await;
    for target in targets(port) {
        let (url, api_seen) = redirecting(307, target.clone()).await;
        let client = Client::builder()
            .base_url(format!("{url}/v1.0"))
            .credentials(Credentials::access_token(TOKEN))
            .build()
            .unwrap();
        // A POST: its body must not be sent again to the target.
        let err = client
            .create_customer()
            .body(crate::hostile::create_customer_body())
            .send()
            .await
            .unwrap_err();
        let location = format!("{target}/v1.0/moved");
        match &err {
            Error::Redirect {
                status,
                location: l,
                attempts: 1,
                operation,
            } => {
                assert_eq!(
                    (status.as_u16(), l.as_deref(), operation.id()),
                    (307, Some(location.as_str()), "create_customer")
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(!err.may_have_succeeded(), "a redirect applies nothing");
        assert_eq!(
            err.to_string(),
            format!(
                "create_customer (POST /partners/customers): the server answered HTTP 307 \
                 Temporary Redirect redirecting to \"{location}\" (1 attempt); the client \
                 follows no redirect (the Partner API does not redirect), so nothing was sent \
                 there"
            )
        );
        // A GET, with send_json and a 301.
        let (url, _) = redirecting(301, target.clone()).await;
        let client = Client::builder()
            .base_url(format!("{url}/v1.0"))
            .credentials(Credentials::access_token(TOKEN))
            .build()
            .unwrap();
        let err = client.list_customers().send_json().await.unwrap_err();
        assert!(
            matches!(&err, Error::Redirect { status, .. } if status.as_u16() == 301),
            "{err:?}"
        );
        assert_eq!(api_seen.lock().unwrap().len(), 1);
    }
    let seen = seen.lock().unwrap();
    println!(
        "API answering 307/301 (2 targets): the target got {} requests",
        seen.len()
    );
    assert!(
        seen.is_empty(),
        "a request went to the redirect's target: {seen:?}"
    );
}

#[tokio::test]
async fn an_api_answer_a_callers_client_fetched_elsewhere_is_not_used() {
    let (port, _) = elsewhere().await;
    let (url, _) = redirecting(302, format!("http://127.0.0.1:{port}")).await;
    let client = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(Credentials::access_token(TOKEN))
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Redirect { status, location: Some(l), .. }
            if status.as_u16() == 200 && l.ends_with("/v1.0/moved")),
        "{err:?}"
    );
}
