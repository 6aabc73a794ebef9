//! Data to start a sandbox with: customers, their subscriptions and options, and Online
//! Direct tenants waiting to be transferred.

use crate::handlers::new_customer;
use crate::model::{self, OptionRec, State, Subscription};
use chrono::{NaiveDate, TimeZone, Utc};
use lineworks_partner::types;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Starting data for a sandbox, usually read from JSON (see `sandbox/seeds/demo.json`).
///
/// ```
/// let seed = lineworks_partner_sandbox::Seed::from_json(r#"{
///   "customers": [{ "domain": "acme.example", "companyName": "Acme",
///                   "subscriptions": [{ "productId": "STD", "plan": "MONTHLY" }] }]
/// }"#).unwrap();
/// assert_eq!(seed.customers.len(), 1);
/// ```
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    /// Name on the invoices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_name: Option<String>,
    /// Customers managed by the partner.
    #[serde(default)]
    pub customers: Vec<SeedCustomer>,
    /// Online Direct tenants that can be looked up and transferred.
    #[serde(default)]
    pub potential_customers: Vec<SeedPotentialCustomer>,
    /// Monthly list prices in yen that replace the sandbox's assumed ones: `"STD.MONTHLY"`,
    /// `"STD.ANNUAL_LICENSE"`, `"ADV.ANNUAL_PREPAY_LICENSE"`, ... per licence or user, and
    /// `"option.ACV2"`, `"option.SSTG2"`, ... per unit (tiered options multiply it by the
    /// tier). The facts give no prices, so every price is an assumption.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub prices: std::collections::BTreeMap<String, i64>,
}

/// A customer of a [`Seed`]. Everything but `domain` has a default.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedCustomer {
    /// Domain ID; allocated from 10000001 when absent.
    #[serde(default)]
    pub domain_id: Option<i64>,
    /// Domain or group name.
    pub domain: String,
    /// Company name (default: the domain).
    #[serde(default)]
    pub company_name: Option<String>,
    /// Contact phone number.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// IANA time zone (default `Asia/Tokyo`).
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Tenant language (default `ja_JP`).
    #[serde(default)]
    pub locale: Option<types::Locale>,
    /// Whether the domain is verified (default: true; group names always are).
    #[serde(default)]
    pub active: Option<bool>,
    /// On the Free plan (only meaningful without subscriptions).
    #[serde(default)]
    pub free_plan: bool,
    /// Uses paid apps billed without real-time billing, so a deletion waits for the last
    /// charges (default false: deleted at once).
    #[serde(default)]
    pub paid_apps: bool,
    /// First administrator.
    #[serde(default)]
    pub administrator: Option<types::Administrator>,
    /// Partner's code for the customer.
    #[serde(default)]
    pub customer_code: Option<String>,
    /// Partner's note.
    #[serde(default)]
    pub memo: Option<String>,
    /// Users in the tenant (default 1).
    #[serde(default)]
    pub member_count: Option<i32>,
    /// User limit.
    #[serde(default)]
    pub max_member_count: Option<i32>,
    /// Day the customer was registered (default: the earliest subscription start, or today).
    #[serde(default)]
    pub created: Option<NaiveDate>,
    /// Subscriptions in use (LINE WORKS allows one per tenant).
    #[serde(default)]
    pub subscriptions: Vec<SeedSubscription>,
    /// Options on the first subscription.
    #[serde(default)]
    pub options: Vec<SeedOption>,
}

/// A subscription of a [`SeedCustomer`].
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedSubscription {
    /// Subscription ID; allocated from 20000001 when absent.
    #[serde(default)]
    pub subscription_id: Option<i64>,
    /// Plan: `STD_T`, `ADV_T`, `STD` or `ADV`.
    pub product_id: types::ProductId,
    /// Contract type.
    pub plan: types::Plan,
    /// Licences, for licence-based contract types.
    #[serde(default)]
    pub license_count: Option<i32>,
    /// First day (default: today). Annual terms roll forward from it.
    #[serde(default)]
    pub plan_start_date: Option<NaiveDate>,
    /// Partner's identification code for the subscription.
    #[serde(default)]
    pub customer_code: Option<String>,
    /// Partner's note for the subscription.
    #[serde(default)]
    pub memo: Option<String>,
}

/// An option of a [`SeedCustomer`].
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedOption {
    /// Option.
    pub option_product_id: types::OptionProductId,
    /// Tier.
    pub sub_option_id: types::SubOptionId,
    /// Units, for options sold by quantity.
    #[serde(default)]
    pub quantity: Option<i32>,
    /// Day it was added (default: the subscription start).
    #[serde(default)]
    pub applied_date: Option<NaiveDate>,
}

/// An Online Direct tenant of a [`Seed`].
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedPotentialCustomer {
    /// Domain name.
    pub domain: String,
    /// Code the tenant issued to the partner.
    pub partner_code: String,
    /// Current plan.
    pub product_id: types::PotentialCustomerProductId,
    /// Company name (default: the domain).
    #[serde(default)]
    pub company_name: Option<String>,
    /// Apps the partner does not resell.
    #[serde(default)]
    pub not_handled_apps: Vec<String>,
}

/// Why a seed was refused.
#[derive(Debug)]
pub struct SeedError(String);

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid seed: {}", self.0)
    }
}

impl std::error::Error for SeedError {}

impl Seed {
    /// Parses a seed from JSON.
    pub fn from_json(text: &str) -> Result<Seed, SeedError> {
        serde_json::from_str(text).map_err(|e| SeedError(e.to_string()))
    }

    /// Reads a seed file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Seed, SeedError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| SeedError(format!("{}: {e}", path.display())))?;
        Self::from_json(&text)
    }

    /// The demo data of `sandbox/seeds/demo.json`: a dozen customers on various plans, with
    /// the IDs the spec's examples use (customer 10000001, subscription 20000001).
    pub fn demo() -> Seed {
        // The file is compiled in and covered by a test.
        Self::from_json(include_str!("../seeds/demo.json")).unwrap_or_default()
    }

    /// Builds the state this seed describes, checking it as the API would.
    pub(crate) fn into_state(self, today: NaiveDate) -> Result<State, SeedError> {
        let mut st = State::new();
        if let Some(name) = self.partner_name {
            st.partner_name = name;
        }
        if let Some((key, price)) = self.prices.iter().find(|(_, p)| **p < 0) {
            return Err(SeedError(format!("price {key} is {price}, below 0")));
        }
        st.prices.overrides = self.prices;
        let explicit_max = self
            .customers
            .iter()
            .filter_map(|c| c.domain_id)
            .max()
            .unwrap_or(0);
        st.next_domain_id = st.next_domain_id.max(explicit_max + 1);
        let explicit_sub = self
            .customers
            .iter()
            .flat_map(|c| c.subscriptions.iter().filter_map(|s| s.subscription_id))
            .max()
            .unwrap_or(0);
        st.next_subscription_id = st.next_subscription_id.max(explicit_sub + 1);
        for sc in self.customers {
            if let Some(why) = model::domain_syntax_error(&sc.domain) {
                return Err(SeedError(format!("customer {}: domain {why}", sc.domain)));
            }
            if st.domain_taken(&sc.domain) {
                return Err(SeedError(format!("domain {} appears twice", sc.domain)));
            }
            if sc.subscriptions.len() > 1 {
                return Err(SeedError(format!(
                    "customer {}: a tenant has at most one LINE WORKS subscription",
                    sc.domain
                )));
            }
            let id = match sc.domain_id {
                Some(id) if st.customers.contains_key(&id) => {
                    return Err(SeedError(format!("domainId {id} appears twice")));
                }
                Some(id) => id,
                None => st.take_domain_id(),
            };
            let first_start = sc
                .subscriptions
                .iter()
                .filter_map(|s| s.plan_start_date)
                .min();
            let created = sc.created.or(first_start).unwrap_or(today);
            let company = sc.company_name.clone().unwrap_or_else(|| sc.domain.clone());
            let mut c = new_customer(id, &sc.domain, &company, created);
            if let Some(v) = sc.phone_number {
                c.phone_number = v;
            }
            if let Some(v) = sc.time_zone {
                c.time_zone = v;
            }
            if let Some(v) = sc.locale {
                c.locale = v;
            }
            c.domain_active = c.group || sc.active.unwrap_or(true);
            if c.domain_active {
                c.partnership.status = Some(types::PartnershipStatus::from_wire("APPROVED"));
                c.terms_accepted = true;
                c.dns_published = !c.group;
            }
            c.free_plan = sc.free_plan && sc.subscriptions.is_empty();
            c.paid_apps = sc.paid_apps;
            c.administrator = sc.administrator;
            c.partnership.customer_code = sc.customer_code;
            c.partnership.memo = sc.memo;
            c.member_count = sc.member_count.unwrap_or(1).max(0);
            c.max_member_count = sc.max_member_count;
            for ss in sc.subscriptions {
                let sid = match ss.subscription_id {
                    Some(sid) => sid,
                    None => st.take_subscription_id(),
                };
                let product = ss.product_id.as_str();
                let plan = ss.plan.as_str();
                if ss.product_id.is_unknown()
                    || ss.plan.is_unknown()
                    || crate::handlers::subscriptions::check_plan_fits(product, plan).is_err()
                {
                    return Err(SeedError(format!(
                        "subscription {sid}: {product} with {plan} is not a valid plan"
                    )));
                }
                let licenses = if model::is_license_plan(plan) {
                    Some(ss.license_count.unwrap_or(c.member_count.max(1)))
                } else {
                    None
                };
                let mut s = Subscription {
                    trial: model::TrialTerms::default(),
                    id: sid,
                    product: ss.product_id,
                    plan: ss.plan,
                    start: ss.plan_start_date.unwrap_or(today),
                    license_count: licenses,
                    renewal: None,
                    reservation: None,
                    customer_code: ss.customer_code,
                    memo: ss.memo,
                    license_assign: None,
                };
                s.renewal = s.stay_renewal();
                c.subscriptions.insert(sid, s);
            }
            for so in sc.options {
                let Some(s) = c.subscriptions.values().next() else {
                    return Err(SeedError(format!(
                        "customer {}: options need a subscription",
                        c.domain
                    )));
                };
                let option = so.option_product_id.as_str().to_string();
                if model::option_of(so.sub_option_id.as_str()) != Some(option.as_str()) {
                    return Err(SeedError(format!(
                        "customer {}: {} is not a tier of {option}",
                        c.domain,
                        so.sub_option_id.as_str()
                    )));
                }
                let day = so.applied_date.unwrap_or(s.start);
                let product = types::OptionProduct {
                    subscription_id: Some(s.id),
                    option_product_id: so.option_product_id,
                    sub_option_id: so.sub_option_id.clone(),
                    applied_time: day.and_hms_opt(0, 0, 0).map(|t| Utc.from_utc_datetime(&t)),
                    quantity: if model::is_quantity_tier(so.sub_option_id.as_str()) {
                        Some(so.quantity.unwrap_or(1).max(1))
                    } else {
                        None
                    },
                    extra: Default::default(),
                };
                let renewal = types::OptionRenewal {
                    subscription_id: product.subscription_id,
                    option_product_id: Some(types::OptionRenewalOptionProductId::from_wire(
                        product.option_product_id.as_str(),
                    )),
                    sub_option_id: Some(product.sub_option_id.clone()),
                    type_: Some(types::OptionRenewalType::from_wire("STAY")),
                    quantity: product.quantity,
                };
                c.options.insert(option, OptionRec { product, renewal });
            }
            st.customers.insert(id, c);
        }
        for p in self.potential_customers {
            if st.domain_taken(&p.domain) {
                return Err(SeedError(format!("domain {} appears twice", p.domain)));
            }
            let id = st.take_domain_id();
            st.potential.insert(
                p.domain.clone(),
                model::Potential {
                    tenant_id: id,
                    domain_id: id,
                    company_name: p.company_name.unwrap_or_else(|| p.domain.clone()),
                    domain: p.domain,
                    partner_code: p.partner_code,
                    product_id: p.product_id,
                    not_handled_apps: p.not_handled_apps,
                },
            );
        }
        // What the seed describes has held since each start date (the ledger's baseline).
        st.record(crate::ledger::BASELINE);
        Ok(st)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_seed_loads() {
        let seed = Seed::from_json(include_str!("../seeds/demo.json")).expect("demo seed parses");
        let st = seed
            .into_state(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap())
            .expect("demo seed is consistent");
        assert!(st.customers.contains_key(&10_000_001));
        assert!(st.customers.len() >= 10);
        assert!(!st.potential.is_empty());
    }

    #[test]
    fn refuses_bad_seeds() {
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let dup = r#"{"customers":[{"domain":"a.example"},{"domain":"a.example"}]}"#;
        assert!(Seed::from_json(dup).unwrap().into_state(today).is_err());
        assert!(Seed::from_json(r#"{"customers":[{"domian":"x"}]}"#).is_err());
        let plan = r#"{"customers":[{"domain":"b.example","subscriptions":[{"productId":"STD","plan":"TRIAL"}]}]}"#;
        assert!(Seed::from_json(plan).unwrap().into_state(today).is_err());
    }
}
