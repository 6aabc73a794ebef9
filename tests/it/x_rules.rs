//! The spec's `x-rules` (rules the reference states in prose) are checked before sending: a
//! request that breaks one never reaches the server.

use crate::support;
use httpmock::MockServer;
use lineworks_partner::{Error, Nullable, types};

/// Every request answered 204, and a client for the server.
async fn no_content(server: &MockServer) -> (httpmock::Mock<'_>, lineworks_partner::Client) {
    let mock = server
        .mock_async(|_, then| {
            then.status(204);
        })
        .await;
    (mock, support::client(server))
}

fn refused(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(e @ Error::InvalidRequest(_)) => e.to_string(),
        other => panic!("expected a refusal before sending, got {other:?}"),
    }
}

#[tokio::test]
async fn licence_count_follows_the_plan() {
    let server = MockServer::start_async().await;
    let (mock, client) = no_content(&server).await;
    let create = |plan| {
        types::SubscriptionCreateRequest::builder()
            .product_id(types::ProductId::Std)
            .plan(plan)
            .build()
    };
    let send = |body| {
        let client = client.clone();
        async move {
            client
                .create_subscription()
                .domain_id(1)
                .body(body)
                .send_json()
                .await
        }
    };
    assert_eq!(
        refused(send(create(types::Plan::AnnualLicense)).await),
        "invalid request for create_subscription: body field `licenseCount` is required when \
         `plan` is `MONTHLY_LICENSE`, `ANNUAL_LICENSE` or `ANNUAL_PREPAY_LICENSE`"
    );
    assert_eq!(
        refused(send(create(types::Plan::Monthly).license_count(10)).await),
        "invalid request for create_subscription: body field `licenseCount` must be left out \
         (or null) when `plan` is `FREE`, `TRIAL`, `MONTHLY`, `ANNUAL` or `ANNUAL_PREPAY`"
    );
    assert_eq!(mock.calls_async().await, 0, "nothing was sent");
    // What the rules allow is sent.
    send(create(types::Plan::AnnualLicense).license_count(10))
        .await
        .unwrap();
    send(create(types::Plan::Monthly).license_count(Nullable::Null))
        .await
        .unwrap();
    send(create(types::Plan::Monthly)).await.unwrap();
    assert_eq!(mock.calls_async().await, 3);
}

#[tokio::test]
async fn a_renewal_change_needs_something_to_change() {
    let server = MockServer::start_async().await;
    let (mock, client) = no_content(&server).await;
    let patch = |body| {
        let client = client.clone();
        async move {
            client
                .update_subscription_renewal()
                .domain_id(1)
                .subscription_id(2)
                .body(body)
                .send_json()
                .await
        }
    };
    assert_eq!(
        refused(
            patch(
                types::RenewalPatchRequest::builder()
                    .type_(types::RenewalType::Change)
                    .build()
            )
            .await
        ),
        "invalid request for update_subscription_renewal: body field `type` `CHANGE` needs at \
         least one of `productId`, `plan` and `licenseCount` set"
    );
    assert_eq!(mock.calls_async().await, 0);
    patch(
        types::RenewalPatchRequest::builder()
            .type_(types::RenewalType::Change)
            .build()
            .license_count(20),
    )
    .await
    .unwrap();
    patch(
        types::RenewalPatchRequest::builder()
            .type_(types::RenewalType::Stay)
            .build(),
    )
    .await
    .unwrap();
    assert_eq!(mock.calls_async().await, 2);
}

#[tokio::test]
async fn time_zones_are_iana_names() {
    let server = MockServer::start_async().await;
    let (mock, client) = no_content(&server).await;
    let body = |tz: &str| {
        types::CustomerCreateRequest::builder()
            .domain("acme.jp")
            .company_name("Acme")
            .phone_number("03-1234-5678")
            .time_zone(tz)
            .locale(types::Locale::JaJp)
            .build()
    };
    for wrong in ["Asia/Tokio", "JST", "asia/tokyo", "UTC+9"] {
        assert_eq!(
            refused(client.create_customer().body(body(wrong)).send_json().await),
            "invalid request for create_customer: body field `timeZone` must be a time zone \
             name of the IANA database, such as Asia/Tokyo",
            "{wrong}"
        );
    }
    assert_eq!(mock.calls_async().await, 0);
    for right in ["Asia/Tokyo", "America/Argentina/Buenos_Aires", "UTC"] {
        client
            .create_customer()
            .body(body(right))
            .send_json()
            .await
            .unwrap();
    }
    assert_eq!(mock.calls_async().await, 3);
}

fn customer_with_password(password: &str) -> types::CustomerCreateRequest {
    types::CustomerCreateRequest::builder()
        .domain("example.com")
        .company_name("Example K.K.")
        .phone_number("03-0000-0000")
        .time_zone("Asia/Tokyo")
        .locale(types::Locale::JaJp)
        .administrator(
            types::AdministratorCreateRequest::builder()
                .last_name("Works")
                .password(password)
                .id("admin")
                .private_email("a@example.com")
                .build(),
        )
        .build()
}

#[tokio::test]
async fn the_administrator_password_goes_base64_encoded() {
    let server = MockServer::start_async().await;
    // Only the encoded form matches: the text itself must never be on the wire.
    let mock = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/v1.0/partners/customers")
                .json_body_includes(r#"{"administrator": {"password": "UGFzc3cwcmQxMzU3"}}"#);
            then.status(204);
        })
        .await;
    let client = support::client(&server);
    let body = customer_with_password("Passw0rd1357");
    assert!(!format!("{body:?}").contains("Passw0rd1357"), "{body:?}");
    client.create_customer().body(body).send().await.unwrap();
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn the_password_rules_hold_for_the_text_before_encoding() {
    let server = MockServer::start_async().await;
    let (mock, client) = no_content(&server).await;
    let send = |password: &'static str| {
        let client = client.clone();
        async move {
            client
                .create_customer()
                .body(customer_with_password(password))
                .send()
                .await
        }
    };
    let field = "invalid request for create_customer: body field `administrator.password`";
    // Seven characters are sixteen once encoded: the limit is on the text.
    assert_eq!(
        refused(send("Passw0r").await),
        format!("{field} once Base64-decoded, must be at least 8 characters long")
    );
    assert_eq!(
        refused(send("Passw0rd1Passw0rd1Pas").await),
        format!("{field} once Base64-decoded, must be at most 20 characters long")
    );
    let letters_and_digits = refused(send("Password!").await);
    assert!(
        letters_and_digits.starts_with(&format!("{field} once Base64-decoded, must match")),
        "{letters_and_digits}"
    );
    for run in ["Passw0rd123", "Paaassw0rd"] {
        assert_eq!(
            refused(send(run).await),
            format!(
                "{field} once Base64-decoded, must not have 3 characters in a row that repeat \
                 or count up (aaa, abc, 123)"
            ),
            "{run}"
        );
    }
    assert_eq!(mock.calls_async().await, 0, "nothing was sent");
    // The refusals never show the password.
    assert!(!refused(send("Passw0rd123").await).contains("Passw0rd123"));
    send("Passw0rd1357").await.unwrap();
    assert_eq!(mock.calls_async().await, 1);
}
