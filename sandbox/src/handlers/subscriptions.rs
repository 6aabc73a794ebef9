//! Subscriptions: immediate changes, scheduled applications and changes, renewal terms, memos.

use super::{Ctx, Reply, created, customer, empty, ok, writable};
use crate::error::{ApiError, Result};
use crate::model::{
    Customer, State, Subscription, is_free_plan, is_free_product, is_license_plan, is_paid_product,
    paid_of, product_group,
};
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use lineworks_partner::Nullable;
use lineworks_partner::types;
use serde_json::Value;

fn sub<'c>(c: &'c mut Customer, ctx: &Ctx) -> Result<&'c mut Subscription> {
    let id = ctx.required_int("subscriptionId")?;
    let domain_id = c.domain_id;
    c.subscriptions
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("subscription {id} of customer {domain_id}")))
}

/// Whether `plan` suits `product`: one of the contract types its product group takes
/// (spec: `Plan`'s `x-plans-by-product-group`; a group without a list takes any), free for a
/// Free product, a trial one for a trial and a paid one for a paid product.
pub(crate) fn check_plan_fits(product: &str, plan: &str) -> Result<()> {
    let group = product_group(product);
    if let Some(plans) = crate::spec::spec().plans_of_group(group)
        && !plans.contains(&plan)
    {
        return Err(ApiError::invalid_field(
            "plan",
            format!(
                "{plan} is not a contract type of the {group} product group, which takes {}",
                plans.join(", ")
            ),
        ));
    }
    let trial_plan = matches!(plan, "TRIAL" | "TRIAL_LICENSE");
    let (wanted, fits) = if is_free_product(product) {
        ("a Free contract type", is_free_plan(plan))
    } else if is_paid_product(product) {
        ("a paid contract type", !trial_plan && !is_free_plan(plan))
    } else {
        ("a trial contract type", trial_plan)
    };
    if fits {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            "plan",
            format!("{plan} does not go with {product}, which takes {wanted}"),
        ))
    }
}

/// A paid product named for a conversion must be of the subscription's own product group.
fn check_same_group(current: &str, product: &str) -> Result<()> {
    if product_group(current) == product_group(product) {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            "productId",
            format!(
                "{product} is a {} product; this subscription is {}",
                product_group(product),
                product_group(current)
            ),
        ))
    }
}

/// Licence rules shared by every request that names a contract type. `FREE_LICENSE` and
/// `TRIAL_LICENSE` are counted in licences but cost nothing: a count is allowed, not needed.
fn check_licenses(plan: &str, count: Option<i32>, members: i32) -> Result<Option<i32>> {
    if matches!(plan, "FREE_LICENSE" | "TRIAL_LICENSE") {
        return match count {
            Some(n) if n < 1 => Err(ApiError::invalid_field(
                "licenseCount",
                "must be at least 1",
            )),
            other => Ok(other),
        };
    }
    if is_license_plan(plan) {
        match count {
            None => Err(ApiError::invalid_field(
                "licenseCount",
                format!("is required for {plan}"),
            )),
            Some(n) if n < 1 => Err(ApiError::invalid_field(
                "licenseCount",
                "must be at least 1",
            )),
            Some(n) if n < members => Err(ApiError::invalid_field(
                "licenseCount",
                format!("must cover the current {members} user(s)"),
            )),
            Some(n) => Ok(Some(n)),
        }
    } else if count.is_some() {
        Err(ApiError::invalid_field(
            "licenseCount",
            format!("must be null for {plan}, which is not licence-based"),
        ))
    } else {
        Ok(None)
    }
}

/// A subscription as read: while its customer's deletion waits it shows
/// `SUSPENDED_WITHDRAWAL` (facts: partner-customer-delete), when the spec's enum has it.
fn shown(c: &Customer, s: &Subscription, today: chrono::NaiveDate) -> types::Subscription {
    let mut api = s.to_api(c.domain_id, today);
    if c.pending_deletion
        && crate::spec::spec().enum_allows("SubscriptionStatus", "SUSPENDED_WITHDRAWAL")
    {
        api.status = types::SubscriptionStatus::from_wire("SUSPENDED_WITHDRAWAL");
    }
    api
}

pub fn list_subscriptions(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = customer(st, ctx)?;
    ok(&types::SubscriptionList {
        subscriptions: c
            .subscriptions
            .values()
            .map(|s| shown(c, s, ctx.today))
            .collect(),
    })
}

pub fn get_subscription(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = customer(st, ctx)?;
    let s = sub(c, ctx)?.clone();
    ok(&shown(c, &s, ctx.today))
}

/// Advanced is for tenants on a DNS domain, not a group name (facts:
/// partner-customer-subscriptions-upgrade, "Standard -> Advanced (domain only)"). Applied to
/// the paid plan; Advanced trials stay open to groups (a sandbox assumption).
fn check_advanced(ctx: &Ctx, group: bool, product: &str) -> Result<()> {
    if group && product == "ADV" {
        return Err(ctx.conflict(
            "ADVANCED_NEEDS_DOMAIN",
            "Advanced needs a DNS domain; move the tenant off its group name with change_domain first",
        ));
    }
    Ok(())
}

/// A paid plan needs a customer that is activated or has at least accepted the terms
/// (facts: partner-customer-activate; the API would have no contract to bill).
fn check_contract(ctx: &Ctx, c: &Customer, product: &str) -> Result<()> {
    if is_paid_product(product) && !c.domain_active && !c.terms_accepted {
        return Err(ctx.conflict(
            "TERMS_NOT_ACCEPTED",
            format!(
                "customer {} is not activated and its administrator has not accepted the terms of service",
                c.domain_id
            ),
        ));
    }
    Ok(())
}

pub fn create_subscription(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::SubscriptionCreateRequest = ctx.body()?;
    let id = st.next_subscription_id;
    let st_trial = st.trial;
    let c = writable(st, ctx)?;
    let group = product_group(req.product_id.as_str());
    if c.group_subscription(group).is_some() {
        return Err(ctx.conflict(
            "SUBSCRIPTION_EXISTS",
            format!(
                "the customer already has a {group} subscription; upgrade or convert it instead"
            ),
        ));
    }
    // Facts: partner-customer-preorders-post schedules the subscription; creating one at
    // once as well would contradict it (the pre-order would be dropped on its day).
    if c.pre_orders.values().any(|p| {
        p.product_id
            .as_ref()
            .is_some_and(|id| product_group(id.as_str()) == group)
    }) {
        return Err(ctx.conflict(
            "PRE_ORDER_EXISTS",
            "a subscription is already scheduled by a pre-order; delete the pre-order first",
        ));
    }
    let product = req.product_id.as_str();
    let plan = req.plan.as_str();
    check_contract(ctx, c, product)?;
    check_advanced(ctx, c.group, product)?;
    check_plan_fits(product, plan)?;
    let licenses = check_licenses(
        plan,
        req.license_count.and_then(Nullable::into_value),
        c.member_count,
    )?;
    let mut s = Subscription::new(id, req.product_id, req.plan, licenses, ctx.today);
    s.trial = st_trial;
    let body = s.to_api(c.domain_id, ctx.today);
    c.free_plan = false;
    c.subscriptions.insert(id, s);
    st.next_subscription_id += 1;
    created(&body)
}

pub fn cancel_subscription(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let prices = st.prices.clone();
    let c = writable(st, ctx)?;
    let id = sub(c, ctx)?.id;
    // Ending an annual contract early costs a penalty (facts: partner-customer-delete,
    // partner-customer-option-products-delete); its amount is a sandbox assumption.
    let penalties = crate::ledger::early_end(c, Some(id), &prices, ctx.today);
    let domain_id = c.domain_id;
    c.end_subscription(id);
    st.record(ctx.today);
    st.ledger.penalties(domain_id, penalties);
    empty(StatusCode::NO_CONTENT)
}

fn pre_order_list(c: &Customer) -> types::PreOrderList {
    types::PreOrderList {
        subscription_pre_orders: c.pre_orders.values().cloned().collect(),
    }
}

pub fn create_pre_order(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::PreOrderCreateRequest = ctx.body()?;
    ctx.date_in(
        "applyDate",
        req.apply_date,
        ctx.tomorrow(),
        ctx.today + Duration::days(31),
    )?;
    let id = st.next_pre_order_id;
    let c = writable(st, ctx)?;
    let group = product_group(req.product_id.as_str());
    if c.group_subscription(group)
        .is_some_and(|s| is_paid_product(s.product.as_str()))
    {
        return Err(ctx.conflict(
            "ALREADY_SUBSCRIBED",
            "the customer already has a paid subscription; change it through its renewal terms",
        ));
    }
    if !c.pre_orders.is_empty() {
        return Err(ctx.conflict(
            "PRE_ORDER_EXISTS",
            "a subscription is already scheduled; move or delete it first",
        ));
    }
    check_advanced(ctx, c.group, req.product_id.as_str())?;
    let plan = req
        .plan
        .clone()
        .unwrap_or_else(|| types::PaidPlan::from_wire("MONTHLY"));
    check_plan_fits(req.product_id.as_str(), plan.as_str())?;
    let licenses = check_licenses(
        plan.as_str(),
        req.license_count.and_then(Nullable::into_value),
        c.member_count,
    )?;
    c.pre_orders.insert(
        id,
        types::PreOrder {
            pre_order_id: id,
            product_id: Some(types::PreOrderProductId::from_wire(req.product_id.as_str())),
            apply_date: req.apply_date,
            plan: Some(types::PreOrderPlan::from_wire(plan.as_str())),
            license_count: licenses,
        },
    );
    st.next_pre_order_id += 1;
    let c = customer(st, ctx)?;
    created(&pre_order_list(c))
}

pub fn list_pre_orders(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    ok(&pre_order_list(customer(st, ctx)?))
}

fn pre_order<'c>(c: &'c mut Customer, ctx: &Ctx) -> Result<&'c mut types::PreOrder> {
    let id = ctx.required_int("preOrderId")?;
    c.pre_orders
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("scheduled subscription {id}")))
}

pub fn update_pre_order(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::PreOrderPatchRequest = ctx.body()?;
    let c = writable(st, ctx)?;
    let p = pre_order(c, ctx)?;
    if let Some(d) = req.apply_date {
        ctx.date_in(
            "applyDate",
            d,
            ctx.tomorrow(),
            ctx.today + Duration::days(31),
        )?;
        p.apply_date = d;
    }
    ok(&pre_order_list(c))
}

pub fn delete_pre_order(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = writable(st, ctx)?;
    let id = pre_order(c, ctx)?.pre_order_id;
    c.pre_orders.remove(&id);
    empty(StatusCode::NO_CONTENT)
}

/// The days a scheduled change of `kind` may take effect on.
fn reservation_window(ctx: &Ctx, s: &Subscription, kind: &str) -> (NaiveDate, NaiveDate) {
    let from = ctx.tomorrow();
    let to = match kind {
        // Facts (ja): partner-customer-subscriptions-reservation-patch: a Free plan's
        // conversion up to 60 days ahead, a trial's up to the end of its grace period.
        "START_PAID_SERVICE" if s.is_free() => ctx.today + Duration::days(60),
        "START_PAID_SERVICE" => s.grace_end(),
        "ADD_LICENSE" => s.term_end(ctx.today).unwrap_or(ctx.today),
        _ => s.term_end(ctx.today).unwrap_or(ctx.today) + Duration::days(1),
    };
    (from, to)
}

pub fn create_reservation(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::ReservationCreateRequest = ctx.body()?;
    let c = writable(st, ctx)?;
    let members = c.member_count;
    let s = sub(c, ctx)?;
    if s.reservation.is_some() {
        return Err(ctx.conflict(
            "RESERVATION_EXISTS",
            "a change is already scheduled for this subscription; move or delete it first",
        ));
    }
    let kind = req.type_.as_str();
    let mut r = types::Reservation {
        subscription_id: s.id,
        type_: req.type_.clone(),
        apply_date: req.apply_date,
        plan: None,
        product_id: None,
        license_count: None,
    };
    match kind {
        "START_PAID_SERVICE" => {
            // The Japanese page allows a Free plan as well as a trial (the English one only
            // a trial); the spec follows the Japanese page.
            if !s.is_trial() && !s.is_free() {
                return Err(ctx.conflict(
                    "NOT_A_TRIAL",
                    "only a Free or trial subscription can be scheduled to become paid",
                ));
            }
            let plan = req.plan.ok_or_else(|| {
                ApiError::invalid_field("plan", "is required for START_PAID_SERVICE")
            })?;
            let product = paid_product(s, req.product_id)?;
            check_plan_fits(product.as_str(), plan.as_str())?;
            r.license_count = check_licenses(plan.as_str(), req.license_count, members)?;
            r.product_id = Some(product);
            r.plan = Some(plan);
        }
        "ADD_LICENSE" => {
            if !is_license_plan(s.plan.as_str()) {
                return Err(ctx.conflict(
                    "NOT_LICENSE_BASED",
                    format!("{} is not a licence-based contract", s.plan.as_str()),
                ));
            }
            match req.license_count {
                Some(n) if n >= 1 => r.license_count = Some(n),
                _ => {
                    return Err(ApiError::invalid_field(
                        "licenseCount",
                        "is required for ADD_LICENSE and must be at least 1",
                    ));
                }
            }
        }
        _ => {
            if s.is_trial() {
                return Err(ctx.conflict(
                    "NOT_PAID",
                    "a trial ends by itself; only a paid subscription can be scheduled to cancel",
                ));
            }
        }
    }
    let (from, to) = reservation_window(ctx, s, kind);
    ctx.date_in("applyDate", req.apply_date, from, to)?;
    s.reservation = Some(r.clone());
    ok(&r)
}

fn reservation(s: &mut Subscription) -> Result<&mut types::Reservation> {
    let id = s.id;
    s.reservation
        .as_mut()
        .ok_or_else(|| ApiError::not_found(format!("a scheduled change of subscription {id}")))
}

pub fn get_reservation(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = customer(st, ctx)?;
    let s = sub(c, ctx)?;
    ok(reservation(s)?)
}

pub fn update_reservation(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::ReservationPatchRequest = ctx.body()?;
    let c = writable(st, ctx)?;
    let s = sub(c, ctx)?;
    let kind = reservation(s)?.type_.as_str().to_string();
    if let Some(d) = req.apply_date {
        let (from, to) = reservation_window(ctx, s, &kind);
        ctx.date_in("applyDate", d, from, to)?;
        reservation(s)?.apply_date = d;
    }
    ok(reservation(s)?)
}

pub fn delete_reservation(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = writable(st, ctx)?;
    let s = sub(c, ctx)?;
    reservation(s)?;
    s.reservation = None;
    empty(StatusCode::NO_CONTENT)
}

/// The paid product a Free or trial subscription becomes: a trial its own paid product
/// unless told otherwise; a Free plan names none, so the request must (facts, ja:
/// partner-customer-subscriptions-paid-service).
fn paid_product(
    s: &Subscription,
    named: Option<types::PaidProductId>,
) -> Result<types::PaidProductId> {
    let current = s.product.as_str();
    let product = match named {
        Some(p) => p,
        None if s.is_free() => {
            return Err(ApiError::invalid_field(
                "productId",
                format!("is required to convert the Free plan {current}"),
            ));
        }
        None => types::PaidProductId::from_wire(paid_of(current)),
    };
    check_same_group(current, product.as_str())?;
    Ok(product)
}

fn paid_only(ctx: &Ctx, s: &Subscription) -> Result<()> {
    if s.is_trial() || s.is_free() {
        return Err(ctx.conflict(
            "NOT_PAID",
            "a trial has no renewal terms; convert it to a paid subscription first",
        ));
    }
    Ok(())
}

pub fn get_renewal(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = customer(st, ctx)?;
    let s = sub(c, ctx)?;
    paid_only(ctx, s)?;
    match &s.renewal {
        Some(r) => ok(r),
        None => ok(&s.stay_renewal()),
    }
}

pub fn update_renewal(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::RenewalPatchRequest = ctx.body()?;
    let c = writable(st, ctx)?;
    let (members, group) = (c.member_count, c.group);
    let s = sub(c, ctx)?;
    paid_only(ctx, s)?;
    let renewal = match req.type_.as_str() {
        "STAY" => s.stay_renewal(),
        "CANCEL" => Some(types::Renewal {
            subscription_id: s.id,
            type_: req.type_.clone(),
            product_id: None,
            plan: None,
            license_count: None,
        }),
        _ => {
            let product = req
                .product_id
                .unwrap_or_else(|| types::PaidProductId::from_wire(paid_of(s.product.as_str())));
            check_same_group(s.product.as_str(), product.as_str())?;
            check_advanced(ctx, group, product.as_str())?;
            let plan = req
                .plan
                .unwrap_or_else(|| types::PaidPlan::from_wire(s.plan.as_str()));
            check_plan_fits(product.as_str(), plan.as_str())?;
            let count = if is_license_plan(plan.as_str()) {
                req.license_count.or(s.license_count)
            } else {
                req.license_count
            };
            Some(types::Renewal {
                subscription_id: s.id,
                type_: req.type_.clone(),
                license_count: check_licenses(plan.as_str(), count, members)?,
                product_id: Some(product),
                plan: Some(plan),
            })
        }
    };
    s.renewal = renewal.clone();
    ok(&renewal)
}

pub fn convert_to_paid(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::SubscriptionPaidServiceRequest = ctx.body()?;
    let today = ctx.today;
    let c = writable(st, ctx)?;
    let (members, domain_id, group) = (c.member_count, c.domain_id, c.group);
    let s = sub(c, ctx)?;
    if !s.is_trial() && !s.is_free() {
        return Err(ctx.conflict("NOT_A_TRIAL", "the subscription is already paid"));
    }
    if s.is_trial() && today > s.grace_end() {
        return Err(ctx.conflict("TRIAL_EXPIRED", "the trial and its grace period are over"));
    }
    let product = paid_product(s, req.product_id)?.as_str().to_string();
    check_plan_fits(&product, req.plan.as_str())?;
    let licenses = check_licenses(
        req.plan.as_str(),
        req.license_count.and_then(Nullable::into_value),
        members,
    )?;
    check_advanced(ctx, group, &product)?;
    // The paid term starts today; scheduled changes made for the trial no longer apply.
    s.start_term(&product, req.plan.as_str(), licenses, today);
    ok(&s.to_api(domain_id, today))
}

pub fn upgrade(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::SubscriptionUpgradeRequest = ctx.body()?;
    let c = writable(st, ctx)?;
    let (domain_id, group) = (c.domain_id, c.group);
    let s = sub(c, ctx)?;
    let current = s.product.as_str().to_string();
    let target = req.product_id.as_str();
    check_advanced(ctx, group, target)?;
    if current.starts_with("ADV") {
        return Err(ctx.conflict(
            "ALREADY_ADVANCED",
            "the subscription is already on Advanced",
        ));
    }
    let expected = if s.is_trial() { "ADV_T" } else { "ADV" };
    if target != expected {
        return Err(ApiError::invalid_field(
            "productId",
            format!("must be {expected} for a {current} subscription"),
        ));
    }
    s.product = types::ProductId::from_wire(target);
    // Facts: partner-customer-subscriptions-upgrade: only the upgrade settings in the renewal
    // terms go; a cancellation or a plan or licence change stays.
    match s
        .renewal
        .as_ref()
        .map(|r| r.type_.as_str().to_string())
        .as_deref()
    {
        Some("STAY") => s.renewal = s.stay_renewal(),
        Some("CHANGE") => {
            let now = s.stay_renewal();
            if let (Some(r), Some(now)) = (s.renewal.as_mut(), now) {
                r.product_id = now.product_id.clone();
                if r.plan == now.plan && r.license_count == now.license_count {
                    *r = now;
                }
            }
        }
        _ => {}
    }
    ok(&s.to_api(domain_id, ctx.today))
}

pub fn add_license_count(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::AddLicenseCountRequest = ctx.body()?;
    let c = writable(st, ctx)?;
    let domain_id = c.domain_id;
    let s = sub(c, ctx)?;
    if !is_license_plan(s.plan.as_str()) {
        return Err(ctx.conflict(
            "NOT_LICENSE_BASED",
            format!("{} is not a licence-based contract", s.plan.as_str()),
        ));
    }
    s.add_licenses(req.license_count).ok_or_else(|| {
        ApiError::invalid_field("licenseCount", "would take the total above 1000000")
    })?;
    ok(&s.to_api(domain_id, ctx.today))
}

fn memo_of(domain_id: i64, s: &Subscription) -> types::SubscriptionMemo {
    types::SubscriptionMemo {
        domain_id: Some(domain_id),
        subscription_id: Some(s.id),
        customer_code: s.customer_code.clone(),
        memo: s.memo.clone(),
    }
}

pub fn list_memos(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = customer(st, ctx)?;
    ok(&types::SubscriptionMemoList {
        subscription_memos: c
            .subscriptions
            .values()
            .filter(|s| s.customer_code.is_some() || s.memo.is_some())
            .map(|s| memo_of(c.domain_id, s))
            .collect(),
    })
}

pub fn update_memo(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    // Parsed for its checks; the raw body tells `null` (clear) from a missing field (keep).
    let _: types::SubscriptionMemoRequest = ctx.body()?;
    let code = ctx.raw("customerCode").cloned();
    let memo = ctx.raw("memo").cloned();
    if matches!((&code, &memo), (Some(Value::Null), Some(Value::Null))) {
        return Err(ApiError::invalid_field(
            "customerCode",
            "and memo must not both be null",
        ));
    }
    let c = writable(st, ctx)?;
    let domain_id = c.domain_id;
    let s = sub(c, ctx)?;
    if let Some(v) = code {
        s.customer_code = v.as_str().map(str::to_string);
    }
    if let Some(v) = memo {
        s.memo = v.as_str().map(str::to_string);
    }
    ok(&memo_of(domain_id, s))
}
