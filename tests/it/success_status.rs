//! Operations whose success status no page states accept any plausible 2xx, with or without a
//! body; the spec marks the guess with `x-expected-status`.

use crate::support;
use httpmock::MockServer;
use lineworks_partner::{Error, types};
use serde_json::{Value, json};

const STATUSES: [u16; 4] = [200, 201, 202, 204];

/// Serves `status` (and `body`, if any) once for `method path`, runs `call`, and checks the
/// request arrived.
async fn answered<T>(
    method: &str,
    path: &str,
    status: u16,
    body: Option<&Value>,
    call: impl AsyncFnOnce(&lineworks_partner::Client) -> Result<T, Error>,
) -> Result<T, Error> {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(method).path(format!("/v1.0{path}"));
            let then = then.status(status);
            if let Some(body) = body {
                then.header("content-type", "application/json")
                    .json_body(body.clone());
            }
        })
        .await;
    let result = call(&support::client(&server)).await;
    assert_eq!(mock.calls_async().await, 1, "{method} {path} was sent once");
    result
}

fn customer() -> Value {
    json!({
        "tenantId": 10000001, "domainId": 10000001, "domain": "example.com",
        "productId": null, "companyName": "Example", "phoneNumber": "03-0000-0000",
        "timeZone": "Asia/Tokyo", "locale": "ja_JP", "enableActiveMxrecord": false,
        "enableActiveDomain": false, "domainType": "DOMAIN"
    })
}

async fn create_customer(
    client: &lineworks_partner::Client,
) -> Result<Option<types::Customer>, Error> {
    client
        .create_customer()
        .body_map(|b| {
            b.domain("example.com")
                .company_name("Example")
                .phone_number("03-0000-0000")
                .time_zone("Asia/Tokyo")
                .locale(types::Locale::JaJp)
        })
        .send()
        .await
}

#[tokio::test]
async fn a_call_with_a_body_succeeds_on_every_2xx_with_or_without_one() {
    for status in STATUSES {
        // 204 carries no body by definition; every other status is tried both ways.
        if status != 204 {
            let got = answered(
                "POST",
                "/partners/customers",
                status,
                Some(&customer()),
                create_customer,
            )
            .await
            .unwrap_or_else(|e| panic!("{status} with a body failed: {e}"))
            .unwrap_or_else(|| panic!("{status} with a body gave no value"));
            assert_eq!(got.domain_id, 10000001);
            #[allow(deprecated)] // the documented null of the retiring field
            let plan = &got.product_id;
            assert!(plan.is_none(), "the documented null plan reads as None");
        }
        let got = answered("POST", "/partners/customers", status, None, create_customer)
            .await
            .unwrap_or_else(|e| panic!("{status} without a body failed: {e}"));
        assert!(got.is_none(), "{status} without a body is None");
    }
}

#[tokio::test]
async fn a_call_without_a_body_succeeds_on_every_2xx_and_ignores_a_body() {
    let delete = async |client: &lineworks_partner::Client| {
        client.delete_customer().domain_id(10000001).send().await
    };
    for status in STATUSES {
        answered(
            "DELETE",
            "/partners/customers/10000001",
            status,
            None,
            delete,
        )
        .await
        .unwrap_or_else(|e| panic!("{status} failed: {e}"));
        if status != 204 {
            answered(
                "DELETE",
                "/partners/customers/10000001",
                status,
                Some(&json!({"any": 1})),
                delete,
            )
            .await
            .unwrap_or_else(|e| panic!("{status} with a body failed: {e}"));
        }
    }
}

#[tokio::test]
async fn a_scheduled_option_change_reads_a_single_object_or_a_one_element_wrapper() {
    let order = json!({"subscriptionId": 20000001, "optionProductId": "ACV2",
        "subOptionId": "ACV201", "type": "APPLY", "applyDate": "2025-03-01", "quantity": null});
    let create = async |client: &lineworks_partner::Client| {
        client
            .create_option_product_order()
            .domain_id(10000001)
            .body_map(|b| {
                b.type_(types::OptionOrderType::Apply)
                    .option_product_id(types::OptionProductId::Acv2)
                    .sub_option_id(types::SubOptionId::Acv201)
                    .apply_date(chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap())
            })
            .send()
            .await
    };
    let path = "/partners/customers/10000001/option-product-orders";
    for body in [
        order.clone(),
        json!({"optionProductOrders": [order.clone()]}),
    ] {
        let got = answered("POST", path, 201, Some(&body), create)
            .await
            .unwrap()
            .expect("a body was sent");
        assert_eq!(got.sub_option_id.as_str(), "ACV201", "{body}");
    }
    // Two orders in the wrapper are not one answer: the mismatch is reported, not guessed.
    let two = json!({"optionProductOrders": [order.clone(), order]});
    let err = answered("POST", path, 201, Some(&two), create)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn an_error_status_is_still_an_error() {
    let err = answered(
        "POST",
        "/partners/customers",
        400,
        Some(&json!({"code": "INVALID_PARAMETER", "description": "domain"})),
        create_customer,
    )
    .await
    .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err:?}");
}

/// The published spec: every guessed success status lists the same four statuses with the
/// same body, names one of them as expected, and says so in `x-inferred`; a status stated on
/// a page stays the only one.
#[test]
fn the_spec_lists_every_plausible_2xx_where_the_status_is_a_guess() {
    let mut ranges = 0;
    for (_, item) in support::spec()["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            let successes: Vec<(&String, &Value)> = op["responses"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(s, _)| s.starts_with('2'))
                .collect();
            let Some(expected) = op.get("x-expected-status") else {
                assert_eq!(successes.len(), 1, "{id}: one stated success status");
                continue;
            };
            ranges += 1;
            let codes: Vec<&str> = successes.iter().map(|(s, _)| s.as_str()).collect();
            assert_eq!(codes, ["200", "201", "202", "204"], "{id}");
            assert!(
                codes.contains(&expected.to_string().as_str()),
                "{id}: expected is listed"
            );
            let schemas: Vec<Option<&Value>> = successes
                .iter()
                .filter(|(s, _)| s.as_str() != "204")
                .map(|(_, r)| r.pointer("/content/application~1json/schema"))
                .collect();
            assert!(
                schemas.windows(2).all(|w| w[0] == w[1]),
                "{id}: one body for all"
            );
            assert!(
                successes[3].1.get("content").is_none(),
                "{id}: 204 has no body"
            );
            let why = op["x-inferred"].as_str().unwrap_or_default();
            assert!(
                why.contains("x-expected-status"),
                "{id}: the guess is explained"
            );
        }
    }
    // The six DELETEs the Japanese pages document answer 204 only; three fading operations
    // state no success status.
    assert_eq!(ranges, 14, "operations whose success status no page states");
}
