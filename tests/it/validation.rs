//! Requests that break a rule of the spec fail before anything is sent.

use crate::support;
use httpmock::MockServer;
use lineworks_partner::validate::{Location, RuleKind, Violation};
use lineworks_partner::{Error, types};

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
        (Location::Path, "domain_id", &Violation::Required)
    );
    let err = invalid(client.list_invoices().send().await.unwrap_err());
    assert_eq!((err.location(), err.field()), (Location::Query, "year"));
    let err = invalid(
        client
            .create_customer()
            .body(types::CustomerCreateRequest::builder())
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
