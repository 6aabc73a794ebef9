//! Fields the API clears with an explicit `null` can send one; absent fields stay absent.

use crate::support;
use httpmock::MockServer;
use lineworks_partner::Nullable;
use serde_json::json;

#[tokio::test]
async fn null_absent_and_value_are_three_different_requests() {
    let server = MockServer::start_async().await;
    let status = json!({"maxMemberCount": 50, "memberCount": 3});
    let mock = server
        .mock_async(|when, then| {
            when.method("PATCH")
                .path("/v1.0/partners/customers/1/usage-status")
                .json_body(json!({"withdrawalDate": null, "maxMemberCount": 50}));
            then.status(200).json_body(status.clone());
        })
        .await;
    let client = support::client(&server);
    client
        .update_usage_status_partially()
        .domain_id(1)
        .body_map(|b| {
            b.withdrawal_date(Nullable::Null)
                .max_member_count(Nullable::Value(50))
        })
        .send()
        .await
        .unwrap();
    assert_eq!(
        mock.calls_async().await,
        1,
        "null sent for the cleared field, the value for the other"
    );
}
