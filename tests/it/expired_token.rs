//! An expired access token, answered as LINE WORKS does (issue 20): 401, or 403 with the code
//! `UNAUTHORIZED` as its own API samples treat it. Either way: one renewal, the call sent
//! again and answered; a token refused for good is no storm of token requests.

use crate::support::{self, serve};
use axum::http::StatusCode;
use axum::routing::{any, post};
use lineworks_partner::{Client, Credentials, Error};
use lineworks_partner_sandbox::{Sandbox, Seed};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

fn account(sandbox: &Sandbox) -> Credentials {
    Credentials::service_account(
        lineworks_partner::auth::ServiceAccount::builder()
            .client_id("client-id")
            .client_secret(support::CLIENT_SECRET)
            .service_account_id("sa@example.com")
            .private_key_pem(support::PKCS8)
            .token_url(sandbox.token_url())
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_whichever_way_it_is_answered() {
    for status in [401, 403] {
        let sandbox = Sandbox::builder()
            .seed(Seed::demo())
            .expired_token_status(status)
            .start()
            .await
            .unwrap();
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .credentials(account(&sandbox))
            .build()
            .unwrap();
        client
            .get_customer()
            .domain_id(10_000_001)
            .send()
            .await
            .unwrap();
        assert_eq!(sandbox.expire_tokens(), 1, "one token was issued");
        let customer = client.get_customer().domain_id(10_000_001).send().await;
        let log: Vec<u16> = sandbox.requests().iter().map(|r| r.status).collect();
        println!("expired token answered {status}: API answers {log:?}");
        assert_eq!(customer.unwrap().domain_id, 10_000_001);
        assert_eq!(log, [200, status, 200], "one refusal, then the call again");
        // Exactly one new token was issued: the renewal.
        assert_eq!(sandbox.expire_tokens(), 1);
    }
}

#[test]
fn the_sandbox_answers_an_expired_token_401_or_403_only() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Err(err) = rt.block_on(Sandbox::builder().expired_token_status(500).start()) else {
        panic!("500 is refused");
    };
    assert_eq!(
        err.to_string(),
        "invalid setting: an expired token is answered 401 or 403, not 500"
    );
}

/// An API that answers every call 403 with `code` and a token endpoint that hands out tokens.
async fn refusing(code: &'static str) -> (String, Arc<AtomicU64>, Arc<AtomicU64>) {
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
                        "access_token": format!("fresh-{n}"), "token_type": "Bearer",
                        "expires_in": "86400"
                    }))
                }
            }),
        )
        .route(
            "/v1.0/{*path}",
            any(move || {
                a.fetch_add(1, Ordering::SeqCst);
                async move {
                    (
                        StatusCode::FORBIDDEN,
                        [("content-type", "application/json")],
                        json!({"code": code, "description": "refused"}).to_string(),
                    )
                }
            }),
        );
    let url = serve(app).await;
    (url, api_hits, token_hits)
}

#[tokio::test]
async fn a_persistent_403_unauthorized_is_no_token_storm() {
    let (url, api_hits, token_hits) = refusing("UNAUTHORIZED").await;
    let client = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(support::service_account(&url))
        .build()
        .unwrap();
    let mut last = None;
    for _ in 0..1000 {
        last = Some(client.get_customer().domain_id(1).send().await.unwrap_err());
    }
    let err = last.unwrap();
    let (api, tokens) = (
        api_hits.load(Ordering::SeqCst),
        token_hits.load(Ordering::SeqCst),
    );
    println!(
        "persistent 403 UNAUTHORIZED, 1000 calls: {api} API requests, {tokens} token requests"
    );
    assert!(
        tokens >= 2,
        "the 403 renewed the token: {tokens} token requests"
    );
    assert!(tokens <= 4, "{tokens} token requests");
    assert!(api <= 1000 + tokens, "{api} API requests");
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert_eq!(err.status(), Some(reqwest::StatusCode::FORBIDDEN));
    assert_eq!(err.code(), Some("UNAUTHORIZED"));
}

#[tokio::test]
async fn another_403_renews_nothing() {
    let (url, api_hits, token_hits) = refusing("FORBIDDEN").await;
    let client = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(support::service_account(&url))
        .build()
        .unwrap();
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert_eq!(
        (
            api_hits.load(Ordering::SeqCst),
            token_hits.load(Ordering::SeqCst)
        ),
        (1, 1),
        "a 403 about permissions is no expired token"
    );
}
