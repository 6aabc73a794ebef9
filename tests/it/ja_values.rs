//! Values only the Japanese reference lists are typed values of the client: sent as written,
//! read back as known variants (never `Unknown`).

use crate::support;
use httpmock::MockServer;
use lineworks_partner::types;
use serde_json::json;

#[tokio::test]
async fn new_plans_products_and_groups_are_known_values() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/v1.0/partners/customers/10000001/subscriptions")
                .json_body(json!({"productId": "NTA_SL", "plan": "ANNUAL_PREPAY"}));
            then.status(201)
                .header("content-type", "application/json")
                .json_body(json!({
                    "domainId": 10000001, "subscriptionId": 20000001, "productId": "NTA_SL",
                    "plan": "ANNUAL_PREPAY", "planStartDate": "2025-06-10",
                    "planEndDate": "2026-06-09", "status": "ACTIVE"
                }));
        })
        .await;
    let body = types::SubscriptionCreateRequest::builder()
        .product_id(types::ProductId::NtaSl)
        .plan(types::Plan::AnnualPrepay)
        .build();
    let sub = support::client(&server)
        .create_subscription()
        .domain_id(10000001)
        .body(body)
        .send()
        .await
        .unwrap()
        .expect("a body");
    mock.assert_async().await;
    assert_eq!(sub.plan, types::Plan::AnnualPrepay);
    assert_eq!(sub.product_id, types::ProductId::NtaSl);

    // Caller text parses strictly into the new values; every one is a listed value.
    for (text, plan) in [
        ("FREE_LICENSE", types::Plan::FreeLicense),
        ("MONTHLY_LICENSE", types::Plan::MonthlyLicense),
        ("ANNUAL", types::Plan::Annual),
    ] {
        assert_eq!(text.parse::<types::Plan>().unwrap(), plan);
    }
    assert_eq!(
        "ANNUAL_PREPAY".parse::<types::PaidPlan>().unwrap(),
        types::PaidPlan::AnnualPrepay
    );
    assert!(!types::ProductGroupId::from_wire("JP_AI_STUDIO").is_unknown());
    assert!(!types::ProductGroupIdFilter::from_wire("JP_PAPER_ON").is_unknown());
    assert!(!types::OptionProductId::from_wire("JP_AIS_M").is_unknown());
    assert!(!types::PaidProductId::from_wire("ROG_STD").is_unknown());
    assert!(!types::UsageProductId::from_wire("LT_T").is_unknown());
}

#[tokio::test]
async fn potential_customer_reads_a_null_product_and_the_product_list() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/v1.0/partners/potential-customers/example.com");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({
                    "tenantId": 1, "domainId": 1, "domain": "example.com",
                    "productId": null, "productIds": ["ROG_FR", "NTA_FR"]
                }));
        })
        .await;
    let p = support::client(&server)
        .get_potential_customer()
        .domain("example.com")
        .partner_code("WSqPvhm0ON1stFBRHgW3")
        .send()
        .await
        .unwrap();
    assert_eq!(p.product_id, None);
    assert_eq!(
        p.product_ids,
        [types::ProductId::RogFr, types::ProductId::NtaFr]
    );
}
