//! The one error type of the crate.
//!
//! Every error that comes from a call names the call ([`Operation`]: `operationId`, method and
//! path template, never the IDs in the path), how many times it was sent, and, when the API
//! answered, the status, LINE WORKS' `code` and `description`, the rate-limit state and the
//! request id. `Display` is one sentence a user can act on; the chain of causes is available
//! through [`source()`](std::error::Error::source).

use crate::auth::AuthError;
use crate::paginate::PagingProblem;
use crate::retry::RateLimitState;
use crate::validate::ValidationError;
use reqwest::StatusCode;
use std::fmt;
use std::time::Duration;

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
    Transport {
        /// The underlying failure.
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
        /// The underlying failure (`None` when the call's total time ran out).
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

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// The innermost cause, in its own words (`Connection refused (os error 111)`), instead of
/// reqwest's outer "error sending request for url (...)".
pub(crate) fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// What a user can do when a write's outcome is unknown.
const RECONCILE: &str = "the request was sent, so it may have been applied: read the resource \
                         back (get or list) before sending it again";

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(v) => write!(f, "{v}"),
            Error::Config(m) => write!(f, "invalid client configuration: {m}"),
            Error::Auth {
                source,
                operation: Some(operation),
            } => write!(
                f,
                "{operation}: no access token could be obtained, so the call was not sent: \
                 {source}"
            ),
            Error::Auth {
                source,
                operation: None,
            } => write!(f, "the credentials cannot be used: {source}"),
            Error::Unauthorized { error, renewal } => {
                write!(f, "{error}")?;
                match renewal {
                    Some(r) => write!(f, "; renewing the token failed: {r}"),
                    None if error.0.without_credentials => Ok(()),
                    None => write!(
                        f,
                        "; the credentials were refused: check that the client and service \
                         account are valid and allowed the operation's scope"
                    ),
                }
            }
            Error::Transport {
                source,
                attempts,
                operation,
                may_have_succeeded,
            } => {
                let what = if source.is_connect() {
                    "could not connect to the Partner API"
                } else {
                    "the connection to the Partner API failed"
                };
                write!(
                    f,
                    "{operation}: {what} ({attempts} attempt{}): {}",
                    plural(*attempts),
                    root_cause(source)
                )?;
                if *may_have_succeeded {
                    write!(f, "; {RECONCILE}")?;
                }
                Ok(())
            }
            Error::Timeout {
                attempts,
                operation,
                limit,
                total,
                may_have_succeeded,
                ..
            } => {
                let limit = limit.map_or_else(|| "the configured time".to_owned(), seconds);
                if *total {
                    write!(
                        f,
                        "{operation}: no result within {limit} for the whole call ({attempts} \
                         attempt{}, token requests and waits included)",
                        plural(*attempts)
                    )?;
                } else {
                    write!(
                        f,
                        "{operation}: the Partner API did not answer within {limit} \
                         ({attempts} attempt{})",
                        plural(*attempts)
                    )?;
                }
                if *may_have_succeeded {
                    write!(f, "; {RECONCILE}")?;
                }
                Ok(())
            }
            Error::Api(e) => write!(f, "{e}"),
            Error::RateLimited {
                error, reset_after, ..
            } => {
                write!(f, "{error}; the limit resets in ")?;
                match reset_after {
                    Some(d) => write!(f, "{}", seconds(*d)),
                    None => write!(f, "an unknown time"),
                }
            }
            Error::UnexpectedResponse {
                status,
                detail,
                attempts,
                operation,
            } => write!(
                f,
                "{operation}: unexpected response HTTP {status} ({attempts} attempt{}): {detail}",
                plural(*attempts)
            ),
            Error::Paging {
                operation,
                cursor,
                pages,
                problem,
            } => {
                let cursor: String = cursor.chars().take(80).collect();
                match problem {
                    PagingProblem::RepeatedCursor => write!(
                        f,
                        "{operation}: the server sent next cursor {cursor:?} a second time \
                         (after {pages} pages), so the listing would never end; stopped"
                    ),
                    PagingProblem::EmptyPages => write!(
                        f,
                        "{operation}: {} empty pages in a row still named a next page (last \
                         cursor {cursor:?}, {pages} pages in all); stopped",
                        crate::paginate::MAX_EMPTY_PAGES
                    ),
                }
            }
        }
    }
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
            Error::UnexpectedResponse { status, .. } => Some(*status),
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
            | Error::UnexpectedResponse { operation, .. } => Some(*operation),
            Error::Auth { operation, .. } => *operation,
            _ => self.api_error().map(|e| e.0.operation),
        }
    }

    /// How many times the request was sent (0 when it never was).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Transport { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::UnexpectedResponse { attempts, .. } => *attempts,
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

    /// Whether the call may have taken effect although it failed: a write (POST, PATCH, PUT,
    /// DELETE) that was sent and got no answer (timeout, broken connection), or a DELETE that
    /// answered 404 after such an attempt (most likely deleted by it). Read the state back
    /// before repeating the call. `false` for reads and for calls that were never sent.
    pub fn may_have_succeeded(&self) -> bool {
        match self {
            Error::Transport {
                may_have_succeeded, ..
            }
            | Error::Timeout {
                may_have_succeeded, ..
            } => *may_have_succeeded,
            Error::Api(e) => e.0.probably_applied,
            _ => false,
        }
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
