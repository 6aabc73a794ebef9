//! What each customer used, day by day, and the charges that follow from it.
//!
//! Billing must not be recomputed from today's state: a month, once closed, is fixed
//! (facts: `partner-customer-invoice-list`, `partner-customer-invoice-detail-list`, which bill
//! by the start and end dates of each plan, licence and user-count change). So after every
//! change the state records, per customer, what it used that day; a day's record may change
//! until the day is over and never afterwards. Usages, invoices and invoice details are read
//! from these records, and survive the customer's deletion.
//!
//! Prices are not in the facts; they are sandbox assumptions a seed can override (see
//! [`Prices`]).

use crate::model::{Customer, add_months, is_license_plan};
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The key of the seeded starting point, before any day the API can name.
pub(crate) const BASELINE: NaiveDate = NaiveDate::from_ymd_opt(1, 1, 1).expect("a valid date");

/// Everything recorded, by domain ID.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Ledger {
    pub accounts: BTreeMap<i64, Account>,
}

/// One customer's history.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Account {
    pub domain: String,
    pub company_name: String,
    pub customer_code: Option<String>,
    pub created: NaiveDate,
    /// What was in use from each day on (until the next entry). [`BASELINE`] holds the
    /// seeded starting point: a seed describes how things have been since each start date.
    pub days: BTreeMap<NaiveDate, DayUse>,
    pub penalties: Vec<Penalty>,
}

/// What a customer used on one day.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(crate) struct DayUse {
    pub member_count: i32,
    pub max_member_count: Option<i32>,
    pub status: String,
    pub subscriptions: Vec<SubUse>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SubUse {
    pub id: i64,
    pub product: String,
    pub plan: String,
    pub start: NaiveDate,
    pub license_count: Option<i32>,
    pub options: Vec<OptUse>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct OptUse {
    pub option_product_id: String,
    pub sub_option_id: String,
    pub quantity: Option<i32>,
    pub since: NaiveDate,
}

/// A one-off charge (an annual contract or option ended early), billed in the month of `day`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Penalty {
    pub day: NaiveDate,
    pub subscription_id: i64,
    pub item_id: String,
    pub sub_item_id: Option<String>,
    pub amount: i64,
}

/// List prices in yen, per month and per licence (annual plans) or user (monthly plans), and
/// per unit of an option. Sandbox assumptions: the facts give no prices. A seed's `prices`
/// object overrides any of them with keys `"STD.MONTHLY"`, `"ADV.ANNUAL_LICENSE"`, ... and
/// `"option.ACV2"`, ...
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Prices {
    pub overrides: BTreeMap<String, i64>,
}

impl Prices {
    /// Monthly price of one licence or user of `product` on `plan`.
    pub fn plan(&self, product: &str, plan: &str) -> i64 {
        let paid = crate::model::paid_of(product);
        if let Some(p) = self.overrides.get(&format!("{paid}.{plan}")) {
            return *p;
        }
        let base = if paid == "ADV" { 800 } else { 450 };
        match plan {
            "TRIAL" | "TRIAL_LICENSE" | "FREE" | "FREE_LICENSE" => 0,
            "MONTHLY" | "MONTHLY_LICENSE" => base * 6 / 5,
            _ => base,
        }
    }

    /// Monthly price of an option tier with `quantity` units.
    pub fn option(&self, sub_option: &str, quantity: Option<i32>) -> i64 {
        use crate::model::{is_trial_tier, option_of, tier_rank};
        if is_trial_tier(sub_option) {
            return 0;
        }
        let option = option_of(sub_option).unwrap_or("");
        let rank = i64::from(tier_rank(sub_option));
        let unit = self.overrides.get(&format!("option.{option}")).copied();
        let per_unit = match option {
            "ACV2" | "ACV3" => unit.unwrap_or(300),
            "DRV" => unit.unwrap_or(200) * rank,
            "SSTG2" => unit.unwrap_or(1500) * rank,
            "BCT" => unit.unwrap_or(5000) * rank,
            _ => unit.unwrap_or(1000),
        };
        per_unit * i64::from(quantity.unwrap_or(1).max(1))
    }
}

/// What `c` uses right now.
fn day_use(c: &Customer) -> DayUse {
    DayUse {
        member_count: c.member_count,
        max_member_count: c.max_member_count,
        status: c.status().to_string(),
        subscriptions: c
            .subscriptions
            .values()
            .map(|s| SubUse {
                id: s.id,
                product: s.product.as_str().to_string(),
                plan: s.plan.as_str().to_string(),
                start: s.start,
                license_count: s.license_count,
                options: c
                    .options
                    .values()
                    .filter(|o| o.product.subscription_id == Some(s.id))
                    .map(|o| OptUse {
                        option_product_id: o.product.option_product_id.as_str().to_string(),
                        sub_option_id: o.product.sub_option_id.as_str().to_string(),
                        quantity: o.product.quantity,
                        since: o.product.applied_time.map_or(s.start, |t| t.date_naive()),
                    })
                    .collect(),
            })
            .collect(),
    }
}

impl Ledger {
    /// Records what every customer uses on `day` (replacing an earlier record of the same
    /// day); a customer that is gone uses nothing from `day` on.
    pub fn record(&mut self, customers: &BTreeMap<i64, Customer>, day: NaiveDate) {
        for c in customers.values() {
            let account = self.accounts.entry(c.domain_id).or_insert_with(|| Account {
                domain: c.domain.clone(),
                company_name: c.company_name.clone(),
                customer_code: None,
                created: c.created,
                days: BTreeMap::new(),
                penalties: Vec::new(),
            });
            account.domain.clone_from(&c.domain);
            account.company_name.clone_from(&c.company_name);
            account
                .customer_code
                .clone_from(&c.partnership.customer_code);
            account.set(day, day_use(c));
        }
        for (id, account) in &mut self.accounts {
            if !customers.contains_key(id) {
                account.set(day, DayUse::default());
            }
        }
    }

    pub fn penalties(&mut self, domain_id: i64, penalties: Vec<Penalty>) {
        if let Some(a) = self.accounts.get_mut(&domain_id) {
            a.penalties.extend(penalties);
        }
    }
}

impl Account {
    fn set(&mut self, day: NaiveDate, now: DayUse) {
        if self.on(day) != Some(&now) {
            self.days.insert(day, now);
        }
    }

    /// What was in use on `day`.
    pub fn on(&self, day: NaiveDate) -> Option<&DayUse> {
        self.days.range(..=day).next_back().map(|(_, u)| u)
    }

    /// The subscriptions in use on `day` (started by then, after the tenant was created).
    pub fn subscriptions_on(&self, day: NaiveDate) -> impl Iterator<Item = (&DayUse, &SubUse)> {
        self.on(day)
            .filter(|_| day >= self.created)
            .into_iter()
            .flat_map(move |u| {
                u.subscriptions
                    .iter()
                    .filter(move |s| s.start <= day)
                    .map(move |s| (u, s))
            })
    }

    /// Yen charged for `[first, last]` (a month), penalties apart.
    pub fn used_amount(&self, prices: &Prices, first: NaiveDate, last: NaiveDate) -> i64 {
        let month_days = i64::from((last - first).num_days() as i32 + 1);
        // Monthly prices weighted by days in use: a full month costs exactly the list price.
        let mut weighted = 0i64;
        let mut prepaid = 0i64;
        for day in days(first, last) {
            for (u, s) in self.subscriptions_on(day) {
                let units = if is_license_plan(&s.plan) {
                    s.license_count.unwrap_or(0)
                } else {
                    u.member_count
                };
                let monthly = prices.plan(&s.product, &s.plan) * i64::from(units);
                if s.plan == "ANNUAL_PREPAY_LICENSE" {
                    prepaid += self.prepaid_on(prices, s, day);
                } else {
                    weighted += monthly;
                }
                weighted += s
                    .options
                    .iter()
                    .filter(|o| o.since <= day)
                    .map(|o| prices.option(&o.sub_option_id, o.quantity))
                    .sum::<i64>();
            }
        }
        weighted / month_days + prepaid
    }

    /// A prepaid annual plan is billed for the whole year on the first day of each term, and
    /// licences added within a term for the months left in it (the current one counted).
    fn prepaid_on(&self, prices: &Prices, s: &SubUse, day: NaiveDate) -> i64 {
        let unit = prices.plan(&s.product, &s.plan);
        let licences = i64::from(s.license_count.unwrap_or(0));
        let (term_start, term_end) = annual_term(s.start, day);
        if day == term_start {
            return 12 * unit * licences;
        }
        let before = self
            .subscriptions_on(day - Duration::days(1))
            .find(|(_, p)| p.id == s.id)
            .map_or(licences, |(_, p)| i64::from(p.license_count.unwrap_or(0)));
        let added = (licences - before).max(0);
        added * unit * months_left(day, term_end)
    }

    pub fn penalty_amount(&self, first: NaiveDate, last: NaiveDate) -> i64 {
        self.penalties
            .iter()
            .filter(|p| p.day >= first && p.day <= last)
            .map(|p| p.amount)
            .sum()
    }
}

/// The contract year (anchored on `start`) that contains `day`.
pub(crate) fn annual_term(start: NaiveDate, day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let mut from = start;
    for _ in 0..1200 {
        let next = add_months(from, 12);
        if next > day {
            break;
        }
        from = next;
    }
    (from, add_months(from, 12) - Duration::days(1))
}

/// Months from the month of `day` to the month of `end`, both counted.
pub(crate) fn months_left(day: NaiveDate, end: NaiveDate) -> i64 {
    if end < day {
        return 0;
    }
    let months = (end.year() - day.year()) * 12 + end.month() as i32 - day.month() as i32 + 1;
    i64::from(months.max(0))
}

/// The penalty for ending an annual contract on `day`: the full months left in the term after
/// the current one (a sandbox assumption: the facts say a penalty applies, not its size).
/// Ending on the day after the term, or a monthly plan, costs nothing.
pub(crate) fn early_end_penalty(
    plan: &str,
    start: NaiveDate,
    monthly_price: i64,
    day: NaiveDate,
) -> i64 {
    if !plan.starts_with("ANNUAL") || day <= start {
        return 0;
    }
    let (term_start, term_end) = annual_term(start, day);
    if day == term_start {
        return 0;
    }
    if plan == "ANNUAL_PREPAY_LICENSE" {
        // Prepaid: the year was billed already.
        return 0;
    }
    (months_left(day, term_end) - 1).max(0) * monthly_price
}

/// The penalties for ending subscription `only` (or all of them) of `c` on `day`, with the
/// options attached to it.
pub(crate) fn early_end(
    c: &Customer,
    only: Option<i64>,
    prices: &Prices,
    day: NaiveDate,
) -> Vec<Penalty> {
    let mut out = Vec::new();
    for s in c
        .subscriptions
        .values()
        .filter(|s| only.is_none_or(|id| id == s.id))
    {
        let units = if is_license_plan(s.plan.as_str()) {
            s.license_count.unwrap_or(0)
        } else {
            c.member_count
        };
        let monthly = prices.plan(s.product.as_str(), s.plan.as_str()) * i64::from(units);
        let amount = early_end_penalty(s.plan.as_str(), s.start, monthly, day);
        if amount > 0 {
            out.push(Penalty {
                day,
                subscription_id: s.id,
                item_id: s.product.as_str().to_string(),
                sub_item_id: None,
                amount,
            });
        }
        let keys: Vec<&String> = c
            .options
            .iter()
            .filter(|(_, o)| o.product.subscription_id == Some(s.id))
            .map(|(k, _)| k)
            .collect();
        out.extend(
            keys.into_iter()
                .filter_map(|k| option_early_end(c, k, prices, day)),
        );
    }
    out
}

/// The penalty for cancelling option `key` on `day`. An option counts as annual when its
/// subscription is on an annual plan (a sandbox assumption), and its term is that plan's.
pub(crate) fn option_early_end(
    c: &Customer,
    key: &str,
    prices: &Prices,
    day: NaiveDate,
) -> Option<Penalty> {
    let o = c.options.get(key)?;
    let s = c.subscriptions.get(&o.product.subscription_id?)?;
    let monthly = prices.option(o.product.sub_option_id.as_str(), o.product.quantity);
    // A prepaid plan's options are billed monthly here, so they are not "paid ahead".
    let plan = if s.plan.as_str() == "ANNUAL_PREPAY_LICENSE" {
        "ANNUAL_LICENSE"
    } else {
        s.plan.as_str()
    };
    let amount = early_end_penalty(plan, s.start, monthly, day);
    (amount > 0).then(|| Penalty {
        day,
        subscription_id: s.id,
        item_id: key.to_string(),
        sub_item_id: Some(o.product.sub_option_id.as_str().to_string()),
        amount,
    })
}

/// Days of `[from, to]`, at most a month's worth.
pub(crate) fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    (0..31)
        .map(move |i| from + Duration::days(i))
        .take_while(move |d| *d <= to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn terms_and_months() {
        assert_eq!(
            annual_term(d("2023-07-01"), d("2025-06-10")),
            (d("2024-07-01"), d("2025-06-30"))
        );
        assert_eq!(months_left(d("2025-06-10"), d("2025-06-30")), 1);
        assert_eq!(months_left(d("2025-06-10"), d("2026-03-31")), 10);
        assert_eq!(
            early_end_penalty("ANNUAL_LICENSE", d("2024-04-01"), 100, d("2025-06-10")),
            900
        );
        assert_eq!(
            early_end_penalty("ANNUAL_LICENSE", d("2024-04-01"), 100, d("2025-04-01")),
            0
        );
        assert_eq!(
            early_end_penalty("MONTHLY", d("2024-04-01"), 100, d("2025-06-10")),
            0
        );
    }
}
