//! Cursor paging: lazy, follows `nextCursor`, never asks past the last page.

use crate::support;
use futures_util::{StreamExt, TryStreamExt};
use httpmock::{Mock, MockServer};
use lineworks_partner::Error;
use serde_json::{Value, json};

fn customer(id: i64) -> Value {
    json!({"tenantId": id, "domainId": id, "domain": format!("c{id}.example.com"), "companyName": "c",
           "phoneNumber": "0", "timeZone": "Asia/Tokyo", "locale": "ja_JP", "enableActiveMxrecord": true,
           "enableActiveDomain": true, "domainType": "DOMAIN"})
}

/// Three pages of two customers; the last has no `nextCursor`. A fourth mock catches any
/// request for a page after the last.
async fn three_pages(server: &MockServer) -> Vec<Mock<'_>> {
    let mut mocks = Vec::new();
    for (page, cursor, next) in [
        (0, None, Some("c2")),
        (1, Some("c2"), Some("c3")),
        (2, Some("c3"), None),
    ] {
        let mut body = json!({"customers": [customer(page * 2 + 1), customer(page * 2 + 2)], "responseMetaData": {}});
        if let Some(next) = next {
            body["responseMetaData"]["nextCursor"] = next.into();
        }
        mocks.push(
            server
                .mock_async(|when, then| {
                    let when = when
                        .path("/v1.0/partners/customers")
                        .query_param("count", "2");
                    match cursor {
                        Some(c) => when.query_param("cursor", c),
                        None => when.query_param_missing("cursor"),
                    };
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    mocks.push(
        server
            .mock_async(|when, then| {
                when.path("/v1.0/partners/customers")
                    .query_param_exists("cursor");
                then.status(500).json_body(
                    json!({"code": "PAST_THE_END", "description": "asked past the last page"}),
                );
            })
            .await,
    );
    mocks
}

async fn hits(mocks: &[Mock<'_>]) -> Vec<usize> {
    let mut out = Vec::new();
    for m in mocks {
        out.push(m.calls_async().await);
    }
    out
}

#[tokio::test]
async fn streams_every_item_and_stops_at_the_last_page() {
    let server = MockServer::start_async().await;
    let mocks = three_pages(&server).await;
    let client = support::client(&server);
    let ids: Vec<i64> = client
        .list_customers()
        .count(2)
        .stream()
        .map_ok(|c| c.domain_id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6]);
    assert_eq!(
        hits(&mocks).await,
        [1, 1, 1, 0],
        "each page once, none past the last"
    );

    let all = client
        .list_customers()
        .count(2)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 6);
    let pages: Vec<_> = client
        .list_customers()
        .count(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(hits(&mocks).await, [3, 3, 3, 0]);
}

#[tokio::test]
async fn the_stream_is_lazy() {
    let server = MockServer::start_async().await;
    let mocks = three_pages(&server).await;
    let client = support::client(&server);
    let first_three: Vec<_> = client
        .list_customers()
        .count(2)
        .stream()
        .take(3)
        .collect()
        .await;
    assert_eq!(first_three.len(), 3);
    assert_eq!(
        hits(&mocks).await,
        [1, 1, 0, 0],
        "the third page is never needed"
    );
}

#[tokio::test]
async fn an_error_ends_the_stream_and_a_page_size_over_the_maximum_is_refused() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v1.0/partners/customers");
            then.status(403)
                .json_body(json!({"code": "FORBIDDEN", "description": "not a partner"}));
        })
        .await;
    let client = support::client(&server);
    let results: Vec<_> = client.list_customers().stream().collect().await;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].as_ref().unwrap_err().code(), Some("FORBIDDEN"));

    let err = client
        .list_customers()
        .count(31)
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    let err = client
        .list_invoice_details()
        .year(2026)
        .month(1)
        .count(21)
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}
