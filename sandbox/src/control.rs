//! Handles for tests, outside the Partner API paths: reset, a dump of the state, the request
//! log, injected faults and the customer's side of things (what the API cannot change).
//!
//! Served under `/sandbox/...` so they can never be mistaken for the real API; the same
//! actions are methods of [`Sandbox`](crate::Sandbox).

use crate::error::ApiError;
use crate::model::State;
use crate::server::{App, error_response, json_response, lock, method_not_allowed};
use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// What the customer (not the partner) does, applied with
/// [`Sandbox::change_customer`](crate::Sandbox::change_customer) or
/// `POST /sandbox/customers/{domainId}`. Fields left `None` stay as they are.
///
/// ```
/// use lineworks_partner_sandbox::CustomerChange;
///
/// let change = CustomerChange::default().accept_terms().publish_dns(true).member_count(12);
/// assert_eq!(change.terms_accepted, Some(true));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct CustomerChange {
    /// The administrator accepted the terms of service (partnership `APPROVED`); only then
    /// can the customer be activated (facts: `partner-customer-activate`).
    pub terms_accepted: Option<bool>,
    /// The DNS records `get_upgrade_domain` lists are published (or withdrawn); activating a
    /// DNS domain needs them.
    pub dns_published: Option<bool>,
    /// Users in the tenant (users joining or leaving); at most the user limit.
    pub member_count: Option<i32>,
    /// Suspended by the tenant's administrator (`SUSPENDED_ADMIN`).
    pub suspended: Option<bool>,
    /// The tenant uses paid apps billed without real-time billing, so a deletion waits for
    /// the last charges (facts: `partner-customer-delete`).
    pub paid_apps: Option<bool>,
}

impl CustomerChange {
    /// The administrator accepts the terms of service.
    pub fn accept_terms(mut self) -> Self {
        self.terms_accepted = Some(true);
        self
    }
    /// The customer publishes (`true`) or withdraws (`false`) the DNS records.
    pub fn publish_dns(mut self, published: bool) -> Self {
        self.dns_published = Some(published);
        self
    }
    /// The tenant now has `n` users.
    pub fn member_count(mut self, n: i32) -> Self {
        self.member_count = Some(n);
        self
    }
    /// The administrator suspends (`true`) or resumes (`false`) the tenant.
    pub fn suspended(mut self, suspended: bool) -> Self {
        self.suspended = Some(suspended);
        self
    }
    /// The tenant starts (`true`) or stops using paid apps without real-time billing.
    pub fn paid_apps(mut self, paid: bool) -> Self {
        self.paid_apps = Some(paid);
        self
    }
}

/// The body of `POST /sandbox/test-fields` (see `Sandbox::set_test_fields`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFields {
    enabled: bool,
}

/// Why a test handle refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ControlError {
    /// No customer has this domain ID.
    NoSuchCustomer(i64),
    /// No operation of the spec has this `operationId`.
    NoSuchOperation(String),
    /// A value is out of range; the text names it.
    Invalid(String),
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ControlError::NoSuchCustomer(id) => write!(f, "customer {id} does not exist"),
            ControlError::NoSuchOperation(op) => {
                write!(f, "{op:?} is not an operationId of the spec")
            }
            ControlError::Invalid(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for ControlError {}

impl ControlError {
    pub(crate) fn to_api(&self) -> ApiError {
        match self {
            ControlError::NoSuchCustomer(id) => ApiError::not_found(format!("customer {id}")),
            other => ApiError::bad_request("INVALID_PARAMETER", other.to_string()),
        }
    }
}

impl State {
    /// Applies what the customer did.
    pub fn change_customer(
        &mut self,
        id: i64,
        change: &CustomerChange,
    ) -> Result<(), ControlError> {
        let c = self
            .customers
            .get_mut(&id)
            .ok_or(ControlError::NoSuchCustomer(id))?;
        if let Some(n) = change.member_count {
            if n < 0 {
                return Err(ControlError::Invalid(format!("memberCount {n} is below 0")));
            }
            if let Some(max) = c.max_member_count
                && n > max
            {
                return Err(ControlError::Invalid(format!(
                    "memberCount {n} is above the user limit {max} of customer {id}"
                )));
            }
        }
        if let Some(accepted) = change.terms_accepted {
            c.terms_accepted = accepted;
            let status = match (accepted, c.partnership.status.as_ref().map(|s| s.as_str())) {
                (true, Some("TERMS_AGREEMENT_READY")) => Some("APPROVED"),
                (false, Some("APPROVED")) if !c.domain_active => Some("TERMS_AGREEMENT_READY"),
                _ => None,
            };
            if let Some(s) = status {
                c.partnership.status =
                    Some(lineworks_partner::types::PartnershipStatus::from_wire(s));
            }
        }
        if let Some(p) = change.dns_published {
            c.dns_published = p;
        }
        if let Some(n) = change.member_count {
            c.member_count = n;
        }
        if let Some(s) = change.suspended {
            c.suspended = s;
        }
        if let Some(p) = change.paid_apps {
            c.paid_apps = p;
        }
        Ok(())
    }

    /// The whole state as JSON, in the API's shapes where it has them.
    pub fn dump(&self) -> Value {
        let today = self.today();
        let customers: Vec<Value> = self
            .customers
            .values()
            .map(|c| {
                json!({
                    "customer": c.to_api(),
                    "usageStatus": c.usage_status(),
                    "customerSide": {
                        "termsAccepted": c.terms_accepted,
                        "dnsPublished": c.dns_published,
                        "suspended": c.suspended,
                        "paidApps": c.paid_apps,
                    },
                    "upgradeDomain": c.upgrade_domain,
                    "subscriptions": c.subscriptions.values().map(|s| json!({
                        "subscription": s.to_api(c.domain_id, today),
                        "reservation": s.reservation,
                        "customerCode": s.customer_code,
                        "memo": s.memo,
                    })).collect::<Vec<_>>(),
                    "preOrders": c.pre_orders.values().collect::<Vec<_>>(),
                    "optionProducts": c.options.values().map(|o| json!({
                        "optionProduct": o.product,
                        "renewal": o.renewal,
                    })).collect::<Vec<_>>(),
                    "optionProductOrders": c.option_orders.values().collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "today": today.to_string(),
            "partnerName": self.partner_name,
            "customers": customers,
            "potentialCustomers": self.potential.values().map(|p| json!({
                "domain": p.domain,
                "domainId": p.domain_id,
                "productId": p.product_id,
            })).collect::<Vec<_>>(),
        })
    }
}

/// What an injected fault does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum FaultKind {
    /// Answer this status without touching the state.
    Answer(u16),
    /// Apply the request, then lose the answer: the connection hangs, as a timeout would.
    AppliedThenTimeout,
    /// Apply the request, then answer 204 without a body, as the API may where the spec lists
    /// several success statuses.
    EmptyAnswer,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Fault {
    pub operation: String,
    pub kind: FaultKind,
    pub remaining: u32,
}

/// Takes one use of the first fault armed for `operation`.
pub(crate) fn take_fault(faults: &mut Vec<Fault>, operation: &str) -> Option<FaultKind> {
    let i = faults
        .iter()
        .position(|f| f.operation == operation && f.remaining > 0)?;
    faults[i].remaining -= 1;
    let kind = faults[i].kind.clone();
    if faults[i].remaining == 0 {
        faults.remove(i);
    }
    Some(kind)
}

/// Checks a fault before it is armed.
pub(crate) fn new_fault(
    operation: &str,
    kind: FaultKind,
    times: u32,
) -> Result<Fault, ControlError> {
    if !crate::spec::spec()
        .operations
        .iter()
        .any(|o| o.id() == operation)
    {
        return Err(ControlError::NoSuchOperation(operation.to_string()));
    }
    if let FaultKind::Answer(status) = kind
        && !(400..=599).contains(&status)
    {
        return Err(ControlError::Invalid(format!(
            "status {status} is not an error status (400-599)"
        )));
    }
    if kind == FaultKind::EmptyAnswer
        && !crate::spec::spec()
            .operations
            .iter()
            .any(|o| o.id() == operation && o.documents(204))
    {
        return Err(ControlError::Invalid(format!(
            "{operation} always answers with a body: the spec lists no 204 for it"
        )));
    }
    if times == 0 {
        return Err(ControlError::Invalid("times must be at least 1".into()));
    }
    Ok(Fault {
        operation: operation.to_string(),
        kind,
        remaining: times,
    })
}

/// The body of `POST /sandbox/faults`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FaultRequest {
    pub operation: String,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub applied_then_timeout: bool,
    #[serde(default)]
    pub empty_answer: bool,
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

impl FaultRequest {
    pub fn into_fault(self) -> Result<Fault, ControlError> {
        let kind = match (self.status, self.applied_then_timeout, self.empty_answer) {
            (Some(s), false, false) => FaultKind::Answer(s),
            (None, true, false) => FaultKind::AppliedThenTimeout,
            (None, false, true) => FaultKind::EmptyAnswer,
            _ => {
                return Err(ControlError::Invalid(
                    "give exactly one of \"status\", \"appliedThenTimeout\": true and \"emptyAnswer\": true"
                        .into(),
                ));
            }
        };
        new_fault(&self.operation, kind, self.times)
    }
}

/// One call of the Partner API as the sandbox saw it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RequestRecord {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query, e.g. `/v1.0/partners/customers?count=5`.
    pub path: String,
    /// The `operationId` the path matched, if any.
    pub operation: Option<String>,
    /// The status answered (for an applied-then-timed-out call: the status it would have had).
    pub status: u16,
    /// The request body (JSON, or a string when it was not JSON), passwords redacted.
    pub body: Option<Value>,
    /// The answer's body.
    pub response: Option<Value>,
    /// Body fields the sandbox ignored because the spec does not declare them.
    pub ignored_fields: Vec<String>,
    /// The answer was withheld by an injected "applied then timeout" fault.
    pub answer_lost: bool,
}

/// Requests kept in the log; older ones are dropped so a long session stays small.
pub(crate) const LOG_LIMIT: usize = 10_000;
/// Bytes of bodies (request and answer) and paths kept in the log: large bodies must not make
/// the log grow past this even while the count is under [`LOG_LIMIT`].
pub(crate) const LOG_BYTES: usize = 16 * 1024 * 1024;

/// The request log, bounded by [`LOG_LIMIT`] records and [`LOG_BYTES`] bytes; the oldest
/// records go first.
#[derive(Default)]
pub(crate) struct RequestLog {
    records: std::collections::VecDeque<(usize, RequestRecord)>,
    bytes: usize,
}

impl RequestLog {
    /// Adds `record`, which weighs `size` bytes, dropping the oldest records to make room.
    pub fn push(&mut self, record: RequestRecord, size: usize) {
        while !self.records.is_empty()
            && (self.records.len() >= LOG_LIMIT || self.bytes + size > LOG_BYTES)
        {
            if let Some((dropped, _)) = self.records.pop_front() {
                self.bytes -= dropped;
            }
        }
        self.bytes += size;
        self.records.push_back((size, record));
    }

    pub fn iter(&self) -> impl Iterator<Item = &RequestRecord> {
        self.records.iter().map(|(_, r)| r)
    }

    pub fn clear(&mut self) {
        self.records.clear();
        self.bytes = 0;
    }
}

/// A control call failed in the LINE WORKS error shape.
pub(crate) fn refused(e: &ControlError) -> ApiError {
    e.to_api()
}

/// A body that is not the expected JSON.
pub(crate) fn bad_body(why: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "INVALID_PARAMETER",
        format!("body: {why}"),
    )
}

/// Serves `/sandbox/{rest}` (the clock has its own handler).
pub(crate) fn serve(app: &App, method: &Method, rest: &str, body: &Bytes) -> Response {
    let allow = |methods: &[&str]| {
        if methods.contains(&method.as_str()) {
            None
        } else {
            Some(method_not_allowed(methods))
        }
    };
    let no_content = || StatusCode::NO_CONTENT.into_response();
    match rest {
        "reset" => {
            if let Some(res) = allow(&["POST"]) {
                return res;
            }
            app.reset();
            no_content()
        }
        "state" => {
            if let Some(res) = allow(&["GET"]) {
                return res;
            }
            json_response(StatusCode::OK, &app.state().dump())
        }
        "requests" => {
            if let Some(res) = allow(&["GET", "DELETE"]) {
                return res;
            }
            if *method == Method::DELETE {
                lock(&app.log).clear();
                return no_content();
            }
            let log: Vec<RequestRecord> = lock(&app.log).iter().cloned().collect();
            json_response(StatusCode::OK, &json!({ "requests": log }))
        }
        "faults" => {
            if let Some(res) = allow(&["GET", "POST", "DELETE"]) {
                return res;
            }
            if *method == Method::DELETE {
                lock(&app.faults).clear();
                return no_content();
            }
            if *method == Method::POST {
                let fault = serde_json::from_slice::<FaultRequest>(body)
                    .map_err(bad_body)
                    .and_then(|r| r.into_fault().map_err(|e| refused(&e)));
                match fault {
                    Ok(f) => lock(&app.faults).push(f),
                    Err(e) => return error_response(&e),
                }
            }
            let faults: Vec<Fault> = lock(&app.faults).clone();
            json_response(StatusCode::OK, &json!({ "faults": faults }))
        }
        "tokens/expire" => {
            if let Some(res) = allow(&["POST"]) {
                return res;
            }
            json_response(StatusCode::OK, &json!({ "expired": app.expire_tokens() }))
        }
        "test-fields" => {
            if let Some(res) = allow(&["GET", "POST"]) {
                return res;
            }
            if *method == Method::POST {
                match serde_json::from_slice::<TestFields>(body) {
                    Ok(t) => app
                        .test_fields
                        .store(t.enabled, std::sync::atomic::Ordering::Relaxed),
                    Err(e) => return error_response(&bad_body(e)),
                }
            }
            json_response(StatusCode::OK, &json!({ "enabled": app.test_fields() }))
        }
        other => match other
            .strip_prefix("customers/")
            .and_then(|id| id.parse::<i64>().ok())
        {
            Some(id) => {
                if let Some(res) = allow(&["POST"]) {
                    return res;
                }
                let change = match serde_json::from_slice::<CustomerChange>(body) {
                    Ok(c) => c,
                    Err(e) => return error_response(&bad_body(e)),
                };
                let mut state = app.state();
                let today = state.current_day();
                match state.change_customer(id, &change) {
                    Ok(()) => {
                        state.record(today);
                        app.persist(&state);
                        let dump = state.customers.get(&id).map(|c| c.to_api());
                        json_response(StatusCode::OK, &json!({ "customer": dump }))
                    }
                    Err(e) => error_response(&refused(&e)),
                }
            }
            None => error_response(&ApiError::not_found(format!("path /sandbox/{other}"))),
        },
    }
}
