//! The sandbox's clock: each kind of scheduled change is made through the API, the calendar
//! is moved past its day, and the new state is read back through the API.

mod common;

use common::{builder, client, days, status_code, today};
use lineworks_partner::types;
use lineworks_partner::{Client, Nullable};
use lineworks_partner_sandbox::{ClockError, Sandbox, Seed};

const FREE: i64 = 10_000_001;
const TRIAL: i64 = 10_000_002;
const ANNUAL: i64 = 10_000_003;
const OPTIONS: i64 = 10_000_004;
const RESERVED_CANCEL: i64 = 10_000_005;
const RENEWAL_CANCEL: i64 = 10_000_006;
const DELETED: i64 = 10_000_007;
const LEAVING: i64 = 10_000_008;

/// Customers for each kind of scheduled change; the tests run on 2025-06-10.
fn seed() -> Seed {
    Seed::from_json(
        r#"{"customers": [
        {"domain": "free.example", "freePlan": true},
        {"domain": "trial.example", "subscriptions": [
            {"productId": "STD_T", "plan": "TRIAL", "planStartDate": "2025-06-01"}]},
        {"domain": "annual.example", "memberCount": 5, "maxMemberCount": 50,
         "subscriptions": [{"productId": "STD", "plan": "ANNUAL_LICENSE", "licenseCount": 10,
                            "planStartDate": "2024-07-01"}],
         "options": [{"optionProductId": "SSTG2", "subOptionId": "SSTG201"}]},
        {"domain": "options.example",
         "subscriptions": [{"productId": "STD", "plan": "ANNUAL_LICENSE", "licenseCount": 10,
                            "planStartDate": "2025-01-01"}],
         "options": [
            {"optionProductId": "DRV", "subOptionId": "DRV01", "quantity": 2},
            {"optionProductId": "SSTG2", "subOptionId": "SSTG201"},
            {"optionProductId": "ACV2", "subOptionId": "ACV201"},
            {"optionProductId": "ACV3", "subOptionId": "ACV300"}]},
        {"domain": "reserved-cancel.example", "subscriptions": [
            {"productId": "STD", "plan": "MONTHLY", "planStartDate": "2025-01-01"}]},
        {"domain": "renewal-cancel.example", "subscriptions": [
            {"productId": "STD", "plan": "MONTHLY", "planStartDate": "2025-01-01"}]},
        {"domain": "deleted.example", "paidApps": true, "subscriptions": [
            {"productId": "STD", "plan": "MONTHLY", "planStartDate": "2025-01-01"}]},
        {"domain": "leaving.example", "freePlan": true}
    ]}"#,
    )
    .expect("clock seed parses")
}

async fn start() -> (Sandbox, Client) {
    let sandbox = builder()
        .seed(seed())
        .start()
        .await
        .expect("sandbox starts");
    let api = client(&sandbox);
    (sandbox, api)
}

fn date(text: &str) -> chrono::NaiveDate {
    text.parse().expect("valid date")
}

async fn subscriptions(api: &Client, domain_id: i64) -> Vec<types::Subscription> {
    api.list_subscriptions()
        .domain_id(domain_id)
        .send()
        .await
        .unwrap()
        .subscriptions
}

async fn the_subscription(api: &Client, domain_id: i64) -> types::Subscription {
    let mut all = subscriptions(api, domain_id).await;
    assert_eq!(all.len(), 1, "customer {domain_id} has one subscription");
    all.remove(0)
}

/// Option id -> (tier, quantity).
async fn options(api: &Client, domain_id: i64) -> Vec<(String, String, Option<i32>)> {
    api.list_option_products()
        .domain_id(domain_id)
        .send()
        .await
        .unwrap()
        .option_products
        .into_iter()
        .map(|o| {
            (
                o.option_product_id.as_str().to_string(),
                o.sub_option_id.as_str().to_string(),
                o.quantity,
            )
        })
        .collect()
}

fn option(list: &[(String, String, Option<i32>)], id: &str) -> Option<(String, Option<i32>)> {
    list.iter()
        .find(|(o, _, _)| o == id)
        .map(|(_, tier, q)| (tier.clone(), *q))
}

#[tokio::test]
#[allow(deprecated)] // checks the deprecated `productId` the API still returns
async fn a_pre_order_becomes_a_subscription_on_its_day() {
    let (sandbox, api) = start().await;
    api.create_pre_order()
        .domain_id(FREE)
        .body(types::PreOrderCreateRequest {
            apply_date: days(5),
            product_id: "STD".parse().unwrap(),
            plan: Some("ANNUAL_LICENSE".parse().unwrap()),
            license_count: Some(Nullable::Value(10)),
        })
        .send()
        .await
        .unwrap();
    // An option ordered with the scheduled subscription starts with it.
    api.create_option_product_order()
        .domain_id(FREE)
        .body(types::OptionProductOrderCreateRequest {
            type_: "APPLY".parse().unwrap(),
            option_product_id: "ACV2".parse().unwrap(),
            sub_option_id: Some("ACV201".parse().unwrap()),
            apply_date: days(5),
            quantity: None,
        })
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");

    assert_eq!(sandbox.advance_to(days(4)).await.unwrap(), days(4));
    assert!(subscriptions(&api, FREE).await.is_empty());
    let pending = api.list_pre_orders().domain_id(FREE).send().await.unwrap();
    assert_eq!(pending.subscription_pre_orders.len(), 1);
    assert!(options(&api, FREE).await.is_empty());

    sandbox.advance_to(days(5)).await.unwrap();
    let s = the_subscription(&api, FREE).await;
    assert_eq!(
        (s.product_id.as_str(), s.plan.as_str(), s.license_count),
        ("STD", "ANNUAL_LICENSE", Some(10))
    );
    assert_eq!(s.plan_start_date, days(5));
    assert_eq!(s.status.as_str(), "ACTIVE");
    let pending = api.list_pre_orders().domain_id(FREE).send().await.unwrap();
    assert!(pending.subscription_pre_orders.is_empty());
    let customer = api.get_customer().domain_id(FREE).send().await.unwrap();
    assert_eq!(
        customer.product_id.as_ref().map(|p| p.as_str()),
        Some("STD")
    );
    let listed = api
        .list_option_products()
        .domain_id(FREE)
        .send()
        .await
        .unwrap()
        .option_products;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].sub_option_id.as_str(), "ACV201");
    assert_eq!(listed[0].subscription_id, Some(s.subscription_id));
    let orders = api
        .list_option_product_orders()
        .domain_id(FREE)
        .send()
        .await
        .unwrap();
    assert!(orders.option_product_orders.is_empty());
}

#[tokio::test]
async fn a_trial_becomes_paid_on_its_reservation_day() {
    let (sandbox, api) = start().await;
    let sid = the_subscription(&api, TRIAL).await.subscription_id;
    api.create_subscription_reservation()
        .domain_id(TRIAL)
        .subscription_id(sid)
        .body(types::ReservationCreateRequest {
            type_: "START_PAID_SERVICE".parse().unwrap(),
            apply_date: days(10),
            plan: Some("MONTHLY".parse().unwrap()),
            product_id: None,
            license_count: None,
        })
        .send()
        .await
        .unwrap();

    assert_eq!(sandbox.advance_days(9).await.unwrap(), days(9));
    let s = the_subscription(&api, TRIAL).await;
    assert_eq!((s.product_id.as_str(), s.plan.as_str()), ("STD_T", "TRIAL"));
    assert!(
        api.get_subscription_reservation()
            .domain_id(TRIAL)
            .subscription_id(sid)
            .send()
            .await
            .is_ok()
    );

    assert_eq!(sandbox.advance_days(1).await.unwrap(), days(10));
    let s = the_subscription(&api, TRIAL).await;
    assert_eq!(s.subscription_id, sid);
    assert_eq!((s.product_id.as_str(), s.plan.as_str()), ("STD", "MONTHLY"));
    assert_eq!(s.plan_start_date, days(10));
    assert_eq!(s.plan_end_date, Some(date("2025-06-30")));
    let gone = api
        .get_subscription_reservation()
        .domain_id(TRIAL)
        .subscription_id(sid)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&gone).0, 404);
    let renewal = api
        .get_subscription_renewal()
        .domain_id(TRIAL)
        .subscription_id(sid)
        .send()
        .await
        .unwrap();
    assert_eq!(renewal.type_.as_str(), "STAY");
}

#[tokio::test]
async fn licences_user_limits_and_renewal_terms_apply_in_date_order() {
    let (sandbox, api) = start().await;
    let sid = the_subscription(&api, ANNUAL).await.subscription_id;
    // 2025-06-15: five more licences.
    api.create_subscription_reservation()
        .domain_id(ANNUAL)
        .subscription_id(sid)
        .body(types::ReservationCreateRequest {
            type_: "ADD_LICENSE".parse().unwrap(),
            apply_date: days(5),
            plan: None,
            product_id: None,
            license_count: Some(5),
        })
        .send()
        .await
        .unwrap();
    // 2025-06-25: the user limit goes up.
    api.create_usage_status_renewal()
        .domain_id(ANNUAL)
        .body(types::UsageStatusRenewalCreateRequest {
            apply_date: days(15),
            max_member_count: Some(Nullable::Value(80)),
        })
        .send()
        .await
        .unwrap();
    // 2025-07-01, the end of the contract year: 30 licences and a bigger storage tier.
    api.update_subscription_renewal()
        .domain_id(ANNUAL)
        .subscription_id(sid)
        .body(types::RenewalPatchRequest {
            type_: "CHANGE".parse().unwrap(),
            product_id: None,
            plan: None,
            license_count: Some(30),
        })
        .send()
        .await
        .unwrap();
    api.update_option_product_renewal()
        .domain_id(ANNUAL)
        .option_product_id("SSTG2")
        .body_map(|b| {
            b.type_("CHANGE".parse().unwrap())
                .sub_option_id("SSTG202".parse().unwrap())
        })
        .send()
        .await
        .unwrap();

    let licences = |s: &types::Subscription| s.license_count;
    sandbox.advance_to(days(4)).await.unwrap();
    assert_eq!(licences(&the_subscription(&api, ANNUAL).await), Some(10));
    sandbox.advance_to(days(5)).await.unwrap();
    assert_eq!(licences(&the_subscription(&api, ANNUAL).await), Some(15));

    let usage = |api: Client| async move {
        api.get_usage_status()
            .domain_id(ANNUAL)
            .send()
            .await
            .unwrap()
    };
    let u = usage(api.clone()).await;
    assert_eq!(u.max_member_count, Some(50));
    assert_eq!(u.renewal.map(|r| r.apply_date), Some(days(15)));

    // One step over several scheduled days applies each of them.
    sandbox.advance_to(date("2025-06-30")).await.unwrap();
    let u = usage(api.clone()).await;
    assert_eq!(u.max_member_count, Some(80));
    assert!(u.renewal.is_none());
    let s = the_subscription(&api, ANNUAL).await;
    assert_eq!(s.license_count, Some(15));
    assert_eq!(s.plan_end_date, Some(date("2025-06-30")));
    assert_eq!(
        option(&options(&api, ANNUAL).await, "SSTG2"),
        Some(("SSTG201".into(), None))
    );

    sandbox.advance_to(date("2025-07-01")).await.unwrap();
    let s = the_subscription(&api, ANNUAL).await;
    assert_eq!(s.license_count, Some(30));
    assert_eq!(s.plan_start_date, date("2025-07-01"));
    assert_eq!(s.plan_end_date, Some(date("2026-06-30")));
    let renewal = s.renewal.expect("paid subscriptions have renewal terms");
    assert_eq!(
        (renewal.type_.as_str(), renewal.license_count),
        ("STAY", Some(30))
    );
    assert_eq!(
        option(&options(&api, ANNUAL).await, "SSTG2"),
        Some(("SSTG202".into(), None))
    );
    let option_renewal = api
        .get_option_product_renewal()
        .domain_id(ANNUAL)
        .option_product_id("SSTG2")
        .send()
        .await
        .unwrap();
    assert_eq!(
        option_renewal.type_.as_ref().map(|t| t.as_str()),
        Some("STAY")
    );
}

async fn order(
    api: &Client,
    kind: &str,
    option: &str,
    tier: Option<&str>,
    day: chrono::NaiveDate,
    quantity: Option<i32>,
) {
    api.create_option_product_order()
        .domain_id(OPTIONS)
        .body(types::OptionProductOrderCreateRequest {
            type_: kind.parse().unwrap(),
            option_product_id: option.parse().unwrap(),
            sub_option_id: tier.map(|v| v.parse().unwrap()),
            apply_date: day,
            quantity: quantity.map(Nullable::Value),
        })
        .send()
        .await
        .unwrap_or_else(|e| panic!("{kind} {option}: {e}"));
}

#[tokio::test]
async fn option_orders_apply_on_their_days() {
    let (sandbox, api) = start().await;
    order(&api, "CANCEL", "ACV2", None, days(3), None).await;
    order(&api, "APPLY", "BCT", Some("BCT02"), days(4), None).await;
    order(&api, "MODIFY", "SSTG2", Some("SSTG203"), days(5), None).await;
    order(
        &api,
        "START_PAID_SERVICE",
        "ACV3",
        Some("ACV301"),
        days(7),
        None,
    )
    .await;
    order(
        &api,
        "CHANGE_QUANTITY",
        "DRV",
        None,
        date("2025-07-01"),
        Some(5),
    )
    .await;

    let before = options(&api, OPTIONS).await;
    sandbox.advance_to(days(2)).await.unwrap();
    assert_eq!(options(&api, OPTIONS).await, before, "nothing is due yet");

    sandbox.advance_to(days(3)).await.unwrap();
    let now = options(&api, OPTIONS).await;
    assert_eq!(option(&now, "ACV2"), None);
    assert_eq!(option(&now, "BCT"), None);

    sandbox.advance_to(days(4)).await.unwrap();
    let now = options(&api, OPTIONS).await;
    assert_eq!(option(&now, "BCT"), Some(("BCT02".into(), None)));
    assert_eq!(option(&now, "SSTG2"), Some(("SSTG201".into(), None)));

    sandbox.advance_to(days(7)).await.unwrap();
    let now = options(&api, OPTIONS).await;
    assert_eq!(option(&now, "SSTG2"), Some(("SSTG203".into(), None)));
    assert_eq!(option(&now, "ACV3"), Some(("ACV301".into(), None)));
    assert_eq!(option(&now, "DRV"), Some(("DRV01".into(), Some(2))));

    sandbox.advance_to(date("2025-07-01")).await.unwrap();
    let now = options(&api, OPTIONS).await;
    assert_eq!(option(&now, "DRV"), Some(("DRV01".into(), Some(5))));
    let drv = api
        .get_option_product_renewal()
        .domain_id(OPTIONS)
        .option_product_id("DRV")
        .send()
        .await
        .unwrap();
    assert_eq!(drv.quantity, Some(5));
    let orders = api
        .list_option_product_orders()
        .domain_id(OPTIONS)
        .send()
        .await
        .unwrap();
    assert!(orders.option_product_orders.is_empty());
    // The annual subscription itself runs on.
    let s = the_subscription(&api, OPTIONS).await;
    assert_eq!(s.license_count, Some(10));
    assert_eq!(s.plan_end_date, Some(date("2025-12-31")));
}

#[tokio::test]
async fn scheduled_and_renewal_cancellations_end_subscriptions() {
    let (sandbox, api) = start().await;
    let reserved = the_subscription(&api, RESERVED_CANCEL)
        .await
        .subscription_id;
    api.create_subscription_reservation()
        .domain_id(RESERVED_CANCEL)
        .subscription_id(reserved)
        .body(types::ReservationCreateRequest {
            type_: "CANCEL".parse().unwrap(),
            apply_date: days(5),
            plan: None,
            product_id: None,
            license_count: None,
        })
        .send()
        .await
        .unwrap();
    let renewing = the_subscription(&api, RENEWAL_CANCEL).await.subscription_id;
    api.update_subscription_renewal()
        .domain_id(RENEWAL_CANCEL)
        .subscription_id(renewing)
        .body(types::RenewalPatchRequest {
            type_: "CANCEL".parse().unwrap(),
            product_id: None,
            plan: None,
            license_count: None,
        })
        .send()
        .await
        .unwrap();

    sandbox.advance_to(days(4)).await.unwrap();
    assert_eq!(subscriptions(&api, RESERVED_CANCEL).await.len(), 1);
    sandbox.advance_to(days(5)).await.unwrap();
    assert!(subscriptions(&api, RESERVED_CANCEL).await.is_empty());

    sandbox.advance_to(date("2025-06-30")).await.unwrap();
    assert_eq!(subscriptions(&api, RENEWAL_CANCEL).await.len(), 1);
    sandbox.advance_to(date("2025-07-01")).await.unwrap();
    assert!(subscriptions(&api, RENEWAL_CANCEL).await.is_empty());
    // A monthly subscription on its own terms simply goes on into the next month.
    let kept = the_subscription(&api, DELETED).await;
    assert_eq!(kept.plan_end_date, Some(date("2025-07-31")));
}

#[tokio::test]
async fn customers_leave_on_their_withdrawal_day() {
    let (sandbox, api) = start().await;
    api.delete_customer()
        .domain_id(DELETED)
        .send()
        .await
        .unwrap();
    let u = api
        .get_usage_status()
        .domain_id(DELETED)
        .send()
        .await
        .unwrap();
    assert_eq!(u.withdrawal_date, Some(date("2025-07-02")));
    api.update_usage_status_partially()
        .domain_id(LEAVING)
        .body(types::UsageStatusPatchRequest {
            max_member_count: None,
            withdrawal_date: Some(Nullable::Value(days(20))),
        })
        .send()
        .await
        .unwrap();

    sandbox.advance_to(days(19)).await.unwrap();
    let u = api
        .get_usage_status()
        .domain_id(LEAVING)
        .send()
        .await
        .unwrap();
    assert_eq!(
        u.status.map(|s| s.as_str().to_string()).as_deref(),
        Some("ACTIVE")
    );
    sandbox.advance_to(days(20)).await.unwrap();
    let gone = api
        .get_customer()
        .domain_id(LEAVING)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&gone).0, 404);

    sandbox.advance_to(date("2025-07-01")).await.unwrap();
    let u = api
        .get_usage_status()
        .domain_id(DELETED)
        .send()
        .await
        .unwrap();
    assert_eq!(
        u.status.map(|s| s.as_str().to_string()).as_deref(),
        Some("SUSPENDED_WITHDRAWAL")
    );
    sandbox.advance_to(date("2025-07-02")).await.unwrap();
    let gone = api
        .get_customer()
        .domain_id(DELETED)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&gone).0, 404);
    let listed = api.list_customers().send().await.unwrap();
    assert!(
        listed
            .customers
            .iter()
            .all(|c| c.domain_id != DELETED && c.domain_id != LEAVING)
    );
    // The domain is free again.
    let again = api
        .verify_domain()
        .body_map(|b| b.domain("deleted.example"))
        .send()
        .await;
    assert!(again.is_ok(), "{again:?}");
}

#[tokio::test]
async fn the_clock_only_moves_forward() {
    let (sandbox, api) = start().await;
    assert_eq!(sandbox.today(), today());
    api.create_usage_status_renewal()
        .domain_id(ANNUAL)
        .body(types::UsageStatusRenewalCreateRequest {
            apply_date: days(3),
            max_member_count: Some(Nullable::Value(70)),
        })
        .send()
        .await
        .unwrap();
    // The same day is allowed and changes nothing.
    assert_eq!(sandbox.advance_to(today()).await.unwrap(), today());
    assert_eq!(sandbox.advance_days(0).await.unwrap(), today());
    let back = sandbox.advance_to(days(-1)).await.unwrap_err();
    assert_eq!(
        back,
        ClockError::Backwards {
            today: today(),
            requested: days(-1)
        }
    );
    assert!(back.to_string().contains("only moves forward"));
    assert!(sandbox.advance_to(date("2200-01-01")).await.is_err());
    assert_eq!(sandbox.today(), today());
    let u = api
        .get_usage_status()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    assert_eq!(u.max_member_count, Some(50));

    // Scheduling windows follow the moved calendar.
    sandbox.advance_days(1).await.unwrap();
    let late = api
        .create_pre_order()
        .domain_id(FREE)
        .body(types::PreOrderCreateRequest {
            apply_date: days(1),
            product_id: "STD".parse().unwrap(),
            plan: Some("MONTHLY".parse().unwrap()),
            license_count: None,
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&late).0, 400);
}

#[tokio::test]
async fn the_clock_endpoint_drives_a_running_sandbox() {
    let (sandbox, api) = start().await;
    let http = reqwest::Client::new();
    let url = format!("http://{}/sandbox/clock", sandbox.addr());
    let auth = ("Authorization", "Bearer test");
    let read = |r: reqwest::Response| async move {
        let status = r.status().as_u16();
        let body: serde_json::Value = r.json().await.unwrap();
        (status, body)
    };

    let (status, body) = read(http.get(&url).header(auth.0, auth.1).send().await.unwrap()).await;
    assert_eq!((status, body["today"].as_str()), (200, Some("2025-06-10")));

    api.create_usage_status_renewal()
        .domain_id(ANNUAL)
        .body(types::UsageStatusRenewalCreateRequest {
            apply_date: days(3),
            max_member_count: Some(Nullable::Value(70)),
        })
        .send()
        .await
        .unwrap();
    let post = |body: serde_json::Value| http.post(&url).header(auth.0, auth.1).json(&body).send();

    let (status, body) = read(post(serde_json::json!({"advanceDays": 2})).await.unwrap()).await;
    assert_eq!((status, body["today"].as_str()), (200, Some("2025-06-12")));
    let u = api
        .get_usage_status()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    assert_eq!(u.max_member_count, Some(50));

    let (status, body) = read(
        post(serde_json::json!({"today": "2025-06-13"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["today"].as_str()), (200, Some("2025-06-13")));
    let u = api
        .get_usage_status()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    assert_eq!(u.max_member_count, Some(70));
    assert_eq!(sandbox.today(), days(3));

    let (status, body) = read(
        post(serde_json::json!({"today": "2025-06-01"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("CLOCK_BACKWARDS"))
    );
    for bad in [
        serde_json::json!({"today": "June"}),
        serde_json::json!({"advanceDays": -1}),
        serde_json::json!({"today": "2025-07-01", "advanceDays": 1}),
        serde_json::json!({"tomorrow": true}),
        serde_json::json!([]),
    ] {
        let (status, body) = read(post(bad.clone()).await.unwrap()).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("INVALID_PARAMETER")),
            "{bad}"
        );
    }
    assert_eq!(sandbox.today(), days(3));

    let anonymous = http.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let wrong = http
        .delete(&url)
        .header(auth.0, auth.1)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 405);
    // The clock is not part of the Partner API.
    let under_api = format!("{}/sandbox/clock", sandbox.base_url());
    let missing = http
        .get(&under_api)
        .header(auth.0, auth.1)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
}
