//! Options: immediate changes, scheduled changes and renewal terms.

use super::{Ctx, Reply, created, customer, empty, ok, writable};
use crate::error::{ApiError, Result};
use crate::model::{
    Customer, OptionRec, State, Subscription, add_months, is_quantity_tier, is_trial_tier,
    month_start, needs_paid_plan, option_of, option_stay, tier_fits_product, tier_rank,
};
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use lineworks_partner::Nullable;
use lineworks_partner::types;

fn option_key(ctx: &Ctx) -> Result<String> {
    Ok(ctx.required_text("optionProductId")?.to_string())
}

fn in_use<'c>(c: &'c mut Customer, key: &str) -> Result<&'c mut OptionRec> {
    let domain_id = c.domain_id;
    c.options
        .get_mut(key)
        .ok_or_else(|| ApiError::not_found(format!("option {key} of customer {domain_id}")))
}

/// The LINE WORKS subscription options attach to, refusing one in its trial grace period.
fn works_subscription<'c>(ctx: &Ctx, c: &'c Customer) -> Result<&'c Subscription> {
    group_subscription(ctx, c, "WORKS")
}

/// The subscription of product group `group` (an option's own group: AiNote options attach
/// to the AiNote subscription), refusing one in its trial grace period.
fn group_subscription<'c>(ctx: &Ctx, c: &'c Customer, group: &str) -> Result<&'c Subscription> {
    let s = c.group_subscription(group).ok_or_else(|| {
        ctx.conflict(
            "NO_SUBSCRIPTION",
            format!("the customer has no {group} subscription to add this option to"),
        )
    })?;
    if s.is_trial() && ctx.today > s.trial_end() {
        return Err(ctx.conflict(
            "TRIAL_GRACE_PERIOD",
            "options cannot be changed during a trial's grace period",
        ));
    }
    Ok(s)
}

/// Checks that `tier` belongs to `option` and suits the subscription.
fn check_tier(
    ctx: &Ctx,
    field: &str,
    option: &str,
    tier: &str,
    product: &str,
    trial_subscription: bool,
) -> Result<()> {
    if option_of(tier) != Some(option) {
        return Err(ApiError::invalid_field(
            field,
            format!("{tier} is not a tier of {option}"),
        ));
    }
    if !tier_fits_product(tier, product) {
        return Err(ApiError::invalid_field(
            field,
            format!("{tier} is not offered with {product}"),
        ));
    }
    if trial_subscription && needs_paid_plan(option) {
        return Err(ctx.conflict(
            "PAID_PLAN_REQUIRED",
            format!("{option} needs a paid subscription"),
        ));
    }
    if trial_subscription && !is_trial_tier(tier) {
        return Err(ctx.conflict(
            "TRIAL_TIERS_ONLY",
            "a trial subscription can only take trial tiers",
        ));
    }
    Ok(())
}

/// Facts: partner-customer-option-products-delete: a cancelled annual option can be added
/// again from the following month.
fn check_readd(ctx: &Ctx, c: &Customer, option: &str, day: chrono::NaiveDate) -> Result<()> {
    match c.cancelled_annual.get(option) {
        Some(cancelled) if month_start(*cancelled) == month_start(day) => Err(ctx.conflict(
            "READD_NEXT_MONTH",
            format!(
                "{option} was cancelled on {cancelled}; an annual option can be added again from {}",
                add_months(month_start(*cancelled), 1)
            ),
        )),
        _ => Ok(()),
    }
}

/// Units: required (default 1) for tiers sold by quantity, up to the option's limit (spec:
/// `OptionProductId`'s `x-max-quantity`), absent for the others.
fn quantity_for(tier: &str, quantity: Option<i32>) -> Result<Option<i32>> {
    if is_quantity_tier(tier) {
        let option = option_of(tier).unwrap_or(tier);
        match quantity.unwrap_or(1) {
            n if n < 1 => Err(ApiError::invalid_field("quantity", "must be at least 1")),
            n => match crate::spec::spec().max_quantity(option) {
                Some(max) if i64::from(n) > max => Err(ApiError::invalid_field(
                    "quantity",
                    format!("must be at most {max} for {option}"),
                )),
                _ => Ok(Some(n)),
            },
        }
    } else if quantity.is_some() {
        Err(ApiError::invalid_field(
            "quantity",
            format!("must be null for {tier}, which is not sold by quantity"),
        ))
    } else {
        Ok(None)
    }
}

pub fn create(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::OptionProductCreateRequest = ctx.body()?;
    let c = writable(st, ctx)?;
    let option = req.option_product_id.as_str().to_string();
    let s = group_subscription(ctx, c, crate::model::option_group(&option))?;
    let tier = req.sub_option_id.as_str();
    check_tier(
        ctx,
        "subOptionId",
        &option,
        tier,
        s.product.as_str(),
        s.is_trial(),
    )?;
    if c.options.contains_key(&option) {
        return Err(ctx.conflict(
            "OPTION_EXISTS",
            format!("{option} is already in use; upgrade it or change its quantity"),
        ));
    }
    check_readd(ctx, c, &option, ctx.today)?;
    let product = types::OptionProduct {
        subscription_id: Some(s.id),
        option_product_id: req.option_product_id.clone(),
        sub_option_id: req.sub_option_id.clone(),
        applied_time: Some(ctx.now),
        quantity: quantity_for(tier, req.quantity.and_then(Nullable::into_value))?,
        extra: Default::default(),
    };
    c.add_option(product.clone());
    ok(&product)
}

pub fn list(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = customer(st, ctx)?;
    ok(&types::OptionProductList {
        option_products: c.options.values().map(|o| o.product.clone()).collect(),
    })
}

pub fn cancel(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let key = option_key(ctx)?;
    let prices = st.prices.clone();
    let c = writable(st, ctx)?;
    in_use(c, &key)?;
    // Cancelling an annual option costs a penalty (facts: partner-customer-option-products-delete).
    let penalty = crate::ledger::option_early_end(c, &key, &prices, ctx.today);
    let annual = c
        .options
        .get(&key)
        .and_then(|o| c.subscriptions.get(&o.product.subscription_id?))
        .is_some_and(|s| s.plan.as_str().starts_with("ANNUAL"));
    if annual {
        c.cancelled_annual.insert(key.clone(), ctx.today);
    }
    let domain_id = c.domain_id;
    c.options.remove(&key);
    st.record(ctx.today);
    st.ledger
        .penalties(domain_id, penalty.into_iter().collect());
    let c = writable(st, ctx)?;
    c.option_orders.remove(&key);
    empty(StatusCode::NO_CONTENT)
}

pub fn upgrade(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::OptionProductUpgradeRequest = ctx.body()?;
    let key = option_key(ctx)?;
    let c = writable(st, ctx)?;
    let product = works_subscription(ctx, c)?.product.as_str().to_string();
    let o = in_use(c, &key)?;
    let current = o.product.sub_option_id.as_str().to_string();
    let target = req.sub_option_id.as_str();
    if option_of(target) != Some(key.as_str()) || !tier_fits_product(target, &product) {
        return Err(ApiError::invalid_field(
            "subOptionId",
            format!("{target} is not a tier of {key} for {product}"),
        ));
    }
    if is_trial_tier(&current) || is_trial_tier(target) {
        return Err(ctx.conflict(
            "TRIAL_OPTION",
            "trial tiers are converted with the paid-service operation, not upgraded",
        ));
    }
    if tier_rank(target) <= tier_rank(&current) {
        return Err(ctx.conflict(
            "NOT_AN_UPGRADE",
            format!("{target} is not above the current tier {current}; lower tiers are set in the renewal terms"),
        ));
    }
    let quantity = if is_quantity_tier(target) {
        Some(o.product.quantity.unwrap_or(1))
    } else {
        None
    };
    o.set_tier(req.sub_option_id.clone(), quantity);
    ok(&o.product)
}

pub fn add_quantity(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::OptionProductAddQuantityRequest = ctx.body()?;
    let key = option_key(ctx)?;
    let c = writable(st, ctx)?;
    let o = in_use(c, &key)?;
    if !is_quantity_tier(o.product.sub_option_id.as_str()) {
        return Err(ctx.conflict(
            "NOT_SOLD_BY_QUANTITY",
            format!(
                "{} is not sold by quantity",
                o.product.sub_option_id.as_str()
            ),
        ));
    }
    let total = o
        .product
        .quantity
        .unwrap_or(0)
        .checked_add(req.quantity)
        .filter(|n| *n >= 1)
        .ok_or_else(|| ApiError::invalid_field("quantity", "makes the total too large"))?;
    o.set_quantity(total);
    ok(&o.product)
}

pub fn convert_to_paid(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::OptionProductPaidServiceRequest = ctx.body()?;
    let key = option_key(ctx)?;
    let c = writable(st, ctx)?;
    let s = works_subscription(ctx, c)?;
    let (product, trial) = (s.product.as_str().to_string(), s.is_trial());
    let o = in_use(c, &key)?;
    if !is_trial_tier(o.product.sub_option_id.as_str()) {
        return Err(ctx.conflict("NOT_A_TRIAL", format!("{key} is already paid")));
    }
    let target = req.sub_option_id.as_str();
    if option_of(target) != Some(key.as_str()) || !tier_fits_product(target, &product) {
        return Err(ApiError::invalid_field(
            "subOptionId",
            format!("{target} is not a paid tier of {key} for {product}"),
        ));
    }
    if trial {
        return Err(ctx.conflict(
            "PAID_SUBSCRIPTION_REQUIRED",
            "convert the subscription to paid before its options",
        ));
    }
    let quantity = quantity_for(target, req.quantity.and_then(Nullable::into_value))?;
    o.set_tier(types::SubOptionId::from_wire(target), quantity);
    ok(&o.product)
}

/// Days an option change of `kind` may be scheduled for.
fn order_window(ctx: &Ctx, c: &Customer, kind: &str) -> Result<(NaiveDate, NaiveDate)> {
    let tomorrow = ctx.tomorrow();
    // Changes tied to a scheduled subscription change must happen on the same day.
    let pinned = c
        .works_subscription()
        .and_then(|s| s.reservation.as_ref().map(|r| r.apply_date))
        .or_else(|| {
            c.works_subscription()
                .is_none()
                .then(|| c.pre_orders.values().next().map(|p| p.apply_date))
                .flatten()
        });
    if let (Some(day), "APPLY" | "CANCEL" | "START_PAID_SERVICE") = (pinned, kind) {
        return Ok((day, day));
    }
    let s = c.works_subscription();
    let renewal_day = s
        .and_then(|s| s.term_end(ctx.today))
        .map(|d| d + Duration::days(1));
    Ok(match kind {
        "CHANGE_QUANTITY" => {
            let first = add_months(month_start(ctx.today), 1);
            if renewal_day.is_some_and(|d| d <= first) {
                return Err(ctx.conflict(
                    "SUBSCRIPTION_ENDING",
                    "quantities cannot change in the last month of the subscription",
                ));
            }
            (first, first)
        }
        // Facts: partner-customer-option-product-orders-post: the window follows the trial's
        // end (and its grace period), not today.
        "START_PAID_SERVICE" => match s.filter(|s| s.is_trial()) {
            Some(s) => (tomorrow, s.grace_end()),
            None => (tomorrow, ctx.today + Duration::days(31)),
        },
        _ => match (s, renewal_day) {
            (Some(_), Some(end)) => (tomorrow, end),
            (Some(s), None) => (tomorrow, s.grace_end()),
            (None, _) => (tomorrow, ctx.today + Duration::days(31)),
        },
    })
}

pub fn create_order(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::OptionProductOrderCreateRequest = ctx.body()?;
    let c = writable(st, ctx)?;
    let option = req.option_product_id.as_str().to_string();
    let kind = req.type_.as_str();
    if c.option_orders.contains_key(&option) {
        return Err(ctx.conflict(
            "ORDER_EXISTS",
            format!("a change of {option} is already scheduled; edit or delete it first"),
        ));
    }
    let (subscription_id, product, trial) = match c.works_subscription() {
        Some(_) => {
            let s = works_subscription(ctx, c)?;
            // A trial may take paid options from the day it is scheduled to become paid.
            let becoming_paid = s
                .reservation
                .as_ref()
                .is_some_and(|r| r.type_.as_str() == "START_PAID_SERVICE");
            (
                Some(s.id),
                s.product.as_str().to_string(),
                s.is_trial() && !becoming_paid,
            )
        }
        None => match c.pre_orders.values().next() {
            Some(p) if kind == "APPLY" => (
                None,
                p.product_id
                    .as_ref()
                    .map_or("STD", |p| p.as_str())
                    .to_string(),
                false,
            ),
            _ => {
                return Err(ctx.conflict(
                    "NO_SUBSCRIPTION",
                    "the customer has no subscription, in use or scheduled, for options",
                ));
            }
        },
    };
    let current = c.options.get(&option).map(|o| o.product.clone());
    let need_tier = || {
        req.sub_option_id.clone().ok_or_else(|| {
            ApiError::invalid_field("subOptionId", format!("is required for {kind}"))
        })
    };
    let (tier, quantity) = match kind {
        "APPLY" => {
            if current.is_some() {
                return Err(ctx.conflict("OPTION_EXISTS", format!("{option} is already in use")));
            }
            let tier = need_tier()?;
            check_tier(ctx, "subOptionId", &option, tier.as_str(), &product, trial)?;
            check_readd(ctx, c, &option, req.apply_date)?;
            let q = quantity_for(tier.as_str(), req.quantity.and_then(Nullable::into_value))?;
            (tier, q)
        }
        _ => {
            let Some(cur) = current else {
                return Err(ctx.conflict(
                    "OPTION_NOT_IN_USE",
                    format!("{option} is not in use; schedule an APPLY instead"),
                ));
            };
            match kind {
                // Facts: partner-customer-option-product-orders-post: on a trial, a
                // cancellation can be scheduled only once the trial is set to become paid.
                "CANCEL" if trial => {
                    return Err(ctx.conflict(
                        "TRIAL_NOT_BECOMING_PAID",
                        "a trial's options end with the trial; schedule START_PAID_SERVICE for the subscription before cancelling one",
                    ));
                }
                "CANCEL" => (cur.sub_option_id.clone(), cur.quantity),
                "START_PAID_SERVICE" | "MODIFY" => {
                    if kind == "START_PAID_SERVICE" && !is_trial_tier(cur.sub_option_id.as_str()) {
                        return Err(
                            ctx.conflict("NOT_A_TRIAL", format!("{option} is already paid"))
                        );
                    }
                    let tier = need_tier()?;
                    if option_of(tier.as_str()) != Some(option.as_str())
                        || is_trial_tier(tier.as_str())
                        || tier == cur.sub_option_id
                    {
                        return Err(ApiError::invalid_field(
                            "subOptionId",
                            format!("must be another paid tier of {option}"),
                        ));
                    }
                    let q = quantity_for(
                        tier.as_str(),
                        req.quantity.and_then(Nullable::into_value).or(cur.quantity),
                    )?;
                    (tier, q)
                }
                _ => {
                    if !is_quantity_tier(cur.sub_option_id.as_str()) {
                        return Err(ctx.conflict(
                            "NOT_SOLD_BY_QUANTITY",
                            format!("{option} is not sold by quantity"),
                        ));
                    }
                    match req.quantity.and_then(Nullable::into_value) {
                        Some(n) if n >= 1 => (cur.sub_option_id.clone(), Some(n)),
                        _ => {
                            return Err(ApiError::invalid_field(
                                "quantity",
                                "is required for CHANGE_QUANTITY and must be at least 1",
                            ));
                        }
                    }
                }
            }
        }
    };
    let (from, to) = order_window(ctx, c, kind)?;
    ctx.date_in("applyDate", req.apply_date, from, to)?;
    let order = types::OptionProductOrder {
        subscription_id,
        option_product_id: req.option_product_id.clone(),
        sub_option_id: tier,
        type_: Some(req.type_.clone()),
        apply_date: Some(req.apply_date),
        quantity,
    };
    c.option_orders.insert(option, order.clone());
    created(&order)
}

pub fn list_orders(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = customer(st, ctx)?;
    ok(&types::OptionProductOrderList {
        option_product_orders: c.option_orders.values().cloned().collect(),
    })
}

fn order<'c>(c: &'c mut Customer, key: &str) -> Result<&'c mut types::OptionProductOrder> {
    c.option_orders
        .get_mut(key)
        .ok_or_else(|| ApiError::not_found(format!("a scheduled change of {key}")))
}

pub fn get_order(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let key = option_key(ctx)?;
    let c = customer(st, ctx)?;
    ok(order(c, &key)?)
}

pub fn update_order(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::OptionProductOrderPatchRequest = ctx.body()?;
    let key = option_key(ctx)?;
    let c = writable(st, ctx)?;
    let mut o = order(c, &key)?.clone();
    let kind = o.type_.as_ref().map_or("APPLY", |t| t.as_str()).to_string();
    if let Some(tier) = req.sub_option_id {
        if !matches!(kind.as_str(), "APPLY" | "START_PAID_SERVICE" | "MODIFY") {
            return Err(ApiError::invalid_field(
                "subOptionId",
                format!("cannot be changed for a {kind} change"),
            ));
        }
        // The same tier rules as when the change was scheduled.
        let (product, trial) = c.works_subscription().map_or_else(
            || {
                let p = c
                    .pre_orders
                    .values()
                    .next()
                    .and_then(|p| p.product_id.clone());
                (
                    p.map_or("STD".to_string(), |p| p.as_str().to_string()),
                    false,
                )
            },
            |s| {
                let becoming_paid = s
                    .reservation
                    .as_ref()
                    .is_some_and(|r| r.type_.as_str() == "START_PAID_SERVICE");
                (
                    s.product.as_str().to_string(),
                    s.is_trial() && !becoming_paid,
                )
            },
        );
        if kind == "APPLY" {
            check_tier(ctx, "subOptionId", &key, tier.as_str(), &product, trial)?;
        } else if option_of(tier.as_str()) != Some(key.as_str())
            || is_trial_tier(tier.as_str())
            || !tier_fits_product(tier.as_str(), &product)
        {
            return Err(ApiError::invalid_field(
                "subOptionId",
                format!("must be a paid tier of {key} offered with {product}"),
            ));
        }
        o.sub_option_id = tier;
        o.quantity = quantity_for(o.sub_option_id.as_str(), o.quantity)?;
    }
    if let Some(q) = req.quantity.and_then(Nullable::into_value) {
        if !is_quantity_tier(o.sub_option_id.as_str()) || kind == "CANCEL" {
            return Err(ApiError::invalid_field(
                "quantity",
                format!("cannot be set for a {kind} change of {key}"),
            ));
        }
        if q < 1 {
            return Err(ApiError::invalid_field("quantity", "must be at least 1"));
        }
        o.quantity = Some(q);
    }
    if let Some(d) = req.apply_date {
        let (from, to) = order_window(ctx, c, &kind)?;
        ctx.date_in("applyDate", d, from, to)?;
        o.apply_date = Some(d);
    }
    *order(c, &key)? = o.clone();
    ok(&o)
}

pub fn delete_order(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let key = option_key(ctx)?;
    let c = writable(st, ctx)?;
    order(c, &key)?;
    c.option_orders.remove(&key);
    empty(StatusCode::NO_CONTENT)
}

pub fn get_renewal(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let key = option_key(ctx)?;
    let c = customer(st, ctx)?;
    ok(&in_use(c, &key)?.renewal)
}

pub fn update_renewal(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::OptionRenewalPatchRequest = ctx.body()?;
    let key = option_key(ctx)?;
    let c = writable(st, ctx)?;
    let product = c
        .works_subscription()
        .map_or("STD".to_string(), |s| s.product.as_str().to_string());
    let o = in_use(c, &key)?;
    let kind = match (
        &req.type_,
        &req.sub_option_id,
        req.quantity.and_then(Nullable::into_value),
    ) {
        (Some(t), _, _) => t.as_str().to_string(),
        (None, None, None) => return ok(&o.renewal),
        _ => "CHANGE".to_string(),
    };
    if kind == "STAY" {
        o.renewal = option_stay(&o.product);
        return ok(&o.renewal);
    }
    let tier = req
        .sub_option_id
        .unwrap_or_else(|| o.product.sub_option_id.clone());
    if option_of(tier.as_str()) != Some(key.as_str())
        || is_trial_tier(tier.as_str())
        || !tier_fits_product(tier.as_str(), &product)
    {
        return Err(ApiError::invalid_field(
            "subOptionId",
            format!("must be a paid tier of {key} offered with {product}"),
        ));
    }
    // Facts: partner-customer-option-products-renewal-patch: only shared storage and
    // extended contacts (SSTG2, BCT) can go down a tier at renewal.
    let current = o.product.sub_option_id.as_str();
    if !is_trial_tier(current)
        && tier_rank(tier.as_str()) < tier_rank(current)
        && !matches!(key.as_str(), "SSTG2" | "BCT")
    {
        return Err(ctx.conflict(
            "DOWNGRADE_NOT_ALLOWED",
            format!("{key} cannot be renewed on a smaller tier than {current}"),
        ));
    }
    let quantity = if is_quantity_tier(tier.as_str()) {
        quantity_for(
            tier.as_str(),
            req.quantity
                .and_then(Nullable::into_value)
                .or(o.product.quantity),
        )?
    } else {
        quantity_for(tier.as_str(), req.quantity.and_then(Nullable::into_value))?
    };
    o.renewal = types::OptionRenewal {
        subscription_id: o.product.subscription_id,
        option_product_id: Some(types::OptionRenewalOptionProductId::from_wire(
            o.product.option_product_id.as_str(),
        )),
        sub_option_id: Some(tier),
        type_: Some(types::OptionRenewalType::from_wire("CHANGE")),
        quantity,
    };
    ok(&o.renewal)
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_of_next_month() {
        let d = chrono::NaiveDate::from_ymd_opt(2025, 12, 15).unwrap();
        let first = super::add_months(super::month_start(d), 1);
        assert_eq!((first.year(), first.month(), first.day()), (2026, 1, 1));
    }
    use chrono::Datelike;
}
