//! Customers, their domains, Online Direct transfers and deletion.

use super::{Ctx, Reply, created, cursor, customer, empty, ok, writable};
use crate::error::{ApiError, Result};
use crate::model::{self, Customer, State, Subscription, domain_syntax_error, is_group_name};
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use lineworks_partner::types;
use std::collections::BTreeMap;

fn check_name(ctx: &Ctx, st: &State, field: &str, name: &str) -> Result<()> {
    if let Some(why) = domain_syntax_error(name) {
        return Err(ApiError::invalid_field(field, why));
    }
    if st.domain_taken(name) {
        return Err(ctx.conflict(
            "DOMAIN_ALREADY_IN_USE",
            format!("`{field}` {name} is already used by another tenant"),
        ));
    }
    Ok(())
}

fn domain_type(name: &str) -> types::DomainType {
    types::DomainType::from_wire(if is_group_name(name) {
        "GROUP"
    } else {
        "DOMAIN"
    })
}

pub fn verify_domain(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::VerifyDomainRequest = ctx.body()?;
    check_name(ctx, st, "domain", &req.domain)?;
    ok(&types::VerifyDomainResult {
        type_: domain_type(&req.domain),
        domain: req.domain,
    })
}

// The sandbox answers like the API, which still fills the deprecated `useOptionPlus`.
#[allow(deprecated)]
pub(crate) fn new_customer(
    domain_id: i64,
    domain: &str,
    company_name: &str,
    today: NaiveDate,
) -> Customer {
    let group = is_group_name(domain);
    Customer {
        domain_id,
        tenant_id: domain_id,
        domain: domain.to_string(),
        group,
        company_name: company_name.to_string(),
        phone_number: "03-0000-0000".into(),
        time_zone: "Asia/Tokyo".into(),
        locale: types::Locale::from_wire("ja_JP"),
        free_plan: false,
        // Group names are hosted by LINE WORKS, so there is no DNS to verify.
        domain_active: group,
        administrator: None,
        partnership: types::Partnership {
            status: Some(types::PartnershipStatus::from_wire(if group {
                "APPROVED"
            } else {
                "TERMS_AGREEMENT_READY"
            })),
            customer_code: None,
            enable_partner_profile_display: Some(true),
            memo: None,
            enable_developer_console_access_control: Some(false),
            enable_admin_console_access_control: Some(false),
            use_option_plus: Some(true),
        },
        created: today,
        member_count: 0,
        max_member_count: None,
        withdrawal_date: None,
        pending_deletion: false,
        // A new tenant's administrator has not accepted the terms yet, and the records of a
        // DNS domain are not published until the customer does so (`control.rs` plays that).
        terms_accepted: group,
        dns_published: false,
        suspended: false,
        paid_apps: false,
        cancelled_annual: BTreeMap::new(),
        usage_renewal: None,
        upgrade_domain: None,
        subscriptions: BTreeMap::new(),
        pre_orders: BTreeMap::new(),
        options: BTreeMap::new(),
        option_orders: BTreeMap::new(),
    }
}

pub(crate) fn trial_subscription(
    id: i64,
    product: &str,
    start: NaiveDate,
    trial: model::TrialTerms,
) -> Subscription {
    Subscription {
        trial,
        id,
        product: types::ProductId::from_wire(product),
        plan: types::Plan::from_wire("TRIAL"),
        start,
        license_count: None,
        renewal: None,
        reservation: None,
        customer_code: None,
        memo: None,
        license_assign: None,
    }
}

// The API still honours the deprecated `productId` of a new customer, so the sandbox does.
#[allow(deprecated)]
pub fn create_customer(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::CustomerCreateRequest = ctx.body()?;
    check_name(ctx, st, "domain", &req.domain)?;
    // The password arrives Base64-encoded; its rules (length, letters and digits, no runs) were
    // checked on the decoded text with the spec's `x-rules` before this handler runs.
    if let Some(admin) = &req.administrator {
        let name_len = admin.last_name.chars().count()
            + admin.first_name.as_deref().map_or(0, |f| f.chars().count());
        if name_len > 80 {
            return Err(ApiError::invalid_field(
                "administrator.firstName",
                "and lastName together must be at most 80 characters",
            ));
        }
    }
    let id = st.take_domain_id();
    let mut c = new_customer(id, &req.domain, &req.company_name, ctx.today);
    c.phone_number = req.phone_number;
    c.time_zone = req.time_zone;
    c.locale = req.locale;
    if let Some(admin) = req.administrator {
        c.member_count = 1;
        c.administrator = Some(types::Administrator {
            last_name: admin.last_name,
            first_name: admin.first_name,
            id: admin.id,
            private_email: admin.private_email,
            cellphone: admin.cellphone,
            country_code: admin.country_code,
        });
    }
    if let Some(p) = req.partnership {
        c.partnership.customer_code = p.customer_code;
        c.partnership.memo = p.memo;
        c.partnership.enable_partner_profile_display =
            Some(p.enable_partner_profile_display.unwrap_or(true));
    }
    match req.product_id.as_ref().map(|p| p.as_str()) {
        Some("FR") => c.free_plan = true,
        Some(trial @ ("STD_T" | "ADV_T")) => {
            let sid = st.take_subscription_id();
            c.subscriptions
                .insert(sid, trial_subscription(sid, trial, ctx.today, st.trial));
        }
        _ => {}
    }
    let body = c.to_api();
    st.customers.insert(id, c);
    created(&body)
}

fn dns_records(domain: &str, active: bool) -> types::UpgradeDomain {
    let h = model::fnv(domain);
    types::UpgradeDomain {
        domain: Some(domain.to_string()),
        is_active_domain: Some(active),
        cname_host: Some(format!("lw{:08x}", h & 0xffff_ffff)),
        cname_target: Some("verify.worksmobile.com".into()),
        txt_host: Some("@".into()),
        txt_token: Some(format!("worksmobile-verification={h:016x}")),
        mx_record_host: Some("@".into()),
        mx_record_value: Some(types::MxRecordValue {
            priority10: Some("mx1.worksmobile.com".into()),
            priority20: Some("mx2.worksmobile.com".into()),
        }),
    }
}

pub fn get_upgrade_domain(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = customer(st, ctx)?;
    if !c.group {
        return ok(&dns_records(&c.domain, c.domain_active));
    }
    match &c.upgrade_domain {
        Some(d) => ok(&dns_records(d, false)),
        None => Err(ApiError::not_found(format!(
            "an upgrade domain for customer {}",
            c.domain_id
        ))),
    }
}

pub fn create_upgrade_domain(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::UpgradeDomainRequest = ctx.body()?;
    let (group, own) = {
        let c = writable(st, ctx)?;
        (c.group, c.upgrade_domain.clone())
    };
    if !group {
        return Err(ctx.conflict(
            "NOT_A_GROUP",
            "only a tenant using a group name can register a domain to move to",
        ));
    }
    if is_group_name(&req.domain) {
        return Err(ApiError::invalid_field(
            "domain",
            "must be a DNS domain; .by-works.com and .by-works.net names need no registration",
        ));
    }
    if own.as_deref() != Some(req.domain.as_str()) {
        check_name(ctx, st, "domain", &req.domain)?;
    }
    let c = writable(st, ctx)?;
    c.upgrade_domain = Some(req.domain.clone());
    created(&dns_records(&req.domain, false))
}

pub fn delete_upgrade_domain(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = writable(st, ctx)?;
    if c.upgrade_domain.take().is_none() {
        return Err(ApiError::not_found(format!(
            "an upgrade domain for customer {}",
            c.domain_id
        )));
    }
    empty(StatusCode::NO_CONTENT)
}

pub fn change_domain(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::ChangeDomainRequest = ctx.body()?;
    let (group, registered) = {
        let c = writable(st, ctx)?;
        (c.group, c.upgrade_domain.clone())
    };
    if !group {
        return Err(ctx.conflict("NOT_A_GROUP", "the tenant already uses a domain name"));
    }
    let by_works = model::is_works_domain(&req.domain);
    if registered.as_deref() == Some(req.domain.as_str()) {
        // Registered by this customer with create_upgrade_domain; the sandbox treats its DNS
        // records as published.
    } else if by_works {
        check_name(ctx, st, "domain", &req.domain)?;
    } else {
        return Err(ctx.conflict(
            "DOMAIN_NOT_REGISTERED",
            format!(
                "register {} with create_upgrade_domain before switching to it",
                req.domain
            ),
        ));
    }
    let c = writable(st, ctx)?;
    c.domain = req.domain.clone();
    c.group = is_group_name(&req.domain);
    c.domain_active = true;
    c.upgrade_domain = None;
    empty(StatusCode::NO_CONTENT)
}

pub fn activate_customer(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let c = writable(st, ctx)?;
    if c.domain_active {
        return Err(ctx.conflict(
            "ALREADY_ACTIVATED",
            format!("customer {} is already active", c.domain_id),
        ));
    }
    // Facts: partner-customer-activate: only once the customer accepted the terms, and after
    // the domain's ownership is verified (its DNS records published).
    if !c.terms_accepted {
        return Err(ctx.conflict(
            "TERMS_NOT_ACCEPTED",
            format!(
                "the administrator of customer {} has not accepted the terms of service yet",
                c.domain_id
            ),
        ));
    }
    if !c.group && !c.dns_published {
        return Err(ctx.conflict(
            "DOMAIN_NOT_VERIFIED",
            format!(
                "the DNS records get_upgrade_domain lists are not published for {}",
                c.domain
            ),
        ));
    }
    c.domain_active = true;
    if c.partnership.status.as_ref().map(|s| s.as_str()) == Some("TERMS_AGREEMENT_READY") {
        c.partnership.status = Some(types::PartnershipStatus::from_wire("APPROVED"));
    }
    ok(&c.to_api())
}

fn potential<'s>(st: &'s State, ctx: &Ctx, code: &str) -> Result<&'s model::Potential> {
    let domain = ctx.required_text("domain")?;
    let p = st
        .potential
        .get(domain)
        .ok_or_else(|| ApiError::not_found(format!("Online Direct tenant {domain}")))?;
    if p.partner_code != code {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "INVALID_PARTNER_CODE",
            "partnerCode does not match the code the tenant issued",
        ));
    }
    Ok(p)
}

pub fn get_potential_customer(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let code = ctx.required_text("partnerCode")?;
    let p = potential(st, ctx, code)?;
    ok(&types::PotentialCustomer {
        tenant_id: Some(p.tenant_id),
        domain_id: Some(p.domain_id),
        domain: Some(p.domain.clone()),
        product_id: Some(p.product_id.clone()),
        // Every product of the tenant; the sandbox's Online Direct tenants use LINE WORKS
        // only, and a legacy code that no `ProductId` names is left out of the list.
        product_ids: [types::ProductId::from_wire(p.product_id.as_str())]
            .into_iter()
            .filter(|id| !id.is_unknown())
            .collect(),
        not_handled_apps: p.not_handled_apps.clone(),
    })
}

pub fn transfer_potential_customer(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::TransferPotentialCustomerRequest = ctx.body()?;
    let p = potential(st, ctx, &req.partner_code)?.clone();
    st.potential.remove(&p.domain);
    let mut c = new_customer(p.domain_id, &p.domain, &p.company_name, ctx.today);
    c.tenant_id = p.tenant_id;
    c.domain_active = true;
    c.member_count = 1;
    c.partnership.status = Some(types::PartnershipStatus::from_wire("TRANSFER_READY"));
    let product = p.product_id.as_str();
    if product == "FR" {
        c.free_plan = true;
    } else {
        let sid = st.take_subscription_id();
        let paid = !product.ends_with("_T");
        // Legacy Online Direct plans (Lite, Basic, Premium) continue as Standard.
        let target = match (product, paid) {
            ("ADV" | "ADV_T", true) => "ADV",
            ("ADV" | "ADV_T", false) => "ADV_T",
            (_, true) => "STD",
            (_, false) => "STD_T",
        };
        let mut sub = trial_subscription(sid, target, ctx.today, st.trial);
        if paid {
            sub.plan = types::Plan::from_wire("MONTHLY");
            sub.renewal = sub.stay_renewal();
        }
        c.subscriptions.insert(sid, sub);
    }
    let body = c.to_api();
    st.customers.insert(c.domain_id, c);
    ok(&body)
}

pub fn list_customers(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let count = ctx.int("count").unwrap_or(10).clamp(1, 30) as usize;
    let order = ctx.text("orderBy").unwrap_or("name asc");
    let desc = order == "name desc";
    let kind = format!("customers:{order}");
    let mut rows: Vec<&Customer> = st
        .customers
        .values()
        .filter(|c| ctx.text("domain").is_none_or(|d| c.domain == d))
        .collect();
    let key = |c: &Customer| (c.company_name.clone(), c.domain_id);
    rows.sort_by_key(|c| key(c));
    if desc {
        rows.reverse();
    }
    let start = match ctx.text("cursor") {
        None => 0,
        Some(raw) => {
            let k = cursor::decode(&kind, raw)
                .ok_or_else(|| ApiError::invalid_field("cursor", "is not a cursor of this list"))?;
            let (name, id) = k
                .rsplit_once('\n')
                .and_then(|(n, id)| Some((n.to_string(), id.parse::<i64>().ok()?)))
                .ok_or_else(|| ApiError::invalid_field("cursor", "is not a cursor of this list"))?;
            // Resume after the last row served, even if that row has since been removed.
            rows.iter()
                .position(|c| {
                    if desc {
                        key(c) < (name.clone(), id)
                    } else {
                        key(c) > (name.clone(), id)
                    }
                })
                .unwrap_or(rows.len())
        }
    };
    let page: Vec<&Customer> = rows.iter().skip(start).take(count).copied().collect();
    let more = start + page.len() < rows.len();
    let next = match (more, page.last()) {
        (true, Some(last)) => Some(cursor::encode(
            &kind,
            &format!("{}\n{}", last.company_name, last.domain_id),
        )),
        _ => None,
    };
    ok(&types::CustomerList {
        customers: page.iter().map(|c| c.to_api()).collect(),
        response_meta_data: next.map(|n| types::ResponseMetaData {
            next_cursor: Some(n),
        }),
    })
}

pub fn get_customer(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    ok(&customer(st, ctx)?.to_api())
}

pub fn update_customer(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::CustomerUpdateRequest = ctx.body()?;
    let c = writable(st, ctx)?;
    c.company_name = req.company_name;
    c.phone_number = req.phone_number;
    c.time_zone = req.time_zone;
    c.locale = req.locale;
    // A replacement: partner settings left out go back to their defaults.
    let p = req.partnership.unwrap_or_default();
    c.partnership.customer_code = p.customer_code;
    c.partnership.memo = p.memo;
    c.partnership.enable_partner_profile_display =
        Some(p.enable_partner_profile_display.unwrap_or(true));
    ok(&c.to_api())
}

pub fn update_customer_partially(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let req: types::CustomerPatchRequest = ctx.body()?;
    let c = writable(st, ctx)?;
    if let Some(v) = req.company_name {
        c.company_name = v;
    }
    if let Some(v) = req.phone_number {
        c.phone_number = v;
    }
    if let Some(v) = req.time_zone {
        c.time_zone = v;
    }
    if let Some(v) = req.locale {
        c.locale = v;
    }
    if let Some(p) = req.partnership {
        if let Some(v) = p.customer_code {
            c.partnership.customer_code = Some(v);
        }
        if let Some(v) = p.memo {
            c.partnership.memo = Some(v);
        }
        if let Some(v) = p.enable_partner_profile_display {
            c.partnership.enable_partner_profile_display = Some(v);
        }
    }
    ok(&c.to_api())
}

/// The day a deleted customer is finally removed: the 2nd of the next month, or of the month
/// after when deleted from the 25th on (the docs' billing cut-off).
pub(crate) fn withdrawal_day(today: NaiveDate) -> NaiveDate {
    let months = if today.day() >= 25 { 2 } else { 1 };
    let first = model::add_months(model::month_start(today), months);
    first.with_day(2).unwrap_or(first)
}

pub fn delete_customer(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    let prices = st.prices.clone();
    let c = customer(st, ctx)?;
    if c.pending_deletion {
        return Err(ctx.conflict(
            "ALREADY_PENDING_DELETION",
            format!("customer {} is already waiting for deletion", c.domain_id),
        ));
    }
    let id = c.domain_id;
    // Annual contracts ended before their term costs a penalty (facts: partner-customer-delete).
    let penalties = crate::ledger::early_end(c, None, &prices, ctx.today);
    // Facts: partner-customer-delete: only a tenant with paid apps billed without real-time
    // billing waits for its last charges; any other is deleted at once.
    if !c.paid_apps {
        st.customers.remove(&id);
        st.record(ctx.today);
        st.ledger.penalties(id, penalties);
        // The spec documents 202 only; answer 204 once it documents it for this case.
        let status = if ctx.op.documents(204) {
            StatusCode::NO_CONTENT
        } else {
            StatusCode::ACCEPTED
        };
        return empty(status);
    }
    st.ledger.penalties(id, penalties);
    let c = customer(st, ctx)?;
    c.pending_deletion = true;
    c.withdrawal_date = Some(withdrawal_day(ctx.today));
    // Nothing scheduled can happen any more.
    c.usage_renewal = None;
    c.pre_orders.clear();
    c.option_orders.clear();
    for sub in c.subscriptions.values_mut() {
        sub.reservation = None;
    }
    empty(StatusCode::ACCEPTED)
}
