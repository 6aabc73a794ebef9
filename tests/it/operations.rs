//! Every operation of the spec, called once against a mock server that checks the request
//! (method, path, query, headers, body) and answers with the spec's example, which must parse.

use crate::support::{self, TOKEN, json, typed};
use httpmock::MockServer;
use lineworks_partner::{Client, Error, types, validate};
use serde_json::Value;

/// Sends `op` with the spec's example parameters (the literals below) and body.
pub(crate) async fn call(client: &Client, op: &str, body: &Value) -> Result<Value, Error> {
    Ok(match op {
        "verify_domain" => json(
            client
                .verify_domain()
                .body(typed::<types::VerifyDomainRequest>(body))
                .send()
                .await?,
        ),
        "create_customer" => json(
            client
                .create_customer()
                .body(typed::<types::CustomerCreateRequest>(body))
                .send()
                .await?,
        ),
        "list_customers" => json(
            client
                .list_customers()
                .domain("example.com")
                .count(10)
                .cursor("JlIBsfJogXpzDGY8OscZziqZpYqCAu3RbZbaFzBb1od6lWQtSdPUd2FIdCuaGgu8DA==")
                .order_by("name desc")
                .send()
                .await?,
        ),
        "get_upgrade_domain" => json(
            client
                .get_upgrade_domain()
                .domain_id(10000001)
                .send()
                .await?,
        ),
        "create_upgrade_domain" => json(
            client
                .create_upgrade_domain()
                .domain_id(10000001)
                .body(typed::<types::UpgradeDomainRequest>(body))
                .send()
                .await?,
        ),
        "delete_upgrade_domain" => json(
            client
                .delete_upgrade_domain()
                .domain_id(10000001)
                .send()
                .await?,
        ),
        "activate_customer" => json(
            client
                .activate_customer()
                .domain_id(10000001)
                .send()
                .await?,
        ),
        "get_potential_customer" => json(
            client
                .get_potential_customer()
                .domain("example.com")
                .partner_code("WSqPvhm0ON1stFBRHgW3")
                .send()
                .await?,
        ),
        "transfer_potential_customer" => json(
            client
                .transfer_potential_customer()
                .domain("example.com")
                .body(typed::<types::TransferPotentialCustomerRequest>(body))
                .send()
                .await?,
        ),
        "get_customer" => json(client.get_customer().domain_id(10000001).send().await?),
        "update_customer" => json(
            client
                .update_customer()
                .domain_id(10000001)
                .body(typed::<types::CustomerUpdateRequest>(body))
                .send()
                .await?,
        ),
        "update_customer_partially" => json(
            client
                .update_customer_partially()
                .domain_id(10000001)
                .body(typed::<types::CustomerPatchRequest>(body))
                .send()
                .await?,
        ),
        "delete_customer" => json(client.delete_customer().domain_id(10000001).send().await?),
        "get_usage_status" => json(client.get_usage_status().domain_id(10000001).send().await?),
        "update_usage_status_partially" => json(
            client
                .update_usage_status_partially()
                .domain_id(10000001)
                .body(typed::<types::UsageStatusPatchRequest>(body))
                .send()
                .await?,
        ),
        "create_usage_status_renewal" => json(
            client
                .create_usage_status_renewal()
                .domain_id(10000001)
                .body(typed::<types::UsageStatusRenewalCreateRequest>(body))
                .send()
                .await?,
        ),
        "update_usage_status_renewal" => json(
            client
                .update_usage_status_renewal()
                .domain_id(10000001)
                .body(typed::<types::UsageStatusRenewalPatchRequest>(body))
                .send()
                .await?,
        ),
        "delete_usage_status_renewal" => json(
            client
                .delete_usage_status_renewal()
                .domain_id(10000001)
                .send()
                .await?,
        ),
        "change_domain" => json(
            client
                .change_domain()
                .domain_id(10000001)
                .body(typed::<types::ChangeDomainRequest>(body))
                .send()
                .await?,
        ),
        "list_subscriptions" => json(
            client
                .list_subscriptions()
                .domain_id(10000001)
                .send()
                .await?,
        ),
        "create_subscription" => json(
            client
                .create_subscription()
                .domain_id(10000001)
                .body(typed::<types::SubscriptionCreateRequest>(body))
                .send()
                .await?,
        ),
        "get_subscription" => json(
            client
                .get_subscription()
                .domain_id(10000001)
                .subscription_id(20000001)
                .send()
                .await?,
        ),
        "cancel_subscription" => json(
            client
                .cancel_subscription()
                .domain_id(10000001)
                .subscription_id(20000001)
                .send()
                .await?,
        ),
        "create_pre_order" => json(
            client
                .create_pre_order()
                .domain_id(10000001)
                .body(typed::<types::PreOrderCreateRequest>(body))
                .send()
                .await?,
        ),
        "list_pre_orders" => json(client.list_pre_orders().domain_id(10000001).send().await?),
        "update_pre_order" => json(
            client
                .update_pre_order()
                .domain_id(10000001)
                .pre_order_id(30000001)
                .body(typed::<types::PreOrderPatchRequest>(body))
                .send()
                .await?,
        ),
        "delete_pre_order" => json(
            client
                .delete_pre_order()
                .domain_id(10000001)
                .pre_order_id(30000001)
                .send()
                .await?,
        ),
        "create_subscription_reservation" => json(
            client
                .create_subscription_reservation()
                .domain_id(10000001)
                .subscription_id(20000001)
                .body(typed::<types::ReservationCreateRequest>(body))
                .send()
                .await?,
        ),
        "get_subscription_reservation" => json(
            client
                .get_subscription_reservation()
                .domain_id(10000001)
                .subscription_id(20000001)
                .send()
                .await?,
        ),
        "update_subscription_reservation" => json(
            client
                .update_subscription_reservation()
                .domain_id(10000001)
                .subscription_id(20000001)
                .body(typed::<types::ReservationPatchRequest>(body))
                .send()
                .await?,
        ),
        "delete_subscription_reservation" => json(
            client
                .delete_subscription_reservation()
                .domain_id(10000001)
                .subscription_id(20000001)
                .send()
                .await?,
        ),
        "get_subscription_renewal" => json(
            client
                .get_subscription_renewal()
                .domain_id(10000001)
                .subscription_id(20000001)
                .send()
                .await?,
        ),
        "update_subscription_renewal" => json(
            client
                .update_subscription_renewal()
                .domain_id(10000001)
                .subscription_id(20000001)
                .body(typed::<types::RenewalPatchRequest>(body))
                .send()
                .await?,
        ),
        "convert_subscription_to_paid" => json(
            client
                .convert_subscription_to_paid()
                .domain_id(10000001)
                .subscription_id(20000001)
                .body(typed::<types::SubscriptionPaidServiceRequest>(body))
                .send()
                .await?,
        ),
        "upgrade_subscription" => json(
            client
                .upgrade_subscription()
                .domain_id(10000001)
                .subscription_id(20000001)
                .body(typed::<types::SubscriptionUpgradeRequest>(body))
                .send()
                .await?,
        ),
        "add_license_count" => json(
            client
                .add_license_count()
                .domain_id(10000001)
                .subscription_id(20000001)
                .body(typed::<types::AddLicenseCountRequest>(body))
                .send()
                .await?,
        ),
        "list_subscription_memos" => json(
            client
                .list_subscription_memos()
                .domain_id(10000001)
                .send()
                .await?,
        ),
        "update_subscription_memo" => json(
            client
                .update_subscription_memo()
                .domain_id(10000001)
                .subscription_id(20000001)
                .body(typed::<types::SubscriptionMemoRequest>(body))
                .send()
                .await?,
        ),
        "create_option_product" => json(
            client
                .create_option_product()
                .domain_id(10000001)
                .body(typed::<types::OptionProductCreateRequest>(body))
                .send()
                .await?,
        ),
        "list_option_products" => json(
            client
                .list_option_products()
                .domain_id(10000001)
                .send()
                .await?,
        ),
        "cancel_option_product" => json(
            client
                .cancel_option_product()
                .domain_id(10000001)
                .option_product_id("ACV2")
                .send()
                .await?,
        ),
        "upgrade_option_product" => json(
            client
                .upgrade_option_product()
                .domain_id(10000001)
                .option_product_id("ACV2")
                .body(typed::<types::OptionProductUpgradeRequest>(body))
                .send()
                .await?,
        ),
        "add_option_product_quantity" => json(
            client
                .add_option_product_quantity()
                .domain_id(10000001)
                .option_product_id("ACV2")
                .body(typed::<types::OptionProductAddQuantityRequest>(body))
                .send()
                .await?,
        ),
        "convert_option_product_to_paid" => json(
            client
                .convert_option_product_to_paid()
                .domain_id(10000001)
                .option_product_id("DRV")
                .body(typed::<types::OptionProductPaidServiceRequest>(body))
                .send()
                .await?,
        ),
        "create_option_product_order" => json(
            client
                .create_option_product_order()
                .domain_id(10000001)
                .body(typed::<types::OptionProductOrderCreateRequest>(body))
                .send()
                .await?,
        ),
        "list_option_product_orders" => json(
            client
                .list_option_product_orders()
                .domain_id(10000001)
                .send()
                .await?,
        ),
        "get_option_product_order" => json(
            client
                .get_option_product_order()
                .domain_id(10000001)
                .option_product_id("ACV2")
                .send()
                .await?,
        ),
        "update_option_product_order" => json(
            client
                .update_option_product_order()
                .domain_id(10000001)
                .option_product_id("ACV2")
                .body(typed::<types::OptionProductOrderPatchRequest>(body))
                .send()
                .await?,
        ),
        "delete_option_product_order" => json(
            client
                .delete_option_product_order()
                .domain_id(10000001)
                .option_product_id("ACV2")
                .send()
                .await?,
        ),
        "get_option_product_renewal" => json(
            client
                .get_option_product_renewal()
                .domain_id(10000001)
                .option_product_id("ACV2")
                .send()
                .await?,
        ),
        "update_option_product_renewal" => json(
            client
                .update_option_product_renewal()
                .domain_id(10000001)
                .option_product_id("SSTG2")
                .body(typed::<types::OptionRenewalPatchRequest>(body))
                .send()
                .await?,
        ),
        "list_option_product_usages" => json(
            client
                .list_option_product_usages()
                .domain_id(10000001)
                .year(2021)
                .month(6)
                .product_group_id("WORKS")
                .send()
                .await?,
        ),
        "list_customer_usages" => json(
            client
                .list_customer_usages()
                .domain_id(10000001)
                .year(2021)
                .month(6)
                .product_group_id("WORKS")
                .send()
                .await?,
        ),
        "list_invoices" => json(client.list_invoices().year(2021).send().await?),
        "list_invoice_details" => json(
            client
                .list_invoice_details()
                .year(2021)
                .month(6)
                .count(20)
                .cursor("JlIBsfJogXpzDGY8OscZziqZpYqCAu3RbZbaFzBb1od6lWQtSdPUd2FIdCuaGgu8DA==")
                .send()
                .await?,
        ),
        other => panic!("no call written for operation {other}: add it here"),
    })
}

fn example_of_param(param: &Value) -> Value {
    param
        .get("example")
        .or_else(|| support::resolve(&param["schema"]).get("example"))
        .cloned()
        .unwrap_or_else(|| panic!("parameter {} has no example", param["name"]))
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn every_operation_sends_what_the_spec_says_and_parses_the_answer() {
    let server = MockServer::start_async().await;
    let client = support::client(&server);
    let operations = validate::operations();
    assert_eq!(
        operations.len(),
        67,
        "the spec covers every Partner API operation"
    );
    let current: Vec<_> = operations
        .iter()
        .filter(|op| !support::is_deprecated(op.id))
        .collect();
    assert_eq!(
        current.len(),
        55,
        "current operations, besides the 12 fading ones"
    );
    for op in current {
        let spec_op = &support::spec()["paths"][op.path][op.method.to_lowercase()];
        let mut path = format!("/v1.0{}", op.path);
        let mut query = Vec::new();
        for param in spec_op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(support::resolve)
        {
            let value = text(&example_of_param(param));
            match param["in"].as_str() {
                Some("path") => {
                    path = path.replace(&format!("{{{}}}", text(&param["name"])), &value)
                }
                Some("query") => query.push((text(&param["name"]), value)),
                _ => {}
            }
        }
        let body = spec_op
            .pointer("/requestBody/content/application~1json")
            .map(|media| {
                support::example(media)
                    .unwrap_or_else(|| panic!("{}: request body has no example", op.id))
            });
        let (status, response) = spec_op["responses"]
            .as_object()
            .and_then(|r| r.iter().find(|(s, _)| s.starts_with('2')))
            .map(|(s, r)| {
                (
                    s.parse::<u16>().unwrap(),
                    support::resolve(r)
                        .pointer("/content/application~1json")
                        .and_then(support::example),
                )
            })
            .expect("one success response");

        let expected_body = body.as_ref().map(support::normalize);
        let mock = server
            .mock_async(|when, then| {
                let mut when = when
                    .method(op.method)
                    .path(path.clone())
                    .header("authorization", format!("Bearer {TOKEN}"))
                    .header_missing("api-version");
                for (k, v) in &query {
                    when = when.query_param(k.clone(), v.clone());
                }
                match expected_body.clone() {
                    Some(expected) => {
                        when.header("content-type", "application/json")
                            .is_true(move |req| {
                                serde_json::from_slice::<Value>(req.body().as_ref())
                                    .is_ok_and(|sent| support::normalize(&sent) == expected)
                            });
                    }
                    None => {
                        when.is_true(|req| req.body().as_ref().is_empty());
                    }
                }
                let then = then.status(status);
                if let Some(response) = &response {
                    then.header("content-type", "application/json")
                        .json_body(response.clone());
                }
            })
            .await;

        let parsed = call(&client, op.id, body.as_ref().unwrap_or(&Value::Null))
            .await
            .unwrap_or_else(|e| panic!("{} {} failed: {e}", op.method, path));
        assert_eq!(
            mock.calls_async().await,
            1,
            "{}: the request did not match what the spec describes",
            op.id
        );
        match &response {
            Some(expected) => assert_eq!(
                support::normalize(&parsed),
                support::normalize(expected),
                "{}: the parsed answer differs from the example it was given",
                op.id
            ),
            None => assert_eq!(parsed, Value::Null, "{}: no body expected", op.id),
        }
        mock.delete_async().await;
    }
}

/// The doc comment of field `field` of generated struct `ty`, as the build wrote it.
fn field_doc(ty: &str, field: &str) -> String {
    let code = include_str!(concat!(env!("OUT_DIR"), "/progenitor.rs"));
    let start = code
        .find(&format!("pub struct {ty} {{"))
        .unwrap_or_else(|| panic!("no struct {ty}"));
    let body = &code[start..];
    let at = body
        .find(&format!("pub {field}:"))
        .unwrap_or_else(|| panic!("no field {ty}.{field}"));
    let before = &body[..at];
    let doc_start = before
        .rfind("/**")
        .unwrap_or_else(|| panic!("{ty}.{field} has no doc"));
    assert!(
        !before[doc_start..].contains("pub "),
        "{ty}.{field} has no doc of its own"
    );
    before[doc_start..].to_string()
}

#[test]
fn field_docs_carry_the_spec_facts() {
    // Before: no doc at all on enum and nullable fields, no limits on the others.
    let company = field_doc("CustomerCreateRequest", "company_name");
    assert!(
        company.contains("Required. At most 40 characters."),
        "{company}"
    );
    let locale = field_doc("CustomerCreateRequest", "locale");
    assert!(locale.contains("Tenant language."), "{locale}");
    assert!(
        locale.contains("One of `ja_JP`, `ko_KR`, `en_US`, `zh_TW`, `zh_CN`."),
        "{locale}"
    );
    let count = field_doc("SubscriptionCreateRequest", "license_count");
    assert!(
        count.contains("`null` otherwise"),
        "the conditional rule: {count}"
    );
    assert!(
        count.contains("Optional. `Nullable::Null` sends `null`"),
        "{count}"
    );
    assert!(count.contains("At most 1000000."), "{count}");
    let plan = field_doc("SubscriptionCreateRequest", "plan");
    assert!(
        plan.contains("Required.") && plan.contains("`MONTHLY`"),
        "{plan}"
    );
    let product = field_doc("CustomerCreateRequest", "product_id");
    assert!(product.contains("Deprecated by the API."), "{product}");
    let phone = field_doc("CustomerCreateRequest", "phone_number");
    assert!(phone.contains("Must match `^[0-9PT*#+,-]+$`."), "{phone}");
}

#[test]
fn method_examples_build_real_bodies_and_setters_say_what_is_required() {
    let api = include_str!(concat!(env!("OUT_DIR"), "/api.rs"));
    assert!(
        !api.contains("unimplemented!"),
        "an example still has a placeholder body"
    );
    assert!(
        api.contains("types::CustomerCreateRequest::builder()\n            .domain(\"example.com\")\n            .company_name(\"LINE WORKS Corp.\")"),
        "create_customer's example builds its body from the spec's example"
    );
    assert!(
        api.contains(
            "its required fields are `domain`, `companyName`, `phoneNumber`, `timeZone`, `locale`"
        ),
        "body setters name the required fields"
    );
    assert!(
        !api.contains("checked when the request is sent."),
        "boilerplate setter docs remain"
    );
}

#[tokio::test]
async fn a_space_in_the_query_is_sent_as_percent_20_and_a_plus_as_2b() {
    use axum::extract::RawQuery;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |RawQuery(query): RawQuery| {
        *record.lock().unwrap() = query;
        async { axum::Json(serde_json::json!({"customers": [], "responseMetaData": {}})) }
    });
    let client = Client::builder()
        .base_url(format!("{}/v1.0", support::serve(app).await))
        .credentials(lineworks_partner::Credentials::access_token(TOKEN))
        .build()
        .unwrap();
    // A base64 cursor holds `+` and `/`; the reference writes the order's space as `%20`.
    client
        .list_customers()
        .order_by("name desc")
        .cursor("ab+cd/ef==")
        .send()
        .await
        .unwrap();
    let query = seen.lock().unwrap().clone().unwrap();
    assert!(query.contains("orderBy=name%20desc"), "{query}");
    assert!(query.contains("cursor=ab%2Bcd%2Fef%3D%3D"), "{query}");
    assert!(!query.contains('+'), "{query}");
}
