//! Outcomes a write cannot be sure of (issue 22, item 4): a 2xx whose body breaks off or
//! stalls, and a 502 or 504, say the write may have been applied, in `send()` and
//! `send_json()` alike.

use crate::hostile::create_customer_body;
use crate::support::TOKEN;
use crate::wire::{raw, send};
use lineworks_partner::{Client, Credentials, Error, RetryPolicy, types};
use std::time::Duration;

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(Credentials::access_token(TOKEN))
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

/// The start of a customer: the answer promises 1,000 bytes and sends these.
const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"tenantId\": 1, \"domainId\": 1, \"doma";

fn patch() -> types::CustomerPatchRequest {
    serde_json::from_value(serde_json::json!({"companyName": "Acme"})).unwrap()
}

/// Every kind of write call (typed PATCH, lenient POST, each as `send` and `send_json`)
/// against `url`; each must fail saying it may have been applied.
async fn every_write(url: &str, what: &str) -> Vec<Error> {
    let client = client(url);
    let errors = vec![
        client
            .update_customer_partially()
            .domain_id(1)
            .body(patch())
            .send()
            .await
            .map(|_| ())
            .unwrap_err(),
        client
            .update_customer_partially()
            .domain_id(1)
            .body(patch())
            .send_json()
            .await
            .map(|_| ())
            .unwrap_err(),
        client
            .create_customer()
            .body(create_customer_body())
            .send()
            .await
            .map(|_| ())
            .unwrap_err(),
        client
            .create_customer()
            .body(create_customer_body())
            .send_json()
            .await
            .map(|_| ())
            .unwrap_err(),
    ];
    for (i, err) in errors.iter().enumerate() {
        println!(
            "{what}, write {i}: may_have_succeeded={}",
            err.may_have_succeeded()
        );
        assert!(err.may_have_succeeded(), "{what}, write {i}: {err:?}");
        assert!(
            err.to_string().ends_with(
                "the request was sent, so it may have been applied: read the resource back \
                 (get or list) before sending it again"
            ),
            "{what}, write {i}: {err}"
        );
    }
    // A read in the same situation changed nothing.
    let read = client.get_customer().domain_id(1).send().await.unwrap_err();
    assert!(!read.may_have_succeeded(), "{what}, read: {read:?}");
    errors
}

#[tokio::test]
async fn a_success_body_that_breaks_off_may_have_been_applied() {
    let url = raw(|mut socket, _| async move {
        send(&mut socket, HEAD).await;
        // Closed with 950 bytes missing.
    })
    .await;
    let errors = every_write(&url, "2xx body broken off").await;
    assert!(
        matches!(errors[0], Error::Transport { .. }),
        "{:?}",
        errors[0]
    );
}

#[tokio::test]
async fn a_success_body_that_stalls_may_have_been_applied() {
    let url = raw(|mut socket, _| async move {
        send(&mut socket, HEAD).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let errors = every_write(&url, "2xx body stalled").await;
    assert!(
        matches!(errors[0], Error::Timeout { total: false, .. }),
        "{:?}",
        errors[0]
    );
}

#[tokio::test]
async fn a_write_answered_502_or_504_may_have_been_applied() {
    for (status, body, api) in [
        (502, "<html>Bad Gateway</html>", false),
        (504, "<html>Gateway Timeout</html>", false),
        (
            502,
            r#"{"code":"BAD_GATEWAY","description":"upstream failed"}"#,
            true,
        ),
        (504, r#"{"code":"GATEWAY_TIMEOUT"}"#, true),
    ] {
        let url = raw(move |mut socket, _| async move {
            let kind = if api { "application/json" } else { "text/html" };
            let answer = format!(
                "HTTP/1.1 {status} Gateway\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            send(&mut socket, answer.as_bytes()).await;
        })
        .await;
        let errors = every_write(
            &url,
            &format!("{status} {}", if api { "JSON" } else { "HTML" }),
        )
        .await;
        for err in &errors {
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
            assert_eq!(matches!(err, Error::Api(_)), api, "{err:?}");
        }
    }
}

#[tokio::test]
async fn the_sandboxs_applied_then_timeout_fault_is_a_possible_success() {
    use lineworks_partner_sandbox::{Sandbox, Seed};
    let sandbox = Sandbox::builder()
        .seed(Seed::demo())
        .lost_answer_delay(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(Credentials::access_token("test"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let count = |client: Client| async move {
        client
            .get_subscription()
            .domain_id(10_000_001)
            .subscription_id(20_000_001)
            .send()
            .await
            .unwrap()
            .license_count
    };
    let before = count(client.clone()).await;
    sandbox
        .time_out_after_applying("add_license_count", 1)
        .unwrap();
    let err = client
        .add_license_count()
        .domain_id(10_000_001)
        .subscription_id(20_000_001)
        .body_map(|b| b.license_count(5))
        .send()
        .await
        .unwrap_err();
    let after = count(client.clone()).await;
    println!(
        "applied-then-timeout (504): licenseCount {before:?} -> {after:?}, may_have_succeeded={}",
        err.may_have_succeeded()
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(504));
    assert_eq!(after, before.map(|n| n + 5), "the fault applies the change");
    assert!(err.may_have_succeeded(), "{err:?}");
}
