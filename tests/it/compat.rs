//! Forward compatibility: what a newer server may send never fails a call.

use crate::support;
use httpmock::MockServer;
use lineworks_partner::types::{DomainType, Locale, PartnershipStatus, Plan, SubscriptionStatus};
use serde_json::json;

fn customer_with_new_values() -> serde_json::Value {
    json!({
        "tenantId": 1, "domainId": 10000001, "domain": "example.com",
        "productId": "FUTURE_PLAN",                 // nullable enum, unknown value
        "companyName": "x".repeat(300),             // longer than the spec's maxLength
        "phoneNumber": "03-0000-0000", "timeZone": "Asia/Tokyo",
        "locale": "fr_FR",                          // required enum, unknown value
        "enableActiveMxrecord": true, "enableActiveDomain": false,
        "domainType": "SUBDOMAIN",                  // required enum, unknown value
        "administrator": {"lastName": "W", "id": "admin", "privateEmail": "a@example.com", "newField": [1, 2]},
        "partnership": {"status": "SUSPENDED", "memo": "m".repeat(1000), "brandNew": {"nested": true}},
        "fieldFromTheFuture": "ignored"
    })
}

#[tokio::test]
#[allow(deprecated)] // reads the deprecated `productId` on purpose: it still arrives
async fn unknown_enum_values_fields_and_long_strings_parse_and_round_trip() {
    let server = MockServer::start_async().await;
    let body = customer_with_new_values();
    server
        .mock_async(|when, then| {
            when.path("/v1.0/partners/customers/10000001");
            then.status(200).json_body(body.clone());
        })
        .await;
    let customer = support::client(&server)
        .get_customer()
        .domain_id(10000001)
        .send()
        .await
        .unwrap();

    assert_eq!(customer.locale, Locale::Unknown("fr_FR".into()));
    assert!(customer.locale.is_unknown());
    assert_eq!(customer.domain_type.as_str(), "SUBDOMAIN");
    assert_eq!(
        customer.product_id.as_ref().map(|p| p.as_str()),
        Some("FUTURE_PLAN")
    );
    let partnership = customer.partnership.as_ref().unwrap();
    assert_eq!(
        partnership.status,
        Some(PartnershipStatus::Unknown("SUSPENDED".into()))
    );
    assert_eq!(customer.company_name.len(), 300);

    // Unknown values go back to the server exactly as they came.
    let again = support::json(&customer);
    assert_eq!(again["locale"], "fr_FR");
    assert_eq!(again["domainType"], "SUBDOMAIN");
    assert_eq!(again["productId"], "FUTURE_PLAN");
    assert_eq!(again["partnership"]["status"], "SUSPENDED");
}

#[tokio::test]
async fn unknown_values_inside_arrays_and_nulls_where_values_were_promised() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v1.0/partners/customers/10000001/subscriptions");
            then.status(200).json_body(json!({"subscriptions": [
                {"subscriptionId": 1, "domainId": 10000001, "productId": "STD", "plan": "QUARTERLY",
                 "planStartDate": "2026-01-01", "status": "FROZEN", "licenseCount": null, "renewal": null},
                {"subscriptionId": 2, "domainId": 10000001, "productId": "NEW_PRODUCT", "plan": "MONTHLY",
                 "planStartDate": "2026-01-01", "status": "ACTIVE"}
            ]}));
        })
        .await;
    let list = support::client(&server)
        .list_subscriptions()
        .domain_id(10000001)
        .send()
        .await
        .unwrap();
    assert_eq!(
        list.subscriptions[0].plan,
        Plan::Unknown("QUARTERLY".into())
    );
    assert_eq!(
        list.subscriptions[0].status,
        SubscriptionStatus::Unknown("FROZEN".into())
    );
    assert_eq!(list.subscriptions[1].product_id.as_str(), "NEW_PRODUCT");
    assert!(!list.subscriptions[1].plan.is_unknown());
}

#[test]
fn known_values_parse_to_their_variants_from_any_string_form() {
    assert_eq!(Locale::try_from("ja_JP").unwrap(), Locale::JaJp);
    assert_eq!(
        Locale::try_from(String::from("ja_JP")).unwrap(),
        Locale::JaJp
    );
    assert_eq!("en_US".parse::<Locale>().unwrap(), Locale::EnUs);
    assert_eq!(DomainType::Domain.to_string(), "DOMAIN");
    assert!(Locale::KNOWN.contains(&"zh_TW"));
}

#[tokio::test]
async fn unknown_error_codes_keep_status_code_and_description() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v1.0/partners/customers/10000001");
            then.status(400).json_body(
                json!({"code": "BRAND_NEW_RULE", "description": "a rule added later", "extra": 1}),
            );
        })
        .await;
    let err = support::client(&server)
        .get_customer()
        .domain_id(10000001)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.code(), Some("BRAND_NEW_RULE"));
    match err {
        lineworks_partner::Error::Api(api) => {
            assert_eq!(api.description(), Some("a rule added later"))
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn debug_shows_the_wire_value() {
    // Before: `AnnualLicense`, the Rust variant, where logs and the docs say `ANNUAL_LICENSE`.
    assert_eq!(format!("{:?}", Plan::AnnualLicense), "\"ANNUAL_LICENSE\"");
    assert_eq!(format!("{:?}", Some(Locale::JaJp)), "Some(\"ja_JP\")");
    assert_eq!(
        format!("{:?}", Locale::Unknown("fr_FR".into())),
        "Unknown(\"fr_FR\")"
    );
    // What the server sends is read leniently; what a caller writes is checked.
    assert_eq!(Locale::from_wire("fr_FR"), Locale::Unknown("fr_FR".into()));
    assert!("fr_FR".parse::<Locale>().is_err());
}
