//! One function per operation. Each runs under the state lock, takes a validated request
//! and returns the status and body the spec documents for it.

mod billing;
mod customers;
mod deprecated;
mod options;
pub(crate) mod subscriptions;
mod usage;

pub(crate) use customers::new_customer;

use crate::error::{ApiError, Result};
use crate::model::{Customer, State};
use crate::spec::Operation;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A request that passed the spec checks.
pub(crate) struct Ctx {
    pub op: &'static Operation,
    /// Path and query values, converted to JSON by their schemas.
    pub params: Vec<(String, Value)>,
    pub body: Option<Value>,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// Body fields the spec does not declare, which the handler ignores.
    pub ignored: Vec<String>,
}

/// A successful answer.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Option<Value>,
}

impl Ctx {
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
    pub fn int(&self, name: &str) -> Option<i64> {
        self.param(name).and_then(Value::as_i64)
    }
    pub fn text(&self, name: &str) -> Option<&str> {
        self.param(name).and_then(Value::as_str)
    }
    /// A required parameter; the spec checks already ensured it is present.
    pub fn required_int(&self, name: &str) -> Result<i64> {
        self.int(name)
            .ok_or_else(|| ApiError::invalid_field(name, "is required"))
    }
    pub fn required_text(&self, name: &str) -> Result<&str> {
        self.text(name)
            .ok_or_else(|| ApiError::invalid_field(name, "is required"))
    }
    pub fn domain_id(&self) -> Result<i64> {
        self.required_int("domainId")
    }

    /// The body as the generated request type.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T> {
        let body = self
            .body
            .clone()
            .unwrap_or(Value::Object(Default::default()));
        serde_json::from_value(body)
            .map_err(|e| ApiError::bad_request("INVALID_PARAMETER", format!("body: {e}")))
    }

    /// A body field as sent, so an explicit `null` can be told from a missing field.
    pub fn raw(&self, field: &str) -> Option<&Value> {
        self.body.as_ref().and_then(|b| b.get(field))
    }

    /// An action the current state does not allow. The spec documents no 409 for these
    /// operations, so unless it does, the answer is a 400 with a specific code.
    pub fn conflict(&self, code: &'static str, description: impl Into<String>) -> ApiError {
        let status = if self.op.documents(409) {
            StatusCode::CONFLICT
        } else {
            StatusCode::BAD_REQUEST
        };
        ApiError::new(status, code, description)
    }

    pub fn tomorrow(&self) -> NaiveDate {
        self.today + Duration::days(1)
    }

    /// Checks that `date` lies in `[from, to]`, naming the field otherwise.
    pub fn date_in(
        &self,
        field: &str,
        date: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<()> {
        if date < from || date > to {
            return Err(ApiError::invalid_field(
                field,
                format!("must be between {from} and {to} (got {date})"),
            ));
        }
        Ok(())
    }
}

pub(crate) fn reply<T: Serialize>(status: StatusCode, value: &T) -> Result<Reply> {
    let body = serde_json::to_value(value).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_SERVER_ERROR",
            format!("could not encode the response: {e}"),
        )
    })?;
    Ok(Reply {
        status,
        body: Some(body),
    })
}

pub(crate) fn ok<T: Serialize>(value: &T) -> Result<Reply> {
    reply(StatusCode::OK, value)
}

pub(crate) fn created<T: Serialize>(value: &T) -> Result<Reply> {
    reply(StatusCode::CREATED, value)
}

pub(crate) fn empty(status: StatusCode) -> Result<Reply> {
    Ok(Reply { status, body: None })
}

/// The customer of the `domainId` path parameter.
pub(crate) fn customer<'s>(st: &'s mut State, ctx: &Ctx) -> Result<&'s mut Customer> {
    let id = ctx.domain_id()?;
    st.customers
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("customer {id}")))
}

/// The customer, for an operation that changes it: a customer waiting for deletion is frozen.
pub(crate) fn writable<'s>(st: &'s mut State, ctx: &Ctx) -> Result<&'s mut Customer> {
    let c = customer(st, ctx)?;
    if c.pending_deletion {
        return Err(ctx.conflict(
            "CUSTOMER_PENDING_DELETION",
            format!(
                "customer {} is waiting for deletion and cannot be changed",
                c.domain_id
            ),
        ));
    }
    Ok(c)
}

/// Runs the operation `ctx.op`.
pub(crate) fn dispatch(st: &mut State, ctx: &Ctx) -> Result<Reply> {
    use billing as b;
    use customers as c;
    use deprecated as d;
    use options as o;
    use subscriptions as s;
    use usage as u;
    match ctx.op.id() {
        "verify_domain" => c::verify_domain(st, ctx),
        "create_customer" => c::create_customer(st, ctx),
        "get_upgrade_domain" => c::get_upgrade_domain(st, ctx),
        "activate_customer" => c::activate_customer(st, ctx),
        "get_potential_customer" => c::get_potential_customer(st, ctx),
        "transfer_potential_customer" => c::transfer_potential_customer(st, ctx),
        "list_customers" => c::list_customers(st, ctx),
        "get_customer" => c::get_customer(st, ctx),
        "update_customer" => c::update_customer(st, ctx),
        "update_customer_partially" => c::update_customer_partially(st, ctx),
        "delete_customer" => c::delete_customer(st, ctx),
        "create_upgrade_domain" => c::create_upgrade_domain(st, ctx),
        "delete_upgrade_domain" => c::delete_upgrade_domain(st, ctx),
        "change_domain" => c::change_domain(st, ctx),
        "get_usage_status" => u::get_usage_status(st, ctx),
        "update_usage_status_partially" => u::update_usage_status_partially(st, ctx),
        "create_usage_status_renewal" => u::create_usage_status_renewal(st, ctx),
        "update_usage_status_renewal" => u::update_usage_status_renewal(st, ctx),
        "delete_usage_status_renewal" => u::delete_usage_status_renewal(st, ctx),
        "list_subscriptions" => s::list_subscriptions(st, ctx),
        "get_subscription" => s::get_subscription(st, ctx),
        "create_subscription" => s::create_subscription(st, ctx),
        "cancel_subscription" => s::cancel_subscription(st, ctx),
        "create_pre_order" => s::create_pre_order(st, ctx),
        "list_pre_orders" => s::list_pre_orders(st, ctx),
        "update_pre_order" => s::update_pre_order(st, ctx),
        "delete_pre_order" => s::delete_pre_order(st, ctx),
        "create_subscription_reservation" => s::create_reservation(st, ctx),
        "get_subscription_reservation" => s::get_reservation(st, ctx),
        "update_subscription_reservation" => s::update_reservation(st, ctx),
        "delete_subscription_reservation" => s::delete_reservation(st, ctx),
        "get_subscription_renewal" => s::get_renewal(st, ctx),
        "update_subscription_renewal" => s::update_renewal(st, ctx),
        "convert_subscription_to_paid" => s::convert_to_paid(st, ctx),
        "upgrade_subscription" => s::upgrade(st, ctx),
        "add_license_count" => s::add_license_count(st, ctx),
        "list_subscription_memos" => s::list_memos(st, ctx),
        "update_subscription_memo" => s::update_memo(st, ctx),
        "create_option_product" => o::create(st, ctx),
        "list_option_products" => o::list(st, ctx),
        "cancel_option_product" => o::cancel(st, ctx),
        "upgrade_option_product" => o::upgrade(st, ctx),
        "add_option_product_quantity" => o::add_quantity(st, ctx),
        "convert_option_product_to_paid" => o::convert_to_paid(st, ctx),
        "create_option_product_order" => o::create_order(st, ctx),
        "list_option_product_orders" => o::list_orders(st, ctx),
        "get_option_product_order" => o::get_order(st, ctx),
        "update_option_product_order" => o::update_order(st, ctx),
        "delete_option_product_order" => o::delete_order(st, ctx),
        "get_option_product_renewal" => o::get_renewal(st, ctx),
        "update_option_product_renewal" => o::update_renewal(st, ctx),
        "list_option_product_usages" => b::list_option_usages(st, ctx),
        "list_customer_usages" => b::list_customer_usages(st, ctx),
        "list_invoices" => b::list_invoices(st, ctx),
        "list_invoice_details" => b::list_invoice_details(st, ctx),
        "get_legacy_subscription" => d::get_subscription(st, ctx),
        "get_legacy_subscription_renewal" => d::get_subscription_renewal(st, ctx),
        "update_legacy_subscription_renewal" => d::update_subscription_renewal(st, ctx),
        "get_legacy_subscription_reservation" => d::get_subscription_reservation(st, ctx),
        "create_legacy_subscription_reservation" => d::create_subscription_reservation(st, ctx),
        "update_legacy_subscription_reservation" => d::update_subscription_reservation(st, ctx),
        "delete_legacy_subscription_reservation" => d::delete_subscription_reservation(st, ctx),
        "convert_legacy_subscription_to_paid" => d::convert_to_paid(st, ctx),
        "add_legacy_license_count" => d::add_license_count(st, ctx),
        "upgrade_legacy_subscription" => d::upgrade(st, ctx),
        "get_legacy_option_product_usage" => d::get_option_product_usage(st, ctx),
        "set_subscription_license_assign_type" => d::set_license_assign_type(st, ctx),
        other => Err(ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "NOT_IMPLEMENTED",
            format!("operation {other} is not served by this sandbox version"),
        )),
    }
}

/// Opaque page cursors: the resume key, tagged with what it pages through and checksummed so
/// a made-up or truncated cursor is refused rather than silently restarting the list.
pub(crate) mod cursor {
    use crate::model::fnv;

    pub fn encode(kind: &str, key: &str) -> String {
        let text = format!("{kind}\n{key}");
        let sum = fnv(&text) & 0xffff_ffff;
        let mut out = format!("{sum:08x}");
        for b in text.bytes() {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }

    /// The key of a cursor made by [`encode`] for the same `kind`.
    pub fn decode(kind: &str, cursor: &str) -> Option<String> {
        if cursor.len() < 8 || !cursor.len().is_multiple_of(2) || !cursor.is_ascii() {
            return None;
        }
        let sum = u64::from_str_radix(&cursor[..8], 16).ok()?;
        let bytes = (8..cursor.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&cursor[i..i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        let text = String::from_utf8(bytes).ok()?;
        if fnv(&text) & 0xffff_ffff != sum {
            return None;
        }
        let (k, key) = text.split_once('\n')?;
        (k == kind).then(|| key.to_string())
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn round_trip_and_tamper() {
            let c = super::encode("customers:name asc", "Acme\n10000001");
            assert_eq!(
                super::decode("customers:name asc", &c).as_deref(),
                Some("Acme\n10000001")
            );
            assert_eq!(super::decode("customers:name desc", &c), None);
            let mut bad = c.clone();
            bad.replace_range(10..12, "00");
            assert_eq!(super::decode("customers:name asc", &bad), None);
            assert_eq!(super::decode("x", "kBhFZjtIFJKDiX1rE78vAg=="), None);
        }
    }
}
