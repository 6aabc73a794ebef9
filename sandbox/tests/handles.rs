//! The test handles: reset, state dump, request log, injected faults, the customer's side,
//! on the Rust side and over HTTP under `/sandbox/` (never under `/v1.0`).

mod common;

use common::{builder, client, demo, status_code};
use lineworks_partner::{Client, Credentials, RetryPolicy, types};
use lineworks_partner_sandbox::{ControlError, CustomerChange, Seed};
use serde_json::{Value, json};
use std::time::Duration;

const EXAMPLE: i64 = 10_000_001;

fn new_customer(domain: &str) -> types::CustomerCreateRequest {
    types::CustomerCreateRequest::builder()
        .domain(domain)
        .company_name("Acme")
        .phone_number("03-1234-5678")
        .time_zone("Asia/Tokyo")
        .locale(types::Locale::JaJp)
        .build()
}

async fn http(
    method: reqwest::Method,
    url: String,
    body: Option<Value>,
) -> (reqwest::StatusCode, Value) {
    let mut req = reqwest::Client::new().request(method, url).bearer_auth("t");
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("sandbox answers");
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn root(sb: &lineworks_partner_sandbox::Sandbox) -> String {
    format!("http://{}", sb.addr())
}

#[tokio::test]
async fn reset_restores_the_seed_and_empties_log_and_faults() {
    let sb = demo().await;
    let api = client(&sb);
    api.delete_customer()
        .domain_id(EXAMPLE)
        .send()
        .await
        .unwrap();
    api.create_customer()
        .body(new_customer("acme.co.jp"))
        .send()
        .await
        .unwrap();
    sb.advance_days(40).await.unwrap();
    sb.fail_next("get_customer", 500, 3).unwrap();
    sb.reset();
    assert!(sb.requests().is_empty());
    assert_eq!(sb.today(), common::today(), "the calendar is back too");
    let back = api.get_customer().domain_id(EXAMPLE).send().await.unwrap();
    assert_eq!(back.domain, "example.com", "no fault left armed");
    let list = api
        .list_customers()
        .domain("acme.co.jp")
        .send()
        .await
        .unwrap();
    assert!(list.customers.is_empty());

    // Over HTTP as well.
    api.delete_customer()
        .domain_id(EXAMPLE)
        .send()
        .await
        .unwrap();
    let (s, _) = http(
        reqwest::Method::POST,
        format!("{}/sandbox/reset", root(&sb)),
        None,
    )
    .await;
    assert_eq!(s, 204);
    assert!(api.get_customer().domain_id(EXAMPLE).send().await.is_ok());
}

#[tokio::test]
async fn state_dump_shows_what_the_api_changed_and_the_customer_side() {
    let sb = demo().await;
    let api = client(&sb);
    api.add_license_count()
        .domain_id(EXAMPLE)
        .subscription_id(20_000_001)
        .body_map(|b| b.license_count(5))
        .send()
        .await
        .unwrap();
    let state = sb.state();
    assert_eq!(state["today"], "2025-06-10");
    let example = &state["customers"][0];
    assert_eq!(
        example["subscriptions"][0]["subscription"]["licenseCount"],
        55
    );
    assert_eq!(example["customerSide"]["termsAccepted"], true);
    let (s, over_http) = http(
        reqwest::Method::GET,
        format!("{}/sandbox/state", root(&sb)),
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(over_http, state);
}

#[tokio::test]
async fn request_log_records_method_path_operation_status_and_bodies() {
    let sb = demo().await;
    let api = client(&sb);
    api.get_customer().domain_id(EXAMPLE).send().await.unwrap();
    let missing = api.get_customer().domain_id(42).send().await.unwrap_err();
    assert_eq!(status_code(&missing).0, 404);
    api.update_customer_partially()
        .domain_id(EXAMPLE)
        .body_map(|b| b.company_name("Renamed"))
        .send()
        .await
        .unwrap();
    let mut with_admin = new_customer("admin.example");
    with_admin.administrator = Some(types::AdministratorCreateRequest {
        last_name: "Yamada".into(),
        first_name: None,
        password: "Secret0pass".into(),
        id: "admin".into(),
        private_email: "admin@example.net".into(),
        cellphone: None,
        country_code: None,
    });
    api.create_customer().body(with_admin).send().await.unwrap();
    let mut log = sb.requests();
    let created = log.pop().unwrap();
    let text = serde_json::to_string(&created.body).unwrap();
    // Neither the text nor its Base64 form (as sent) is logged.
    let wire = lineworks_partner::SecretText::from("Secret0pass").to_base64();
    assert!(
        !text.contains("Secret0pass") && !text.contains(&wire) && text.contains("[redacted]"),
        "{text}"
    );
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/v1.0/partners/customers/10000001");
    assert_eq!(log[0].operation.as_deref(), Some("get_customer"));
    assert_eq!(log[1].status, 404);
    assert_eq!(log[2].body, Some(json!({"companyName": "Renamed"})));
    assert_eq!(
        log[2].response.as_ref().map(|r| r["companyName"].clone()),
        Some(json!("Renamed"))
    );
    let (_, over_http) = http(
        reqwest::Method::GET,
        format!("{}/sandbox/requests", root(&sb)),
        None,
    )
    .await;
    assert_eq!(over_http["requests"].as_array().map(Vec::len), Some(4));
    let (s, _) = http(
        reqwest::Method::DELETE,
        format!("{}/sandbox/requests", root(&sb)),
        None,
    )
    .await;
    assert_eq!(s, 204);
    assert!(sb.requests().is_empty());
}

#[tokio::test]
async fn an_operation_answers_the_given_status_n_times_then_recovers() {
    let sb = demo().await;
    let api = client(&sb);
    sb.fail_next("get_customer", 503, 2).unwrap();
    for _ in 0..2 {
        let e = api
            .get_customer()
            .domain_id(EXAMPLE)
            .send()
            .await
            .unwrap_err();
        assert_eq!(status_code(&e), (503, "SERVICE_UNAVAILABLE".into()));
    }
    assert!(api.get_customer().domain_id(EXAMPLE).send().await.is_ok());
    // Other operations were never affected; a failed write changed nothing.
    sb.fail_next("update_customer_partially", 500, 1).unwrap();
    let e = api
        .update_customer_partially()
        .domain_id(EXAMPLE)
        .body_map(|b| b.company_name("Never"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e).0, 500);
    let c = api.get_customer().domain_id(EXAMPLE).send().await.unwrap();
    assert_ne!(c.company_name, "Never");

    assert_eq!(
        sb.fail_next("no_such_operation", 500, 1),
        Err(ControlError::NoSuchOperation("no_such_operation".into()))
    );
    assert!(matches!(
        sb.fail_next("get_customer", 200, 1),
        Err(ControlError::Invalid(_))
    ));

    // Over HTTP.
    let url = format!("{}/sandbox/faults", root(&sb));
    let (s, body) = http(
        reqwest::Method::POST,
        url.clone(),
        Some(json!({"operation": "list_customers", "status": 429, "times": 1})),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(body["faults"][0]["remaining"], 1);
    let e = api.list_customers().send().await.unwrap_err();
    assert_eq!(status_code(&e).0, 429);
    let (s, _) = http(
        reqwest::Method::POST,
        url,
        Some(json!({"operation": "list_customers"})),
    )
    .await;
    assert_eq!(s, 400, "a fault needs a status or appliedThenTimeout");
}

#[tokio::test]
async fn create_times_out_after_being_applied_and_the_retry_sees_it() {
    let sb = builder()
        .seed(Seed::demo())
        .lost_answer_delay(Duration::from_secs(20))
        .start()
        .await
        .unwrap();
    let api = Client::builder()
        .base_url(sb.base_url())
        .credentials(Credentials::access_token("test"))
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    sb.time_out_after_applying("create_customer", 1).unwrap();
    let started = std::time::Instant::now();
    let lost = api
        .create_customer()
        .body(new_customer("acme.co.jp"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(lost.status(), None, "no answer came: {lost}");
    assert!(started.elapsed() < Duration::from_secs(10));
    // The customer exists although the caller never heard so...
    let found = api
        .list_customers()
        .domain("acme.co.jp")
        .send()
        .await
        .unwrap();
    assert_eq!(found.customers.len(), 1);
    // ...so a blind retry is refused, and the log shows the lost answer.
    let retry = api
        .create_customer()
        .body(new_customer("acme.co.jp"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&retry), (400, "DOMAIN_ALREADY_IN_USE".into()));
    let log = sb.requests();
    assert!(log[0].answer_lost && log[0].status == 201, "{:?}", log[0]);
    assert!(!log[2].answer_lost);
    // Shutting down releases the held answer at once.
    let t = std::time::Instant::now();
    sb.shutdown().await;
    assert!(t.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn customer_side_changes_the_api_cannot_make() {
    let sb = demo().await;
    let api = client(&sb);
    sb.change_customer(EXAMPLE, CustomerChange::default().member_count(60))
        .unwrap();
    let u = api
        .get_usage_status()
        .domain_id(EXAMPLE)
        .send()
        .await
        .unwrap();
    assert_eq!(u.member_count, Some(60));
    assert!(
        matches!(
            sb.change_customer(EXAMPLE, CustomerChange::default().member_count(101)),
            Err(ControlError::Invalid(_))
        ),
        "the user limit is 100"
    );
    sb.change_customer(EXAMPLE, CustomerChange::default().suspended(true))
        .unwrap();
    let u = api
        .get_usage_status()
        .domain_id(EXAMPLE)
        .send()
        .await
        .unwrap();
    assert_eq!(
        u.status.as_ref().map(|s| s.as_str()),
        Some("SUSPENDED_ADMIN")
    );
    assert_eq!(
        sb.change_customer(42, CustomerChange::default().suspended(true)),
        Err(ControlError::NoSuchCustomer(42))
    );
    // Over HTTP: users joining and the administrator resuming.
    let url = format!("{}/sandbox/customers/{EXAMPLE}", root(&sb));
    let (s, _) = http(
        reqwest::Method::POST,
        url.clone(),
        Some(json!({"memberCount": 70, "suspended": false})),
    )
    .await;
    assert_eq!(s, 200);
    let u = api
        .get_usage_status()
        .domain_id(EXAMPLE)
        .send()
        .await
        .unwrap();
    assert_eq!(u.member_count, Some(70));
    assert_eq!(u.status.as_ref().map(|s| s.as_str()), Some("ACTIVE"));
    let (s, b) = http(reqwest::Method::POST, url, Some(json!({"memberCont": 1}))).await;
    assert_eq!(s, 400);
    assert!(
        b["description"].as_str().unwrap().contains("memberCont"),
        "{b}"
    );
}

#[tokio::test]
async fn handles_need_a_token_and_stay_outside_the_api() {
    let sb = demo().await;
    let res = reqwest::Client::new()
        .get(format!("{}/sandbox/state", root(&sb)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let (s, _) = http(
        reqwest::Method::GET,
        format!("{}/v1.0/sandbox/state", root(&sb)),
        None,
    )
    .await;
    assert_eq!(s, 404);
    let (s, _) = http(
        reqwest::Method::GET,
        format!("{}/sandbox/reset", root(&sb)),
        None,
    )
    .await;
    assert_eq!(s, 405);
}

#[tokio::test]
async fn test_fields_appear_only_in_cut_off_objects_and_only_when_on() {
    use lineworks_partner_sandbox::{TEST_NUMBER_FIELD, TEST_TEXT_FIELD, TEST_TEXT_VALUE};
    let sb = demo().await;
    let api = client(&sb);
    let details = |api: Client| async move {
        api.list_invoice_details()
            .year(2025)
            .month(5)
            .send()
            .await
            .unwrap()
            .invoice_details
    };
    // Off by default: the answers hold only what the spec names.
    let off = details(api.clone()).await;
    assert!(!off.is_empty());
    assert!(off[0].settlement_items.iter().all(|i| i.extra.is_empty()));

    sb.set_test_fields(true);
    let on = details(api.clone()).await;
    let items = &on[0].settlement_items;
    assert!(items.len() > 1);
    for (n, item) in items.iter().enumerate() {
        assert_eq!(item.extra[TEST_TEXT_FIELD], TEST_TEXT_VALUE);
        assert_eq!(item.extra[TEST_NUMBER_FIELD], n as u64 + 1);
        assert_eq!(item.extra.len(), 2);
    }
    // An object the pages show whole (a customer) gets none.
    let customer = api
        .get_customer()
        .domain_id(EXAMPLE)
        .send_json()
        .await
        .unwrap();
    assert!(customer.get(TEST_TEXT_FIELD).is_none());

    // The same switch over HTTP, outside /v1.0.
    let url = format!("{}/sandbox/test-fields", root(&sb));
    let (status, body) = http(
        reqwest::Method::POST,
        url.clone(),
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!((status.as_u16(), body), (200, json!({"enabled": false})));
    assert!(
        details(api.clone()).await[0].settlement_items[0]
            .extra
            .is_empty()
    );
    let (status, _) = http(reqwest::Method::POST, url, Some(json!({"enable": true}))).await;
    assert_eq!(status.as_u16(), 400);
}
