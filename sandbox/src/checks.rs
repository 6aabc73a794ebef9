//! Checks a request against the spec before a handler sees it: parameter types, body
//! structure, undeclared body fields, then the rule table the client validates with.

use crate::error::ApiError;
use crate::handlers::Ctx;
use crate::spec::{self, In};
use axum::body::Bytes;
use lineworks_partner::validate;
use serde_json::Value;

/// Applies the spec to a request: parameter types, body structure, then the rule table.
pub(crate) fn checked_request(
    op: &'static spec::Operation,
    path: &str,
    path_params: Vec<(&'static str, String)>,
    query: &[(String, String)],
    body: &Bytes,
    strict: bool,
) -> Result<Ctx, ApiError> {
    let mut ignored = Vec::new();
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
                spec.unknown_fields(schema, &value, "", &mut ignored);
                if strict && let Some(first) = ignored.first() {
                    return Err(ApiError::invalid_field(
                        first,
                        "is not a field of this request (strict mode)",
                    ));
                }
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
        ignored,
    })
}

/// The time stamp of changes made on `today`: its midnight (UTC), so answers are the same on
/// every run under a pinned calendar.
pub(crate) fn now_on(today: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    today.and_time(chrono::NaiveTime::MIN).and_utc()
}
