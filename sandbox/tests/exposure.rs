//! A sandbox others can reach: listening beyond loopback needs a token or an explicit opt-in,
//! and nothing a client sends grows its memory without bound.

mod common;

use lineworks_partner_sandbox::Sandbox;
use std::net::SocketAddr;

fn every_interface() -> SocketAddr {
    SocketAddr::from(([0, 0, 0, 0], 0))
}

#[tokio::test]
async fn an_address_beyond_loopback_needs_a_token_or_an_explicit_opt_in() {
    let refused = Sandbox::builder().listen(every_interface()).start().await;
    let e = refused
        .expect_err("open to the network without a token")
        .to_string();
    assert!(
        e.contains("--token") && e.contains("--insecure-open"),
        "{e}"
    );

    let guarded = Sandbox::builder()
        .listen(every_interface())
        .token("secret-token")
        .start()
        .await
        .expect("a token makes it fine");
    let notice = guarded.access_notice();
    assert!(notice.contains("every interface"), "{notice}");
    assert!(notice.contains("only the configured token"), "{notice}");
    // The test handles need the token too.
    let url = format!("http://127.0.0.1:{}/sandbox/reset", guarded.addr().port());
    let http = reqwest::Client::new();
    let anyone = http.post(&url).bearer_auth("guess").send().await.unwrap();
    assert_eq!(anyone.status(), 401);
    guarded.shutdown().await;

    let open = Sandbox::builder()
        .listen(every_interface())
        .insecure_open(true)
        .start()
        .await
        .expect("said to be open");
    assert!(open.access_notice().contains("any non-empty bearer token"));
    open.shutdown().await;

    // Loopback stays as easy as ever.
    let local = Sandbox::start().await.expect("loopback needs nothing");
    assert!(local.access_notice().contains("this machine only"));
    local.shutdown().await;
}

/// Large bodies: the log keeps the newest requests within its byte budget (16 MiB of bodies)
/// instead of 10,000 of them whatever their size.
#[tokio::test]
async fn the_request_log_is_bounded_by_bytes() {
    let sandbox = common::demo().await;
    let http = reqwest::Client::new();
    let memo = "m".repeat(250 * 1024);
    let requests = 80; // 20 MB of bodies
    for i in 0..requests {
        let body = serde_json::json!({ "domain": format!("big{i}.example"), "memo": memo });
        let res = http
            .post(format!("{}/partners/customers", sandbox.base_url()))
            .bearer_auth("test")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().as_u16() < 500);
    }
    let log = sandbox.requests();
    let kept = serde_json::to_vec(&log).unwrap().len();
    assert!(
        kept <= 16 * 1024 * 1024 + 64 * 1024,
        "{kept} bytes in {} records",
        log.len()
    );
    assert!(log.len() < requests, "older records were dropped");
    let last = log.last().expect("the newest is kept");
    assert!(
        last.body.as_ref().unwrap()["domain"]
            .as_str()
            .is_some_and(|d| d == format!("big{}.example", requests - 1)),
        "{:?}",
        last.path
    );
    sandbox.shutdown().await;
}
