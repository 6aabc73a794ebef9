//! Errors (400, 401, 403, 404, 405), paging edges, the token endpoint and fault injection.

mod common;

use common::{builder, client, demo, status_code};
use lineworks_partner::{Client, Credentials, RetryPolicy, types};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn raw(
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = reqwest::Client::new().request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let res = req.send().await.expect("sandbox answers");
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn bad_requests_name_the_field() {
    let sb = demo().await;
    let url = format!("{}/partners/customers", sb.base_url());
    let post = |body: &'static str| raw(reqwest::Method::POST, url.clone(), Some("t"), Some(body));

    let (s, _, b) = post("{not json").await;
    assert_eq!(s, 400);
    assert!(
        b["description"]
            .as_str()
            .unwrap()
            .contains("malformed JSON")
    );

    let (s, _, b) = post(
        r#"{"domain":"x.example","companyName":"X","phoneNumber":"1","timeZone":"Asia/Tokyo"}"#,
    )
    .await;
    assert_eq!(s, 400);
    assert!(b["description"].as_str().unwrap().contains("locale"), "{b}");

    let (s, _, b) = post(r#"{"domain":"x.example","companyName":7,"phoneNumber":"1","timeZone":"Asia/Tokyo","locale":"ja_JP"}"#).await;
    assert_eq!(s, 400);
    assert!(
        b["description"].as_str().unwrap().contains("companyName"),
        "{b}"
    );

    let (s, _, b) = post(r#"{"domain":"x.example","companyName":"X","phoneNumber":"1","timeZone":"Asia/Tokyo","locale":"xx_XX"}"#).await;
    assert_eq!(s, 400, "values outside the spec's enum are refused");
    assert!(b["description"].as_str().unwrap().contains("locale"));

    let (s, _, b) = post(r#"{"domain":"x.example","companyName":"X","phoneNumber":"03 0000","timeZone":"Asia/Tokyo","locale":"ja_JP"}"#).await;
    assert_eq!(s, 400, "the spec's pattern is enforced");
    assert!(b["description"].as_str().unwrap().contains("phoneNumber"));

    let long = format!(
        r#"{{"domain":"x.example","companyName":"X","phoneNumber":"1","timeZone":"Asia/Tokyo","locale":"ja_JP","partnership":{{"customerCode":"{}"}}}}"#,
        "\u{3042}".repeat(67)
    );
    let (s, _, b) = raw(reqwest::Method::POST, url.clone(), Some("t"), Some(&long)).await;
    assert_eq!(s, 400, "201 bytes of UTF-8 break x-max-bytes");
    assert!(
        b["description"]
            .as_str()
            .unwrap()
            .contains("partnership.customerCode")
    );

    let (s, _, b) = raw(
        reqwest::Method::PATCH,
        format!("{}/partners/customers/10000001", sb.base_url()),
        Some("t"),
        Some(r#"{"companyName":null}"#),
    )
    .await;
    assert_eq!(s, 400, "null is refused where the spec does not allow it");
    assert_eq!(b["code"], "INVALID_PARAMETER");

    let (s, _, _) = raw(
        reqwest::Method::GET,
        format!("{}/partners/customers/abc", sb.base_url()),
        Some("t"),
        None,
    )
    .await;
    assert_eq!(s, 400);

    let (s, _, b) = raw(
        reqwest::Method::GET,
        format!("{}/partners/customers?count=31", sb.base_url()),
        Some("t"),
        None,
    )
    .await;
    assert_eq!(s, 400);
    assert!(b["description"].as_str().unwrap().contains("count"));

    let (s, _, b) = raw(
        reqwest::Method::GET,
        format!("{}/partners/invoices", sb.base_url()),
        Some("t"),
        None,
    )
    .await;
    assert_eq!(s, 400, "a missing required query parameter");
    assert!(b["description"].as_str().unwrap().contains("year"));

    let (s, h, _) = raw(
        reqwest::Method::PUT,
        format!("{}/partners/invoices", sb.base_url()),
        Some("t"),
        None,
    )
    .await;
    assert_eq!(s, 405);
    assert_eq!(h["allow"], "GET");
}

#[tokio::test]
async fn unknown_things_are_404_and_state_conflicts_400() {
    let sb = demo().await;
    let api = client(&sb);
    let e = api.get_customer().domain_id(1).send().await.unwrap_err();
    assert_eq!(status_code(&e), (404, "NOT_FOUND".into()));
    let e = api
        .get_subscription()
        .domain_id(10_000_001)
        .subscription_id(5)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e).0, 404);
    let e = api
        .cancel_option_product()
        .domain_id(10_000_001)
        .option_product_id("BCT")
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e).0, 404);
    let e = api
        .delete_pre_order()
        .domain_id(10_000_001)
        .pre_order_id(42)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e).0, 404);

    // The spec lists no 409 for these operations, so conflicts are 400s with their own code.
    let e = api
        .activate_customer()
        .domain_id(10_000_001)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e), (400, "ALREADY_ACTIVATED".into()));
    let e = api
        .create_pre_order()
        .domain_id(10_000_001)
        .body_map(|b| {
            b.apply_date(common::days(3))
                .product_id(types::PaidProductId::Adv)
                .plan("MONTHLY".parse().unwrap())
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e), (400, "ALREADY_SUBSCRIBED".into()));
    let e = api
        .create_pre_order()
        .domain_id(10_000_006)
        .body_map(|b| {
            b.apply_date(common::days(40))
                .product_id(types::PaidProductId::Std)
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e).0, 400, "pre-orders start within 31 days");
    let e = api
        .create_subscription_reservation()
        .domain_id(10_000_001)
        .subscription_id(20_000_001)
        .body_map(|b| {
            b.type_(types::ReservationType::StartPaidService)
                .apply_date(common::days(3))
                .plan("MONTHLY".parse().unwrap())
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e), (400, "NOT_A_TRIAL".into()));
}

#[tokio::test]
async fn authentication_and_scopes() {
    let sb = builder().token("secret").start().await.unwrap();
    let url = format!("{}/partners/invoices?year=2025", sb.base_url());
    let (s, _, b) = raw(reqwest::Method::GET, url.clone(), None, None).await;
    assert_eq!(
        (s.as_u16(), b["code"].as_str()),
        (401, Some("UNAUTHORIZED"))
    );
    let (s, _, _) = raw(reqwest::Method::GET, url.clone(), Some("wrong"), None).await;
    assert_eq!(s, 401);
    let (s, _, _) = raw(reqwest::Method::GET, url.clone(), Some("secret"), None).await;
    assert_eq!(s, 200);

    // The token endpoint: a read-only token may read but not write.
    let jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJjbGllbnQiLCJzdWIiOiJzYSJ9.c2ln";
    let http = reqwest::Client::new();
    let form = |pairs: &[(&str, &str)]| http.post(sb.token_url()).form(pairs).send();
    let res = form(&[
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("assertion", jwt),
        ("client_id", "client"),
        ("client_secret", "s"),
        ("scope", "partner.read"),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let tok: Value = res.json().await.unwrap();
    assert_eq!(tok["token_type"], "Bearer");
    assert_eq!(
        tok["expires_in"],
        json!("86400"),
        "expires_in is a string, as upstream"
    );
    assert_eq!(tok["scope"], "partner.read");
    let access = tok["access_token"].as_str().unwrap().to_string();
    let (s, _, _) = raw(reqwest::Method::GET, url.clone(), Some(&access), None).await;
    assert_eq!(s, 200);
    let (s, _, b) = raw(
        reqwest::Method::POST,
        format!("{}/partners/customers/verify-domain", sb.base_url()),
        Some(&access),
        Some(r#"{"domain":"abc.example"}"#),
    )
    .await;
    assert_eq!((s.as_u16(), b["code"].as_str()), (403, Some("FORBIDDEN")));

    let res = form(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", tok["refresh_token"].as_str().unwrap()),
        ("client_id", "client"),
        ("client_secret", "s"),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let bad = [
        vec![
            ("grant_type", "password"),
            ("client_id", "c"),
            ("client_secret", "s"),
        ],
        vec![("client_id", "c")],
        vec![
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", "not-a-jwt"),
            ("client_id", "client"),
            ("client_secret", "s"),
            ("scope", "partner"),
        ],
        vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", "zzz"),
            ("client_id", "c"),
            ("client_secret", "s"),
        ],
    ];
    for pairs in bad {
        let res = form(&pairs).await.unwrap();
        assert_eq!(res.status(), 400, "{pairs:?}");
        let body: Value = res.json().await.unwrap();
        assert!(body["error"].is_string() && body["error_description"].is_string());
    }
}

#[tokio::test]
async fn paging_edges() {
    let sb = demo().await;
    let api = client(&sb);
    // A page exactly at the end carries no cursor.
    let total = api.list_customers().count(30).send().await.unwrap();
    let n = total.customers.len();
    assert!(total.response_meta_data.is_none());
    let exact = api.list_customers().count(n as i32).send().await.unwrap();
    assert!(
        exact.response_meta_data.is_none(),
        "no cursor to an empty page"
    );
    let first = api
        .list_customers()
        .count(n as i32 - 1)
        .send()
        .await
        .unwrap();
    let cursor = first.response_meta_data.unwrap().next_cursor.unwrap();
    let last = api
        .list_customers()
        .count(n as i32 - 1)
        .cursor(cursor.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(last.customers.len(), 1);
    assert!(last.response_meta_data.is_none());

    // Descending order is the reverse of ascending.
    let asc: Vec<i64> = api
        .list_customers()
        .count(4)
        .collect_all()
        .await
        .unwrap()
        .iter()
        .map(|c| c.domain_id)
        .collect();
    let mut desc: Vec<i64> = api
        .list_customers()
        .count(4)
        .order_by("name desc")
        .collect_all()
        .await
        .unwrap()
        .iter()
        .map(|c| c.domain_id)
        .collect();
    desc.reverse();
    assert_eq!(asc, desc);

    // Made-up cursors, and cursors of another list or order, are refused.
    let e = api
        .list_customers()
        .cursor("kBhFZjtIFJKDiX1rE78vAg==")
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e).0, 400);
    let e = api
        .list_customers()
        .order_by("name desc")
        .cursor(cursor)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&e).0, 400);

    // A filter by domain.
    let one = api
        .list_customers()
        .domain("example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(one.customers.len(), 1);

    // Invoice details page with at most 20 per page.
    let e = api
        .list_invoice_details()
        .year(2025)
        .month(5)
        .count(21)
        .send()
        .await;
    assert!(e.is_err(), "the client refuses count 21 before sending");
    let (s, _, _) = raw(
        reqwest::Method::GET,
        format!(
            "{}/partners/invoice-details?year=2025&month=5&count=21",
            sb.base_url()
        ),
        Some("t"),
        None,
    )
    .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn rate_limit_answers_429_with_headers() {
    let sb = builder().rate_limit_per_minute(3).start().await.unwrap();
    let url = format!("{}/partners/invoices?year=2025", sb.base_url());
    for _ in 0..3 {
        assert_eq!(
            raw(reqwest::Method::GET, url.clone(), Some("t"), None)
                .await
                .0,
            200
        );
    }
    let (s, h, b) = raw(reqwest::Method::GET, url.clone(), Some("t"), None).await;
    assert_eq!(
        (s.as_u16(), b["code"].as_str()),
        (429, Some("TOO_MANY_REQUESTS"))
    );
    assert_eq!(h["ratelimit-limit"], "3");
    assert_eq!(h["ratelimit-remaining"], "0");
    let reset: u64 = h["ratelimit-reset"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&reset));
    // Limits are per operation.
    let (s, _, _) = raw(
        reqwest::Method::GET,
        format!("{}/partners/customers", sb.base_url()),
        Some("t"),
        None,
    )
    .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn failures_and_latency_are_injected() {
    let sb = builder().fail_rate(1.0).latency(50).start().await.unwrap();
    let api = Client::builder()
        .base_url(sb.base_url())
        .credentials(Credentials::access_token("t"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let e = api.list_invoices().year(2025).send().await.unwrap_err();
    assert!(started.elapsed() >= std::time::Duration::from_millis(50));
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));

    let half = builder().fail_rate(0.5).start().await.unwrap();
    let url = format!("{}/partners/invoices?year=2025", half.base_url());
    let mut failed = 0;
    for _ in 0..100 {
        if raw(reqwest::Method::GET, url.clone(), Some("t"), None)
            .await
            .0
            == 503
        {
            failed += 1;
        }
    }
    assert!((25..=75).contains(&failed), "{failed} of 100 failed");
    assert!(builder().fail_rate(1.5).start().await.is_err());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let sb = builder().start().await.unwrap();
    let addr = sb.addr();
    drop(sb);
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(refused, "the port is released after drop");
}

/// The spec's `x-rules` and patterns are the sandbox's rules too: what the client refuses
/// before sending, the sandbox refuses when another client sends it.
#[tokio::test]
async fn rules_the_docs_state_in_prose_are_refused_by_name() {
    let sb = demo().await;
    let url = format!("{}/partners/customers", sb.base_url());
    let post = |body: String| {
        let url = url.clone();
        async move { raw(reqwest::Method::POST, url, Some("t"), Some(&body)).await }
    };
    let customer = |domain: &str, tz: &str| {
        format!(
            r#"{{"domain":"{domain}","companyName":"X","phoneNumber":"1","timeZone":"{tz}","locale":"ja_JP"}}"#
        )
    };
    let (s, _, b) = post(customer("x.example", "Asia/Tokio")).await;
    assert_eq!(s, 400, "{b}");
    assert!(
        b["description"].as_str().unwrap().contains("timeZone"),
        "{b}"
    );
    let (s, _, b) = post(customer("Acme.JP", "Asia/Tokyo")).await;
    assert_eq!(s, 400, "{b}");
    assert!(b["description"].as_str().unwrap().contains("domain"), "{b}");

    let subscriptions = format!(
        "{}/partners/customers/10000001/subscriptions",
        sb.base_url()
    );
    let (s, _, b) = raw(
        reqwest::Method::POST,
        subscriptions,
        Some("t"),
        Some(r#"{"productId":"STD","plan":"ANNUAL_LICENSE"}"#),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    assert!(
        b["description"].as_str().unwrap().contains("licenseCount"),
        "{b}"
    );
}

#[tokio::test]
async fn the_administrator_password_is_decoded_before_its_rules_are_checked() {
    let sb = demo().await;
    let url = format!("{}/partners/customers", sb.base_url());
    let post = |domain: &str, password: &str| {
        let body = json!({
            "domain": domain, "companyName": "X", "phoneNumber": "1", "timeZone": "Asia/Tokyo",
            "locale": "ja_JP",
            "administrator": {"lastName": "Works", "password": password, "id": "admin",
                              "privateEmail": "a@example.com"}
        })
        .to_string();
        let url = url.clone();
        async move { raw(reqwest::Method::POST, url, Some("t"), Some(&body)).await }
    };
    let encoded = |text: &str| lineworks_partner::SecretText::from(text).to_base64();
    let description = |b: &Value| b["description"].as_str().unwrap_or_default().to_string();

    // The text as typed (a `!` is no Base64 character), or Base64 without its padding.
    for wire in ["Passw0rd!357", encoded("Passw0rd13").trim_end_matches('=')] {
        let (s, _, b) = post("plain.example", wire).await;
        assert_eq!(s, 400, "{b}");
        assert_eq!(b["code"], "INVALID_PARAMETER", "{b}");
        let text = description(&b);
        assert!(
            text.contains("administrator.password") && text.contains("Base64"),
            "{text}"
        );
        assert!(!text.contains(wire), "the answer repeats no secret: {text}");
    }
    // Rules on the decoded text: 16 Base64 characters hold only 7 of text; a run of 1-2-3;
    // letters without a digit.
    for (text, rule) in [
        ("Passw0r", "at least 8 characters"),
        ("Passw0rd123", "3 characters in a row"),
        ("Password!", "must match"),
    ] {
        let (s, _, b) = post("rules.example", &encoded(text)).await;
        assert_eq!(s, 400, "{text}: {b}");
        let said = description(&b);
        assert!(
            said.contains("administrator.password")
                && said.contains("once Base64-decoded")
                && said.contains(rule),
            "{text}: {said}"
        );
    }
    // Twenty characters of text are 28 of Base64, and accepted.
    let (s, _, b) = post("ok.example", &encoded("Passw0rd13Passw0rd13")).await;
    assert!(s.is_success(), "{b}");
    assert_eq!(b["administrator"]["id"], "admin", "{b}");
}
