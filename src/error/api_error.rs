//! The answer side of an error: which call ([`Operation`]) and what the API said ([`ApiError`]).

use crate::retry::RateLimitState;
use reqwest::StatusCode;
use std::fmt;

/// Which call failed: its `operationId`, HTTP method and path template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    pub(crate) id: &'static str,
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
}

impl Operation {
    /// The spec's `operationId`, also the client method's name (`create_customer`).
    pub fn id(&self) -> &'static str {
        self.id
    }
    /// The HTTP method, upper case.
    pub fn method(&self) -> &'static str {
        self.method
    }
    /// The path template, with placeholders (`/partners/customers/{domainId}`).
    pub fn path(&self) -> &'static str {
        self.path
    }
    /// Whether the method changes state and repeating it may not be harmless.
    pub(crate) fn is_write(&self) -> bool {
        !matches!(self.method, "GET" | "HEAD" | "OPTIONS")
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.id, self.method, self.path)
    }
}

/// An error answer of the Partner API: HTTP status plus LINE WORKS' `code` and `description`,
/// with the call it answered.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiError(pub(crate) Box<ApiErrorData>);

/// Boxed, so that `Result<_, Error>` stays small on the success path.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ApiErrorData {
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) description: Option<String>,
    pub(crate) attempts: u32,
    pub(crate) operation: Operation,
    pub(crate) request_id: Option<String>,
    pub(crate) rate_limit: Option<RateLimitState>,
    /// A DELETE answered 404 after an earlier attempt got no answer.
    pub(crate) probably_applied: bool,
    /// A 401 to a client built without credentials: the fix is on the caller's side.
    pub(crate) without_credentials: bool,
    /// The call carried a fixed access token, which the client cannot renew.
    pub(crate) fixed_token: bool,
    /// A 429 whose wait (first) would have ended past the retry policy's `max_elapsed`
    /// (second) while attempts were left.
    pub(crate) reset_beyond_budget: Option<(std::time::Duration, std::time::Duration)>,
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }
    /// LINE WORKS' error code. Open-ended: compare with the strings the docs list.
    pub fn code(&self) -> &str {
        &self.0.code
    }
    /// LINE WORKS' explanation, when sent.
    pub fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// How many times the request was sent before this answer was accepted as final.
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }
    /// The call this answered.
    pub fn operation(&self) -> Operation {
        self.0.operation
    }
    /// The request id the server sent (`x-request-id` or `x-works-request-id`), for support.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// The rate-limit headers of this answer, when sent.
    pub fn rate_limit(&self) -> Option<&RateLimitState> {
        self.0.rate_limit.as_ref()
    }
    /// A write answered 502 or 504: the gateway may have passed it on.
    pub(crate) fn passed_on(&self) -> bool {
        self.0.operation.is_write() && super::gateway_failure(self.0.status)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the Partner API answered HTTP {} {}",
            self.0.operation,
            self.0.status.as_u16(),
            self.0.code
        )?;
        if let Some(d) = &self.0.description {
            write!(f, ": {d}")?;
        }
        if self.0.attempts > 1 {
            write!(f, " (after {} attempts)", self.0.attempts)?;
        }
        if let Some(id) = &self.0.request_id {
            write!(f, " [request id {id}]")?;
        }
        if self.0.probably_applied {
            write!(
                f,
                "; an earlier attempt got no answer, so it most likely deleted the resource already"
            )?;
        }
        // A gateway's 502/504 may come after it passed the request on.
        if self.passed_on() && !self.0.probably_applied {
            write!(f, "; {}", super::RECONCILE)?;
        }
        if self.0.without_credentials {
            write!(
                f,
                "; the client has no credentials: build it with `Client::from_env` or `ClientBuilder::credentials`"
            )?;
        }
        Ok(())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.0.status.as_u16())
            .field("code", &self.0.code)
            .field("description", &self.0.description)
            .field("attempts", &self.0.attempts)
            .field("operation", &self.0.operation.id)
            .field("request_id", &self.0.request_id)
            .field("rate_limit", &self.0.rate_limit)
            .field("probably_applied", &self.0.probably_applied)
            .field("without_credentials", &self.0.without_credentials)
            .finish()
    }
}
