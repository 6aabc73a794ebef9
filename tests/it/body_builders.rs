//! The three ways to build a request body take the same setter arguments (issue 24, item 3):
//! `X::builder()` (typestate), `X::new()` and its setters, and a request builder's `body_map`
//! (typify's builder). A plain value for an optional or clearable field, `Nullable::Null` for an
//! explicit `null`, text as `&str`; each way sends the same JSON.

use crate::support;
use httpmock::MockServer;
use lineworks_partner::{Nullable, types};
use serde_json::json;

/// What the body builds to: the JSON `send()` would put on the wire.
fn wire(body: &types::RenewalPatchRequest) -> serde_json::Value {
    serde_json::to_value(body).unwrap()
}

#[test]
fn an_optional_field_takes_a_plain_value_every_way() {
    let built = types::RenewalPatchRequest::builder()
        .type_(types::RenewalType::Change)
        .license_count(10)
        .build();
    #[allow(deprecated)] // the positional constructor, kept for existing code
    let constructed = types::RenewalPatchRequest::new(types::RenewalType::Change).license_count(10);
    let expected = json!({"type": "CHANGE", "licenseCount": 10});
    assert_eq!(wire(&built), expected);
    assert_eq!(wire(&constructed), expected);
    // typify's builder, the one `body_map` edits, takes the same arguments.
    let edited = types::RenewalPatchRequest::try_from(
        types::builder::RenewalPatchRequestDraft::default()
            .type_(types::RenewalType::Change)
            .license_count(10),
    )
    .unwrap();
    assert_eq!(wire(&edited), expected);
}

#[test]
fn nullable_null_sends_an_explicit_null_every_way() {
    let expected = json!({"productId": "STD", "plan": "MONTHLY", "licenseCount": null});
    let built = types::SubscriptionCreateRequest::builder()
        .product_id(types::ProductId::Std)
        .plan(types::Plan::Monthly)
        .license_count(Nullable::Null)
        .build();
    #[allow(deprecated)] // the positional constructor, kept for existing code
    let constructed =
        types::SubscriptionCreateRequest::new(types::ProductId::Std, types::Plan::Monthly)
            .license_count(Nullable::Null);
    let edited = types::SubscriptionCreateRequest::try_from(
        types::builder::SubscriptionCreateRequestDraft::default()
            .product_id(types::ProductId::Std)
            .plan(types::Plan::Monthly)
            .license_count(Nullable::Null),
    )
    .unwrap();
    for body in [&built, &constructed, &edited] {
        assert_eq!(serde_json::to_value(body).unwrap(), expected);
    }
    // And a plain value for the same clearable field, every way.
    let built = types::SubscriptionCreateRequest::builder()
        .product_id(types::ProductId::Std)
        .plan(types::Plan::Monthly)
        .license_count(10)
        .build();
    let edited = types::SubscriptionCreateRequest::try_from(
        types::builder::SubscriptionCreateRequestDraft::default()
            .product_id(types::ProductId::Std)
            .plan(types::Plan::Monthly)
            .license_count(10),
    )
    .unwrap();
    assert_eq!(built, edited);
    assert_eq!(serde_json::to_value(&built).unwrap()["licenseCount"], 10);
}

#[test]
fn text_fields_take_str_every_way() {
    let built = types::AdministratorCreateRequest::builder()
        .last_name("Works")
        .password("Passw0rd1357")
        .id("admin")
        .private_email("private.works@example.com")
        .first_name("Administrator")
        .build();
    let edited = types::AdministratorCreateRequest::try_from(
        types::builder::AdministratorCreateRequestDraft::default()
            .last_name("Works")
            .password("Passw0rd1357")
            .id("admin")
            .private_email("private.works@example.com")
            .first_name("Administrator"),
    )
    .unwrap();
    assert_eq!(built, edited);
}

#[tokio::test]
async fn body_map_takes_a_plain_value_for_a_clearable_field() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/v1.0/partners/customers/1/subscriptions")
                .json_body(
                    json!({"productId": "STD", "plan": "ANNUAL_LICENSE", "licenseCount": 10}),
                );
            then.status(204);
        })
        .await;
    let client = support::client(&server);
    // Before: `Option<Nullable<i32>>: From<{integer}>` is not satisfied.
    client
        .create_subscription()
        .domain_id(1)
        .body_map(|b| {
            b.product_id(types::ProductId::Std)
                .plan(types::Plan::AnnualLicense)
                .license_count(10)
        })
        .send()
        .await
        .unwrap();
    assert_eq!(mock.calls_async().await, 1);
}
