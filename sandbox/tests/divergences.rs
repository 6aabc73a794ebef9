//! The sandbox follows the facts of the reference pages where it used to differ. Each test
//! is named after the fact file (`partner-customer-*`) it follows; the behaviours the facts
//! leave open are sandbox assumptions listed in the README.

mod common;

use chrono::NaiveDate;
use common::{builder, client, demo, status_code};
use lineworks_partner::{Client, Nullable, types};
use lineworks_partner_sandbox::{CustomerChange, Sandbox, Seed};
use serde_json::json;

const EXAMPLE: i64 = 10_000_001;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

async fn seeded(json: &str) -> (Sandbox, Client) {
    let sb = builder()
        .seed(Seed::from_json(json).expect("seed parses"))
        .start()
        .await
        .expect("sandbox starts");
    let api = client(&sb);
    (sb, api)
}

async fn invoice(api: &Client, year: i32, month: i32) -> types::Invoice {
    api.list_invoices()
        .year(year)
        .send()
        .await
        .unwrap()
        .invoices
        .into_iter()
        .find(|i| i.invoice_month == Some(month))
        .unwrap_or_else(|| panic!("an invoice for {year}-{month}"))
}

fn new_customer(domain: &str) -> types::CustomerCreateRequest {
    types::CustomerCreateRequest::builder()
        .domain(domain)
        .company_name("Acme")
        .phone_number("03-1234-5678")
        .time_zone("Asia/Tokyo")
        .locale(types::Locale::JaJp)
        .build()
}

// 1. Billing: a closed month is fixed.

#[tokio::test]
async fn partner_customer_invoice_list_closed_months_do_not_change_when_licences_are_added_or_customers_leave()
 {
    let sb = demo().await;
    let api = client(&sb);
    let before_2024 = api.list_invoices().year(2024).send().await.unwrap();
    let before_2025 = api.list_invoices().year(2025).send().await.unwrap();
    assert!(before_2024.invoices.iter().any(|i| i.used_amount > Some(0)));
    let may_usage = |api: Client| async move {
        api.list_customer_usages()
            .domain_id(EXAMPLE)
            .year(2024)
            .month(5)
            .send()
            .await
            .unwrap()
    };
    let usage_before = may_usage(api.clone()).await;
    assert_eq!(usage_before.usages[0].license_count, Some(50));

    api.add_license_count()
        .domain_id(EXAMPLE)
        .subscription_id(20_000_001)
        .body_map(|b| b.license_count(1000))
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.list_invoices().year(2024).send().await.unwrap(),
        before_2024
    );
    assert_eq!(
        api.list_invoices().year(2025).send().await.unwrap(),
        before_2025
    );
    assert_eq!(may_usage(api.clone()).await, usage_before);

    // A customer that leaves keeps its share of the closed months.
    api.delete_customer()
        .domain_id(10_000_011)
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.list_invoices().year(2024).send().await.unwrap(),
        before_2024
    );
    assert_eq!(
        api.list_invoices().year(2025).send().await.unwrap(),
        before_2025
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn partner_customer_invoice_detail_list_amounts_follow_start_and_end_dates_of_each_change() {
    let (sb, api) = seeded(
        r#"{"customers": [{"domain": "monthly.example", "memberCount": 10,
            "subscriptions": [{"productId": "STD", "plan": "MONTHLY", "planStartDate": "2025-05-16"}]}]}"#,
    )
    .await;
    // Started on the 16th: 16 of May's 31 days at 540 yen per user (the assumed price).
    assert_eq!(
        invoice(&api, 2025, 5).await.used_amount,
        Some(540 * 10 * 16 / 31)
    );
    // Ten more users join on the 10th of June.
    sb.change_customer(10_000_001, CustomerChange::default().member_count(20))
        .unwrap();
    sb.advance_to(date("2025-07-01")).await.unwrap();
    assert_eq!(
        invoice(&api, 2025, 6).await.used_amount,
        Some((9 * 5400 + 21 * 10800) / 30)
    );
    let details = api
        .list_invoice_details()
        .year(2025)
        .month(6)
        .send()
        .await
        .unwrap();
    let products: Vec<(NaiveDate, NaiveDate)> = details.invoice_details[0]
        .settlement_items
        .iter()
        .filter(|i| i.item_type.as_ref().map(|t| t.as_str()) == Some("PRODUCT"))
        .map(|i| (i.start_date.unwrap(), i.end_date.unwrap()))
        .collect();
    assert_eq!(
        products,
        vec![
            (date("2025-06-01"), date("2025-06-09")),
            (date("2025-06-10"), date("2025-06-30"))
        ]
    );
}

#[tokio::test]
async fn partner_customer_invoice_list_annual_prepay_is_billed_for_the_year_in_advance() {
    let (_sb, api) = seeded(
        r#"{"customers": [{"domain": "prepay.example", "memberCount": 80,
            "subscriptions": [{"productId": "ADV", "plan": "ANNUAL_PREPAY_LICENSE", "licenseCount": 100,
                               "planStartDate": "2023-07-01"}]}]}"#,
    )
    .await;
    assert_eq!(
        invoice(&api, 2024, 7).await.used_amount,
        Some(12 * 800 * 100)
    );
    let august = invoice(&api, 2024, 8).await;
    assert_eq!(august.used_amount, Some(0));
    assert_eq!(
        august
            .payment_status
            .map(|s| s.as_str().to_string())
            .as_deref(),
        Some("NONE")
    );
}

#[tokio::test]
async fn partner_customer_delete_an_annual_contract_ended_early_shows_a_penalty_line() {
    let (sb, api) = seeded(
        r#"{"customers": [{"domain": "annual.example", "memberCount": 5,
            "subscriptions": [{"productId": "STD", "plan": "ANNUAL_LICENSE", "licenseCount": 10,
                               "planStartDate": "2024-04-01"}]}]}"#,
    )
    .await;
    let may = invoice(&api, 2025, 5).await;
    assert_eq!((may.used_amount, may.penalty_amount), (Some(4500), Some(0)));
    api.delete_customer()
        .domain_id(10_000_001)
        .send()
        .await
        .unwrap();
    sb.advance_to(date("2025-07-01")).await.unwrap();
    let june = invoice(&api, 2025, 6).await;
    // Billed up to the day before deletion, plus the months of the term after this one.
    assert_eq!(june.used_amount, Some(4500 * 9 / 30));
    assert_eq!(june.penalty_amount, Some(9 * 4500));
    // May's amounts stand; only its payment status moved on (paid on June 25th).
    let may_now = invoice(&api, 2025, 5).await;
    assert_eq!(
        (may_now.used_amount, may_now.total_amount),
        (may.used_amount, may.total_amount)
    );
    let details = api
        .list_invoice_details()
        .year(2025)
        .month(6)
        .send()
        .await
        .unwrap();
    let kinds: Vec<&str> = details.invoice_details[0]
        .settlement_items
        .iter()
        .filter_map(|i| i.item_type.as_ref().map(|t| t.as_str()))
        .collect();
    assert_eq!(kinds, ["PRODUCT", "PENALTY", "SUMMARY"]);
}

// 2. Trials end.

#[tokio::test]
async fn partner_customer_option_products_paidservice_trial_options_are_removed_when_the_grace_period_ends()
 {
    let sb = builder()
        .trial_days(10, 5)
        .seed(
            Seed::from_json(
                r#"{"customers": [{"domain": "trial.by-works.com",
                "subscriptions": [{"productId": "ADV_T", "plan": "TRIAL", "planStartDate": "2025-06-01"}],
                "options": [{"optionProductId": "DRV", "subOptionId": "DRV_PA_T"}]}]}"#,
            )
            .unwrap(),
        )
        .start()
        .await
        .unwrap();
    let api = client(&sb);
    let id = 10_000_001;
    sb.advance_to(date("2025-06-15")).await.unwrap(); // the last day of grace
    let options = api
        .list_option_products()
        .domain_id(id)
        .send()
        .await
        .unwrap();
    assert_eq!(options.option_products.len(), 1);
    sb.advance_to(date("2025-06-16")).await.unwrap();
    let options = api
        .list_option_products()
        .domain_id(id)
        .send()
        .await
        .unwrap();
    assert!(options.option_products.is_empty());
    let subs = api.list_subscriptions().domain_id(id).send().await.unwrap();
    assert!(subs.subscriptions.is_empty(), "the expired trial is over");
    // No dead end: the customer can start again.
    let again = api
        .create_subscription()
        .domain_id(id)
        .body(types::SubscriptionCreateRequest {
            product_id: "STD".parse().unwrap(),
            plan: "MONTHLY".parse().unwrap(),
            license_count: None,
        })
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    assert_eq!(again.status.as_str(), "ACTIVE");
}

// 3. Activation follows the terms and the DNS records.

#[tokio::test]
async fn partner_customer_activate_needs_accepted_terms_and_published_dns() {
    let sb = demo().await;
    let api = client(&sb);
    let id = api
        .create_customer()
        .body(new_customer("acme.co.jp"))
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body")
        .domain_id;
    let status = |c: &types::Customer| {
        c.partnership
            .as_ref()
            .and_then(|p| p.status.as_ref())
            .map(|s| s.as_str().to_string())
    };
    let e = api
        .activate_customer()
        .domain_id(id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e), (400, "TERMS_NOT_ACCEPTED".into()));
    let paid = api
        .create_subscription()
        .domain_id(id)
        .body(types::SubscriptionCreateRequest {
            product_id: "STD".parse().unwrap(),
            plan: "MONTHLY".parse().unwrap(),
            license_count: None,
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&paid), (400, "TERMS_NOT_ACCEPTED".into()));

    sb.change_customer(id, CustomerChange::default().accept_terms())
        .unwrap();
    let c = api.get_customer().domain_id(id).send().await.unwrap();
    assert_eq!(status(&c).as_deref(), Some("APPROVED"));
    let e = api
        .activate_customer()
        .domain_id(id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e), (400, "DOMAIN_NOT_VERIFIED".into()));
    assert!(!c.enable_active_domain);

    sb.change_customer(id, CustomerChange::default().publish_dns(true))
        .unwrap();
    let active = api.activate_customer().domain_id(id).send().await.unwrap();
    assert!(active.enable_active_domain);
}

// 4. Deletion is deferred only for tenants with paid apps.

#[tokio::test]
async fn partner_customer_delete_is_immediate_without_paid_apps_and_deferred_with_them() {
    let sb = demo().await;
    let api = client(&sb);
    api.delete_customer()
        .domain_id(EXAMPLE)
        .send()
        .await
        .unwrap();
    let gone = api
        .get_customer()
        .domain_id(EXAMPLE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&gone).0, 404);

    sb.change_customer(10_000_002, CustomerChange::default().paid_apps(true))
        .unwrap();
    api.delete_customer()
        .domain_id(10_000_002)
        .send()
        .await
        .unwrap();
    let u = api
        .get_usage_status()
        .domain_id(10_000_002)
        .send()
        .await
        .unwrap();
    assert_eq!(
        u.status.map(|s| s.as_str().to_string()).as_deref(),
        Some("SUSPENDED_WITHDRAWAL")
    );
}

// 8. Contradictions and unknown fields.

#[tokio::test]
async fn partner_customer_preorders_post_no_immediate_subscription_while_a_pre_order_waits() {
    let sb = demo().await;
    let api = client(&sb);
    let free = 10_000_007; // fujimi-school, on the Free plan
    api.create_pre_order()
        .domain_id(free)
        .body(types::PreOrderCreateRequest {
            apply_date: common::days(5),
            product_id: "STD".parse().unwrap(),
            plan: Some("MONTHLY".parse().unwrap()),
            license_count: None,
        })
        .send()
        .await
        .unwrap();
    let e = api
        .create_subscription()
        .domain_id(free)
        .body(types::SubscriptionCreateRequest {
            product_id: "STD_T".parse().unwrap(),
            plan: "TRIAL".parse().unwrap(),
            license_count: None,
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e), (400, "PRE_ORDER_EXISTS".into()));
}

#[tokio::test]
async fn partner_customer_update_patch_unknown_fields_are_named_in_a_warning_or_refused_when_strict()
 {
    let sb = demo().await;
    let url = format!("{}/partners/customers/{EXAMPLE}", sb.base_url());
    let patch = |url: String| async move {
        reqwest::Client::new()
            .patch(url)
            .bearer_auth("t")
            .json(&json!({"companyNam": "Typo Inc."}))
            .send()
            .await
            .unwrap()
    };
    let res = patch(url.clone()).await;
    assert_eq!(res.status(), 200);
    let warning = res.headers()["sandbox-warning"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(warning.contains("companyNam"), "{warning}");
    assert_eq!(sb.requests()[0].ignored_fields, ["companyNam"]);

    let strict = builder()
        .seed(Seed::demo())
        .strict(true)
        .start()
        .await
        .unwrap();
    let res = patch(format!(
        "{}/partners/customers/{EXAMPLE}",
        strict.base_url()
    ))
    .await;
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body["description"].as_str().unwrap().contains("companyNam"),
        "{body}"
    );
}

// 6 and 9. Smaller ones.

#[tokio::test]
async fn partner_customer_option_product_orders_post_start_paid_service_window_follows_the_trial_end()
 {
    let (_sb, api) = seeded(
        r#"{"customers": [{"domain": "trial.by-works.com",
            "subscriptions": [{"productId": "ADV_T", "plan": "TRIAL", "planStartDate": "2025-06-01"}],
            "options": [{"optionProductId": "DRV", "subOptionId": "DRV_PA_T"}]}]}"#,
    )
    .await;
    // Trial until 2025-06-30, grace until 2025-07-30: 2025-07-20 lies past today + 31 days.
    let order = api
        .create_option_product_order()
        .domain_id(10_000_001)
        .body(types::OptionProductOrderCreateRequest {
            apply_date: date("2025-07-20"),
            option_product_id: "DRV".parse().unwrap(),
            quantity: Some(Nullable::Value(1)),
            sub_option_id: Some("DRV_PA".parse().unwrap()),
            type_: "START_PAID_SERVICE".parse().unwrap(),
        })
        .send()
        .await;
    assert!(order.is_ok(), "{order:?}");
}

#[tokio::test]
async fn partner_customer_option_products_post_applied_time_is_repeatable_under_a_pinned_calendar()
{
    let sb = demo().await;
    let api = client(&sb);
    let added = api
        .create_option_product()
        .domain_id(EXAMPLE)
        .body_map(|b| {
            b.option_product_id(types::OptionProductId::Acv3)
                .sub_option_id(types::SubOptionId::Acv301)
        })
        .send()
        .await
        .unwrap();
    assert_eq!(
        added.applied_time.map(|t| t.to_rfc3339()).as_deref(),
        Some("2025-06-10T00:00:00+00:00")
    );
}

#[tokio::test]
async fn partner_customer_usage_status_renewal_post_a_scheduled_limit_below_the_users_is_refused() {
    let sb = demo().await;
    let api = client(&sb);
    // example.com has 25 users.
    let e = api
        .create_usage_status_renewal()
        .domain_id(EXAMPLE)
        .body(types::UsageStatusRenewalCreateRequest {
            apply_date: common::days(5),
            max_member_count: Some(Nullable::Value(10)),
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e).0, 400);
    assert!(e.to_string().contains("maxMemberCount"), "{e}");
}

#[tokio::test]
async fn partner_customer_subscriptions_get_trial_end_empty_lists_and_renewed_start_dates() {
    let (sb, api) = seeded(
        r#"{"customers": [
            {"domain": "trial.by-works.com",
             "subscriptions": [{"productId": "STD_T", "plan": "TRIAL", "planStartDate": "2025-06-01"}]},
            {"domain": "monthly.example",
             "subscriptions": [{"productId": "STD", "plan": "MONTHLY", "planStartDate": "2025-01-01"}]}]}"#,
    )
    .await;
    let trial = api
        .list_subscriptions()
        .domain_id(10_000_001)
        .send()
        .await
        .unwrap();
    assert_eq!(
        trial.subscriptions[0].plan_end_date,
        Some(date("2025-06-30"))
    );

    let url = format!(
        "{}/partners/customers/10000001/option-products",
        sb.base_url()
    );
    let body: serde_json::Value = reqwest::Client::new()
        .get(url)
        .bearer_auth("t")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body, json!({"optionProducts": []}));

    sb.advance_to(date("2025-07-01")).await.unwrap();
    let monthly = api
        .list_subscriptions()
        .domain_id(10_000_002)
        .send()
        .await
        .unwrap();
    assert_eq!(monthly.subscriptions[0].plan_start_date, date("2025-07-01"));
    assert_eq!(
        monthly.subscriptions[0].plan_end_date,
        Some(date("2025-07-31"))
    );
}

// 5. Upgrades.

#[tokio::test]
async fn partner_customer_subscriptions_upgrade_keeps_a_renewal_cancel_and_needs_a_domain() {
    let sb = demo().await;
    let api = client(&sb);
    let (aozora, sid) = (10_000_002, 20_000_002);
    api.update_subscription_renewal()
        .domain_id(aozora)
        .subscription_id(sid)
        .body(types::RenewalPatchRequest {
            type_: "CANCEL".parse().unwrap(),
            product_id: None,
            plan: None,
            license_count: None,
        })
        .send()
        .await
        .unwrap();
    api.upgrade_subscription()
        .domain_id(aozora)
        .subscription_id(sid)
        .body_map(|b| b.product_id(types::UpgradeProductId::Adv))
        .send()
        .await
        .unwrap();
    let renewal = api
        .get_subscription_renewal()
        .domain_id(aozora)
        .subscription_id(sid)
        .send()
        .await
        .unwrap();
    assert_eq!(renewal.type_.as_str(), "CANCEL");

    // Group names cannot go to Advanced: a trial's conversion, nor a pre-order.
    let bluebird = 10_000_003; // bluebird.by-works.com, on a Standard trial
    let e = api
        .convert_subscription_to_paid()
        .domain_id(bluebird)
        .subscription_id(20_000_003)
        .body(types::SubscriptionPaidServiceRequest {
            plan: "MONTHLY".parse().unwrap(),
            product_id: Some("ADV".parse().unwrap()),
            license_count: None,
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e), (400, "ADVANCED_NEEDS_DOMAIN".into()));
    let e = api
        .create_pre_order()
        .domain_id(10_000_007) // fujimi-school, a group on the Free plan
        .body(types::PreOrderCreateRequest {
            apply_date: common::days(5),
            product_id: "ADV".parse().unwrap(),
            plan: Some("MONTHLY".parse().unwrap()),
            license_count: None,
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e), (400, "ADVANCED_NEEDS_DOMAIN".into()));
}

// 6. Option rules.

fn option_renewal(tier: &str) -> types::OptionRenewalPatchRequest {
    types::OptionRenewalPatchRequest {
        quantity: None,
        sub_option_id: Some(tier.parse().unwrap()),
        type_: Some("CHANGE".parse().unwrap()),
    }
}

#[tokio::test]
async fn partner_customer_option_products_renewal_patch_only_sstg2_and_bct_go_down_and_tiers_fit_the_plan()
 {
    let sb = demo().await;
    let api = client(&sb);
    let renew = |option: &'static str, tier: &'static str| {
        api.update_option_product_renewal()
            .domain_id(EXAMPLE)
            .option_product_id(option)
            .body(option_renewal(tier))
            .send()
    };
    // Shared storage may renew on a smaller tier.
    renew("SSTG2", "SSTG201").await.unwrap();
    // Drive Plus for Advanced does not go with a Standard subscription.
    let e = renew("DRV", "DRV_PA").await.unwrap_err();
    assert_eq!(status_code(&e).0, 400);
    assert!(e.to_string().contains("subOptionId"), "{e}");
    // Drive cannot go down a tier.
    api.upgrade_option_product()
        .domain_id(EXAMPLE)
        .option_product_id("DRV")
        .body_map(|b| b.sub_option_id(types::SubOptionId::DrvPs))
        .send()
        .await
        .unwrap();
    let e = renew("DRV", "DRV01").await.unwrap_err();
    assert_eq!(status_code(&e), (400, "DOWNGRADE_NOT_ALLOWED".into()));
}

#[tokio::test]
async fn partner_customer_option_products_delete_an_annual_option_comes_back_only_next_month() {
    let sb = demo().await;
    let api = client(&sb);
    api.cancel_option_product()
        .domain_id(EXAMPLE)
        .option_product_id("ACV2")
        .send()
        .await
        .unwrap();
    let e = api
        .create_option_product()
        .domain_id(EXAMPLE)
        .body_map(|b| {
            b.option_product_id(types::OptionProductId::Acv2)
                .sub_option_id(types::SubOptionId::Acv201)
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e), (400, "READD_NEXT_MONTH".into()));
    sb.advance_to(date("2025-07-01")).await.unwrap();
    api.create_option_product()
        .domain_id(EXAMPLE)
        .body_map(|b| {
            b.option_product_id(types::OptionProductId::Acv2)
                .sub_option_id(types::SubOptionId::Acv201)
        })
        .send()
        .await
        .unwrap();
    // The early cancellation was charged: nine months left after June at 300 yen.
    let june = invoice(&api, 2025, 6).await;
    assert_eq!(june.penalty_amount, Some(9 * 300));
}

#[tokio::test]
async fn partner_customer_option_product_orders_post_no_cancel_order_on_a_trial_not_becoming_paid()
{
    let (_sb, api) = seeded(
        r#"{"customers": [{"domain": "trial.by-works.com",
            "subscriptions": [{"productId": "ADV_T", "plan": "TRIAL", "planStartDate": "2025-06-01"}],
            "options": [{"optionProductId": "DRV", "subOptionId": "DRV_PA_T"}]}]}"#,
    )
    .await;
    let e = api
        .create_option_product_order()
        .domain_id(10_000_001)
        .body(types::OptionProductOrderCreateRequest {
            apply_date: common::days(5),
            option_product_id: "DRV".parse().unwrap(),
            quantity: None,
            sub_option_id: None,
            type_: "CANCEL".parse().unwrap(),
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e), (400, "TRIAL_NOT_BECOMING_PAID".into()));
}

#[tokio::test]
async fn partner_customer_option_product_orders_patch_checks_the_new_tier_like_the_order() {
    let sb = demo().await;
    let api = client(&sb);
    let aozora = 10_000_002; // Standard, no options
    api.create_option_product_order()
        .domain_id(aozora)
        .body(types::OptionProductOrderCreateRequest {
            apply_date: common::days(5),
            option_product_id: "DRV".parse().unwrap(),
            quantity: Some(Nullable::Value(1)),
            sub_option_id: Some("DRV01".parse().unwrap()),
            type_: "APPLY".parse().unwrap(),
        })
        .send()
        .await
        .unwrap();
    let e = api
        .update_option_product_order()
        .domain_id(aozora)
        .option_product_id("DRV")
        .body(types::OptionProductOrderPatchRequest {
            apply_date: None,
            quantity: None,
            sub_option_id: Some("DRV_PA".parse().unwrap()),
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e).0, 400);
    assert!(e.to_string().contains("DRV_PA"), "{e}");
}

/// partner-customer-delete: 202 only for a deferred deletion; an immediate one answers 204
/// (the spec lists both).
#[tokio::test]
async fn partner_customer_delete_answers_204_when_immediate_and_202_when_deferred() {
    let sb = demo().await;
    sb.change_customer(10_000_002, CustomerChange::default().paid_apps(true))
        .unwrap();
    let http = reqwest::Client::new();
    let delete = async |id: i64| {
        http.delete(format!("{}/partners/customers/{id}", sb.base_url()))
            .bearer_auth("test")
            .send()
            .await
            .expect("the sandbox answers")
            .status()
            .as_u16()
    };
    assert_eq!(delete(EXAMPLE).await, 204);
    assert_eq!(delete(10_000_002).await, 202);
}
