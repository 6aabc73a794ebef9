//! The seam between progenitor's generated calls and the hand-written layers.
//!
//! Every public `send()` runs [`call`], which opens a per-call scope; progenitor then calls
//! `pre` (validate, authenticate) and `exec` (rate limit, send, re-authenticate once on 401,
//! retry) from inside it. What the hooks learn (the typed validation or auth error, attempts,
//! the last status, the rate-limit headers) is recorded in the scope, because progenitor's own
//! error type can only carry strings, and [`call`] turns it into the crate's [`Error`](crate::Error).
//! [`call`] also holds the call's deadline, which `pre` sets once the retry policy is known.
//!
//! `exec.rs` holds the two hooks, `map_error.rs` the mapping of progenitor's error to the
//! crate's.

mod exec;
mod map_error;

pub(crate) use map_error::excerpt;

use crate::auth::{AuthError, Authenticator};
use crate::error::{Error, Operation};
use crate::generated::raw;
use crate::retry::{RateLimit, RateLimitState, RetryPolicy};
use crate::validate::{OperationSpec, ValidationError};
use map_error::map_error;
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;
use tracing::Instrument;

/// Client-wide state the hooks need, stored inside progenitor's client.
#[derive(Clone, Debug)]
pub struct Shared {
    pub(crate) auth: Option<Authenticator>,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limit: Option<RateLimit>,
    /// The per-attempt timeout the client was built with (unknown for a caller's own client).
    pub(crate) attempt_timeout: Option<Duration>,
    /// The most bytes read of a success answer's body.
    pub(crate) max_body: usize,
    /// The rate-limit headers of the latest answer that had them.
    pub(crate) rate_state: Arc<Mutex<Option<RateLimitState>>>,
}

impl Shared {
    pub(crate) fn rate_state(&self) -> Option<RateLimitState> {
        self.rate_state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// Per-call settings (set on a request builder).
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    pub(crate) retry: Option<RetryPolicy>,
    /// Keep the success answer's body as sent and spare progenitor its typed parse
    /// (`send_json`, see [`call_json`]).
    pub(crate) keep_body: bool,
}

#[derive(Default)]
struct Report {
    validation: Option<ValidationError>,
    auth: Option<AuthError>,
    attempts: u32,
    last_status: Option<StatusCode>,
    /// An attempt may have been applied without a usable answer: it got none (timeout,
    /// broken connection, a success body that broke off), or a gateway's 502/504.
    maybe_applied: bool,
    /// The success answer's body ran past this limit (bytes).
    too_large: Option<usize>,
    /// The answer was a redirect (or a caller's client followed one): status and where to.
    redirect: Option<(StatusCode, Option<String>)>,
    rate_limit: Option<RateLimitState>,
    /// The call's total time, once `pre` knows the policy.
    budget: Option<Duration>,
    /// The client's per-attempt timeout, when known.
    attempt_timeout: Option<Duration>,
    /// The client has no credentials, so the request went without `Authorization`.
    without_credentials: bool,
    /// The credentials are a fixed access token, which the client cannot renew.
    fixed_token: bool,
    /// Scheme, host and port the last attempt went to, for errors that blame the base URL.
    origin: Option<String>,
    /// A 429's wait (and the retry budget) when attempts were left but the wait did not fit.
    reset_beyond_budget: Option<(Duration, Duration)>,
    /// The last answer's body was cut at [`MAX_ERROR_BODY`].
    body_cut: bool,
    /// The success answer's body, when the call keeps it.
    body: Option<bytes::Bytes>,
}

struct CallState {
    op: &'static OperationSpec,
    options: CallOptions,
    started: Instant,
    /// Taken by `pre`, which knows the retry policy, to tell [`call`] the deadline.
    deadline: Mutex<Option<oneshot::Sender<Instant>>>,
    report: Mutex<Report>,
}

impl CallState {
    fn report(&self) -> std::sync::MutexGuard<'_, Report> {
        self.report
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

tokio::task_local! {
    static CALL: Arc<CallState>;
}

fn current() -> Option<Arc<CallState>> {
    CALL.try_with(Arc::clone).ok()
}

fn operation(op: &'static OperationSpec) -> Operation {
    Operation {
        id: op.id,
        method: op.method,
        path: op.path,
    }
}

type RawResult<T> = Result<ResponseValue<T>, progenitor_client::Error<raw::types::ApiErrorBody>>;

/// Runs one generated call inside its scope and maps the outcome to the crate's types.
///
/// progenitor's future goes to the heap before anything else: it is several KiB, and callers
/// chain many calls in one async fn (a test on a 2 MiB thread stack did); one allocation per
/// call is nothing next to a request.
pub(crate) fn call<T, F>(
    op: &'static OperationSpec,
    options: CallOptions,
    send: F,
) -> impl Future<Output = Result<T, Error>>
where
    F: Future<Output = RawResult<T>>,
{
    let options = CallOptions {
        keep_body: false,
        ..options
    };
    let scoped = Box::pin(scoped(op, options, send));
    async move {
        let (result, report, span) = scoped.await;
        settle(result, report, op, &span).await
    }
}

/// Runs one generated call like [`call`] and returns the success answer's JSON as the API sent
/// it. `exec` keeps the 2xx body and hands progenitor `null` in its place: progenitor has no
/// untyped variant of a typed operation, and parsing every answer twice (typed, then as JSON)
/// cost a listing a tenth of its time. So progenitor's verdict on a 2xx (its parse of `null`,
/// or a 2xx the spec does not list) is not consulted: any 2xx with JSON (or no body) succeeds.
pub(crate) fn call_json<T, F>(
    op: &'static OperationSpec,
    options: CallOptions,
    send: F,
) -> impl Future<Output = Result<serde_json::Value, Error>>
where
    F: Future<Output = RawResult<T>>,
{
    let options = CallOptions {
        keep_body: true,
        ..options
    };
    // Boxed before anything is awaited, as in `call`.
    let scoped = Box::pin(scoped(op, options, send));
    async move { json_answer(scoped.await, op).await }
}

async fn json_answer<T>(
    (result, mut report, span): (Option<RawResult<T>>, Report, tracing::Span),
    op: &'static OperationSpec,
) -> Result<serde_json::Value, Error> {
    if let Some(refused) = refused(&report, op) {
        return Err(refused);
    }
    if let Some(body) = report.body.take() {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        return serde_json::from_slice(&body).map_err(|e| Error::UnexpectedResponse {
            status: report.last_status.unwrap_or(StatusCode::OK),
            detail: map_error::not_the_api(&body, &report)
                .unwrap_or_else(|| format!("the body is not JSON ({e}): {}", excerpt(&body))),
            attempts: report.attempts.max(1),
            operation: operation(op),
        });
    }
    // A success the hook did not keep had no body for progenitor to read.
    settle(result, report, op, &span)
        .await
        .map(|_| serde_json::Value::Null)
}

/// Runs `send` in the call's scope, under its deadline: progenitor's result (`None` when the
/// deadline came first) and what the hooks recorded.
async fn scoped<T, F>(
    op: &'static OperationSpec,
    options: CallOptions,
    send: F,
) -> (Option<RawResult<T>>, Report, tracing::Span)
where
    F: Future<Output = RawResult<T>>,
{
    let (deadline_tx, deadline_rx) = oneshot::channel();
    let state = Arc::new(CallState {
        op,
        options,
        started: Instant::now(),
        deadline: Mutex::new(Some(deadline_tx)),
        report: Mutex::new(Report::default()),
    });
    let span = tracing::info_span!(
        "lineworks_partner.call",
        operation_id = op.id,
        method = op.method,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let send = CALL
        .scope(Arc::clone(&state), send)
        .instrument(span.clone());
    let deadline = async {
        match deadline_rx.await {
            Ok(at) => tokio::time::sleep_until(at).await,
            // No deadline was set (the request failed before `pre`): the call ends on its own.
            Err(_) => std::future::pending().await,
        }
    };
    // Dropping `send` at the deadline cancels whatever it waits on: the token request, an
    // attempt, a backoff or a rate-limit slot (which is given back).
    let result = tokio::select! {
        biased;
        result = send => Some(result),
        () = deadline => None,
    };
    let report = std::mem::take(&mut *state.report());
    span.record("latency_ms", state.started.elapsed().as_millis() as u64);
    span.record("attempts", report.attempts);
    if let Some(status) = report.last_status {
        span.record("status", status.as_u16());
    }
    (result, report, span)
}

/// progenitor's value, or the crate's error for its error (or for the deadline, `None`).
async fn settle<T>(
    result: Option<RawResult<T>>,
    report: Report,
    op: &'static OperationSpec,
    span: &tracing::Span,
) -> Result<T, Error> {
    // A refused answer fails the call whatever progenitor made of what was kept of it.
    if let Some(refused) = refused(&report, op) {
        span.in_scope(|| tracing::debug!(error = %refused, "call failed"));
        return Err(refused);
    }
    let failure = match result {
        Some(Ok(value)) => return Ok(value.into_inner()),
        Some(Err(e)) => Some(e),
        None => None,
    };
    // Boxed: only a failure pays for the error mapping's future.
    Err(Box::pin(failed(failure, report, op, span)).await)
}

/// The error of an answer the client refused to read on: a redirect, or a body past the limit.
fn refused(report: &Report, op: &'static OperationSpec) -> Option<Error> {
    let operation = operation(op);
    let attempts = report.attempts.max(1);
    if let Some((status, location)) = &report.redirect {
        return Some(Error::Redirect {
            status: *status,
            location: location.clone(),
            attempts,
            operation,
        });
    }
    report.too_large.map(|limit| Error::ResponseTooLarge {
        status: report.last_status.unwrap_or(StatusCode::OK),
        limit,
        attempts,
        operation,
    })
}

/// The crate's error for progenitor's `error`, or for the deadline when there is none.
async fn failed(
    error: Option<progenitor_client::Error<raw::types::ApiErrorBody>>,
    report: Report,
    op: &'static OperationSpec,
    span: &tracing::Span,
) -> Error {
    let error = match error {
        Some(e) => map_error(e, report, op).await,
        None => {
            let operation = operation(op);
            Error::Timeout {
                source: None,
                attempts: report.attempts,
                operation,
                limit: report.budget,
                total: true,
                may_have_succeeded: report.attempts > 0 && operation.is_write(),
            }
        }
    };
    span.in_scope(|| tracing::debug!(error = %error, "call failed"));
    error
}
