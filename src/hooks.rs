//! The seam between progenitor's generated calls and the hand-written layers.
//!
//! Every public `send()` runs [`call`], which opens a per-call scope; progenitor then calls
//! `pre` (validate, authenticate) and `exec` (rate limit, send, re-authenticate once on 401,
//! retry) from inside it. What the hooks learn (the typed validation or auth error, attempts,
//! the last status, the rate-limit headers) is recorded in the scope, because progenitor's own
//! error type can only carry strings, and [`call`] turns it into the crate's [`Error`](crate::Error).
//! [`call`] also holds the call's deadline, which `pre` sets once the retry policy is known.

use crate::auth::{AuthError, Authenticator};
use crate::body::{self, BodyCut, MAX_ERROR_BODY};
use crate::error::{ApiError, ApiErrorData, Error, Operation};
use crate::generated::raw;
use crate::retry::{self, Outcome, RateLimit, RateLimitState, RetryPolicy};
use crate::validate::{self, OperationSpec, ValidationError};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap};
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
}

#[derive(Default)]
struct Report {
    validation: Option<ValidationError>,
    auth: Option<AuthError>,
    attempts: u32,
    last_status: Option<StatusCode>,
    /// An attempt may have reached the server without an answer coming back.
    unanswered: bool,
    rate_limit: Option<RateLimitState>,
    /// The call's total time, once `pre` knows the policy.
    budget: Option<Duration>,
    /// The client's per-attempt timeout, when known.
    attempt_timeout: Option<Duration>,
    /// The client has no credentials, so the request went without `Authorization`.
    without_credentials: bool,
    /// The last answer's body was cut at [`MAX_ERROR_BODY`].
    body_cut: bool,
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

/// Runs one generated call inside its scope and maps the outcome to the crate's types.
pub(crate) async fn call<T, F>(
    op: &'static OperationSpec,
    options: CallOptions,
    send: F,
) -> Result<T, Error>
where
    F: Future<
        Output = Result<ResponseValue<T>, progenitor_client::Error<raw::types::ApiErrorBody>>,
    >,
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
    let error = match result {
        Some(Ok(value)) => return Ok(value.into_inner()),
        Some(Err(e)) => map_error(e, report, op).await,
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
    Err(error)
}

/// Bodies kept in errors are cut here: enough to diagnose, never a whole payload.
const BODY_EXCERPT: usize = 512;

fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match text.char_indices().nth(BODY_EXCERPT) {
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], bytes.len()),
        None => text.into_owned(),
    }
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    code: String,
    description: Option<String>,
}

/// The request id header, under the names servers commonly use.
fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "x-works-request-id", "x-amzn-requestid"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(|id| id.chars().take(128).collect())
}

/// The final answer's parts, gathered for [`api_error`].
struct Answer<'a> {
    status: StatusCode,
    code: String,
    description: Option<String>,
    headers: &'a HeaderMap,
}

fn api_error(answer: Answer<'_>, report: &Report, op: &'static OperationSpec) -> Error {
    let Answer {
        status,
        code,
        description,
        headers,
    } = answer;
    let operation = operation(op);
    let rate_limit = RateLimitState::from_headers(op.id, headers);
    let error = ApiError(Box::new(ApiErrorData {
        status,
        code,
        description,
        attempts: report.attempts.max(1),
        operation,
        request_id: request_id(headers),
        rate_limit: rate_limit.clone(),
        // A DELETE whose earlier attempt got no answer and that now finds nothing: that
        // attempt most likely did the deletion.
        probably_applied: status == StatusCode::NOT_FOUND
            && op.method == "DELETE"
            && report.unanswered,
        without_credentials: status == StatusCode::UNAUTHORIZED && report.without_credentials,
    }));
    match status {
        StatusCode::TOO_MANY_REQUESTS => Error::RateLimited {
            error,
            reset_after: retry::rate_limit_reset(headers),
            limit: rate_limit.as_ref().and_then(|r| r.limit),
            remaining: rate_limit.as_ref().and_then(|r| r.remaining),
        },
        StatusCode::UNAUTHORIZED => Error::Unauthorized {
            error,
            renewal: report.auth.clone(),
        },
        _ => Error::Api(error),
    }
}

async fn map_error(
    e: progenitor_client::Error<raw::types::ApiErrorBody>,
    mut report: Report,
    op: &'static OperationSpec,
) -> Error {
    use progenitor_client::Error as P;
    let attempts = report.attempts.max(1);
    let operation = operation(op);
    match e {
        P::InvalidRequest(message) => match report.validation.take() {
            Some(v) => Error::InvalidRequest(v),
            None => Error::InvalidRequest(validate::from_builder_message(&message, op)),
        },
        P::Custom(message) => match (report.auth.take(), report.validation.take()) {
            (Some(auth), _) => Error::Auth {
                source: auth,
                operation: Some(operation),
            },
            (None, Some(v)) => Error::InvalidRequest(v),
            (None, None) => Error::Config(message),
        },
        P::CommunicationError(source)
        | P::InvalidUpgrade(source)
        | P::ResponseBodyError(source) => {
            // Sent unless every attempt failed to connect.
            let may_have_succeeded = report.unanswered && operation.is_write();
            if source.is_timeout() {
                Error::Timeout {
                    source: Some(source),
                    attempts,
                    operation,
                    limit: report.attempt_timeout,
                    total: false,
                    may_have_succeeded,
                }
            } else {
                Error::Transport {
                    source,
                    attempts,
                    operation,
                    may_have_succeeded,
                }
            }
        }
        P::ErrorResponse(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            let body = value.into_inner();
            let answer = Answer {
                status,
                code: body.code,
                description: body.description,
                headers: &headers,
            };
            api_error(answer, &report, op)
        }
        P::InvalidResponsePayload(bytes, parse) => Error::UnexpectedResponse {
            status: report.last_status.unwrap_or(StatusCode::OK),
            detail: format!(
                "the body does not match the spec ({parse}): {}{}",
                excerpt(&bytes),
                if report.body_cut {
                    " (body cut at 64 KiB)"
                } else {
                    ""
                }
            ),
            attempts,
            operation,
        },
        P::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let mut response = response;
            let cut = response.extensions().get::<BodyCut>().is_some();
            let mut bytes = Vec::new();
            let more = body::read_bounded(&mut response, &mut bytes, MAX_ERROR_BODY)
                .await
                .unwrap_or(false);
            let cut = cut || more;
            // An undocumented status with a LINE WORKS error body is still an API error.
            match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(body) if !status.is_success() => {
                    let answer = Answer {
                        status,
                        code: body.code,
                        description: body.description,
                        headers: &headers,
                    };
                    api_error(answer, &report, op)
                }
                _ => Error::UnexpectedResponse {
                    status,
                    detail: format!(
                        "status not documented for this operation: {}{}",
                        excerpt(&bytes),
                        if cut { " (body cut at 64 KiB)" } else { "" }
                    ),
                    attempts,
                    operation,
                },
            }
        }
    }
}

impl ClientHooks<Shared> for raw::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // progenitor adds the spec's version as a header; the Partner API does not use it.
        request.headers_mut().remove("api-version");
        let state = current();
        let op = match &state {
            Some(state) => state.op,
            None => validate::operation(info.operation_id).ok_or_else(|| {
                progenitor_client::Error::Custom(format!("unknown operation {}", info.operation_id))
            })?,
        };
        if let Some(state) = &state {
            // The deadline counts from the call's start and covers the token request below.
            let budget = state
                .options
                .retry
                .as_ref()
                .unwrap_or(&self.inner().retry)
                .total_time();
            let sender = state
                .deadline
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take();
            if let (Some(sender), Some(at)) = (sender, state.started.checked_add(budget)) {
                let _ = sender.send(at);
                state.report().budget = Some(budget);
            }
        }
        if let Err(v) = validate::check_request(op, request) {
            let message = v.to_string();
            if let Some(state) = &state {
                state.report().validation = Some(v);
            }
            return Err(progenitor_client::Error::InvalidRequest(message));
        }
        if let Some(auth) = &self.inner().auth {
            match auth.authorization().await {
                Ok(value) => {
                    request.headers_mut().insert(AUTHORIZATION, value);
                }
                Err(e) => {
                    let message = e.to_string();
                    if let Some(state) = &state {
                        state.report().auth = Some(e);
                    }
                    return Err(progenitor_client::Error::Custom(message));
                }
            }
        } else if let Some(state) = &state {
            state.report().without_credentials = true;
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let shared = self.inner();
        let state = current();
        let policy = state
            .as_ref()
            .and_then(|s| s.options.retry.clone())
            .unwrap_or_else(|| shared.retry.clone());
        // One clock for the whole call: waits count from its start, token request included.
        let started = state.as_ref().map_or_else(Instant::now, |s| s.started);
        let method = request.method().clone();
        let mut attempt = 0u32;
        let mut reauthorized = false;
        let mut current_request = request;
        loop {
            attempt += 1;
            if let Some(limit) = &shared.rate_limit {
                limit.acquire(info.operation_id).await;
            }
            // A copy for a second attempt, when one can happen at all. A body that cannot be
            // cloned (a stream) is sent once.
            let may_resend =
                policy.is_enabled() || shared.auth.as_ref().is_some_and(Authenticator::can_renew);
            let spare = if may_resend {
                current_request.try_clone()
            } else {
                None
            };
            let sent_authorization = current_request.headers().get(AUTHORIZATION).cloned();
            // Counted before sending: a call cut off by its deadline mid-attempt has sent it.
            if let Some(state) = &state {
                state.report().attempts = attempt;
            }
            let attempt_started = Instant::now();
            // Anything but a success is read up to a bound here, once, before progenitor or
            // the error mapping parse it: a hostile body cannot hold the call or its memory.
            let result = match self.client().execute(current_request).await {
                Ok(response) if !response.status().is_success() => {
                    Ok(body::bounded(response).await)
                }
                other => other,
            };
            let status = result.as_ref().ok().map(reqwest::Response::status);
            // One event per attempt, for `--debug`-style logs: which call, what came back, how
            // long it took. Retries and renewals that follow are events of their own.
            tracing::debug!(
                target: "lineworks_partner::attempt",
                operation_id = info.operation_id,
                method = %method,
                attempt,
                status = status.map(|s| s.as_u16()),
                duration_ms = attempt_started.elapsed().as_millis() as u64,
                failure = result
                    .as_ref()
                    .err()
                    .map(|e| tracing::field::display(crate::error::root_cause(e))),
                "attempt"
            );
            let rate_state = result
                .as_ref()
                .ok()
                .and_then(|r| RateLimitState::from_headers(info.operation_id, r.headers()));
            if let Some(rate_state) = &rate_state {
                *shared
                    .rate_state
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(rate_state.clone());
            }
            if let Some(state) = &state {
                let mut report = state.report();
                report.last_status = status;
                report.body_cut = result
                    .as_ref()
                    .is_ok_and(|r| r.extensions().get::<BodyCut>().is_some());
                report.attempt_timeout = shared.attempt_timeout;
                // A failed connect never reached the server; anything else may have.
                if result.as_ref().is_err_and(|e| !e.is_connect()) {
                    report.unanswered = true;
                }
                if rate_state.is_some() {
                    report.rate_limit = rate_state;
                }
            }
            // An expired or revoked token: renew it once and send the same request again.
            // A fixed token cannot be renewed, so its 401 is the answer.
            let renewable = shared.auth.as_ref().filter(|auth| auth.can_renew());
            if let Some(auth) = renewable {
                match status {
                    // A token fresh from a renewal refused again: the credential itself is
                    // refused. Pause renewals so a loop of calls does not become a loop of
                    // token requests.
                    Some(StatusCode::UNAUTHORIZED) if reauthorized => auth.rejected_after_renewal(),
                    Some(StatusCode::UNAUTHORIZED) => {}
                    Some(_) => auth.accepted(),
                    None => {}
                }
            }
            let again = match (status, renewable, reauthorized) {
                (Some(StatusCode::UNAUTHORIZED), Some(auth), false) if !auth.renewal_paused() => {
                    spare.as_ref().and_then(reqwest::Request::try_clone)
                }
                _ => None,
            };
            if let (Some(auth), Some(mut again), Some(rejected)) =
                (renewable, again, &sent_authorization)
            {
                reauthorized = true;
                match auth.reauthorize(rejected).await {
                    Ok(fresh) => {
                        tracing::debug!(
                            operation_id = info.operation_id,
                            "token rejected; sending again with a new one"
                        );
                        again.headers_mut().insert(AUTHORIZATION, fresh);
                        current_request = again;
                        continue;
                    }
                    Err(e) => {
                        if let Some(state) = &state {
                            state.report().auth = Some(e);
                        }
                        return result;
                    }
                }
            }
            let outcome = match &result {
                Ok(response) => Outcome::Response(response),
                Err(error) => Outcome::Error(error),
            };
            let delay: Option<Duration> =
                policy.next_delay(&method, outcome, attempt, started.elapsed());
            match (delay, spare) {
                (Some(delay), Some(spare)) => {
                    tracing::debug!(
                        operation_id = info.operation_id,
                        attempt,
                        status = status.map(|s| s.as_u16()),
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                    current_request = spare;
                }
                _ => return result,
            }
        }
    }
}
