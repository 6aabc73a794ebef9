//! No secret (access or refresh token, client secret, private key, signed assertion) shows in
//! `Debug`, `Display`, errors, their causes or logs, on any path: a fixed token refused, a
//! service account whose token endpoint quotes the request back, tokens refused after renewal,
//! a write that timed out, the token stores.

use crate::support::{self, CLIENT_SECRET, PKCS8, TOKEN};
use axum::Form;
use axum::http::StatusCode;
use axum::routing::{any, post};
use httpmock::MockServer;
use lineworks_partner::auth::{FileTokenStore, TokenStore};
use lineworks_partner::{Client, Credentials, Error, RetryPolicy, types};
use serde_json::json;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
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
    let (printed, secrets) = service_account_paths().await;
    output.extend(printed);
    output.push(String::from_utf8(logs.0.lock().unwrap().clone()).unwrap());
    let logged = output.last().unwrap();
    for event in ["lineworks_partner.call", "attempt", "access token obtained"] {
        assert!(logged.contains(event), "{event} was logged: {logged}");
    }
    for text in &output {
        for secret in secrets.iter().map(String::as_str).chain([TOKEN]) {
            assert!(!text.contains(secret), "{secret:?} leaked into: {text}");
        }
    }
}

/// Every form value the token endpoint received, as the server saw them.
type Forms = Arc<Mutex<Vec<HashMap<String, String>>>>;

/// A token endpoint that grants once, then refuses by quoting the request back; an API that
/// refuses every token (401) on reads and never answers writes.
async fn hostile_server() -> (String, Forms) {
    let forms: Forms = Arc::default();
    let seen = forms.clone();
    let app = axum::Router::new()
        .route(
            "/token",
            post(move |Form(form): Form<HashMap<String, String>>| {
                let mut seen = seen.lock().unwrap();
                seen.push(form.clone());
                let n = seen.len();
                async move {
                    if n == 1 {
                        return (
                            StatusCode::OK,
                            axum::Json(json!({
                                "access_token": "access-tok-1", "refresh_token": "refresh-tok-1",
                                "token_type": "Bearer", "expires_in": "86400"
                            })),
                        );
                    }
                    let echo: Vec<String> = form.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    (
                        StatusCode::UNAUTHORIZED,
                        axum::Json(json!({
                            "error": format!("invalid_client {}", form.get("client_secret").cloned().unwrap_or_default()),
                            "error_description": format!("refused {}", echo.join("&")),
                        })),
                    )
                }
            }),
        )
        .route(
            "/v1.0/{*path}",
            any(|method: axum::http::Method| async move {
                if method != axum::http::Method::GET {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                }
                (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(json!({"code": "UNAUTHORIZED", "description": "revoked"})),
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, forms)
}

/// What a service-account client prints on its failure paths, and the secrets it must not.
async fn service_account_paths() -> (Vec<String>, Vec<String>) {
    let (url, forms) = hostile_server().await;
    let dir = tempfile_dir();
    let store = || FileTokenStore::new(dir.join("tokens.json"));
    let credentials = support::service_account(&url);
    let client = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(credentials.clone())
        .token_store(store())
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let mut errors = Vec::new();
    // Refused after a renewal whose refresh and new JWT are refused with the request quoted.
    errors.push(client.get_customer().domain_id(1).send().await.unwrap_err());
    // A write with no answer: its outcome is unknown.
    let body = types::CustomerCreateRequest::builder()
        .domain("example.com")
        .company_name("Example")
        .phone_number("03-0000-0000")
        .time_zone("Asia/Tokyo")
        .locale(types::Locale::JaJp)
        .build();
    let fixed = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(Credentials::access_token(TOKEN))
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let timed_out = fixed.create_customer().body(body).send().await.unwrap_err();
    assert!(timed_out.may_have_succeeded(), "{timed_out}");
    errors.push(timed_out);
    // A client whose first token request is refused the same way.
    let fresh = Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(credentials.clone())
        .build()
        .unwrap();
    errors.push(fresh.list_customers().send().await.unwrap_err());
    assert!(
        matches!(
            &errors[0],
            Error::Unauthorized {
                renewal: Some(_),
                ..
            }
        ) && matches!(&errors[2], Error::Auth { .. }),
        "{errors:?}"
    );

    let mut printed = vec![
        format!("{credentials:?}"),
        format!("{client:?}"),
        format!("{:?}", store()),
        format!("{:?}", store().load()),
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .collect(),
    ];
    for e in &errors {
        printed.extend(support::printed(e));
    }
    let mut secrets = vec![
        CLIENT_SECRET.to_owned(),
        "access-tok-1".to_owned(),
        "refresh-tok-1".to_owned(),
    ];
    for form in forms.lock().unwrap().iter() {
        if let Some(assertion) = form.get("assertion") {
            secrets.push(assertion[assertion.len() - 40..].to_owned());
        }
    }
    assert!(secrets.len() >= 5, "at least two assertions were signed");
    secrets.extend(
        PKCS8
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .map(|l| l[..20].to_owned()),
    );
    std::fs::remove_dir_all(&dir).unwrap();
    (printed, secrets)
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lw-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
