//! Product groups as the Japanese reference describes them (facts, ja:
//! partner-customer-subscriptions-post, -paid-service, -reservation-create,
//! partner-customer-option-product-orders-post): each group takes its own contract types,
//! a tenant holds one subscription per group, Free plans convert to a named paid product,
//! and options of quantity carry a per-family limit.

mod common;

use common::{builder, client, days, status_code};
use lineworks_partner::{Client, types};
use lineworks_partner_sandbox::{Sandbox, Seed};

const CUSTOMER: i64 = 10_000_001;

/// An active customer with no subscription.
async fn bare() -> (Sandbox, Client) {
    let seed = r#"{"customers":[{"domain":"acme.example","memberCount":3}]}"#;
    let sb = builder()
        .seed(Seed::from_json(seed).expect("seed parses"))
        .start()
        .await
        .expect("sandbox starts");
    let api = client(&sb);
    (sb, api)
}

async fn subscribe(
    api: &Client,
    product: &str,
    plan: types::Plan,
    licenses: Option<i32>,
) -> Result<types::Subscription, lineworks_partner::Error> {
    let mut body = types::SubscriptionCreateRequest::builder()
        .product_id(
            product
                .parse::<types::ProductId>()
                .expect("a listed product"),
        )
        .plan(plan)
        .build();
    if let Some(n) = licenses {
        body = body.license_count(n);
    }
    api.create_subscription()
        .domain_id(CUSTOMER)
        .body(body)
        .send()
        .await
        .map(|s| s.expect("the sandbox answers with a body"))
}

#[tokio::test]
async fn each_product_group_takes_its_own_contract_types() {
    let (_sb, api) = bare().await;
    // AiNote sells ANNUAL_PREPAY, which LINE WORKS and Roger do not.
    let ainote = subscribe(&api, "NTA_SL", types::Plan::AnnualPrepay, None)
        .await
        .unwrap();
    assert_eq!(ainote.plan, types::Plan::AnnualPrepay);
    assert!(ainote.renewal.is_some(), "a paid plan renews");
    assert!(ainote.plan_end_date.is_some(), "an annual term ends");

    let e = subscribe(&api, "STD", types::Plan::AnnualPrepay, None)
        .await
        .unwrap_err();
    assert_eq!(status_code(&e).0, 400);
    assert!(e.to_string().contains("WORKS"), "{e}");

    // Roger only takes the licence-based types, and a paid one needs a count.
    let e = subscribe(&api, "ROG_STD", types::Plan::Monthly, None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("ROGER"), "{e}");
    let e = subscribe(&api, "ROG_STD", types::Plan::MonthlyLicense, None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("licenseCount"), "{e}");
    let roger = subscribe(&api, "ROG_STD", types::Plan::MonthlyLicense, Some(5))
        .await
        .unwrap();
    assert_eq!(roger.license_count, Some(5));

    // One subscription per group: LINE WORKS is still free to add, a second Roger is not.
    subscribe(&api, "STD", types::Plan::Monthly, None)
        .await
        .unwrap();
    let e = subscribe(&api, "ROG_ADV", types::Plan::AnnualLicense, Some(5))
        .await
        .unwrap_err();
    assert_eq!(status_code(&e).1, "SUBSCRIPTION_EXISTS");
    let all = api
        .list_subscriptions()
        .domain_id(CUSTOMER)
        .send()
        .await
        .unwrap();
    assert_eq!(all.subscriptions.len(), 3);
}

#[tokio::test]
async fn product_and_contract_type_agree() {
    let (_sb, api) = bare().await;
    // A Free product takes a Free type, a trial a trial type.
    let e = subscribe(&api, "NTA_FR", types::Plan::Monthly, None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("Free"), "{e}");
    let e = subscribe(&api, "NTA_SL_T", types::Plan::Free, None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("trial"), "{e}");
    let trial = subscribe(&api, "ROG_STD_T", types::Plan::TrialLicense, None)
        .await
        .unwrap();
    assert!(trial.renewal.is_none());
    // PaperOn's list is not known in full: the sandbox leaves the choice to the API.
    subscribe(&api, "JP_PPO_LT", types::Plan::Annual, None)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_free_plan_converts_to_the_paid_product_it_names() {
    let (_sb, api) = bare().await;
    let free = subscribe(&api, "ROG_FR", types::Plan::FreeLicense, None)
        .await
        .unwrap();
    assert!(free.renewal.is_none(), "a Free plan has no renewal terms");
    assert!(free.plan_end_date.is_none());
    let id = free.subscription_id;

    // Scheduling the conversion is allowed from Free (Japanese page), with a product.
    let e = api
        .create_subscription_reservation()
        .domain_id(CUSTOMER)
        .subscription_id(id)
        .body(
            types::ReservationCreateRequest::builder()
                .type_(types::ReservationType::StartPaidService)
                .apply_date(days(30))
                .build()
                .plan(types::PaidPlan::MonthlyLicense)
                .license_count(5),
        )
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("productId"), "{e}");
    api.create_subscription_reservation()
        .domain_id(CUSTOMER)
        .subscription_id(id)
        .body(
            types::ReservationCreateRequest::builder()
                .type_(types::ReservationType::StartPaidService)
                .apply_date(days(30))
                .build()
                .plan(types::PaidPlan::MonthlyLicense)
                .product_id(types::PaidProductId::RogStd)
                .license_count(5),
        )
        .send()
        .await
        .unwrap();

    // A product of another group is refused; the right one converts at once.
    let convert = |product: types::PaidProductId| {
        types::SubscriptionPaidServiceRequest::builder()
            .plan(types::PaidPlan::AnnualLicense)
            .build()
            .product_id(product)
            .license_count(5)
    };
    let e = api
        .convert_subscription_to_paid()
        .domain_id(CUSTOMER)
        .subscription_id(id)
        .body(convert(types::PaidProductId::NtaSl))
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("ROGER"), "{e}");
    let paid = api
        .convert_subscription_to_paid()
        .domain_id(CUSTOMER)
        .subscription_id(id)
        .body(convert(types::PaidProductId::RogStd))
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    assert_eq!(paid.product_id, types::ProductId::RogStd);
    assert_eq!(paid.plan, types::Plan::AnnualLicense);
    assert!(paid.renewal.is_some());
}

#[tokio::test]
async fn options_of_a_group_attach_to_its_subscription_within_their_limit() {
    let (_sb, api) = bare().await;
    let add = |option: types::OptionProductId, quantity: i32| {
        let tier: types::SubOptionId = option.as_str().parse().expect("a listed tier");
        api.create_option_product()
            .domain_id(CUSTOMER)
            .body(
                types::OptionProductCreateRequest::builder()
                    .option_product_id(option)
                    .sub_option_id(tier)
                    .build()
                    .quantity(quantity),
            )
            .send()
    };
    let e = add(types::OptionProductId::QtaO1, 1).await.unwrap_err();
    assert_eq!(status_code(&e).1, "NO_SUBSCRIPTION");
    let ainote = subscribe(&api, "NTA_EP", types::Plan::Monthly, None)
        .await
        .unwrap();
    let e = add(types::OptionProductId::QtaO1, 1000).await.unwrap_err();
    assert!(e.to_string().contains("999"), "{e}");
    let option = add(types::OptionProductId::QtaO1, 999).await.unwrap();
    assert_eq!(option.subscription_id, Some(ainote.subscription_id));
    assert_eq!(option.quantity, Some(999));

    subscribe(&api, "JP_PPO_STD", types::Plan::Monthly, None)
        .await
        .unwrap();
    let e = add(types::OptionProductId::JpPpoO, 11).await.unwrap_err();
    assert!(e.to_string().contains("at most 10"), "{e}");
    add(types::OptionProductId::JpPpoM, 20).await.unwrap();
}

#[tokio::test]
async fn usage_rows_carry_and_filter_by_product_group() {
    let (sb, api) = bare().await;
    subscribe(&api, "NTA_TM", types::Plan::Annual, None)
        .await
        .unwrap();
    subscribe(&api, "STD", types::Plan::Monthly, None)
        .await
        .unwrap();
    sb.advance_days(2).await.unwrap();
    let (year, month) = (2025, 6);
    let rows = |group: Option<types::ProductGroupIdFilter>| {
        let mut call = api
            .list_customer_usages()
            .domain_id(CUSTOMER)
            .year(year)
            .month(month);
        if let Some(g) = group {
            call = call.product_group_id(g);
        }
        call.send()
    };
    let all = rows(None).await.unwrap().usages;
    assert!(
        all.iter()
            .any(|u| u.product_group_id == types::ProductGroupId::NoteAi)
    );
    let ainote = rows(Some(types::ProductGroupIdFilter::NoteAi))
        .await
        .unwrap()
        .usages;
    assert!(!ainote.is_empty());
    assert!(
        ainote
            .iter()
            .all(|u| u.product_id == Some(types::UsageProductId::NtaTm))
    );
}

#[tokio::test]
async fn by_works_net_names_are_group_names() {
    let (_sb, api) = bare().await;
    for (name, kind) in [
        ("acme.by-works.net", types::DomainType::Group),
        ("acme.by-works.com", types::DomainType::Group),
        ("acme.co.jp", types::DomainType::Domain),
    ] {
        let body = types::CustomerCreateRequest::builder()
            .domain(name)
            .company_name("Acme")
            .phone_number("03-1234-5678")
            .time_zone("Asia/Tokyo")
            .locale(types::Locale::JaJp)
            .build();
        let id = api
            .create_customer()
            .body(body)
            .send()
            .await
            .unwrap()
            .expect("the sandbox answers with a body")
            .domain_id;
        let c = api.get_customer().domain_id(id).send().await.unwrap();
        assert_eq!(c.domain_type, kind, "{name}");
    }
}
