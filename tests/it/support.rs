//! Shared test helpers: the spec, a client pointed at a mock server, JSON normalisation.

use httpmock::MockServer;
use lineworks_partner::{Client, Credentials, RetryPolicy};
use serde_json::Value;
use std::sync::OnceLock;

/// The access token the tests send; asserted on the wire and searched for in output.
pub const TOKEN: &str = "tok-3f9a1c-secret";

/// The spec, parsed once.
/// Whether the spec marks the operation `id` deprecated (the fading operations are exercised
/// by `deprecated.rs` and the sandbox's own tests, not by the per-operation tables here).
pub fn is_deprecated(id: &str) -> bool {
    let op = lineworks_partner::validate::operation(id).expect("an operation of the spec");
    spec()["paths"][op.path][op.method.to_lowercase()]["deprecated"] == Value::Bool(true)
}

pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/partner.yaml");
        let text = std::fs::read_to_string(path).expect("the spec is in the repository");
        serde_saphyr::from_str(&text).expect("the spec is valid YAML")
    })
}

/// Follows local `$ref`s.
pub fn resolve(mut value: &Value) -> &Value {
    while let Some(r) = value.get("$ref").and_then(Value::as_str) {
        value = spec()
            .pointer(r.trim_start_matches('#'))
            .expect("local $ref resolves");
    }
    value
}

/// The example of a media type object: `example`, the first of `examples`, or the schema's.
pub fn example(media: &Value) -> Option<Value> {
    if let Some(e) = media.get("example") {
        return Some(e.clone());
    }
    if let Some((_, first)) = media
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|m| m.iter().next())
    {
        return resolve(first).get("value").cloned();
    }
    media
        .get("schema")
        .map(resolve)
        .and_then(|s| s.get("example"))
        .cloned()
}

/// A client for the mock server, without retries so every test sees each answer once.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.url("/v1.0"))
        .credentials(Credentials::access_token(TOKEN))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a loopback base URL is accepted")
}

/// Compares JSON the way the API means it: absent and `null` (and empty lists) alike, numbers
/// by value, date-times by instant.
pub fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .map(|(k, v)| (k.clone(), normalize(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| value.clone()),
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => Value::String(t.with_timezone(&chrono::Utc).to_rfc3339()),
            Err(_) => value.clone(),
        },
        other => other.clone(),
    }
}

/// Deserialises a JSON fixture into a generated request type.
pub fn typed<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("fixture does not fit {}: {e}", std::any::type_name::<T>()))
}

/// Any serialisable response as JSON.
pub fn json<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).expect("generated types serialise")
}

/// The client secret of [`service_account`]: searched for in output, never expected there.
pub const CLIENT_SECRET: &str = "client-secret-never-shown";

/// The throwaway test key (tests/fixtures/README.md).
pub const PKCS8: &str = include_str!("../fixtures/test_key_pkcs8.pem");

/// A service account with the test key whose token endpoint is `{url}/token`.
pub fn service_account(url: &str) -> Credentials {
    Credentials::service_account(
        lineworks_partner::auth::ServiceAccount::builder()
            .client_id("client-id")
            .client_secret(CLIENT_SECRET)
            .service_account_id("sa@example.com")
            .private_key_pem(PKCS8)
            .token_url(format!("{url}/token"))
            .build()
            .expect("the test key and a loopback token URL are accepted"),
    )
}

/// An error as every way it can be printed: `Debug`, `Display`, and each of its causes.
pub fn printed(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut printed = vec![format!("{error:?}"), error.to_string()];
    let mut source = error.source();
    while let Some(s) = source {
        printed.push(format!("{s} {s:?}"));
        source = s.source();
    }
    printed
}

/// Serves `app` on a loopback port for the rest of the test; its `http://127.0.0.1:PORT`.
pub async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}
