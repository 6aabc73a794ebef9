//! The in-memory state of the sandbox and the product rules it enforces.
//!
//! Values the spec enumerates are kept as the generated open enums and compared through
//! `as_str()`, so a variant renamed by the generator does not break the rules here.

pub(crate) use crate::tiers::*;
use chrono::{Datelike, Duration, NaiveDate};
use lineworks_partner::types;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Length of a trial, and of the grace period after it, in days: not in the facts, so
/// sandbox assumptions (`SandboxBuilder::trial_days`, `grace_days`).
pub(crate) const TRIAL_DAYS: i64 = 30;
pub(crate) const GRACE_DAYS: i64 = 30;

/// How long trials last, and their grace period after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TrialTerms {
    pub days: i64,
    pub grace: i64,
}

impl Default for TrialTerms {
    fn default() -> Self {
        TrialTerms {
            days: TRIAL_DAYS,
            grace: GRACE_DAYS,
        }
    }
}

pub(crate) const FIRST_DOMAIN_ID: i64 = 10_000_001;
pub(crate) const FIRST_SUBSCRIPTION_ID: i64 = 20_000_001;
pub(crate) const FIRST_PRE_ORDER_ID: i64 = 30_000_001;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(crate) struct State {
    pub customers: BTreeMap<i64, Customer>,
    /// Online Direct tenants that can be transferred, by domain.
    pub potential: BTreeMap<String, Potential>,
    pub next_domain_id: i64,
    pub next_subscription_id: i64,
    pub next_pre_order_id: i64,
    /// Access tokens the token endpoint issued, with their scopes and expiry (never written
    /// to a state file); bounded, see `token.rs`.
    #[serde(skip)]
    pub tokens: HashMap<String, crate::token::Issued>,
    /// Refresh tokens, with the client and scopes they were issued for.
    #[serde(skip)]
    pub refresh_tokens: HashMap<String, crate::token::Issued>,
    pub issued: u64,
    pub partner_name: String,
    /// The calendar: a pinned day, or `None` to follow the UTC date.
    pub pinned_today: Option<NaiveDate>,
    /// The last day whose scheduled changes have been applied (see `clock.rs`).
    pub applied_through: Option<NaiveDate>,
    /// What each customer used, day by day, kept after the customer is gone (see `ledger.rs`).
    pub ledger: crate::ledger::Ledger,
    pub prices: crate::ledger::Prices,
    /// Trial lengths given to new trials.
    pub trial: TrialTerms,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Potential {
    pub tenant_id: i64,
    pub domain_id: i64,
    pub domain: String,
    pub partner_code: String,
    pub product_id: types::PotentialCustomerProductId,
    pub not_handled_apps: Vec<String>,
    pub company_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Customer {
    pub domain_id: i64,
    pub tenant_id: i64,
    pub domain: String,
    pub group: bool,
    pub company_name: String,
    pub phone_number: String,
    pub time_zone: String,
    pub locale: types::Locale,
    /// `FR` for a customer on the Free plan; other plans come from the subscription.
    pub free_plan: bool,
    pub domain_active: bool,
    pub administrator: Option<types::Administrator>,
    pub partnership: types::Partnership,
    pub created: NaiveDate,
    pub member_count: i32,
    pub max_member_count: Option<i32>,
    pub withdrawal_date: Option<NaiveDate>,
    /// Deleted, waiting for the final charges (`SUSPENDED_WITHDRAWAL`).
    pub pending_deletion: bool,
    /// The customer's side, which the API cannot change (see `control.rs`): whether the
    /// administrator accepted the terms of service, whether the DNS records for the domain
    /// are published, and whether an administrator suspended the tenant.
    pub terms_accepted: bool,
    pub dns_published: bool,
    pub suspended: bool,
    pub paid_apps: bool,
    /// Annual options cancelled, with the day: they can be added again from the next month.
    #[serde(default)]
    pub cancelled_annual: BTreeMap<String, NaiveDate>,
    pub usage_renewal: Option<types::UsageStatusRenewal>,
    pub upgrade_domain: Option<String>,
    pub subscriptions: BTreeMap<i64, Subscription>,
    pub pre_orders: BTreeMap<i64, types::PreOrder>,
    pub options: BTreeMap<String, OptionRec>,
    pub option_orders: BTreeMap<String, types::OptionProductOrder>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Subscription {
    pub id: i64,
    pub product: types::ProductId,
    pub plan: types::Plan,
    pub start: NaiveDate,
    pub license_count: Option<i32>,
    /// Renewal terms; `None` for trials.
    pub renewal: Option<types::Renewal>,
    pub reservation: Option<types::Reservation>,
    pub customer_code: Option<String>,
    pub memo: Option<String>,
    /// The trial's length and grace period (kept by the subscription once paid).
    pub trial: TrialTerms,
    /// How licences are assigned, once set (`set_subscription_license_assign_type`).
    #[serde(default)]
    pub license_assign: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OptionRec {
    pub product: types::OptionProduct,
    pub renewal: types::OptionRenewal,
}

/// Renewal terms that keep an option as it is.
pub(crate) fn option_stay(p: &types::OptionProduct) -> types::OptionRenewal {
    types::OptionRenewal {
        subscription_id: p.subscription_id,
        option_product_id: Some(types::OptionRenewalOptionProductId::from_wire(
            p.option_product_id.as_str(),
        )),
        sub_option_id: Some(p.sub_option_id.clone()),
        type_: Some(types::OptionRenewalType::from_wire("STAY")),
        quantity: p.quantity,
    }
}

impl OptionRec {
    /// Moves the option to `tier` with `quantity`; it then renews on those terms.
    pub fn set_tier(&mut self, tier: types::SubOptionId, quantity: Option<i32>) {
        self.product.sub_option_id = tier;
        self.product.quantity = quantity;
        self.renewal = option_stay(&self.product);
    }

    /// Sets the number of units; renewal terms that keep things as they are follow.
    pub fn set_quantity(&mut self, total: i32) {
        self.product.quantity = Some(total);
        if self.renewal.type_.as_ref().map(|t| t.as_str()) == Some("STAY") {
            self.renewal.quantity = Some(total);
        }
    }
}

impl State {
    pub fn new() -> Self {
        State {
            next_domain_id: FIRST_DOMAIN_ID,
            next_subscription_id: FIRST_SUBSCRIPTION_ID,
            next_pre_order_id: FIRST_PRE_ORDER_ID,
            partner_name: "Sandbox Partner".into(),
            ..State::default()
        }
    }

    /// Records in the ledger what every customer uses on `day` (after a change).
    pub fn record(&mut self, day: NaiveDate) {
        self.ledger.record(&self.customers, day);
    }

    pub fn domain_taken(&self, domain: &str) -> bool {
        self.customers
            .values()
            .any(|c| c.domain == domain || c.upgrade_domain.as_deref() == Some(domain))
            || self.potential.contains_key(domain)
    }

    pub fn take_domain_id(&mut self) -> i64 {
        let id = self.next_domain_id;
        self.next_domain_id += 1;
        id
    }
    /// Gives every trial, present and future, these lengths.
    pub fn set_trial_terms(&mut self, terms: TrialTerms) {
        self.trial = terms;
        for c in self.customers.values_mut() {
            for s in c.subscriptions.values_mut() {
                s.trial = terms;
            }
        }
    }

    pub fn take_subscription_id(&mut self) -> i64 {
        let id = self.next_subscription_id;
        self.next_subscription_id += 1;
        id
    }
}

/// Whether `name` is a group name (its own label under `.by-works.com` or `.by-works.net`,
/// or a bare label) rather than a DNS domain the customer owns.
pub(crate) fn is_group_name(name: &str) -> bool {
    is_works_domain(name) || !name.contains('.')
}

/// Names under LINE WORKS' own domains, which need no DNS set-up (facts: partner overview).
pub(crate) fn is_works_domain(name: &str) -> bool {
    name.ends_with(".by-works.com") || name.ends_with(".by-works.net")
}

/// The product group of a product id, by its family prefix (spec: `ProductId`).
pub(crate) fn product_group(product: &str) -> &'static str {
    if product.starts_with("ROG_") {
        "ROGER"
    } else if product.starts_with("NTA_") {
        "NOTE_AI"
    } else if product.starts_with("JP_PPO_") {
        "JP_PAPER_ON"
    } else if product.starts_with("JP_AIS_") {
        "JP_AI_STUDIO"
    } else {
        "WORKS"
    }
}

/// The product group an option belongs to, by its prefix (spec: `OptionProductId`).
pub(crate) fn option_group(option: &str) -> &'static str {
    if option.starts_with("QTA_") {
        "NOTE_AI"
    } else if option.starts_with("JP_PPO_") {
        "JP_PAPER_ON"
    } else if option.starts_with("JP_AIS_") {
        "JP_AI_STUDIO"
    } else {
        "WORKS"
    }
}

/// Checks the character rules the spec states for domain and group names.
pub(crate) fn domain_syntax_error(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("must not be empty");
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Some("must not contain empty labels");
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Some("may only contain lowercase letters, digits, hyphens and dots");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some("must not start or end a label with a hyphen");
        }
        if label.contains("--") {
            return Some("must not contain two hyphens in a row");
        }
    }
    None
}

pub(crate) fn is_trial_plan(plan: &types::Plan) -> bool {
    matches!(plan.as_str(), "TRIAL" | "TRIAL_LICENSE")
}

/// The Free contract types (`FREE`, `FREE_LICENSE`): no term, no renewal, nothing billed.
pub(crate) fn is_free_plan(plan: &str) -> bool {
    matches!(plan, "FREE" | "FREE_LICENSE")
}

/// Paid contract types billed per licence, which need a licence count. `FREE_LICENSE` and
/// `TRIAL_LICENSE` count licences too, but cost nothing, so a count is optional for them.
pub(crate) fn is_license_plan(plan: &str) -> bool {
    matches!(
        plan,
        "MONTHLY_LICENSE" | "ANNUAL_LICENSE" | "ANNUAL_PREPAY_LICENSE"
    )
}

/// A Free product: `FR` (LINE WORKS) or a family's `*_FR`.
pub(crate) fn is_free_product(product: &str) -> bool {
    product == "FR" || product.ends_with("_FR")
}

/// A product that is neither Free nor a trial (`*_T`) nor a legacy code.
pub(crate) fn is_paid_product(product: &str) -> bool {
    !is_free_product(product) && !product.ends_with("_T") && !matches!(product, "LT" | "BS" | "PRM")
}

/// The paid product a trial becomes (the id without its `_T`); a Free or paid product is
/// returned as it is.
pub(crate) fn paid_of(product: &str) -> &str {
    product.strip_suffix("_T").unwrap_or(product)
}

pub(crate) fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(chrono::Months::new(months))
        .unwrap_or(date)
}

pub(crate) fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

pub(crate) fn month_end(date: NaiveDate) -> NaiveDate {
    add_months(month_start(date), 1) - Duration::days(1)
}

impl Subscription {
    /// A subscription starting on `start`, renewing on its own terms.
    pub fn new(
        id: i64,
        product: types::ProductId,
        plan: types::Plan,
        license_count: Option<i32>,
        start: NaiveDate,
    ) -> Self {
        let mut s = Subscription {
            id,
            product,
            plan,
            start,
            license_count,
            renewal: None,
            reservation: None,
            customer_code: None,
            memo: None,
            trial: TrialTerms::default(),
            license_assign: None,
        };
        s.renewal = s.stay_renewal();
        s
    }

    /// A trial becomes (or a plan changes to) `product` on `plan` from `start`: a new term
    /// begins, and changes scheduled under the old terms no longer apply.
    pub fn start_term(
        &mut self,
        product: &str,
        plan: &str,
        licenses: Option<i32>,
        start: NaiveDate,
    ) {
        self.product = types::ProductId::from_wire(product);
        self.plan = types::Plan::from_wire(plan);
        self.license_count = licenses;
        self.start = start;
        self.reservation = None;
        self.renewal = self.stay_renewal();
    }

    /// Adds `n` licences (at most 1000000 in all); renewal terms that keep things as they
    /// are follow. `None` when the total would be out of range.
    pub fn add_licenses(&mut self, n: i32) -> Option<i32> {
        let total = self
            .license_count
            .unwrap_or(0)
            .checked_add(n)
            .filter(|t| (1..=1_000_000).contains(t))?;
        self.license_count = Some(total);
        if let Some(r) = self.renewal.as_mut()
            && r.type_.as_str() == "STAY"
        {
            r.license_count = Some(total);
        }
        Some(total)
    }

    pub fn is_trial(&self) -> bool {
        is_trial_plan(&self.plan)
    }

    pub fn trial_end(&self) -> NaiveDate {
        self.start + Duration::days(self.trial.days - 1)
    }

    /// The last day of a trial's grace period; the day after, the trial is over.
    pub fn grace_end(&self) -> NaiveDate {
        self.trial_end() + Duration::days(self.trial.grace)
    }

    /// Last day of the current term: the month for monthly plans, the contract year for
    /// annual ones (rolled forward so a seeded start long ago still has a current term).
    pub fn term_end(&self, today: NaiveDate) -> Option<NaiveDate> {
        match self.plan.as_str() {
            "TRIAL" | "TRIAL_LICENSE" | "FREE" | "FREE_LICENSE" => None,
            "MONTHLY" | "MONTHLY_LICENSE" => Some(month_end(today.max(self.start))),
            _ => {
                let mut years = 1;
                loop {
                    let end = add_months(self.start, 12 * years) - Duration::days(1);
                    if end >= today || years > 200 {
                        return Some(end);
                    }
                    years += 1;
                }
            }
        }
    }

    pub fn status(&self, today: NaiveDate) -> &'static str {
        if self.is_trial() && today > self.trial_end() {
            "SUSPENDED_TRIALEND"
        } else {
            "ACTIVE"
        }
    }

    /// A Free plan (facts: partner-customer-subscriptions-list: no renewal terms either).
    pub fn is_free(&self) -> bool {
        is_free_plan(self.plan.as_str())
    }

    /// Renewal terms that keep everything as it is; Free and trial plans have none.
    pub fn stay_renewal(&self) -> Option<types::Renewal> {
        if self.is_trial() || self.is_free() {
            return None;
        }
        Some(types::Renewal {
            subscription_id: self.id,
            type_: types::RenewalType::from_wire("STAY"),
            product_id: Some(types::PaidProductId::from_wire(paid_of(
                self.product.as_str(),
            ))),
            plan: Some(types::PaidPlan::from_wire(self.plan.as_str())),
            license_count: self.license_count,
        })
    }

    pub fn to_api(&self, domain_id: i64, today: NaiveDate) -> types::Subscription {
        types::Subscription {
            domain_id,
            subscription_id: self.id,
            product_id: self.product.clone(),
            plan: self.plan.clone(),
            plan_start_date: self.start,
            // A trial ends on its last trial day (the grace period comes after).
            plan_end_date: if self.is_trial() {
                Some(self.trial_end())
            } else {
                self.term_end(today)
            },
            license_assign_type: self.license_assign.clone(),
            license_count: self.license_count,
            status: types::SubscriptionStatus::from_wire(self.status(today)),
            renewal: self.renewal.clone(),
            extra: Default::default(),
        }
    }
}

impl Customer {
    /// Ends subscription `id`; its options and their scheduled changes end with it.
    pub fn end_subscription(&mut self, id: i64) {
        self.subscriptions.remove(&id);
        self.options
            .retain(|_, o| o.product.subscription_id != Some(id));
        self.option_orders
            .retain(|_, o| o.subscription_id != Some(id));
    }

    /// Sets the user limit; a new limit replaces whatever change was scheduled.
    pub fn set_max_members(&mut self, limit: Option<i32>) {
        self.max_member_count = limit;
        self.usage_renewal = None;
    }

    /// Starts using an option; the changes scheduled for it are dropped.
    pub fn add_option(&mut self, product: types::OptionProduct) {
        let key = product.option_product_id.as_str().to_string();
        self.option_orders.remove(&key);
        self.options.insert(
            key,
            OptionRec {
                renewal: option_stay(&product),
                product,
            },
        );
    }

    /// The LINE WORKS subscription (a tenant has at most one).
    pub fn works_subscription(&self) -> Option<&Subscription> {
        self.group_subscription("WORKS")
    }

    /// The subscription of product group `group` (a tenant has at most one per group).
    pub fn group_subscription(&self, group: &str) -> Option<&Subscription> {
        self.subscriptions
            .values()
            .find(|s| product_group(s.product.as_str()) == group)
    }

    pub fn product_id(&self) -> Option<types::CustomerProductId> {
        match self.works_subscription() {
            Some(s) => Some(types::CustomerProductId::from_wire(s.product.as_str())),
            None if self.free_plan => Some(types::CustomerProductId::from_wire("FR")),
            None => None,
        }
    }

    // The API still returns the deprecated `productId`.
    #[allow(deprecated)]
    pub fn to_api(&self) -> types::Customer {
        types::Customer {
            tenant_id: self.tenant_id,
            domain_id: self.domain_id,
            domain: self.domain.clone(),
            product_id: self.product_id(),
            company_name: self.company_name.clone(),
            phone_number: self.phone_number.clone(),
            time_zone: self.time_zone.clone(),
            locale: self.locale.clone(),
            enable_active_mxrecord: self.domain_active,
            enable_active_domain: self.domain_active,
            domain_type: types::DomainType::from_wire(if self.group { "GROUP" } else { "DOMAIN" }),
            administrator: self.administrator.clone(),
            partnership: Some(self.partnership.clone()),
        }
    }

    /// `SUSPENDED_WITHDRAWAL` while a deletion waits, `SUSPENDED_ADMIN` when an administrator
    /// stopped the tenant, else `ACTIVE`.
    pub fn status(&self) -> &'static str {
        if self.pending_deletion {
            "SUSPENDED_WITHDRAWAL"
        } else if self.suspended {
            "SUSPENDED_ADMIN"
        } else {
            "ACTIVE"
        }
    }

    pub fn usage_status(&self) -> types::UsageStatus {
        types::UsageStatus {
            domain_id: Some(self.domain_id),
            status: Some(types::CustomerStatus::from_wire(self.status())),
            member_count: Some(self.member_count),
            max_member_count: self.max_member_count,
            withdrawal_date: self.withdrawal_date,
            renewal: self.usage_renewal.clone(),
        }
    }
}

/// A stable 64-bit hash (FNV-1a) for deterministic DNS tokens and invoice numbers.
pub(crate) fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_group_name("acme.by-works.com"));
        assert!(is_group_name("acme"));
        assert!(!is_group_name("acme.co.jp"));
        assert!(domain_syntax_error("acme.co.jp").is_none());
        assert!(domain_syntax_error("Acme.com").is_some());
        assert!(domain_syntax_error("-acme.com").is_some());
        assert!(domain_syntax_error("ac--me.com").is_some());
        assert!(domain_syntax_error("acme..com").is_some());
    }

    #[test]
    fn annual_terms_roll_forward() {
        let start = NaiveDate::from_ymd_opt(2020, 4, 1).unwrap();
        let sub = Subscription {
            id: 1,
            product: types::ProductId::from_wire("STD"),
            plan: types::Plan::from_wire("ANNUAL_LICENSE"),
            start,
            license_count: Some(5),
            renewal: None,
            reservation: None,
            customer_code: None,
            memo: None,
            trial: TrialTerms::default(),
            license_assign: None,
        };
        let today = NaiveDate::from_ymd_opt(2025, 6, 10).unwrap();
        assert_eq!(sub.term_end(today), NaiveDate::from_ymd_opt(2026, 3, 31));
    }
}
