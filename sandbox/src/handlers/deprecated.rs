//! The operations the reference schedules for removal (`deprecated: true` in the spec): the
//! older domain-level family (`/subscription/...`), the per-option usage read and
//! `set-license-assign-type`.
//!
//! They are served on the current model, never on state of their own: a read is a view of
//! what the current operations show, and a write runs the current operation that replaces it
//! (`via`), so a migration can be tested by mixing both paths on one customer.

use super::{Ctx, Reply, customer, dispatch, empty, ok, writable};
use crate::error::{ApiError, Result};
use crate::model::{Customer, State};
use crate::spec::spec;
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use lineworks_partner::types;
use serde_json::{Map, Value, json};

/// `ctx` as a request to the current operation `id`, with `params` added and `body`.
fn via(ctx: &Ctx, id: &str, params: &[(&str, Value)], body: Option<Value>) -> Result<Ctx> {
    let op = spec()
        .operations
        .iter()
        .find(|o| o.id() == id)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                format!("the spec has no operation {id}"),
            )
        })?;
    let mut all = ctx.params.clone();
    all.extend(params.iter().map(|(n, v)| (n.to_string(), v.clone())));
    Ok(Ctx {
        op,
        params: all,
        body,
        today: ctx.today,
        now: ctx.now,
        ignored: Vec::new(),
    })
}

/// Runs the current operation `id` on the same state.
fn run(
    st: &mut State,
    ctx: &Ctx,
    id: &str,
    params: &[(&str, Value)],
    body: Option<Value>,
) -> Result<Reply> {
    dispatch(st, &via(ctx, id, params, body)?)
}

/// The fields of the old body that the current operation takes, as sent (an explicit `null`
/// stays `null`).
fn pick(body: &Value, fields: &[&str]) -> Value {
    let mut out = Map::new();
    for f in fields {
        if let Some(v) = body.get(*f) {
            out.insert((*f).to_string(), v.clone());
        }
    }
    Value::Object(out)
}

fn no_subscription(ctx: &Ctx, c: &Customer) -> ApiError {
    ctx.conflict(
        "NO_SUBSCRIPTION",
        format!(
            "customer {} has no LINE WORKS subscription (Free, or none yet)",
            c.domain_id
        ),
    )
}

/// The id of the customer's LINE WORKS subscription, which the old operations act on.
fn works_id(st: &mut State, ctx: &Ctx) -> Result<i64> {
    let c = customer(st, ctx)?;
    match c.works_subscription() {
        Some(s) => Ok(s.id),
        None => Err(no_subscription(ctx, c)),
    }
}

/// The old `domain` field names the upgrade domain; only the registered one is accepted.
fn check_upgrade_domain(st: &mut State, ctx: &Ctx) -> Result<()> {
    let Some(domain) = ctx.raw("domain").and_then(Value::as_str) else {
        return Ok(());
    };
    let c = customer(st, ctx)?;
    if c.upgrade_domain.as_deref() != Some(domain) {
        return Err(ApiError::invalid_field(
            "domain",
            "must be the upgrade domain registered with create_upgrade_domain",
        ));
    }
    Ok(())
}

/// A user limit sent with an old request: at least 1 and at least today's users.
fn limit_of(ctx: &Ctx, c: &Customer) -> Result<Option<Option<i32>>> {
    match ctx.raw("maxMemberCount") {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(v) => match v.as_i64().and_then(|n| i32::try_from(n).ok()) {
            Some(n) if n >= 1 && n >= c.member_count => Ok(Some(Some(n))),
            _ => Err(ApiError::invalid_field(
                "maxMemberCount",
                format!(
                    "must be at least 1 and not below the current {} user(s)",
                    c.member_count
                ),
            )),
        },
    }
}

/// The old contract record: the LINE WORKS subscription, or Free.
fn contract(c: &Customer, today: NaiveDate) -> Option<types::LegacySubscription> {
    if let Some(s) = c.works_subscription() {
        let api = s.to_api(c.domain_id, today);
        return Some(types::LegacySubscription {
            domain_id: Some(c.domain_id),
            product_id: Some(types::LegacyProductId::from_wire(api.product_id.as_str())),
            plan: Some(api.plan),
            plan_start_date: Some(api.plan_start_date),
            plan_end_date: api.plan_end_date,
            license_count: api.license_count,
        });
    }
    if c.free_plan {
        // `FREE` only once the spec's `Plan` lists it: the sandbox never answers a value
        // its spec does not have.
        let plan = spec()
            .enum_allows("Plan", "FREE")
            .then(|| types::Plan::from_wire("FREE"));
        return Some(types::LegacySubscription {
            domain_id: Some(c.domain_id),
            product_id: Some(types::LegacyProductId::from_wire("FR")),
            plan,
            plan_start_date: Some(c.created),
            plan_end_date: None,
            license_count: None,
        });
    }
    None
}

fn contract_reply(st: &mut State, ctx: &Ctx, status: StatusCode) -> Result<Reply> {
    let c = customer(st, ctx)?;
    let domain_id = c.domain_id;
    let view = contract(c, ctx.today)
        .ok_or_else(|| ApiError::not_found(format!("a contract of customer {domain_id}")))?;
    super::reply(status, &view)
}

pub fn get_subscription(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    contract_reply(st, ctx, StatusCode::OK)
}

/// The current renewal terms in the old shape; the user limit of a monthly contract is the
/// customer's (the current API keeps it in the usage status).
fn legacy_renewal(c: &Customer, current: &Value) -> Value {
    if current.is_null() {
        return Value::Null;
    }
    let mut v = pick(current, &["type", "productId", "plan", "licenseCount"]);
    if current.get("plan").and_then(Value::as_str) == Some("MONTHLY") {
        v["maxMemberCount"] = json!(c.max_member_count);
    }
    v
}

pub fn get_subscription_renewal(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let id = works_id(st, ctx)?;
    let reply = run(
        st,
        ctx,
        "get_subscription_renewal",
        &[("subscriptionId", json!(id))],
        None,
    )?;
    let c = customer(st, ctx)?;
    ok(&legacy_renewal(
        c,
        reply.body.as_ref().unwrap_or(&Value::Null),
    ))
}

pub fn update_subscription_renewal(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let _: types::LegacyRenewalPatchRequest = ctx.body()?;
    check_upgrade_domain(st, ctx)?;
    let id = works_id(st, ctx)?;
    let limit = limit_of(ctx, customer(st, ctx)?)?;
    let body = pick(
        ctx.body.as_ref().unwrap_or(&Value::Null),
        &["type", "productId", "plan", "licenseCount"],
    );
    let reply = run(
        st,
        ctx,
        "update_subscription_renewal",
        &[("subscriptionId", json!(id))],
        Some(body),
    )?;
    let today = ctx.today;
    let c = writable(st, ctx)?;
    // The old terms carry the monthly user limit; the current API schedules it as a
    // user-limit change, here on the first day of the next term.
    if let Some(limit) = limit
        && let Some(end) = c.works_subscription().and_then(|s| s.term_end(today))
    {
        c.usage_renewal = Some(types::UsageStatusRenewal {
            apply_date: end + Duration::days(1),
            max_member_count: limit,
        });
    }
    ok(&legacy_renewal(
        c,
        reply.body.as_ref().unwrap_or(&Value::Null),
    ))
}

/// Where the one change the old API could schedule lives in the current model.
#[derive(Clone, Copy)]
enum Source {
    /// The customer's cancellation day (`withdrawalDate`): the old `DELETE`.
    Withdrawal,
    /// A pre-order of a Free customer: the old paid conversion from Free.
    PreOrder(i64),
    /// The LINE WORKS subscription's reservation.
    Subscription(i64),
    /// A scheduled user-limit change: the old `SET_MAX_USER`.
    UserLimit,
}

/// The scheduled change in the old shape, and where it lives. The old API held one at a
/// time; where the current state holds several, the first of this order is shown.
fn scheduled(c: &Customer) -> Option<(Source, types::LegacyReservation)> {
    let works = c.works_subscription();
    let product = works.map(|s| types::LegacyProductId::from_wire(s.product.as_str()));
    let plan = works.map(|s| s.plan.clone());
    let empty = |kind: &str, day: NaiveDate| types::LegacyReservation {
        type_: Some(types::LegacyReservationType::from_wire(kind)),
        apply_date: Some(day),
        plan: None,
        license_count: None,
        max_member_count: None,
        product_id: None,
        domain: None,
    };
    if let Some(day) = c.withdrawal_date {
        return Some((Source::Withdrawal, empty("DELETE", day)));
    }
    // The old single contract is LINE WORKS' own: pre-orders of other product groups are not
    // part of it.
    if let Some(p) = c.pre_orders.values().find(|p| {
        p.product_id
            .as_ref()
            .is_none_or(|x| crate::model::product_group(x.as_str()) == "WORKS")
    }) {
        let mut r = empty("START_PAID_SERVICE", p.apply_date);
        r.plan = p.plan.as_ref().map(|x| types::Plan::from_wire(x.as_str()));
        r.product_id = p
            .product_id
            .as_ref()
            .map(|x| types::LegacyProductId::from_wire(x.as_str()));
        r.license_count = p.license_count;
        return Some((Source::PreOrder(p.pre_order_id), r));
    }
    if let Some(s) = works
        && let Some(cur) = &s.reservation
    {
        // Cancelling the LINE WORKS subscription ends the service: the old `DELETE`.
        let kind = match cur.type_.as_str() {
            "CANCEL" => "DELETE",
            other => other,
        };
        let mut r = empty(kind, cur.apply_date);
        r.plan = cur
            .plan
            .as_ref()
            .map(|x| types::Plan::from_wire(x.as_str()));
        r.product_id = cur
            .product_id
            .as_ref()
            .map(|x| types::LegacyProductId::from_wire(x.as_str()));
        r.license_count = cur.license_count;
        return Some((Source::Subscription(s.id), r));
    }
    if let Some(u) = &c.usage_renewal {
        let mut r = empty("SET_MAX_USER", u.apply_date);
        r.max_member_count = u.max_member_count;
        r.plan = plan;
        r.product_id = product;
        return Some((Source::UserLimit, r));
    }
    None
}

fn scheduled_reply(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = customer(st, ctx)?;
    let domain_id = c.domain_id;
    match scheduled(c) {
        Some((_, r)) => ok(&r),
        None => Err(ApiError::not_found(format!(
            "a scheduled change of customer {domain_id}"
        ))),
    }
}

pub fn get_subscription_reservation(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    scheduled_reply(st, ctx)
}

/// Schedules the old change `body` (already checked against the old request's schema)
/// through the current operation that replaces it.
fn schedule(st: &mut State, ctx: &Ctx, body: &Value) -> Result<()> {
    let kind = body.get("type").and_then(Value::as_str).unwrap_or_default();
    let day = body.get("applyDate").cloned().unwrap_or(Value::Null);
    let (works, free, plan) = {
        let c = writable(st, ctx)?;
        if scheduled(c).is_some() {
            return Err(ctx.conflict(
                "RESERVATION_EXISTS",
                "a change is already scheduled; change or delete it first",
            ));
        }
        let works = c.works_subscription();
        (
            works.map(|s| s.id),
            c.free_plan,
            works.map(|s| s.plan.as_str().to_string()),
        )
    };
    match (kind, works) {
        ("DELETE", _) => {
            run(
                st,
                ctx,
                "update_usage_status_partially",
                &[],
                Some(json!({ "withdrawalDate": day })),
            )?;
        }
        ("START_PAID_SERVICE", None) if free => {
            if body.get("productId").is_none_or(Value::is_null) {
                return Err(ApiError::invalid_field(
                    "productId",
                    "is required to convert a Free customer",
                ));
            }
            let mut b = pick(body, &["productId", "plan", "licenseCount"]);
            b["applyDate"] = day;
            run(st, ctx, "create_pre_order", &[], Some(b))?;
        }
        ("START_PAID_SERVICE" | "ADD_LICENSE", Some(id)) => {
            let b = pick(
                body,
                &["type", "applyDate", "plan", "productId", "licenseCount"],
            );
            run(
                st,
                ctx,
                "create_subscription_reservation",
                &[("subscriptionId", json!(id))],
                Some(b),
            )?;
        }
        ("SET_MAX_USER", Some(_)) if plan.as_deref() == Some("MONTHLY") => {
            let b = json!({
                "applyDate": day,
                "maxMemberCount": body.get("maxMemberCount").cloned().unwrap_or(Value::Null),
            });
            run(st, ctx, "create_usage_status_renewal", &[], Some(b))?;
        }
        ("SET_MAX_USER", Some(_)) => {
            return Err(ctx.conflict(
                "NOT_MONTHLY",
                "a user limit is scheduled only on a monthly contract",
            ));
        }
        _ => {
            let c = customer(st, ctx)?;
            return Err(no_subscription(ctx, c));
        }
    }
    Ok(())
}

pub fn create_subscription_reservation(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let _: types::LegacyReservationCreateRequest = ctx.body()?;
    check_upgrade_domain(st, ctx)?;
    schedule(st, ctx, ctx.body.as_ref().unwrap_or(&Value::Null))?;
    scheduled_reply(st, ctx)
}

/// Drops the scheduled change through the current operation that holds it.
fn unschedule(st: &mut State, ctx: &Ctx, source: Source) -> Result<()> {
    match source {
        Source::Withdrawal => run(
            st,
            ctx,
            "update_usage_status_partially",
            &[],
            Some(json!({ "withdrawalDate": null })),
        ),
        Source::PreOrder(id) => run(
            st,
            ctx,
            "delete_pre_order",
            &[("preOrderId", json!(id))],
            None,
        ),
        Source::Subscription(id) => run(
            st,
            ctx,
            "delete_subscription_reservation",
            &[("subscriptionId", json!(id))],
            None,
        ),
        Source::UserLimit => run(st, ctx, "delete_usage_status_renewal", &[], None),
    }
    .map(drop)
}

fn current(st: &mut State, ctx: &Ctx) -> Result<(Source, types::LegacyReservation)> {
    let c = writable(st, ctx)?;
    let domain_id = c.domain_id;
    scheduled(c)
        .ok_or_else(|| ApiError::not_found(format!("a scheduled change of customer {domain_id}")))
}

pub fn update_subscription_reservation(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let _: types::LegacyReservationPatchRequest = ctx.body()?;
    check_upgrade_domain(st, ctx)?;
    let (source, now) = current(st, ctx)?;
    // The old change with the fields sent replaced; its type stays. The current API moves
    // a change's day only, so a new amount is the change dropped and scheduled again: both
    // or neither (the customer is put back if scheduling fails).
    let mut merged = serde_json::to_value(&now).unwrap_or_default();
    if let (Some(m), Some(Value::Object(sent))) = (merged.as_object_mut(), ctx.body.as_ref()) {
        for (k, v) in sent {
            m.insert(k.clone(), v.clone());
        }
    }
    let domain_id = ctx.domain_id()?;
    let before = st.customers.get(&domain_id).cloned();
    let result = unschedule(st, ctx, source).and_then(|()| schedule(st, ctx, &merged));
    if let Err(e) = result {
        if let Some(c) = before {
            st.customers.insert(domain_id, c);
        }
        return Err(e);
    }
    scheduled_reply(st, ctx)
}

pub fn delete_subscription_reservation(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let (source, _) = current(st, ctx)?;
    unschedule(st, ctx, source)?;
    empty(StatusCode::NO_CONTENT)
}

pub fn convert_to_paid(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let _: types::LegacyPaidServiceRequest = ctx.body()?;
    check_upgrade_domain(st, ctx)?;
    let body = ctx.body.clone().unwrap_or_default();
    let (works, free, limit) = {
        let c = writable(st, ctx)?;
        (
            c.works_subscription().map(|s| s.id),
            c.free_plan,
            limit_of(ctx, c)?,
        )
    };
    let product_sent = body.get("productId").is_some_and(|v| !v.is_null());
    match works {
        // From Free the old API creates the paid contract; the current one subscribes.
        None if free => {
            if !product_sent {
                return Err(ApiError::invalid_field(
                    "productId",
                    "is required to convert a Free customer",
                ));
            }
            let b = pick(&body, &["productId", "plan", "licenseCount"]);
            run(st, ctx, "create_subscription", &[], Some(b))?;
        }
        Some(id) => {
            if product_sent {
                return Err(ApiError::invalid_field(
                    "productId",
                    "is only given when converting a Free customer",
                ));
            }
            let b = pick(&body, &["plan", "licenseCount"]);
            run(
                st,
                ctx,
                "convert_subscription_to_paid",
                &[("subscriptionId", json!(id))],
                Some(b),
            )?;
        }
        None => {
            let c = customer(st, ctx)?;
            return Err(no_subscription(ctx, c));
        }
    }
    if let Some(limit) = limit {
        writable(st, ctx)?.set_max_members(limit);
    }
    contract_reply(st, ctx, StatusCode::OK)
}

pub fn add_license_count(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::LegacyAddLicenseCountRequest = ctx.body()?;
    if req.add_license_count < 1 {
        return Err(ApiError::invalid_field(
            "addLicenseCount",
            "must be at least 1",
        ));
    }
    let id = works_id(st, ctx)?;
    run(
        st,
        ctx,
        "add_license_count",
        &[("subscriptionId", json!(id))],
        Some(json!({ "licenseCount": req.add_license_count })),
    )?;
    // The old page: a scheduled licence addition is dropped by an immediate one.
    if let Some(s) = writable(st, ctx)?.subscriptions.get_mut(&id)
        && s.reservation
            .as_ref()
            .is_some_and(|r| r.type_.as_str() == "ADD_LICENSE")
    {
        s.reservation = None;
    }
    contract_reply(st, ctx, StatusCode::OK)
}

pub fn upgrade(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let _: types::LegacyUpgradeRequest = ctx.body()?;
    check_upgrade_domain(st, ctx)?;
    let id = works_id(st, ctx)?;
    let body = pick(ctx.body.as_ref().unwrap_or(&Value::Null), &["productId"]);
    run(
        st,
        ctx,
        "upgrade_subscription",
        &[("subscriptionId", json!(id))],
        Some(body),
    )?;
    contract_reply(st, ctx, StatusCode::CREATED)
}

/// One option's rows of the current monthly listing, without the fields the old answer
/// does not have.
pub fn get_option_product_usage(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let option = ctx.required_text("optionProductId")?.to_string();
    let reply = run(st, ctx, "list_option_product_usages", &[], None)?;
    let rows: Vec<Value> = reply
        .body
        .as_ref()
        .and_then(|b| b.get("optionProductUsages"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| r.get("optionProductId").and_then(Value::as_str) == Some(option.as_str()))
        .map(|r| {
            pick(
                r,
                &[
                    "optionProductId",
                    "subOptionId",
                    "usedDate",
                    "plan",
                    "memberCount",
                    "licenseCount",
                    "quantity",
                ],
            )
        })
        .collect();
    ok(&json!({ "optionProductUsages": rows }))
}

/// Only Roger subscriptions choose how licences are assigned (facts:
/// partner-customer-subscriptions-set-license-assign-type); every other product is `NONE`.
pub fn set_license_assign_type(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::LicenseAssignTypeRequest = ctx.body()?;
    let id = ctx.required_int("subscriptionId")?;
    let today = ctx.today;
    let c = writable(st, ctx)?;
    let domain_id = c.domain_id;
    let s = c
        .subscriptions
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("subscription {id} of customer {domain_id}")))?;
    let roger = s.product.as_str().starts_with("ROG_");
    // A Roger subscription's method is unknown until set (not in the facts).
    let now = s
        .license_assign
        .clone()
        .or_else(|| (!roger).then(|| "NONE".to_string()));
    let wanted = req.license_assign_type.as_str();
    if now.as_deref() == Some(wanted) {
        return Err(ctx.conflict(
            "ALREADY_SET",
            format!("licences of subscription {id} are already assigned with {wanted}"),
        ));
    }
    if roger == (wanted == "NONE") {
        return Err(ctx.conflict(
            "UNSUPPORTED_ASSIGN_TYPE",
            if roger {
                "a Roger subscription assigns licences with AUTO or MANUAL".to_string()
            } else {
                format!(
                    "only Roger subscriptions choose how licences are assigned; {} stays NONE",
                    s.product.as_str()
                )
            },
        ));
    }
    s.license_assign = Some(wanted.to_string());
    ok(&s.to_api(domain_id, today))
}
