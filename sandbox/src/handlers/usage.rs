//! User limits, scheduled cancellation and scheduled user-limit changes.

use super::{Ctx, Reply, created, customer, empty, ok, writable};
use crate::error::{ApiError, Result};
use crate::model::{State, add_months};
use axum::http::StatusCode;
use lineworks_partner::Nullable;
use lineworks_partner::types;
use serde_json::Value;

pub fn get_usage_status(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    ok(&customer(st, ctx)?.usage_status())
}

fn check_limit(ctx: &Ctx, field: &str, limit: Option<i32>, members: i32) -> Result<()> {
    let _ = ctx;
    match limit {
        Some(n) if n < 1 => Err(ApiError::invalid_field(field, "must be at least 1")),
        Some(n) if n < members => Err(ApiError::invalid_field(
            field,
            format!("must not be below the current number of users ({members})"),
        )),
        _ => Ok(()),
    }
}

pub fn update_usage_status_partially(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    // Read the raw body: `null` clears a setting while a missing field leaves it alone, a
    // difference the generated type cannot carry.
    let limit = ctx.raw("maxMemberCount").cloned();
    let withdrawal = ctx.raw("withdrawalDate").cloned();
    let today = ctx.today;
    let c = writable(st, ctx)?;
    let limit = match limit {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => {
            let n = v.as_i64().and_then(|n| i32::try_from(n).ok());
            check_limit(ctx, "maxMemberCount", n, c.member_count)?;
            Some(n)
        }
    };
    let withdrawal = match withdrawal {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => {
            let d = v.as_str().and_then(crate::spec::parse_date);
            if d.is_none_or(|d| d <= today) {
                return Err(ApiError::invalid_field(
                    "withdrawalDate",
                    "must be a day after today",
                ));
            }
            Some(d)
        }
    };
    if let Some(n) = limit {
        c.set_max_members(n);
    }
    if let Some(d) = withdrawal {
        c.withdrawal_date = d;
    }
    ok(&c.usage_status())
}

pub fn create_usage_status_renewal(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::UsageStatusRenewalCreateRequest = ctx.body()?;
    ctx.date_in(
        "applyDate",
        req.apply_date,
        ctx.tomorrow(),
        add_months(ctx.today, 12),
    )?;
    let c = writable(st, ctx)?;
    // The same rule as the immediate change (facts: partner-customer-usage-status-renewal-post,
    // -patch): a limit below today's users is refused.
    check_limit(
        ctx,
        "maxMemberCount",
        req.max_member_count.and_then(Nullable::into_value),
        c.member_count,
    )?;
    if c.usage_renewal.is_some() {
        return Err(ctx.conflict(
            "RENEWAL_ALREADY_SCHEDULED",
            "a user-limit change is already scheduled; move it with PATCH or delete it first",
        ));
    }
    c.usage_renewal = Some(types::UsageStatusRenewal {
        apply_date: req.apply_date,
        max_member_count: req.max_member_count.and_then(Nullable::into_value),
    });
    created(&c.usage_status())
}

pub fn update_usage_status_renewal(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::UsageStatusRenewalPatchRequest = ctx.body()?;
    ctx.date_in(
        "applyDate",
        req.apply_date,
        ctx.tomorrow(),
        add_months(ctx.today, 12),
    )?;
    let c = writable(st, ctx)?;
    let id = c.domain_id;
    let r = c
        .usage_renewal
        .as_mut()
        .ok_or_else(|| ApiError::not_found(format!("a scheduled user-limit change for {id}")))?;
    r.apply_date = req.apply_date;
    ok(&c.usage_status())
}

pub fn delete_usage_status_renewal(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = writable(st, ctx)?;
    if c.usage_renewal.take().is_none() {
        return Err(ApiError::not_found(format!(
            "a scheduled user-limit change for {}",
            c.domain_id
        )));
    }
    empty(StatusCode::NO_CONTENT)
}
