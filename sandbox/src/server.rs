//! The HTTP side: routing by the spec, authentication, fault injection, request checks.

use crate::error::ApiError;
use crate::handlers::{self, Ctx};
use crate::model::State;
use crate::spec::{self, In};
use crate::token;
use axum::Router;
use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lineworks_partner::validate;
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
}

pub(crate) struct App {
    pub config: Config,
    pub state: Mutex<State>,
    windows: Mutex<HashMap<&'static str, (Instant, u32)>>,
    rng: Mutex<u64>,
}

impl App {
    pub fn new(config: Config, state: State) -> Self {
        App {
            config,
            state: Mutex::new(state),
            windows: Mutex::new(HashMap::new()),
            rng: Mutex::new(0x9e37_79b9_7f4a_7c15),
        }
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

fn json_response(status: StatusCode, body: &Value) -> Response {
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
    if path == TOKEN_PATH {
        if parts.method != Method::POST {
            return method_not_allowed(&["POST"]);
        }
        return token::handle(&app, &parts.headers, &body);
    }
    let Some(api_path) = path.strip_prefix(BASE_PATH) else {
        return error_response(&ApiError::not_found(format!("path {path}")));
    };
    let (op, path_params) = match spec::spec().route(parts.method.as_str(), api_path) {
        Ok(found) => found,
        Err(allowed) if allowed.is_empty() => {
            return error_response(&ApiError::not_found(format!("path {path}")));
        }
        Err(allowed) => return method_not_allowed(&allowed),
    };
    let scopes = match authenticate(&app, &parts.headers) {
        Ok(scopes) => scopes,
        Err(e) => return error_response(&e),
    };
    if let Some(granted) = scopes
        && !op
            .rules
            .scopes
            .iter()
            .any(|s| granted.iter().any(|g| g == s))
    {
        return error_response(&ApiError::new(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            format!(
                "the token's scopes do not include {}",
                op.rules.scopes.join(" or ")
            ),
        ));
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
        return res;
    }
    if app.config.fail_rate > 0.0 && app.draw() < app.config.fail_rate {
        return error_response(&ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "injected failure (--fail-rate)",
        ));
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
    let mut ctx = match checked_request(op, api_path, path_params, &query, &body) {
        Ok(ctx) => ctx,
        Err(e) => return error_response(&e),
    };
    let result = {
        let mut state = app.state();
        // Read the calendar under the same lock, so a change that came due is applied before
        // the request sees the state and the clock cannot move in between.
        let today = state.current_day();
        ctx.today = today;
        ctx.now = now_on(today);
        handlers::dispatch(&mut state, &ctx)
    };
    match result {
        Ok(reply) => {
            // Where the spec lists several success statuses, answer the one it expects.
            let status = op
                .expected
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(reply.status);
            match reply.body {
                Some(body) => json_response(status, &body),
                None => status.into_response(),
            }
        }
        Err(e) => error_response(&e),
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
        Ok(today) => answer(today),
        Err(e @ crate::clock::ClockError::Backwards { .. }) => error_response(&ApiError::new(
            StatusCode::CONFLICT,
            "CLOCK_BACKWARDS",
            e.to_string(),
        )),
        Err(e) => error_response(&ApiError::invalid_field("today", e.to_string())),
    }
}

fn method_not_allowed(allowed: &[&str]) -> Response {
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
    if let Some(scopes) = app.state().tokens.get(token) {
        return Ok(Some(scopes.clone()));
    }
    match &app.config.token {
        Some(expected) if expected != token => Err(unauthorized("the access token is not valid")),
        _ => Ok(None),
    }
}

/// Applies the spec to a request: parameter types, body structure, then the rule table.
fn checked_request(
    op: &'static spec::Operation,
    path: &str,
    path_params: Vec<(&'static str, String)>,
    query: &[(String, String)],
    body: &Bytes,
) -> Result<Ctx, ApiError> {
    let spec = spec::spec();
    let mut params = Vec::new();
    for p in &op.params {
        let raw = match p.location {
            In::Path => path_params
                .iter()
                .find(|(n, _)| *n == p.name)
                .map(|(_, v)| v.as_str()),
            In::Query => query
                .iter()
                .find(|(n, _)| *n == p.name)
                .map(|(_, v)| v.as_str()),
        };
        match raw {
            Some(raw) => {
                let value = spec
                    .check_param(p, raw)
                    .map_err(|e| ApiError::invalid_field(&e.field, e.why))?;
                params.push((p.name.clone(), value));
            }
            None if p.required => return Err(ApiError::invalid_field(&p.name, "is required")),
            None => {}
        }
    }
    let body = match &op.body {
        None => None,
        Some((schema, required)) => {
            if body.iter().all(u8::is_ascii_whitespace) {
                if *required {
                    return Err(ApiError::bad_request(
                        "INVALID_PARAMETER",
                        "body: a JSON request body is required",
                    ));
                }
                None
            } else {
                let value: Value = serde_json::from_slice(body).map_err(|e| {
                    ApiError::bad_request("INVALID_PARAMETER", format!("body: malformed JSON: {e}"))
                })?;
                spec.check_value(schema, &value, "")
                    .map_err(|e| ApiError::invalid_field(&e.field, e.why))?;
                Some(value)
            }
        }
    };
    validate::check(op.rules, path, query, body.as_ref())
        .map_err(|e| ApiError::invalid_field(e.field(), e.violation()))?;
    // The calendar is read under the state lock when the request runs.
    let today = chrono::NaiveDate::MIN;
    Ok(Ctx {
        op,
        params,
        body,
        today,
        now: now_on(today),
    })
}

/// The current time of day on `today`, so dates and times agree under a pinned calendar.
fn now_on(today: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    today.and_time(chrono::Utc::now().time()).and_utc()
}
