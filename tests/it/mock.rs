//! The typed mocks the `httpmock` feature generates, used as a user's test would.

use crate::support::{self, TOKEN};
use httpmock::MockServer;
use lineworks_partner::mock::MockServerExt;
use lineworks_partner::{Client, Credentials, types};

#[tokio::test]
async fn typed_mocks_answer_the_client() {
    let server = MockServer::start_async().await;
    let customer: types::Customer = support::typed(&serde_json::json!({
        "tenantId": 7, "domainId": 10000001, "domain": "example.com", "companyName": "Example",
        "phoneNumber": "03-0000-0000", "timeZone": "Asia/Tokyo", "locale": "ja_JP",
        "enableActiveMxrecord": true, "enableActiveDomain": true, "domainType": "DOMAIN"
    }));
    let found = server.get_customer(|when, then| {
        when.domain_id(10000001);
        then.ok(&customer);
    });
    let missing = server.get_customer(|when, then| {
        when.domain_id(404);
        then.not_found(&types::ApiErrorBody {
            code: "NOT_FOUND".into(),
            description: Some("no such domain".into()),
        });
    });
    // The generated mocks match paths without the `/v1.0` prefix.
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::access_token(TOKEN))
        .build()
        .unwrap();

    assert_eq!(
        client
            .get_customer()
            .domain_id(10000001)
            .send()
            .await
            .unwrap(),
        customer
    );
    assert_eq!(
        client
            .get_customer()
            .domain_id(404)
            .send()
            .await
            .unwrap_err()
            .code(),
        Some("NOT_FOUND")
    );
    found.assert_async().await;
    missing.assert_async().await;
}
