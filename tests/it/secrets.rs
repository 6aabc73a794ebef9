//! The access token never shows in `Debug`, `Display`, errors or logs.

use crate::support::{self, TOKEN};
use httpmock::MockServer;
use lineworks_partner::{Client, Credentials};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_token_appears_in_no_output() {
    let logs = Captured::default();
    let writer = logs.clone();
    // Everything on the client side at the finest level; the mock server's own logs echo the
    // requests it received, which is the server's business, not the client's.
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_writer(move || writer.clone())
            .with_filter(
                Targets::new()
                    .with_target("httpmock", LevelFilter::OFF)
                    .with_default(LevelFilter::TRACE),
            ),
    );
    // Global, because call sites whose interest other test threads already cached are not
    // re-evaluated for a thread-local subscriber. Every test's logs are then checked too.
    tracing::subscriber::set_global_default(subscriber)
        .expect("only this test installs a subscriber");

    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(401)
                .json_body(json!({"code": "UNAUTHORIZED", "description": "token expired"}));
        })
        .await;
    let builder = Client::builder().credentials(Credentials::access_token(TOKEN));
    let client = support::client(&server);
    let err = client.get_customer().domain_id(1).send().await.unwrap_err();
    let request = client.get_customer().domain_id(1);

    let mut output = vec![
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{request:?}"),
        format!("{:?}", Credentials::access_token(TOKEN)),
        format!("{err:?}"),
        err.to_string(),
    ];
    output.push(String::from_utf8(logs.0.lock().unwrap().clone()).unwrap());
    assert!(
        output.last().unwrap().contains("lineworks_partner.call"),
        "the call was logged: {}",
        output.last().unwrap()
    );
    for text in &output {
        assert!(!text.contains(TOKEN), "the token leaked into: {text}");
    }
}
