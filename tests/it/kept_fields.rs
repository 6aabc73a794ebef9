//! Objects whose reference pages are cut off inside them (`x-truncated` in the spec) keep the
//! fields the API sends beyond the ones the spec names, and write them back when serialised.

use crate::support::{TOKEN, serve, spec};
use futures_util::TryStreamExt;
use lineworks_partner::{Client, Credentials, RetryPolicy, types};
use serde_json::{Value, json};

async fn answering(answer: Value) -> Client {
    let app = axum::Router::new().fallback(move || {
        let answer = answer.clone();
        async move { axum::Json(answer) }
    });
    Client::builder()
        .base_url(format!("{}/v1.0", serve(app).await))
        .credentials(Credentials::access_token(TOKEN))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// An invoice line as a server might send it: the fields the spec knows, then money fields the
/// reference pages never reached.
fn line() -> Value {
    json!({
        "subscriptionId": 20000001, "itemType": "PRODUCT", "startDate": "2026-10-01",
        "endDate": "2026-10-14", "itemId": "STD",
        "quantity": 12, "unitPrice": 900, "amount": 10800, "tax": {"rate": 10, "amount": 1080}
    })
}

#[tokio::test]
async fn settlement_lines_keep_fields_the_spec_cannot_name() {
    let client = answering(json!({
        "invoiceDetails": [{"domainId": 10000001, "settlementItems": [line()]}]
    }))
    .await;
    let details: Vec<types::InvoiceDetail> = client
        .list_invoice_details()
        .year(2026)
        .month(10)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let item = &details[0].settlement_items[0];
    assert_eq!(item.item_id.as_deref(), Some("STD"));
    assert_eq!(item.extra["amount"], 10800);
    assert_eq!(item.extra["unitPrice"], 900);
    assert_eq!(item.extra["tax"], json!({"rate": 10, "amount": 1080}));
    // Known fields are not repeated in the map.
    assert!(!item.extra.contains_key("itemId"));
    assert_eq!(item.extra.len(), 4);
    // Serialize writes them back: nothing the API sent is lost on a round trip.
    assert_eq!(serde_json::to_value(item).unwrap(), line());
}

#[tokio::test]
async fn subscriptions_keep_fields_after_renewal() {
    let client = answering(json!({
        "domainId": 10000001, "subscriptionId": 20000001, "productId": "STD", "plan": "MONTHLY",
        "planStartDate": "2025-01-01", "status": "ACTIVE", "billingCycle": "MONTH"
    }))
    .await;
    let s = client
        .get_subscription()
        .domain_id(10000001)
        .subscription_id(20000001)
        .send()
        .await
        .unwrap();
    assert_eq!(s.extra["billingCycle"], "MONTH");
}

/// The spec decides which types keep unknown fields: every `x-truncated` schema is an object,
/// and the marker is on the schemas whose notes say the pages stop inside them.
#[test]
fn the_marked_schemas_are_the_cut_off_objects() {
    let schemas = spec()["components"]["schemas"].as_object().unwrap();
    let mut marked: Vec<&str> = schemas
        .iter()
        .filter(|(_, s)| s["x-truncated"] == true)
        .map(|(n, _)| n.as_str())
        .collect();
    marked.sort_unstable();
    assert_eq!(marked, ["OptionProduct", "SettlementItem", "Subscription"]);
    for name in marked {
        assert_eq!(schemas[name]["type"], "object", "{name}");
    }
}
