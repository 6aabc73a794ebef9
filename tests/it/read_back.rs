//! `send_and_read_back()` (the spec's `x-read-back`): a write answered without a body reads its
//! object back; a read that cannot identify it says so without failing the write, and the
//! write is never sent twice.

use crate::support;
use httpmock::MockServer;
use lineworks_partner::{Client, Credentials, RetryPolicy, UnidentifiedReason, Written, types};
use lineworks_partner_sandbox::{Sandbox, Seed};
use serde_json::{Value, json};

fn sandbox_client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .credentials(Credentials::access_token("test"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client")
}

fn new_customer(
    domain: &str,
) -> impl FnOnce(types::builder::CustomerCreateRequestDraft) -> types::builder::CustomerCreateRequestDraft
{
    let domain = domain.to_string();
    move |b| {
        b.domain(domain)
            .company_name("Acme")
            .phone_number("03-1234-5678")
            .time_zone("Asia/Tokyo")
            .locale(types::Locale::JaJp)
    }
}

fn calls(sandbox: &Sandbox, operation: &str) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.operation.as_deref() == Some(operation))
        .count()
}

#[tokio::test]
async fn an_empty_create_answer_reads_the_customer_back_by_its_domain() {
    let sandbox = Sandbox::builder().seed(Seed::demo()).start().await.unwrap();
    let client = sandbox_client(&sandbox);
    sandbox.answer_empty_next("create_customer", 1).unwrap();
    let outcome = client
        .create_customer()
        .body_map(new_customer("readback.co.jp"))
        .send_and_read_back()
        .await
        .unwrap();
    let Written::ReadBack(customer) = outcome else {
        panic!("expected a read-back, got {outcome:?}");
    };
    assert_eq!(customer.domain, "readback.co.jp");
    assert_eq!(
        calls(&sandbox, "create_customer"),
        1,
        "the write is sent once"
    );
    assert_eq!(calls(&sandbox, "list_customers"), 1);
    let log = sandbox.requests();
    let read = log
        .iter()
        .find(|r| r.operation.as_deref() == Some("list_customers"))
        .unwrap();
    assert!(read.path.contains("domain=readback.co.jp"), "{}", read.path);

    // With a body, nothing is read.
    sandbox.clear_requests();
    let outcome = client
        .create_customer()
        .body_map(new_customer("answered.co.jp"))
        .send_and_read_back()
        .await
        .unwrap();
    assert!(matches!(&outcome, Written::Answered(c) if c.domain == "answered.co.jp"));
    assert_eq!(calls(&sandbox, "list_customers"), 0);
}

#[tokio::test]
async fn an_empty_update_answer_reads_the_subscription_by_its_ids() {
    let sandbox = Sandbox::builder().seed(Seed::demo()).start().await.unwrap();
    let client = sandbox_client(&sandbox);
    sandbox.answer_empty_next("add_license_count", 1).unwrap();
    let outcome = client
        .add_license_count()
        .domain_id(10000001)
        .subscription_id(20000001)
        .body_map(|b| b.license_count(5))
        .send_and_read_back()
        .await
        .unwrap();
    let subscription = match outcome {
        Written::ReadBack(s) => s,
        other => panic!("expected a read-back, got {other:?}"),
    };
    assert_eq!(subscription.subscription_id, 20000001);
    assert_eq!(subscription.license_count, Some(55));
    assert_eq!(calls(&sandbox, "add_license_count"), 1);
    assert_eq!(calls(&sandbox, "get_subscription"), 1);
}

#[tokio::test]
async fn a_failed_read_back_reports_the_write_as_applied() {
    let sandbox = Sandbox::builder().seed(Seed::demo()).start().await.unwrap();
    let client = sandbox_client(&sandbox);
    sandbox.answer_empty_next("add_license_count", 1).unwrap();
    sandbox.fail_next("get_subscription", 503, 1).unwrap();
    let outcome = client
        .add_license_count()
        .domain_id(10000001)
        .subscription_id(20000001)
        .body_map(|b| b.license_count(5))
        .send_and_read_back()
        .await
        .expect("the write succeeded");
    let u = outcome.unidentified().expect("unidentified");
    assert!(
        matches!(&u.reason, UnidentifiedReason::ReadFailed(e) if e.status().map(|s| s.as_u16()) == Some(503))
    );
    let text = u.to_string();
    assert!(
        text.starts_with(
            "add_license_count succeeded (its answer had no body), but reading it back with \
             get_subscription failed: "
        ),
        "{text}"
    );
    assert!(
        text.ends_with("; the write was applied, do not send it again"),
        "{text}"
    );
    assert_eq!(calls(&sandbox, "add_license_count"), 1, "never sent again");
}

/// A server that answers the create with 204 and the listing with `customers`.
async fn mock_create(customers: Value) -> (MockServer, Written<types::Customer>, usize) {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method("POST").path("/v1.0/partners/customers");
            then.status(204);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/v1.0/partners/customers")
                .query_param("domain", "acme.co.jp");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({ "customers": customers, "responseMetaData": {} }));
        })
        .await;
    let outcome = support::client(&server)
        .create_customer()
        .body_map(new_customer("acme.co.jp"))
        .send_and_read_back()
        .await
        .expect("the write succeeded");
    let sent = create.calls_async().await;
    (server, outcome, sent)
}

fn customer(domain_id: i64, domain: &str) -> Value {
    json!({
        "tenantId": domain_id, "domainId": domain_id, "domain": domain,
        "productId": null, "companyName": "Acme", "phoneNumber": "03-1234-5678",
        "timeZone": "Asia/Tokyo", "locale": "ja_JP", "enableActiveMxrecord": false,
        "enableActiveDomain": false, "domainType": "DOMAIN"
    })
}

#[tokio::test]
async fn the_listing_item_must_match_the_write_exactly_and_be_alone() {
    // A filter that also returns near matches: only the exact domain is the new customer.
    let (_s, outcome, sent) = mock_create(json!([
        customer(1, "sub.acme.co.jp"),
        customer(2, "acme.co.jp")
    ]))
    .await;
    assert_eq!(sent, 1);
    assert!(
        matches!(&outcome, Written::ReadBack(c) if c.domain_id == 2),
        "{outcome:?}"
    );

    let (_s, outcome, sent) = mock_create(json!([customer(1, "sub.acme.co.jp")])).await;
    assert_eq!(sent, 1);
    let u = outcome.unidentified().expect("none matches");
    assert!(matches!(u.reason, UnidentifiedReason::NotFound));
    assert_eq!(
        u.to_string(),
        "create_customer succeeded (its answer had no body), but reading it back with \
         list_customers found no matching object; the write was applied, do not send it again"
    );

    let (_s, outcome, sent) = mock_create(json!([
        customer(1, "acme.co.jp"),
        customer(2, "acme.co.jp")
    ]))
    .await;
    assert_eq!(sent, 1);
    assert!(matches!(
        outcome.unidentified().map(|u| &u.reason),
        Some(UnidentifiedReason::Several)
    ));

    let (_s, outcome, _) = mock_create(json!([{ "domain": "acme.co.jp" }])).await;
    assert!(matches!(
        outcome.unidentified().map(|u| &u.reason),
        Some(UnidentifiedReason::NotReadable(_))
    ));
}

#[tokio::test]
async fn the_sandbox_refuses_an_empty_answer_where_the_spec_lists_no_204() {
    let sandbox = Sandbox::start().await.unwrap();
    let e = sandbox.answer_empty_next("get_customer", 1).unwrap_err();
    assert!(
        e.to_string()
            .contains("get_customer always answers with a body"),
        "{e}"
    );
    assert!(sandbox.answer_empty_next("create_subscription", 1).is_ok());
}
