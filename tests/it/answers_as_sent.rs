//! `send_json` and `pages_json`: the answer as the API sent it, after the same request checks
//! as `send`.

use crate::support::{TOKEN, serve};
use futures_util::TryStreamExt;
use lineworks_partner::{Client, Credentials, Error, RetryPolicy};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

fn customer(id: u64) -> Value {
    json!({"tenantId": id, "domainId": id, "domain": format!("c{id}.example.com"), "companyName": "c",
           "phoneNumber": "0", "timeZone": "Asia/Tokyo", "locale": "ja_JP", "enableActiveMxrecord": true,
           "enableActiveDomain": true, "domainType": "DOMAIN",
           // Not in the spec (yet): kept by send_json, dropped by send.
           "newField": {"since": "2027"}, "productId": null, "emptyList": []})
}

/// A server answering every request with the next of `answers` (the last one repeated).
async fn answering(answers: Vec<Value>) -> String {
    let answers = Arc::new(Mutex::new(answers));
    let app = axum::Router::new().fallback(move || {
        let answers = answers.clone();
        async move {
            let mut answers = answers.lock().unwrap();
            let answer = if answers.len() > 1 {
                answers.remove(0)
            } else {
                answers[0].clone()
            };
            axum::Json(answer)
        }
    });
    format!("{}/v1.0", serve(app).await)
}

fn client(url: String) -> Client {
    Client::builder()
        .base_url(url)
        .credentials(Credentials::access_token(TOKEN))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn send_json_keeps_what_the_types_do_not_know() {
    let client = client(answering(vec![customer(7)]).await);
    let sent = client
        .get_customer()
        .domain_id(7)
        .send_json()
        .await
        .unwrap();
    assert_eq!(sent, customer(7));
    let typed = client.get_customer().domain_id(7).send().await.unwrap();
    let typed = serde_json::to_value(typed).unwrap();
    assert!(
        typed.get("newField").is_none() && typed.get("emptyList").is_none(),
        "{typed}"
    );
}

#[tokio::test]
async fn send_json_checks_the_request_and_reads_any_json_answer() {
    // A request the spec forbids is refused before sending.
    let client = client(answering(vec![json!({"domainId": "not a number"})]).await);
    let e = client
        .list_customers()
        .count(500)
        .send_json()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");
    // An answer that is not the operation's type is send()'s error, and send_json()'s value.
    let e = client.get_customer().domain_id(7).send().await.unwrap_err();
    assert!(matches!(e, Error::UnexpectedResponse { .. }), "{e:?}");
    let sent = client
        .get_customer()
        .domain_id(7)
        .send_json()
        .await
        .unwrap();
    assert_eq!(sent, json!({"domainId": "not a number"}));
}

#[tokio::test]
async fn send_json_of_a_body_that_is_not_json_is_a_typed_error() {
    let app = axum::Router::new().fallback(|| async { "<html>maintenance</html>" });
    let e = client(format!("{}/v1.0", serve(app).await))
        .get_customer()
        .domain_id(7)
        .send_json()
        .await
        .unwrap_err();
    match e {
        Error::UnexpectedResponse { status, detail, .. } => {
            assert_eq!(status.as_u16(), 200);
            assert!(
                detail.contains("web page") && detail.contains("maintenance"),
                "{detail}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn pages_json_follows_the_cursor_and_keeps_each_page_whole() {
    let page = |ids: &[u64], next: Option<&str>| {
        let mut meta = json!({});
        if let Some(next) = next {
            meta["nextCursor"] = next.into();
        }
        json!({"customers": ids.iter().map(|id| customer(*id)).collect::<Vec<_>>(), "responseMetaData": meta, "extra": 1})
    };
    let url = answering(vec![page(&[1, 2], Some("c2")), page(&[3], None)]).await;
    let pages: Vec<Value> = client(url)
        .list_customers()
        .pages_json()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages, vec![page(&[1, 2], Some("c2")), page(&[3], None)]);

    // A server that repeats its cursor is stopped here as in pages().
    let url = answering(vec![page(&[1], Some("again"))]).await;
    let e = client(url)
        .list_customers()
        .pages_json()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Paging { .. }), "{e:?}");
}

#[tokio::test]
async fn send_json_of_an_empty_answer_is_null_and_a_lenient_answer_is_as_sent() {
    let (url, next) = crate::fuzz_responses::scripted().await;
    let client = client(format!("{url}/v1.0"));
    // No body (a 204), and a success whose status the spec only guesses (create_customer).
    *next.lock().unwrap() = (204, Vec::new());
    let deleted = client
        .delete_upgrade_domain()
        .domain_id(7)
        .send_json()
        .await
        .unwrap();
    assert_eq!(deleted, Value::Null);
    *next.lock().unwrap() = (201, serde_json::to_vec(&customer(9)).unwrap());
    let body = lineworks_partner::types::CustomerCreateRequest::builder()
        .domain("c9.example.com")
        .company_name("c")
        .phone_number("0")
        .time_zone("Asia/Tokyo")
        .locale(lineworks_partner::types::Locale::JaJp)
        .build();
    let created = client
        .create_customer()
        .body(body)
        .send_json()
        .await
        .unwrap();
    assert_eq!(created, customer(9));
}
