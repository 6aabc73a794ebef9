//! The one error type of the crate.
//!
//! Every error that comes from a call names the call ([`Operation`]: `operationId`, method and
//! path template, never the IDs in the path), how many times it was sent, and, when the API
//! answered, the status, LINE WORKS' `code` and `description`, the rate-limit state and the
//! request id. `Display` is one sentence a user can act on; the chain of causes is available
//! through [`source()`](std::error::Error::source).
//!
//! `display.rs` words each variant; `api_error.rs` holds the answer-side types ([`ApiError`],
//! [`Operation`]).

mod api_error;
mod display;

pub(crate) use api_error::ApiErrorData;
pub use api_error::{ApiError, Operation};
pub(crate) use display::{RECONCILE, root_cause};

use crate::auth::AuthError;
use crate::paginate::PagingProblem;
use crate::retry::RateLimitState;
use crate::validate::ValidationError;
use reqwest::StatusCode;
use std::time::Duration;

/// Everything a call can fail with.
///
/// Each variant says *where* the call failed: before sending (`InvalidRequest`, `Auth`,
/// `Config`), on the way (`Transport`, `Timeout`), or in the answer (`Api`, `Unauthorized`,
/// `RateLimited`, `UnexpectedResponse`, `Paging`). Every variant that comes from an HTTP answer
/// keeps its status.
///
/// # Outcomes that are not known
///
/// A write (POST, PATCH, PUT, DELETE) that timed out or lost its connection after it was sent
/// may have been applied. [`Error::may_have_succeeded`] says so; read the state back before
/// sending it again:
///
/// ```no_run
/// # async fn run(client: lineworks_partner::Client, body: lineworks_partner::types::CustomerCreateRequest) -> Result<(), lineworks_partner::Error> {
/// match client.create_customer().body(body.clone()).send().await {
///     Ok(Some(created)) => println!("created {}", created.domain_id),
///     Ok(None) => println!("created (the answer had no body)"),
///     Err(e) if e.may_have_succeeded() => {
///         // The customer may exist now: look for it (e.g. by its domain in
///         // `list_customers`) before creating it again.
///         eprintln!("{e}");
///     }
///     Err(e) => return Err(e),
/// }
/// # Ok(()) }
/// ```
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// The request breaks a rule of the spec; nothing was sent.
    InvalidRequest(ValidationError),
    /// The client is configured wrongly (base URL, environment); nothing was sent.
    Config(String),
    /// No access token could be obtained (or the credentials could not be read); the API
    /// call itself was not sent.
    Auth {
        /// Why the token could not be obtained.
        source: AuthError,
        /// The call that needed the token; `None` when the error came from reading the
        /// credentials (e.g. [`Client::from_env`](crate::Client::from_env)).
        operation: Option<Operation>,
    },
    /// The API answered 401 and a renewed token did not help, could not be obtained, or
    /// renewals are paused after repeated rejections of fresh tokens.
    Unauthorized {
        /// The 401 answer.
        error: ApiError,
        /// Why renewing the token failed, when a renewal was tried and failed.
        renewal: Option<AuthError>,
    },
    /// The API could not be reached, or the connection broke.
    ///
    /// `Display` names the host and port and quotes the innermost cause in its own words:
    /// `create_customer (POST /partners/customers): could not connect to the Partner API at
    /// 127.0.0.1:9 (2 attempts): Connection refused (os error 111)`.
    Transport {
        /// The underlying failure: a [`reqwest::Error`] (HTTP client), not this crate's
        /// [`Error`](crate::Error). Its innermost cause (an [`std::io::Error`] for a refused
        /// or reset connection, with its [`kind`](std::io::Error::kind)) is reached through
        /// [`source()`](std::error::Error::source).
        source: reqwest::Error,
        /// How many times the request was sent.
        attempts: u32,
        /// The call.
        operation: Operation,
        /// A write was sent and no answer came back: it may have been applied.
        may_have_succeeded: bool,
    },
    /// The API did not answer in time: one attempt ran past the client's `timeout`, or the
    /// whole call (token fetch, every attempt and wait) ran past the retry policy's
    /// `max_elapsed`.
    Timeout {
        /// The underlying failure, a [`reqwest::Error`] (HTTP client), not this crate's
        /// [`Error`](crate::Error); `None` when the call's total time ran out.
        source: Option<reqwest::Error>,
        /// How many times the request was sent.
        attempts: u32,
        /// The call.
        operation: Operation,
        /// The limit that ran out, when known.
        limit: Option<Duration>,
        /// Whether the limit was the call's total time rather than one attempt's.
        total: bool,
        /// A write was sent and no answer came back: it may have been applied.
        may_have_succeeded: bool,
    },
    /// The API answered with a LINE WORKS error body (`code`, `description`).
    Api(ApiError),
    /// The API answered 429 `TOO_MANY_REQUESTS`, and retrying did not help.
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
    UnexpectedResponse {
        /// The HTTP status of the answer.
        status: StatusCode,
        /// Why it was unexpected, with the start of the body.
        detail: String,
        /// How many times the request was sent.
        attempts: u32,
        /// The call.
        operation: Operation,
    },
    /// The answer's body was larger than the client's limit
    /// ([`ClientBuilder::max_response_body`](crate::ClientBuilder::max_response_body), default
    /// [`DEFAULT_MAX_RESPONSE_BODY`](crate::DEFAULT_MAX_RESPONSE_BODY)): reading stopped at the
    /// limit and nothing of it is returned. For a write answered with a success status, the
    /// write was applied ([`may_have_succeeded`](Error::may_have_succeeded) is true).
    ResponseTooLarge {
        /// The HTTP status of the answer.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
        /// How many times the request was sent.
        attempts: u32,
        /// The call.
        operation: Operation,
    },
    /// The server answered with a redirect (3xx). The Partner API does not redirect, so the
    /// client follows none: the request, its body and its token go nowhere else.
    Redirect {
        /// The HTTP status of the answer.
        status: StatusCode,
        /// Where the server wanted the request to go (its `Location`, cut at 256 characters),
        /// when it said.
        location: Option<String>,
        /// How many times the request was sent.
        attempts: u32,
        /// The call.
        operation: Operation,
    },
    /// A listing was stopped because the server would have made it go on for ever.
    Paging {
        /// The listing's `operationId`.
        operation: &'static str,
        /// The cursor that would have been followed.
        cursor: String,
        /// Pages received before stopping.
        pages: u32,
        /// What was wrong.
        problem: PagingProblem,
    },
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidRequest(v) => v.source(),
            Error::Auth { source, .. } => Some(source),
            Error::Unauthorized {
                renewal: Some(r), ..
            } => Some(r),
            Error::Transport { source, .. }
            | Error::Timeout {
                source: Some(source),
                ..
            } => Some(source),
            _ => None,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::InvalidRequest(e)
    }
}

impl From<AuthError> for Error {
    fn from(e: AuthError) -> Self {
        Error::Auth {
            source: e,
            operation: None,
        }
    }
}

impl Error {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e)
            | Error::RateLimited { error: e, .. }
            | Error::Unauthorized { error: e, .. } => Some(e.0.status),
            Error::UnexpectedResponse { status, .. }
            | Error::ResponseTooLarge { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status(),
            _ => None,
        }
    }

    /// The LINE WORKS error code (`NOT_FOUND`, `TOO_MANY_REQUESTS`, ...), when the API sent one.
    pub fn code(&self) -> Option<&str> {
        self.api_error().map(ApiError::code)
    }

    /// The error answer, for the variants that have one (`Api`, `Unauthorized`, `RateLimited`).
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e)
            | Error::RateLimited { error: e, .. }
            | Error::Unauthorized { error: e, .. } => Some(e),
            _ => None,
        }
    }

    /// The call that failed, when the error comes from sending it.
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::UnexpectedResponse { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::Redirect { operation, .. } => Some(*operation),
            Error::Auth { operation, .. } => *operation,
            _ => self.api_error().map(|e| e.0.operation),
        }
    }

    /// How many times the request was sent (0 when it never was).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Transport { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::UnexpectedResponse { attempts, .. }
            | Error::ResponseTooLarge { attempts, .. }
            | Error::Redirect { attempts, .. } => *attempts,
            _ => self.api_error().map_or(0, |e| e.0.attempts),
        }
    }

    /// The rate-limit headers of the answer, when the API sent them.
    pub fn rate_limit(&self) -> Option<&RateLimitState> {
        self.api_error().and_then(|e| e.0.rate_limit.as_ref())
    }

    /// Whether the request was never sent (a fix on the caller's side is needed).
    pub fn is_before_send(&self) -> bool {
        matches!(
            self,
            Error::InvalidRequest(_) | Error::Config(_) | Error::Auth { .. }
        )
    }

    /// Whether the call may have taken effect although it failed. True for a write (POST,
    /// PATCH, PUT, DELETE)
    ///
    /// - that was sent and got no answer (timeout, broken connection), or whose success
    ///   answer began (status and headers) and then broke off, stalled or ran past the body
    ///   limit;
    /// - that was answered 502 or 504: a gateway that answers so may have passed the request
    ///   on before its upstream failed or went silent;
    /// - and for a DELETE that answered 404 after such an attempt (most likely deleted by it).
    ///
    /// Read the state back before repeating the call. `false` for reads and for calls that
    /// were never sent.
    pub fn may_have_succeeded(&self) -> bool {
        match self {
            Error::Transport {
                may_have_succeeded, ..
            }
            | Error::Timeout {
                may_have_succeeded, ..
            } => *may_have_succeeded,
            Error::Api(e) => e.0.probably_applied || e.passed_on(),
            Error::UnexpectedResponse {
                status, operation, ..
            } => gateway_failure(*status) && operation.is_write(),
            Error::ResponseTooLarge {
                status, operation, ..
            } => (status.is_success() || gateway_failure(*status)) && operation.is_write(),
            _ => false,
        }
    }
}

/// 502 and 504: a gateway answered for a server behind it that failed or did not answer in
/// time, possibly after the request reached it.
pub(crate) fn gateway_failure(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT
    )
}
