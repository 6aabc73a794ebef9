//! Shared set-up for the sandbox tests.
#![allow(dead_code)]

use chrono::{Duration, NaiveDate};
use lineworks_partner::{Client, Credentials, RetryPolicy};
use lineworks_partner_sandbox::{Sandbox, SandboxBuilder, Seed};

/// The calendar day every test runs on, so dates and windows are repeatable.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 10).expect("valid date")
}

pub fn days(n: i64) -> NaiveDate {
    today() + Duration::days(n)
}

pub fn builder() -> SandboxBuilder {
    Sandbox::builder().today(today())
}

pub async fn demo() -> Sandbox {
    builder()
        .seed(Seed::demo())
        .start()
        .await
        .expect("sandbox starts")
}

/// A client of `sandbox` that does not retry, so every answer is seen as sent.
pub fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .credentials(Credentials::access_token("test"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client builds")
}

/// The status and LINE WORKS code of a failed call.
pub fn status_code(e: &lineworks_partner::Error) -> (u16, String) {
    (
        e.status().map_or(0, |s| s.as_u16()),
        e.code().unwrap_or_default().to_string(),
    )
}
