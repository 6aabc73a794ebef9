//! Requests that break a rule of the spec fail before anything is sent.

use crate::support;
use httpmock::MockServer;
use lineworks_partner::validate::{Location, RuleKind, Violation};
use lineworks_partner::{Error, types, validate};

fn invalid(err: Error) -> lineworks_partner::validate::ValidationError {
    match err {
        Error::InvalidRequest(v) => v,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn patch(
    company: Option<&str>,
    phone: Option<&str>,
    code: Option<&str>,
) -> types::CustomerPatchRequest {
    let mut body = serde_json::json!({});
    if let Some(c) = company {
        body["companyName"] = c.into();
    }
    if let Some(p) = phone {
        body["phoneNumber"] = p.into();
    }
    if let Some(c) = code {
        body["partnership"] = serde_json::json!({"customerCode": c});
    }
    support::typed(&body)
}

#[tokio::test]
async fn each_kind_of_rule_is_checked_before_sending() {
    // A server that answers everything, so a request that slipped through would succeed.
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|_, then| {
            then.status(200).json_body(serde_json::json!({}));
        })
        .await;
    let client = support::client(&server);

    // maxLength, in characters: 40 multi-byte characters are fine, 41 are not.
    let ok = "株".repeat(40);
    // (The catch-all answers `{}`, which is no Customer: the call fails after sending, as it should.)
    let sent = client
        .update_customer_partially()
        .domain_id(1)
        .body(patch(Some(&ok), None, None))
        .send()
        .await;
    assert!(
        matches!(sent, Err(Error::UnexpectedResponse { .. })),
        "{sent:?}"
    );
    let err = invalid(
        client
            .update_customer_partially()
            .domain_id(1)
            .body(patch(Some(&"a".repeat(41)), None, None))
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (err.location(), err.field()),
        (Location::Body, "companyName")
    );
    assert_eq!(err.violation(), &Violation::Rule(RuleKind::MaxLength(40)));
    assert!(
        err.to_string().contains("companyName") && err.to_string().contains("40"),
        "{err}"
    );

    // A byte limit: 67 three-byte characters are 201 bytes but only 67 characters.
    let err = invalid(
        client
            .update_customer_partially()
            .domain_id(1)
            .body(patch(None, None, Some(&"あ".repeat(67))))
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(err.field(), "partnership.customerCode");
    assert_eq!(err.violation(), &Violation::Rule(RuleKind::MaxBytes(200)));

    // Allowed characters.
    let err = invalid(
        client
            .update_customer_partially()
            .domain_id(1)
            .body(patch(None, Some("03-ABC-0000"), None))
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(err.field(), "phoneNumber");
    assert!(matches!(
        err.violation(),
        Violation::Rule(RuleKind::Pattern(_))
    ));
    let sent = client
        .update_customer_partially()
        .domain_id(1)
        .body(patch(None, Some("03-0000-0000P123#*+,"), None))
        .send()
        .await;
    assert!(!matches!(sent, Err(Error::InvalidRequest(_))), "{sent:?}");

    // Query parameter minimum and maximum.
    let err = invalid(client.list_customers().count(31).send().await.unwrap_err());
    assert_eq!((err.location(), err.field()), (Location::Query, "count"));
    assert_eq!(err.violation(), &Violation::Rule(RuleKind::Maximum(30.0)));
    let err = invalid(client.list_customers().count(0).send().await.unwrap_err());
    assert_eq!(err.violation(), &Violation::Rule(RuleKind::Minimum(1.0)));

    // A required path parameter, a required query parameter, a required body field.
    let err = invalid(client.get_customer().send().await.unwrap_err());
    assert_eq!(
        (err.location(), err.field(), err.violation()),
        (Location::Path, "domainId", &Violation::Required)
    );
    let err = invalid(client.list_invoices().send().await.unwrap_err());
    assert_eq!((err.location(), err.field()), (Location::Query, "year"));
    let err = invalid(
        client
            .create_customer()
            .body_map(|b| b)
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (err.location(), err.violation()),
        (Location::Body, &Violation::Required)
    );

    assert_eq!(
        mock.calls_async().await,
        2,
        "only the two valid requests reached the server"
    );
}

/// Answers everything, so a request that slipped through the checks would reach it and be
/// counted.
async fn answer_everything(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|_, then| {
            then.status(200).json_body(serde_json::json!({}));
        })
        .await
}

#[tokio::test]
async fn every_missing_body_field_is_named_at_once_as_a_body_field() {
    let server = MockServer::start_async().await;
    let mock = answer_everything(&server).await;
    let client = support::client(&server);
    // Before: "invalid request for create_customer: query parameter `request` is malformed:
    // no value supplied for locale" (one field, the wrong place, a field that does not exist).
    let err = client
        .create_customer()
        .body_map(|b| b.domain("example.com").company_name("Example K.K."))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request for create_customer: body fields `phoneNumber`, `timeZone` and `locale` are required"
    );
    let Error::InvalidRequest(v) = &err else {
        panic!("{err:?}")
    };
    let named: Vec<_> = v.problems().iter().map(|p| p.field()).collect();
    assert_eq!(named, ["phoneNumber", "timeZone", "locale"]);
    assert!(v.problems().iter().all(|p| p.location() == Location::Body));
    assert!(err.is_before_send());

    // No body at all: every required field of it.
    let err = client.create_customer().send().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request for create_customer: body fields `domain`, `companyName`, `phoneNumber`, `timeZone` and `locale` are required"
    );
    // One missing field reads in the singular.
    let err = client
        .create_subscription()
        .domain_id(1)
        .body_map(|b| b.plan(types::Plan::Monthly))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request for create_subscription: body field `productId` is required"
    );
    assert_eq!(mock.calls_async().await, 0, "nothing was sent");
}

#[tokio::test]
async fn path_parameters_are_reported_as_path_parameters() {
    let server = MockServer::start_async().await;
    let client = support::client(&server);
    // Before: "query parameter `domain_id` is malformed: conversion to `i64` for domain_id failed".
    let err = client
        .get_customer()
        .domain_id(u64::MAX)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request for get_customer: path parameter `domainId` is malformed: not a valid `i64`"
    );
    let err = client.get_customer().send().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request for get_customer: path parameter `domainId` is required"
    );
}

#[tokio::test]
async fn enum_typos_fail_before_sending_and_list_the_allowed_values() {
    let server = MockServer::start_async().await;
    let mock = answer_everything(&server).await;
    let client = support::client(&server);
    // Body fields take typed enum values in every way to build a body (`body_map` included),
    // so a typo there does not compile (the `types` docs' compile_fail examples).
    // A query parameter.
    let err = client
        .list_customers()
        .order_by("name sideways")
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(v) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((v.location(), v.field()), (Location::Query, "orderBy"));
    assert!(
        err.to_string().contains("expected one of: name asc"),
        "{err}"
    );

    // Text the caller parses is strict too; only `Unknown` sends another value, on purpose.
    let parsed = "jp".parse::<types::Locale>().unwrap_err();
    assert_eq!(parsed.allowed(), types::Locale::KNOWN);
    assert_eq!(types::Locale::try_from("ja_JP"), Ok(types::Locale::JaJp));
    assert_eq!(mock.calls_async().await, 0, "nothing was sent");
}

#[tokio::test]
async fn constructors_take_the_required_fields_and_plain_values_for_nullable_ones() {
    // `new` takes exactly the required fields (a compile-fail doctest on `types` shows a
    // missing one does not compile); setters add the optional ones.
    let body = types::SubscriptionCreateRequest::builder()
        .product_id(types::ProductId::Std)
        .plan(types::Plan::AnnualLicense)
        .build()
        .license_count(10);
    assert_eq!(
        support::json(&body),
        serde_json::json!({"productId": "STD", "plan": "ANNUAL_LICENSE", "licenseCount": 10})
    );
    let cleared = body
        .clone()
        .license_count(lineworks_partner::Nullable::Null);
    assert_eq!(
        support::json(&cleared)["licenseCount"],
        serde_json::Value::Null
    );
    let memo = types::SubscriptionMemoRequest::new().memo("renewed by phone");
    assert_eq!(
        support::json(&memo),
        serde_json::json!({"memo": "renewed by phone"})
    );
    let customer = types::CustomerCreateRequest::builder()
        .domain("example.com")
        .company_name("Example K.K.")
        .phone_number("03-0000-0000")
        .time_zone("Asia/Tokyo")
        .locale(types::Locale::JaJp)
        .build();
    assert_eq!(
        support::json(&customer),
        serde_json::json!({"domain": "example.com", "companyName": "Example K.K.",
            "phoneNumber": "03-0000-0000", "timeZone": "Asia/Tokyo", "locale": "ja_JP"})
    );
}

#[tokio::test]
async fn min_properties_and_exclusive_bounds_are_checked() {
    let server = MockServer::start_async().await;
    let mock = answer_everything(&server).await;
    let client = support::client(&server);
    // Before: `{}` was sent, and only the server refused it.
    let err = client
        .update_subscription_memo()
        .domain_id(1)
        .subscription_id(2)
        .body(types::SubscriptionMemoRequest::new())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request for update_subscription_memo: the body must set at least one field"
    );
    assert_eq!(mock.calls_async().await, 0, "nothing was sent");

    // The spec has no exclusive bound yet: the rule is checked on a hand-made table entry.
    static RULES: [validate::Rule; 2] = [
        validate::Rule {
            location: Location::Query,
            field: "count",
            kind: RuleKind::ExclusiveMinimum(0.0),
        },
        validate::Rule {
            location: Location::Body,
            field: "ratio",
            kind: RuleKind::ExclusiveMaximum(1.0),
        },
    ];
    static OP: validate::OperationSpec = validate::OperationSpec {
        id: "made_up",
        method: "GET",
        path: "/things",
        scopes: &[],
        paginated: false,
        rules: &RULES,
    };
    let q = |v: &str| [("count".to_string(), v.to_string())];
    let err = validate::check(&OP, "/things", &q("0"), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request for made_up: query parameter `count` must be greater than 0"
    );
    assert!(validate::check(&OP, "/things", &q("0.5"), None).is_ok());
    let body = serde_json::json!({"ratio": 1});
    let err = validate::check(&OP, "/things", &[], Some(&body)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request for made_up: body field `ratio` must be less than 1"
    );
    assert!(
        validate::check(
            &OP,
            "/things",
            &[],
            Some(&serde_json::json!({"ratio": 0.99}))
        )
        .is_ok()
    );
}

#[tokio::test]
async fn a_domain_with_capitals_or_stray_hyphens_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|_, then| {
            then.status(201).json_body(serde_json::json!({}));
        })
        .await;
    let client = support::client(&server);
    for domain in ["Acme.JP", "-acme.jp", "ac--me.jp", "acme-.jp", "acme_jp"] {
        let body = types::CustomerCreateRequest::builder()
            .domain(domain)
            .company_name("Acme")
            .phone_number("03-1234-5678")
            .time_zone("Asia/Tokyo")
            .locale(types::Locale::JaJp)
            .build();
        let err = invalid(
            client
                .create_customer()
                .body(body)
                .send()
                .await
                .unwrap_err(),
        );
        let fields: Vec<&str> = err.problems().iter().map(|p| p.field()).collect();
        assert_eq!(fields, ["domain"], "{domain}: {err}");
        assert!(
            matches!(
                err.problems()[0].violation(),
                Violation::Rule(RuleKind::Pattern(_))
            ),
            "{domain}: {err}"
        );
    }
    assert_eq!(mock.calls_async().await, 0, "nothing reached the server");
}
