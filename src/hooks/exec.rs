//! The two hooks progenitor runs for every request: `pre` (deadline, validation, token) and
//! `exec` (rate limit, send, one renewal on 401, retries).

use super::{Shared, current};
use crate::auth::Authenticator;
use crate::body::{self, BodyCut};
use crate::generated::raw;
use crate::retry::{Outcome, RateLimitState};
use crate::validate;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::AUTHORIZATION;
use std::time::Duration;
use tokio::time::Instant;

/// The query's form encoding writes a space as `+`, which only form decoders read as a space;
/// the reference asks for `%20` (`orderBy=name%20desc`), which every server reads as one. A `+`
/// in a value is already `%2B`, so every `+` left is a space.
fn spaces_as_percent_20(url: &mut url::Url) {
    if let Some(query) = url.query().filter(|q| q.contains('+')) {
        let query = query.replace('+', "%20");
        url.set_query(Some(&query));
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
        spaces_as_percent_20(request.url_mut());
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
            if let Some(state) = &state {
                state.report().fixed_token = !auth.can_renew();
            }
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
                let mut report = state.report();
                report.attempts = attempt;
                report.origin = Some(current_request.url().origin().ascii_serialization());
            }
            let attempt_started = Instant::now();
            let asked = current_request.url().clone();
            let sent = self.client().execute(current_request).await;
            let (result, error_body) = read_answer(sent, &asked, shared.max_body, &state).await;
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
                // A failed connect never reached the server; anything else may have, and a
                // gateway's 502/504 may have passed the request on.
                if result.as_ref().is_err_and(|e| !e.is_connect())
                    || status.is_some_and(crate::error::gateway_failure)
                {
                    report.maybe_applied = true;
                }
                if rate_state.is_some() {
                    report.rate_limit = rate_state;
                }
            }
            // An expired or revoked token: renew it once and send the same request again.
            // A fixed token cannot be renewed, so its 401 is the answer.
            let expired = token_refused(status, error_body.as_deref());
            let renewable = shared.auth.as_ref().filter(|auth| auth.can_renew());
            if let Some(auth) = renewable {
                match status {
                    // A token fresh from a renewal refused again: the credential itself is
                    // refused. Pause renewals so a loop of calls does not become a loop of
                    // token requests.
                    Some(_) if expired && reauthorized => auth.rejected_after_renewal(),
                    Some(_) if expired => {}
                    Some(_) => auth.accepted(),
                    None => {}
                }
            }
            let again = match (expired, renewable, reauthorized) {
                (true, Some(auth), false) if !auth.renewal_paused() => {
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
            if let (None, Ok(response), Some(state)) = (delay, &result, &state) {
                state.report().reset_beyond_budget = policy
                    .reset_beyond_budget(response, attempt, started.elapsed())
                    .map(|reset| (reset, policy.total_time()));
            }
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

/// Whether an answer refuses the token as expired or revoked: a 401, or a 403 whose body's
/// `code` is `UNAUTHORIZED`, which LINE WORKS' own API samples treat as an expired token.
fn token_refused(status: Option<StatusCode>, body: Option<&[u8]>) -> bool {
    #[derive(serde::Deserialize)]
    struct Code<'a> {
        #[serde(borrow)]
        code: std::borrow::Cow<'a, str>,
    }
    match status {
        Some(StatusCode::UNAUTHORIZED) => true,
        Some(StatusCode::FORBIDDEN) => body
            .and_then(|b| serde_json::from_slice::<Code<'_>>(b).ok())
            .is_some_and(|c| c.code == "UNAUTHORIZED"),
        _ => false,
    }
}

/// Reads the answer of one attempt, each kind up to its bound, before progenitor or the error
/// mapping see it: a hostile body cannot hold the call or its memory. A success body is read
/// here too, so one that breaks off or stalls is this attempt's transport failure (the write
/// may have been applied), whichever way the call returns it. Returns the answer (its body
/// rebuilt in memory) and, for an error answer, its bytes.
async fn read_answer(
    sent: reqwest::Result<reqwest::Response>,
    asked: &url::Url,
    limit: usize,
    state: &Option<std::sync::Arc<super::CallState>>,
) -> (reqwest::Result<reqwest::Response>, Option<bytes::Bytes>) {
    let response = match sent {
        Ok(response) => response,
        Err(e) => return (Err(e), None),
    };
    let status = response.status();
    // The Partner API does not redirect: a 3xx (the client's own `reqwest::Client` follows
    // none), or an answer from elsewhere (a caller's client followed one), is refused.
    let redirect = if status.is_redirection() {
        Some(crate::auth::endpoint::location(response.headers()))
    } else if response.url() != asked {
        Some(Some(response.url().as_str().chars().take(256).collect()))
    } else {
        None
    };
    if let Some(location) = redirect {
        if let Some(state) = state {
            state.report().redirect = Some((status, location));
        }
        return (Ok(body::bounded(response).await.0), None);
    }
    if !status.is_success() {
        let (response, bytes) = body::bounded(response).await;
        return (Ok(response), Some(bytes));
    }
    let (response, body) = match body::read_success(response, limit).await {
        Ok(read) => read,
        Err(e) => return (Err(e), None),
    };
    let keep_body = state.as_ref().is_some_and(|s| s.options.keep_body);
    let rebuilt = match body {
        Err(body::TooLarge) => {
            if let Some(state) = state {
                state.report().too_large = Some(limit);
            }
            // Nothing of it is passed on: the call fails with `ResponseTooLarge`.
            let mut emptied = body::rebuild(response, bytes::Bytes::new());
            emptied
                .headers_mut()
                .remove(reqwest::header::CONTENT_LENGTH);
            emptied
        }
        // `send_json` returns the body itself and leaves progenitor `null` to parse (see
        // `hooks::call_json`).
        Ok(kept) if keep_body => {
            let mut emptied = body::rebuild(response, &b"null"[..]);
            emptied
                .headers_mut()
                .remove(reqwest::header::CONTENT_LENGTH);
            if let Some(state) = state {
                state.report().body = Some(kept);
            }
            emptied
        }
        Ok(kept) => body::rebuild(response, kept),
    };
    (Ok(rebuilt), None)
}
