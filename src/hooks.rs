//! The seam between progenitor's generated calls and the hand-written layers.
//!
//! Every public `send()` runs [`call`], which opens a per-call scope; progenitor then calls
//! `pre` (validate, authenticate) and `exec` (rate limit, send, re-authenticate once on 401,
//! retry) from inside it. What the hooks learn (the typed validation or auth error, attempts,
//! the last status) is recorded in the scope, because progenitor's own error type can only
//! carry strings, and [`call`] turns it into the crate's [`Error`](crate::Error).

use crate::auth::{AuthError, Authenticator};
use crate::error::{ApiError, Error};
use crate::generated::raw;
use crate::retry::{self, Outcome, RateLimit, RetryPolicy};
use crate::validate::{self, OperationSpec, ValidationError};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::Instrument;

/// Client-wide state the hooks need, stored inside progenitor's client.
#[derive(Clone, Debug)]
pub struct Shared {
    pub(crate) auth: Option<Authenticator>,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limit: Option<RateLimit>,
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
}

struct CallState {
    op: &'static OperationSpec,
    options: CallOptions,
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
    let state = Arc::new(CallState {
        op,
        options,
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
    let started = Instant::now();
    let result = CALL
        .scope(Arc::clone(&state), send)
        .instrument(span.clone())
        .await;
    let report = std::mem::take(&mut *state.report());
    span.record("latency_ms", started.elapsed().as_millis() as u64);
    span.record("attempts", report.attempts);
    if let Some(status) = report.last_status {
        span.record("status", status.as_u16());
    }
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(e) => {
            let error = map_error(e, report, op).await;
            span.in_scope(|| tracing::debug!(error = %error, "call failed"));
            Err(error)
        }
    }
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

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn api_error(
    status: StatusCode,
    code: String,
    description: Option<String>,
    headers: &HeaderMap,
    attempts: u32,
) -> Error {
    let error = ApiError {
        status,
        code,
        description,
        attempts,
    };
    if status == StatusCode::TOO_MANY_REQUESTS {
        Error::RateLimited {
            error,
            reset_after: retry::rate_limit_reset(headers),
            limit: header_u64(headers, "ratelimit-limit"),
            remaining: header_u64(headers, "ratelimit-remaining"),
        }
    } else {
        Error::Api(error)
    }
}

async fn map_error(
    e: progenitor_client::Error<raw::types::ApiErrorBody>,
    report: Report,
    op: &'static OperationSpec,
) -> Error {
    use progenitor_client::Error as P;
    let attempts = report.attempts.max(1);
    match e {
        P::InvalidRequest(message) => match report.validation {
            Some(v) => Error::InvalidRequest(v),
            None => Error::InvalidRequest(validate::from_builder_message(&message, op)),
        },
        P::Custom(message) => match (report.auth, report.validation) {
            (Some(auth), _) => Error::Auth(auth),
            (None, Some(v)) => Error::InvalidRequest(v),
            (None, None) => Error::Config(message),
        },
        P::CommunicationError(source)
        | P::InvalidUpgrade(source)
        | P::ResponseBodyError(source) => {
            if let Some(auth) = report.auth {
                Error::Auth(auth)
            } else if source.is_timeout() {
                Error::Timeout { source, attempts }
            } else {
                Error::Transport { source, attempts }
            }
        }
        P::ErrorResponse(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            let body = value.into_inner();
            if let (Some(auth), StatusCode::UNAUTHORIZED) = (report.auth, status) {
                return Error::Auth(auth);
            }
            api_error(status, body.code, body.description, &headers, attempts)
        }
        P::InvalidResponsePayload(bytes, parse) => Error::UnexpectedResponse {
            status: report.last_status.unwrap_or(StatusCode::OK),
            detail: format!(
                "the body does not match the spec ({parse}): {}",
                excerpt(&bytes)
            ),
            attempts,
        },
        P::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response.bytes().await.unwrap_or_default();
            // An undocumented status with a LINE WORKS error body is still an API error.
            match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(body) if !status.is_success() => {
                    api_error(status, body.code, body.description, &headers, attempts)
                }
                _ => Error::UnexpectedResponse {
                    status,
                    detail: format!(
                        "status not documented for this operation: {}",
                        excerpt(&bytes)
                    ),
                    attempts,
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
        let started = Instant::now();
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
            let result = self.client().execute(current_request).await;
            if let Some(state) = &state {
                let mut report = state.report();
                report.attempts = attempt;
                report.last_status = result.as_ref().ok().map(reqwest::Response::status);
            }
            let status = result.as_ref().ok().map(reqwest::Response::status);
            // An expired or revoked token: renew it once and send the same request again.
            // A fixed token cannot be renewed, so its 401 is the answer.
            let renewable = shared.auth.as_ref().filter(|auth| auth.can_renew());
            let again = match (status, renewable, reauthorized) {
                (Some(StatusCode::UNAUTHORIZED), Some(_), false) => {
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
