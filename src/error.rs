//! The one error type of the crate.

use crate::auth::AuthError;
use crate::validate::ValidationError;
use reqwest::StatusCode;
use std::fmt;
use std::time::Duration;

/// Everything a call can fail with.
///
/// Each variant says *where* the call failed: before sending (`InvalidRequest`, `Auth`,
/// `Config`), on the way (`Transport`, `Timeout`), or in the answer (`Api`, `RateLimited`,
/// `UnexpectedResponse`). Every variant that comes from an HTTP answer keeps its status.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request breaks a rule of the spec; nothing was sent.
    #[error(transparent)]
    InvalidRequest(#[from] ValidationError),
    /// The client is configured wrongly (base URL, environment); nothing was sent.
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// No access token could be obtained; the API call itself was not sent.
    #[error("authentication failed: {0}")]
    Auth(#[from] AuthError),
    /// The API could not be reached, or the connection broke.
    #[error("could not reach the Partner API ({attempts} attempt{s}): {source}", s = plural(*attempts))]
    Transport {
        /// The underlying failure.
        source: reqwest::Error,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The API did not answer within the configured timeout.
    #[error("the Partner API did not answer in time ({attempts} attempt{s})", s = plural(*attempts))]
    Timeout {
        /// The underlying failure.
        source: reqwest::Error,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The API answered with a LINE WORKS error body (`code`, `description`).
    #[error("{0}")]
    Api(ApiError),
    /// The API answered 429 `TOO_MANY_REQUESTS`, and retrying did not help.
    #[error("{error}; the limit resets in {}", reset_text(*reset_after))]
    RateLimited {
        /// The error the API answered with.
        error: ApiError,
        /// From `rateLimit-reset`: when the limit resets.
        reset_after: Option<Duration>,
        /// From `rateLimit-limit`.
        limit: Option<u64>,
        /// From `rateLimit-remaining`.
        remaining: Option<u64>,
    },
    /// An answer that is neither the documented success nor a LINE WORKS error body.
    #[error("unexpected response: HTTP {status} ({attempts} attempt{s}): {detail}", s = plural(*attempts))]
    UnexpectedResponse {
        /// The HTTP status of the answer.
        status: StatusCode,
        /// Why it was unexpected, with the start of the body.
        detail: String,
        /// How many times the request was sent.
        attempts: u32,
    },
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn reset_text(reset: Option<Duration>) -> String {
    match reset {
        Some(d) => format!("{} s", d.as_secs()),
        None => "an unknown time".into(),
    }
}

impl Error {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) | Error::RateLimited { error: e, .. } => Some(e.status),
            Error::UnexpectedResponse { status, .. } => Some(*status),
            Error::Transport { source, .. } | Error::Timeout { source, .. } => source.status(),
            _ => None,
        }
    }

    /// The LINE WORKS error code (`NOT_FOUND`, `TOO_MANY_REQUESTS`, ...), when the API sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(e) | Error::RateLimited { error: e, .. } => Some(&e.code),
            _ => None,
        }
    }

    /// Whether the request was never sent (a fix on the caller's side is needed).
    pub fn is_before_send(&self) -> bool {
        matches!(
            self,
            Error::InvalidRequest(_) | Error::Config(_) | Error::Auth(_)
        )
    }
}

/// An error answer of the Partner API: HTTP status plus LINE WORKS' `code` and `description`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) description: Option<String>,
    pub(crate) attempts: u32,
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// LINE WORKS' error code. Open-ended: compare with the strings the docs list.
    pub fn code(&self) -> &str {
        &self.code
    }
    /// LINE WORKS' explanation, when sent.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// How many times the request was sent before this answer was accepted as final.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Partner API error: HTTP {} {}",
            self.status.as_u16(),
            self.code
        )?;
        if let Some(d) = &self.description {
            write!(f, ": {d}")?;
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status.as_u16())
            .field("code", &self.code)
            .field("description", &self.description)
            .field("attempts", &self.attempts)
            .finish()
    }
}
