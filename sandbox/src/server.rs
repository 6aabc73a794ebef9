//! The HTTP side: routing by the spec, authentication, fault injection, request checks.

use crate::checks::{checked_request, now_on};
use crate::control::{self, Fault, FaultKind, RequestLog, RequestRecord};
use crate::error::ApiError;
use crate::handlers;
use crate::model::State;
use crate::spec;
use crate::token;
use axum::Router;
use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Where the API is mounted, as on `www.worksapis.com`.
pub(crate) const BASE_PATH: &str = "/v1.0";
/// The token endpoint, as on `auth.worksmobile.com`.
pub(crate) const TOKEN_PATH: &str = "/oauth2/v2.0/token";
/// The sandbox's own calendar control, outside the Partner API paths.
pub(crate) const CLOCK_PATH: &str = "/sandbox/clock";
/// The other test handles (`control.rs`) live under this prefix.
pub(crate) const CONTROL_PREFIX: &str = "/sandbox/";
/// Largest request body read; the API's bodies are a few hundred bytes.
const BODY_LIMIT: usize = 256 * 1024;

/// Settings fixed when the server starts.
#[derive(Clone, Debug, Default)]
pub(crate) struct Config {
    pub token: Option<String>,
    pub rate_limit_per_minute: Option<u32>,
    pub fail_rate: f64,
    pub latency: Duration,
    pub today: Option<chrono::NaiveDate>,
    /// Refuse body fields the spec does not declare instead of ignoring them.
    pub strict: bool,
    /// How long an "applied then timeout" fault holds the answer back.
    pub lost_answer_delay: Duration,
    /// Print a line on stderr for every ignored body field (the binary does).
    pub log_warnings: bool,
    /// Write the state here after every change (`persist.rs`).
    pub state_file: Option<std::path::PathBuf>,
    /// How an expired token is answered: 401, or 403 as LINE WORKS also does (both with
    /// `UNAUTHORIZED`); `None` is 401.
    pub expired_token_status: Option<StatusCode>,
    /// How long issued access tokens last (default a day, `token::ACCESS_LIFETIME`).
    pub token_lifetime: Option<Duration>,
    /// Start with test fields on (`test_fields.rs`).
    pub test_fields: bool,
}

pub(crate) struct App {
    pub config: Config,
    pub state: Mutex<State>,
    /// The state the sandbox started with, for `reset`.
    pub initial: State,
    pub log: Mutex<RequestLog>,
    pub faults: Mutex<Vec<Fault>>,
    /// Access tokens expired by [`crate::Sandbox::expire_tokens`]: answered as expired.
    pub expired: Mutex<std::collections::HashSet<String>>,
    /// Set when the server stops, so answers held back by a fault are released.
    pub stopping: tokio::sync::watch::Sender<bool>,
    windows: Mutex<HashMap<&'static str, (Instant, u32)>>,
    rng: Mutex<u64>,
    /// Add made-up fields to `x-truncated` objects in answers (`test_fields.rs`).
    pub test_fields: std::sync::atomic::AtomicBool,
}

/// Locks `m`, taking over a lock a panicking handler left poisoned.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl App {
    pub fn new(config: Config, state: State) -> Self {
        App {
            test_fields: config.test_fields.into(),
            config,
            initial: state.clone(),
            state: Mutex::new(state),
            log: Mutex::new(RequestLog::default()),
            faults: Mutex::new(Vec::new()),
            expired: Mutex::new(std::collections::HashSet::new()),
            stopping: tokio::sync::watch::Sender::new(false),
            windows: Mutex::new(HashMap::new()),
            rng: Mutex::new(0x9e37_79b9_7f4a_7c15),
        }
    }

    /// Back to the starting state: seed, calendar, no log, no faults. Issued tokens stay
    /// valid, so a client holding one goes on working.
    pub fn reset(&self) {
        let mut state = self.state();
        let tokens = std::mem::take(&mut state.tokens);
        let refresh = std::mem::take(&mut state.refresh_tokens);
        let issued = state.issued;
        *state = self.initial.clone();
        state.tokens = tokens;
        state.refresh_tokens = refresh;
        state.issued = issued;
        self.persist(&state);
        lock(&self.log).clear();
        lock(&self.faults).clear();
    }

    /// Saves the state when a state file is configured; `false` (and a line on stderr) when
    /// it could not be written.
    pub fn persist(&self, state: &State) -> bool {
        let Some(path) = &self.config.state_file else {
            return true;
        };
        match crate::persist::save(path, state) {
            Ok(()) => true,
            Err(e) => {
                eprintln!("sandbox: cannot write {}: {e}", path.display());
                false
            }
        }
    }

    /// Expires every access token issued so far: each is then answered as expired
    /// (`expired_token_status`) until the client gets a new one. Returns how many.
    pub fn expire_tokens(&self) -> usize {
        let issued: Vec<String> = self
            .state()
            .tokens
            .drain()
            .map(|(token, _)| token)
            .collect();
        let count = issued.len();
        lock(&self.expired).extend(issued);
        count
    }

    /// Logs a request whose bodies were `size` bytes long.
    fn remember(&self, record: RequestRecord, size: usize) {
        lock(&self.log).push(record, size);
    }

    /// The state; a handler that panicked cannot leave it half-written in a way that matters
    /// more than refusing every later call, so a poisoned lock is simply taken over.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The sandbox's current day (scheduled changes due by then are applied first).
    pub fn today(&self) -> chrono::NaiveDate {
        self.state().current_day()
    }

    /// A uniform draw in [0, 1) from a fixed-seed xorshift, so fault runs are repeatable.
    fn draw(&self) -> f64 {
        let mut s = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        (*s >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Counts a call of `op` in its one-minute window; `Err(seconds to reset)` when over.
    fn admit(&self, op: &'static str, limit: u32) -> Result<u32, (u32, u64)> {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let entry = windows.entry(op).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        let reset = 60u64
            .saturating_sub(now.duration_since(entry.0).as_secs())
            .max(1);
        if entry.1 >= limit {
            return Err((0, reset));
        }
        entry.1 += 1;
        Ok(limit - entry.1)
    }
}

pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .fallback(handle)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .with_state(app)
}

fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    error_response(&ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_SERVER_ERROR",
        "the sandbox failed on this request (a bug: please report it)",
    ))
}

pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut res = (status, body.to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

pub(crate) fn error_response(e: &ApiError) -> Response {
    json_response(e.status, &e.body())
}

async fn handle(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    request: Request,
) -> Response {
    if !app.config.latency.is_zero() {
        tokio::time::sleep(app.config.latency).await;
    }
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return error_response(&ApiError::bad_request(
                "INVALID_PARAMETER",
                format!("body: larger than {BODY_LIMIT} bytes or unreadable"),
            ));
        }
    };
    let path = parts.uri.path();
    if path == CLOCK_PATH {
        return clock(&app, &parts.method, &parts.headers, &body);
    }
    if let Some(rest) = path.strip_prefix(CONTROL_PREFIX) {
        if let Err(e) = authenticate(&app, &parts.headers) {
            return error_response(&e);
        }
        return crate::control::serve(&app, &parts.method, rest, &body);
    }
    if path == TOKEN_PATH {
        if parts.method != Method::POST {
            return method_not_allowed(&["POST"]);
        }
        return token::handle(&app, &parts.headers, &body);
    }
    if !path.starts_with(BASE_PATH) {
        return error_response(&ApiError::not_found(format!("path {path}")));
    }
    let call = api_call(&app, &parts, &body).await;
    let (head, bytes) = {
        let (head, out) = call.response.into_parts();
        (
            head,
            axum::body::to_bytes(out, usize::MAX)
                .await
                .unwrap_or_default(),
        )
    };
    let as_json = |b: &[u8]| {
        (!b.is_empty()).then(|| {
            serde_json::from_slice(b)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(b).into_owned()))
        })
    };
    if app.config.log_warnings && !call.ignored.is_empty() {
        eprintln!(
            "{}",
            ignored_fields_line(&parts.method, path, &call.ignored)
        );
    }
    let mut request_body = as_json(&body);
    if let Some(b) = request_body.as_mut() {
        redact(b);
    }
    let record = RequestRecord {
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(|| path.to_string(), |p| p.to_string()),
        operation: call.op.map(str::to_string),
        status: head.status.as_u16(),
        body: request_body,
        response: as_json(&bytes),
        ignored_fields: call.ignored.clone(),
        answer_lost: call.lost,
    };
    // Bodies as received and answered, the path, and a little for the rest of the record.
    let size = body.len() + bytes.len() + record.path.len() + 256;
    app.remember(record, size);
    if call.lost {
        // The change is applied; the answer never comes (until the delay, or shutdown).
        let mut stopping = app.stopping.subscribe();
        tokio::select! {
            () = tokio::time::sleep(app.config.lost_answer_delay) => {}
            _ = stopping.wait_for(|stop| *stop) => {}
        }
        return error_response(&ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "GATEWAY_TIMEOUT",
            "injected fault: the request was applied and its answer withheld",
        ));
    }
    Response::from_parts(head, axum::body::Body::from(bytes))
}

/// The stderr line naming ignored body fields. The names are the client's text: escaped, so a
/// name cannot forge a log line or drive the terminal.
fn ignored_fields_line(method: &Method, path: &str, ignored: &[String]) -> String {
    let line = format!(
        "sandbox warning: {method} {path}: ignored unknown body field(s) {}",
        ignored.join(", ")
    );
    lineworks_partner::terminal::escape(&line).into_owned()
}

/// Blanks passwords, so the request log never holds a secret.
fn redact(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (name, v) in fields.iter_mut() {
                if name.to_ascii_lowercase().contains("password") {
                    *v = Value::String("[redacted]".into());
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// What the API part of a request produced.
struct Call {
    op: Option<&'static str>,
    response: Response,
    ignored: Vec<String>,
    /// An "applied then timeout" fault took this call.
    lost: bool,
}

async fn api_call(app: &App, parts: &axum::http::request::Parts, body: &Bytes) -> Call {
    let done = |op: Option<&'static str>, response: Response| Call {
        op,
        response,
        ignored: Vec::new(),
        lost: false,
    };
    let path = parts.uri.path();
    let Some(api_path) = path.strip_prefix(BASE_PATH) else {
        return done(
            None,
            error_response(&ApiError::not_found(format!("path {path}"))),
        );
    };
    let (op, path_params) = match spec::spec().route(parts.method.as_str(), api_path) {
        Ok(found) => found,
        Err(allowed) if allowed.is_empty() => {
            return done(
                None,
                error_response(&ApiError::not_found(format!("path {path}"))),
            );
        }
        Err(allowed) => return done(None, method_not_allowed(&allowed)),
    };
    let op_id = Some(op.id());
    let scopes = match authenticate(app, &parts.headers) {
        Ok(scopes) => scopes,
        Err(e) => return done(op_id, error_response(&e)),
    };
    if let Some(granted) = scopes
        && !op
            .rules
            .scopes
            .iter()
            .any(|s| granted.iter().any(|g| g == s))
    {
        return done(
            op_id,
            error_response(&ApiError::new(
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
                format!(
                    "the token's scopes do not include {}",
                    op.rules.scopes.join(" or ")
                ),
            )),
        );
    }
    if let Some(limit) = app.config.rate_limit_per_minute
        && let Err((remaining, reset)) = app.admit(op.id(), limit)
    {
        let mut res = error_response(&ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TOO_MANY_REQUESTS",
            format!("more than {limit} calls per minute to {}", op.id()),
        ));
        let h = res.headers_mut();
        h.insert("rateLimit-limit", HeaderValue::from(limit));
        h.insert("rateLimit-remaining", HeaderValue::from(remaining));
        h.insert("rateLimit-reset", HeaderValue::from(reset));
        return done(op_id, res);
    }
    let fault = control::take_fault(&mut lock(&app.faults), op.id());
    if let Some(FaultKind::Answer(status)) = fault {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let code = match status.as_u16() {
            429 => "TOO_MANY_REQUESTS",
            500 => "INTERNAL_SERVER_ERROR",
            503 => "SERVICE_UNAVAILABLE",
            _ => "INJECTED_FAULT",
        };
        let why = format!("injected fault: {} answers {status}", op.id());
        return done(op_id, error_response(&ApiError::new(status, code, why)));
    }
    if app.config.fail_rate > 0.0 && app.draw() < app.config.fail_rate {
        return done(
            op_id,
            error_response(&ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "injected failure (--fail-rate)",
            )),
        );
    }
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let mut ctx = match checked_request(op, api_path, path_params, &query, body, app.config.strict)
    {
        Ok(ctx) => ctx,
        Err(e) => return done(op_id, error_response(&e)),
    };
    let result = {
        let mut state = app.state();
        // Read the calendar under the same lock, so a change that came due is applied before
        // the request sees the state and the clock cannot move in between.
        let today = state.current_day();
        ctx.today = today;
        ctx.now = now_on(today);
        let mut result = handlers::dispatch(&mut state, &ctx);
        if parts.method != Method::GET {
            state.record(today);
            // Saved before it is answered, so nothing acknowledged can be lost.
            if !app.persist(&state) {
                result = Err(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "INTERNAL_SERVER_ERROR",
                    "the sandbox could not write its state file; the change may or may not survive a restart",
                ));
            }
        }
        result
    };
    let mut response = match result {
        Ok(reply) => {
            // A handler's own status stands when the spec documents it (an immediate deletion
            // answers 204, a deferred one 202: facts partner-customer-delete); otherwise, where
            // the spec lists several success statuses, the one it expects.
            let status = if op.statuses.contains(&reply.status.as_u16()) {
                reply.status
            } else {
                op.expected
                    .and_then(|s| StatusCode::from_u16(s).ok())
                    .unwrap_or(reply.status)
            };
            match reply.body {
                // An injected empty answer: applied, answered as the spec allows without a body.
                _ if fault == Some(FaultKind::EmptyAnswer) => {
                    StatusCode::NO_CONTENT.into_response()
                }
                Some(mut body) => {
                    if let Some(schema) = op.answers.get(&status.as_u16()) {
                        spec::spec().fill_empty_arrays(schema, &mut body);
                        if app.test_fields() {
                            spec::spec().add_test_fields(schema, &mut body);
                        }
                    }
                    json_response(status, &body)
                }
                None => status.into_response(),
            }
        }
        Err(e) => error_response(&e),
    };
    if !ctx.ignored.is_empty()
        && let Ok(v) = HeaderValue::from_str(&format!(
            "ignored unknown body field(s): {}",
            ctx.ignored.join(", ")
        ))
    {
        response.headers_mut().insert("Sandbox-Warning", v);
    }
    Call {
        op: op_id,
        response,
        ignored: ctx.ignored,
        lost: fault == Some(FaultKind::AppliedThenTimeout),
    }
}

/// `GET /sandbox/clock` answers `{"today": "YYYY-MM-DD"}`; `POST` with `{"today": DAY}` or
/// `{"advanceDays": N}` moves the calendar forward, applies what came due and answers the same.
fn clock(app: &App, method: &Method, headers: &HeaderMap, body: &Bytes) -> Response {
    if *method != Method::GET && *method != Method::POST {
        return method_not_allowed(&["GET", "POST"]);
    }
    if let Err(e) = authenticate(app, headers) {
        return error_response(&e);
    }
    let answer = |today: chrono::NaiveDate| {
        json_response(
            StatusCode::OK,
            &serde_json::json!({ "today": today.to_string() }),
        )
    };
    if *method == Method::GET {
        return answer(app.today());
    }
    let invalid = |why: &str| error_response(&ApiError::invalid_field("body", why));
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        return invalid("must be a JSON object such as {\"today\": \"2027-01-01\"}");
    };
    if fields.keys().any(|k| k != "today" && k != "advanceDays") {
        return invalid("accepts only \"today\" or \"advanceDays\"");
    }
    let mut state = app.state();
    let current = state.current_day();
    let target = match (fields.get("today"), fields.get("advanceDays")) {
        (Some(day), None) => match day.as_str().and_then(spec::parse_date) {
            Some(d) => d,
            None => return invalid("\"today\" must be a date, YYYY-MM-DD"),
        },
        (None, Some(n)) => match n.as_u64().and_then(|n| i64::try_from(n).ok()) {
            Some(n) => match current.checked_add_signed(chrono::Duration::days(n.min(1 << 20))) {
                Some(d) => d,
                None => return invalid("\"advanceDays\" is too large"),
            },
            None => return invalid("\"advanceDays\" must be a whole number of days, 0 or more"),
        },
        _ => return invalid("needs exactly one of \"today\" and \"advanceDays\""),
    };
    match state.advance_to(target) {
        Ok(today) => {
            app.persist(&state);
            answer(today)
        }
        Err(e @ crate::clock::ClockError::Backwards { .. }) => error_response(&ApiError::new(
            StatusCode::CONFLICT,
            "CLOCK_BACKWARDS",
            e.to_string(),
        )),
        Err(e) => error_response(&ApiError::invalid_field("today", e.to_string())),
    }
}

pub(crate) fn method_not_allowed(allowed: &[&str]) -> Response {
    let mut res = error_response(&ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("this path accepts {}", allowed.join(", ")),
    ));
    if let Ok(v) = HeaderValue::from_str(&allowed.join(", ")) {
        res.headers_mut().insert(header::ALLOW, v);
    }
    res
}

fn expired(app: &App) -> ApiError {
    let status = app
        .config
        .expired_token_status
        .unwrap_or(StatusCode::UNAUTHORIZED);
    ApiError::new(status, "UNAUTHORIZED", "the access token has expired")
}

/// `Ok(None)`: any scope; `Ok(Some(scopes))`: a token from our token endpoint.
fn authenticate(app: &App, headers: &HeaderMap) -> Result<Option<Vec<String>>, ApiError> {
    let unauthorized = |why: &str| ApiError::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", why);
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthorized("an Authorization: Bearer header is required"))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unauthorized("the Authorization header must be `Bearer <token>`"))?;
    // A token past its lifetime, or expired through the test handle, is answered as LINE WORKS
    // answers an expired token (401 or 403, `UNAUTHORIZED`), so clients renew it.
    let issued = app.state().tokens.get(token).map(|t| {
        t.valid_at(std::time::Instant::now())
            .then(|| t.scopes.clone())
    });
    match issued {
        Some(Some(scopes)) => return Ok(Some(scopes)),
        Some(None) => return Err(expired(app)),
        None if lock(&app.expired).contains(token) => return Err(expired(app)),
        None => {}
    }
    match &app.config.token {
        Some(expected) if expected != token => Err(unauthorized("the access token is not valid")),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Method;

    #[test]
    fn ignored_field_names_cannot_forge_a_log_line() {
        let names = [
            "note\nsandbox warning: forged".to_owned(),
            "\u{1b}]0;TITLE\u{7}\u{1b}[2J\0".to_owned(),
        ];
        let line = super::ignored_fields_line(&Method::POST, "/v1.0/partners/customers", &names);
        assert!(!line.chars().any(char::is_control), "{line:?}");
        assert_eq!(
            line,
            "sandbox warning: POST /v1.0/partners/customers: ignored unknown body field(s) \
             note\\nsandbox warning: forged, \\u{1b}]0;TITLE\\u{7}\\u{1b}[2J\\0"
        );
    }
}
