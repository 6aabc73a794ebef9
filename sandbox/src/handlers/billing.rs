//! Daily usage, monthly invoices and invoice details, read from the ledger (`ledger.rs`):
//! what was used on a day that is over never changes, so a closed month is fixed.

use super::{Ctx, Reply, cursor, customer, ok};
use crate::error::{ApiError, Result};
use crate::ledger::{Account, DayUse, SubUse, days};
use crate::model::product_group;
use crate::model::{State, add_months, fnv, month_end, month_start};
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use lineworks_partner::types;

/// The first and last day of `year`-`month`, or `None` for a year chrono cannot represent.
fn month(ctx: &Ctx) -> Result<Option<(NaiveDate, NaiveDate)>> {
    let year = ctx.required_int("year")?;
    let month = ctx.required_int("month")?;
    let first = i32::try_from(year)
        .ok()
        .zip(u32::try_from(month).ok())
        .and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1));
    Ok(first.map(|f| (f, month_end(f))))
}

/// The ledger account of the customer of the path, which must exist.
fn account<'s>(st: &'s mut State, ctx: &Ctx) -> Result<&'s Account> {
    let id = customer(st, ctx)?.domain_id;
    st.ledger
        .accounts
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("usage of customer {id}")))
}

/// Each day of the month in the query (up to today) with each subscription in use that day,
/// narrowed to the optional `productGroupId`: the rows both usage listings are made of.
fn usage_days<'a>(
    ctx: &Ctx,
    a: &'a Account,
) -> Result<impl Iterator<Item = (NaiveDate, &'a DayUse, &'a SubUse, &'static str)> + 'a> {
    let range = month(ctx)?;
    let wanted = ctx.text("productGroupId").map(str::to_owned);
    let today = ctx.today;
    Ok(range
        .into_iter()
        .flat_map(move |(first, last)| days(first, last.min(today)))
        .flat_map(move |day| a.subscriptions_on(day).map(move |(u, s)| (day, u, s)))
        .filter_map(move |(day, u, s)| {
            let group = product_group(&s.product);
            (wanted.as_deref().is_none_or(|w| w == group)).then_some((day, u, s, group))
        }))
}

pub fn list_customer_usages(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let a = account(st, ctx)?;
    // Follows partner-customer-usage-list: one row per day, with that day's figures.
    let usages = usage_days(ctx, a)?
        .map(|(day, u, s, group)| types::Usage {
            product_group_id: types::ProductGroupId::from_wire(group),
            used_date: day,
            product_id: Some(types::UsageProductId::from_wire(s.product.as_str())),
            plan: types::Plan::from_wire(s.plan.as_str()),
            license_count: Some(s.license_count.unwrap_or(0)),
            member_count: Some(u.member_count),
            max_member_count: u.max_member_count,
            status: types::CustomerStatus::from_wire(u.status.as_str()),
        })
        .collect();
    ok(&types::UsageList { usages })
}

pub fn list_option_usages(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let a = account(st, ctx)?;
    let records = usage_days(ctx, a)?
        .flat_map(|(day, u, s, group)| {
            s.options
                .iter()
                .filter(move |o| o.since <= day)
                .map(move |o| types::OptionProductUsage {
                    product_group_id: types::ProductGroupId::from_wire(group),
                    option_product_id: types::OptionProductId::from_wire(
                        o.option_product_id.as_str(),
                    ),
                    sub_option_id: types::SubOptionId::from_wire(o.sub_option_id.as_str()),
                    used_date: day,
                    plan: types::Plan::from_wire(s.plan.as_str()),
                    member_count: Some(u.member_count),
                    license_count: s.license_count,
                    quantity: o.quantity,
                    usage_count: None,
                })
        })
        .collect();
    ok(&types::OptionProductUsageList {
        option_product_usages: records,
    })
}

/// Whether `a` used anything, or owes a penalty, in `[first, last]`.
fn billed_in(a: &Account, first: NaiveDate, last: NaiveDate) -> bool {
    days(first, last).any(|d| a.subscriptions_on(d).next().is_some())
        || a.penalties.iter().any(|p| p.day >= first && p.day <= last)
}

/// A month is invoiced once it is over.
fn invoiced(today: NaiveDate, first: NaiveDate) -> bool {
    first < month_start(today)
}

pub fn list_invoices(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let year = ctx.required_int("year")?;
    let mut invoices = Vec::new();
    for m in 1..=12u32 {
        let Some(first) = i32::try_from(year)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, m, 1))
        else {
            continue;
        };
        if !invoiced(ctx.today, first) {
            continue;
        }
        let last = month_end(first);
        let accounts: Vec<&Account> = st
            .ledger
            .accounts
            .values()
            .filter(|a| billed_in(a, first, last))
            .collect();
        if accounts.is_empty() {
            continue;
        }
        let used: i64 = accounts
            .iter()
            .map(|a| a.used_amount(&st.prices, first, last))
            .sum();
        // Penalties are invoiced apart from use (facts: partner-customer-invoice-list).
        let penalty: i64 = accounts.iter().map(|a| a.penalty_amount(first, last)).sum();
        let tax = (used + penalty) / 10;
        let issued = add_months(first, 1);
        // The newest invoice is still open; older ones were paid on the 25th.
        let paid = add_months(first, 2) <= month_start(ctx.today);
        let total = used + penalty;
        invoices.push(types::Invoice {
            invoice_no: Some(
                i64::from(first.year()) * 1_000_000
                    + i64::from(m) * 10_000
                    + (fnv(&st.partner_name) % 10_000) as i64,
            ),
            invoice_year: Some(first.year()),
            invoice_month: Some(m as i32),
            partner_name: Some(st.partner_name.clone()),
            used_amount: Some(used),
            option_plus_amount: Some(0),
            tax_rate: Some(10.0),
            used_tax_amount: Some(tax),
            option_plus_tax_amount: Some(0),
            penalty_amount: Some(penalty),
            total_amount: Some(total + tax),
            payment_status: Some(types::PaymentStatus::from_wire(match (total, paid) {
                (0, _) => "NONE",
                (_, true) => "PAID",
                _ => "UNPAID",
            })),
            paid_time: (paid && total > 0)
                .then(|| issued.with_day(25).and_then(|d| d.and_hms_opt(10, 0, 0)))
                .flatten()
                .map(|t| Utc.from_utc_datetime(&t)),
            issued_time: issued
                .and_hms_opt(0, 0, 0)
                .map(|t| Utc.from_utc_datetime(&t)),
        });
    }
    ok(&types::InvoiceList { invoices })
}

/// One settlement line per unbroken run of days with the same `key`.
fn runs<K: PartialEq + Clone>(
    first: NaiveDate,
    last: NaiveDate,
    key_on: impl Fn(NaiveDate) -> Vec<K>,
) -> Vec<(K, NaiveDate, NaiveDate)> {
    let mut open: Vec<(K, NaiveDate, NaiveDate)> = Vec::new();
    let mut done = Vec::new();
    for day in days(first, last) {
        let keys = key_on(day);
        let (still, ended): (Vec<_>, Vec<_>) = open
            .into_iter()
            .partition(|(k, _, end)| keys.contains(k) && *end + chrono::Duration::days(1) == day);
        done.extend(ended);
        open = still;
        for k in keys {
            match open.iter_mut().find(|(o, _, _)| *o == k) {
                Some(run) => run.2 = day,
                None => open.push((k, day, day)),
            }
        }
    }
    done.extend(open);
    done.sort_by_key(|(_, start, _)| *start);
    done
}

fn item(
    sid: i64,
    kind: &str,
    from: NaiveDate,
    to: NaiveDate,
    id: &str,
    sub: Option<&str>,
) -> types::SettlementItem {
    types::SettlementItem {
        subscription_id: Some(sid),
        item_type: Some(types::SettlementItemType::from_wire(kind)),
        start_date: Some(from),
        end_date: Some(to),
        item_id: Some(id.to_string()),
        sub_item_id: sub.map(str::to_string),
        extra: Default::default(),
    }
}

/// The settlement lines of one customer for a month: a line per product, plan and licence
/// count (or user count) as it changed, per option tier, per penalty, and a summary per
/// subscription.
fn detail(id: i64, a: &Account, first: NaiveDate, last: NaiveDate) -> types::InvoiceDetail {
    let mut items = Vec::new();
    let products = runs(first, last, |day| {
        a.subscriptions_on(day)
            .map(|(u, s)| {
                let units = if crate::model::is_license_plan(&s.plan) {
                    s.license_count
                } else {
                    Some(u.member_count)
                };
                (s.id, s.product.clone(), s.plan.clone(), units)
            })
            .collect()
    });
    let options = runs(first, last, |day| {
        a.subscriptions_on(day)
            .flat_map(|(_, s)| {
                s.options
                    .iter()
                    .filter(move |o| o.since <= day)
                    .map(move |o| {
                        (
                            s.id,
                            o.option_product_id.clone(),
                            o.sub_option_id.clone(),
                            o.quantity,
                        )
                    })
            })
            .collect()
    });
    let mut sids: Vec<i64> = products.iter().map(|((sid, ..), _, _)| *sid).collect();
    sids.extend(a.penalties.iter().map(|p| p.subscription_id));
    sids.sort_unstable();
    sids.dedup();
    for sid in sids {
        let mine: Vec<_> = products
            .iter()
            .filter(|((s, ..), _, _)| *s == sid)
            .collect();
        for ((_, product, _, _), from, to) in &mine {
            items.push(item(sid, "PRODUCT", *from, *to, product, None));
        }
        for ((_, option, tier, _), from, to) in options.iter().filter(|((s, ..), _, _)| *s == sid) {
            items.push(item(sid, "OPTION_PRODUCT", *from, *to, option, Some(tier)));
        }
        for p in a
            .penalties
            .iter()
            .filter(|p| p.subscription_id == sid && p.day >= first && p.day <= last)
        {
            let sub = p.sub_item_id.as_deref();
            items.push(item(sid, "PENALTY", p.day, p.day, &p.item_id, sub));
        }
        if let (Some(((_, product, ..), from, _)), Some((_, _, to))) = (mine.first(), mine.last()) {
            items.push(item(sid, "SUMMARY", *from, *to, product, None));
        }
    }
    types::InvoiceDetail {
        domain_id: Some(id),
        domain: Some(a.domain.clone()),
        customer_name: Some(a.company_name.clone()),
        customer_code: a.customer_code.clone(),
        settlement_items: items,
    }
}

pub fn list_invoice_details(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let count = ctx.int("count").unwrap_or(20).clamp(1, 20) as usize;
    let range = month(ctx)?;
    let kind = format!(
        "invoice-details:{}-{}",
        ctx.int("year").unwrap_or(0),
        ctx.int("month").unwrap_or(0)
    );
    let after = match ctx.text("cursor") {
        None => None,
        Some(raw) => Some(
            cursor::decode(&kind, raw)
                .and_then(|k| k.parse::<i64>().ok())
                .ok_or_else(|| ApiError::invalid_field("cursor", "is not a cursor of this list"))?,
        ),
    };
    let rows: Vec<(i64, &Account)> = match range {
        Some((first, last)) if invoiced(ctx.today, first) => st
            .ledger
            .accounts
            .iter()
            .filter(|(_, a)| billed_in(a, first, last))
            .filter(|(id, _)| after.is_none_or(|a| **id > a))
            .map(|(id, a)| (*id, a))
            .collect(),
        _ => Vec::new(),
    };
    let (first, last) = range.unwrap_or((ctx.today, ctx.today));
    let page: Vec<types::InvoiceDetail> = rows
        .iter()
        .take(count)
        .map(|(id, a)| detail(*id, a, first, last))
        .collect();
    let next = (rows.len() > count)
        .then(|| rows.get(count - 1))
        .flatten()
        .map(|(id, _)| cursor::encode(&kind, &id.to_string()));
    ok(&types::InvoiceDetailList {
        invoice_details: page,
        response_meta_data: next.map(|n| types::ResponseMetaData {
            next_cursor: Some(n),
        }),
    })
}
