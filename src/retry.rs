//! Retries and rate limits. (Interim: the full module lands with issue 4.)

use reqwest::header::HeaderMap;
use std::time::Duration;

/// When and how often a failed call is sent again.
#[derive(Clone, Debug, Default)]
pub struct RetryPolicy {
    _private: (),
}

impl RetryPolicy {
    /// The default policy.
    pub fn new() -> Self {
        Self::default()
    }
    /// Never retry.
    pub fn disabled() -> Self {
        Self::default()
    }
    /// Whether to retry after attempt `attempt`, and after how long.
    pub fn next_delay(
        &self,
        _method: &reqwest::Method,
        _outcome: Outcome<'_>,
        _attempt: u32,
        _elapsed: Duration,
    ) -> Option<Duration> {
        None
    }
}

/// What an attempt produced.
pub enum Outcome<'a> {
    /// An HTTP answer.
    Response(&'a reqwest::Response),
    /// No answer.
    Error(&'a reqwest::Error),
}

/// `rateLimit-reset` as a duration.
pub fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get("ratelimit-reset")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
        .map(Duration::from_secs)
}

/// Client-side limit of calls per minute per operation.
#[derive(Clone, Debug)]
pub struct RateLimit {
    _per_minute: u32,
}

impl RateLimit {
    /// At most `n` calls a minute per operation.
    pub fn per_minute(n: u32) -> Self {
        Self { _per_minute: n }
    }
    pub(crate) async fn acquire(&self, _operation_id: &'static str) {}
}
