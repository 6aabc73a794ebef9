//! Daily usage, monthly invoices and invoice details, computed from the current state so the
//! same state always gives the same figures.

use super::{Ctx, Reply, cursor, customer, ok};
use crate::error::{ApiError, Result};
use crate::model::{
    Customer, State, Subscription, add_months, fnv, is_license_plan, month_end, month_start,
    option_price, unit_price,
};
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
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

/// Days of `[from, to]`, bounded to a month so the loop is short.
fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    (0..31)
        .map(move |i| from + Duration::days(i))
        .take_while(move |d| *d <= to)
}

pub fn list_customer_usages(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let range = month(ctx)?;
    let c = customer(st, ctx)?;
    let mut usages = Vec::new();
    if let (Some((first, last)), Some(s)) = (range, c.works_subscription()) {
        let from = first.max(s.start).max(c.created);
        for day in days(from, last.min(ctx.today)) {
            usages.push(types::Usage {
                product_group_id: types::ProductGroupId::from("WORKS"),
                used_date: day,
                product_id: s.product.clone(),
                plan: s.plan.clone(),
                license_count: Some(s.license_count.unwrap_or(0)),
                member_count: Some(c.member_count),
                max_member_count: c.max_member_count,
                status: types::CustomerStatus::from(if c.pending_deletion {
                    "SUSPENDED_WITHDRAWAL"
                } else {
                    "ACTIVE"
                }),
            });
        }
    }
    ok(&types::UsageList { usages })
}

pub fn list_option_usages(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let range = month(ctx)?;
    let c = customer(st, ctx)?;
    let mut records = Vec::new();
    if let (Some((first, last)), Some(s)) = (range, c.works_subscription()) {
        for o in c.options.values() {
            let since = o.product.applied_time.map_or(s.start, |t| t.date_naive());
            for day in days(first.max(since), last.min(ctx.today)) {
                records.push(types::OptionProductUsage {
                    product_group_id: types::ProductGroupId::from("WORKS"),
                    option_product_id: o.product.option_product_id.clone(),
                    sub_option_id: o.product.sub_option_id.clone(),
                    used_date: day,
                    plan: s.plan.clone(),
                    member_count: Some(c.member_count),
                    license_count: s.license_count,
                    quantity: o.product.quantity,
                    usage_count: None,
                });
            }
        }
    }
    ok(&types::OptionProductUsageList {
        option_product_usages: records,
    })
}

/// Whether `s` was in use at some point of the month ending on `last`.
fn active_in(s: &Subscription, last: NaiveDate) -> bool {
    s.start <= last
}

/// What a customer is charged for one month, in yen.
fn charge(c: &Customer, first: NaiveDate, last: NaiveDate) -> i64 {
    let _ = first;
    c.subscriptions
        .values()
        .filter(|s| active_in(s, last))
        .map(|s| {
            let units = if is_license_plan(s.plan.as_str()) {
                s.license_count.unwrap_or(0)
            } else {
                c.member_count
            };
            let plan = unit_price(s.product.as_str(), s.plan.as_str()) * i64::from(units);
            let options: i64 = c
                .options
                .values()
                .filter(|o| o.product.subscription_id == Some(s.id))
                .filter(|o| {
                    o.product
                        .applied_time
                        .is_none_or(|t| t.date_naive() <= last)
                })
                .map(|o| option_price(o.product.sub_option_id.as_str(), o.product.quantity))
                .sum();
            plan + options
        })
        .sum()
}

/// The months that have been invoiced: from the first month with a subscription up to the
/// month before this one.
fn invoiced(st: &State, today: NaiveDate, first: NaiveDate) -> bool {
    let earliest = st
        .customers
        .values()
        .flat_map(|c| c.subscriptions.values().map(|s| month_start(s.start)))
        .min();
    earliest.is_some_and(|e| first >= e) && first < month_start(today)
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
        if !invoiced(st, ctx.today, first) {
            continue;
        }
        let last = month_end(first);
        let used: i64 = st.customers.values().map(|c| charge(c, first, last)).sum();
        let tax = used / 10;
        let issued = add_months(first, 1);
        // The newest invoice is still open; older ones were paid on the 25th.
        let paid = add_months(first, 2) <= month_start(ctx.today);
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
            penalty_amount: Some(0),
            total_amount: Some(used + tax),
            payment_status: Some(types::PaymentStatus::from(match (used, paid) {
                (0, _) => "NONE",
                (_, true) => "PAID",
                _ => "UNPAID",
            })),
            paid_time: (paid && used > 0)
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

fn detail(c: &Customer, first: NaiveDate, last: NaiveDate) -> types::InvoiceDetail {
    let mut items = Vec::new();
    for s in c.subscriptions.values().filter(|s| active_in(s, last)) {
        let start = first.max(s.start);
        items.push(types::SettlementItem {
            subscription_id: Some(s.id),
            item_type: Some(types::SettlementItemType::from("PRODUCT")),
            start_date: Some(start),
            end_date: Some(last),
            item_id: Some(s.product.as_str().to_string()),
            sub_item_id: None,
        });
        for o in c
            .options
            .values()
            .filter(|o| o.product.subscription_id == Some(s.id))
        {
            let since = o.product.applied_time.map_or(start, |t| t.date_naive());
            if since > last {
                continue;
            }
            items.push(types::SettlementItem {
                subscription_id: Some(s.id),
                item_type: Some(types::SettlementItemType::from("OPTION_PRODUCT")),
                start_date: Some(first.max(since)),
                end_date: Some(last),
                item_id: Some(o.product.option_product_id.as_str().to_string()),
                sub_item_id: Some(o.product.sub_option_id.as_str().to_string()),
            });
        }
        items.push(types::SettlementItem {
            subscription_id: Some(s.id),
            item_type: Some(types::SettlementItemType::from("SUMMARY")),
            start_date: Some(start),
            end_date: Some(last),
            item_id: Some(s.product.as_str().to_string()),
            sub_item_id: None,
        });
    }
    types::InvoiceDetail {
        domain_id: Some(c.domain_id),
        domain: Some(c.domain.clone()),
        customer_name: Some(c.company_name.clone()),
        customer_code: c.partnership.customer_code.clone(),
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
    let rows: Vec<&Customer> = match range {
        Some((first, last)) if invoiced(st, ctx.today, first) => st
            .customers
            .values()
            .filter(|c| c.subscriptions.values().any(|s| active_in(s, last)))
            .filter(|c| after.is_none_or(|a| c.domain_id > a))
            .collect(),
        _ => Vec::new(),
    };
    let (first, last) = range.unwrap_or((ctx.today, ctx.today));
    let page: Vec<types::InvoiceDetail> = rows
        .iter()
        .take(count)
        .map(|c| detail(c, first, last))
        .collect();
    let next = (rows.len() > count)
        .then(|| rows.get(count - 1))
        .flatten()
        .map(|c| cursor::encode(&kind, &c.domain_id.to_string()));
    ok(&types::InvoiceDetailList {
        invoice_details: page,
        response_meta_data: next.map(|n| types::ResponseMetaData {
            next_cursor: Some(n),
        }),
    })
}
