//! The sandbox's calendar and the scheduled changes it brings due.
//!
//! The state remembers the last day whose scheduled changes have been applied. Whenever the
//! calendar is read for a request, or moved forward on purpose, every change dated up to the
//! new day is applied, one day at a time in date order, with the same state transitions the
//! immediate operations use (`model.rs`). On one day the order is: renewals at the end of a
//! term, scheduled subscriptions (pre-orders), scheduled subscription changes (reservations),
//! scheduled option changes, scheduled user-limit changes, and last the removal of customers
//! whose withdrawal day has come. A change the state no longer allows (its subscription or
//! option is gone) is dropped, as the service would drop it.

use crate::model::{Customer, State, Subscription};
use chrono::{Duration, NaiveDate, NaiveTime};
use lineworks_partner::types;

/// How far ahead of the current day the calendar may be moved in one step.
pub(crate) const MAX_YEARS_AHEAD: u32 = 50;

/// Why the calendar could not be moved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClockError {
    /// The requested day lies before the sandbox's current day; time only moves forward.
    Backwards {
        /// The sandbox's current day.
        today: NaiveDate,
        /// The day asked for.
        requested: NaiveDate,
    },
    /// The requested day lies more than 50 years after the current day.
    TooFar {
        /// The sandbox's current day.
        today: NaiveDate,
        /// The day asked for.
        requested: NaiveDate,
    },
}

impl std::fmt::Display for ClockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClockError::Backwards { today, requested } => write!(
                f,
                "the sandbox's calendar only moves forward: it is {today}, so {requested} is in the past"
            ),
            ClockError::TooFar { today, requested } => write!(
                f,
                "{requested} is more than {MAX_YEARS_AHEAD} years after the sandbox's current day {today}"
            ),
        }
    }
}

impl std::error::Error for ClockError {}

impl State {
    /// The sandbox's current day: the pinned day, or the UTC date.
    pub fn today(&self) -> NaiveDate {
        self.pinned_today
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }

    /// The current day, after applying every scheduled change that has come due by it.
    pub fn current_day(&mut self) -> NaiveDate {
        let today = self.today();
        self.catch_up(today);
        today
    }

    /// Moves the calendar forward to `day` (pinning it there) and applies what came due.
    pub fn advance_to(&mut self, day: NaiveDate) -> Result<NaiveDate, ClockError> {
        let today = self.current_day();
        if day < today {
            return Err(ClockError::Backwards {
                today,
                requested: day,
            });
        }
        let limit = today
            .checked_add_months(chrono::Months::new(12 * MAX_YEARS_AHEAD))
            .unwrap_or(NaiveDate::MAX);
        if day > limit {
            return Err(ClockError::TooFar {
                today,
                requested: day,
            });
        }
        self.pinned_today = Some(day);
        self.catch_up(day);
        Ok(day)
    }

    /// Applies, in date order, every scheduled change dated up to `today`.
    fn catch_up(&mut self, today: NaiveDate) {
        let mut cursor = match self.applied_through {
            Some(d) if d >= today => return,
            Some(d) => d,
            // First reading: renewals count from this day; anything dated earlier is late.
            None => today,
        };
        while let Some(day) = self.next_due(cursor).filter(|d| *d <= today) {
            let ids: Vec<i64> = self.customers.keys().copied().collect();
            for id in ids {
                self.apply_day(id, cursor, day);
            }
            self.record(day);
            cursor = cursor.max(day);
        }
        self.applied_through = Some(today);
    }

    /// The earliest day anything is scheduled for, seen from `cursor` (the last day done).
    fn next_due(&self, cursor: NaiveDate) -> Option<NaiveDate> {
        self.customers
            .values()
            .flat_map(|c| due_days(c, cursor))
            .min()
    }

    /// Applies the changes of customer `id` that are due on `day`.
    fn apply_day(&mut self, id: i64, cursor: NaiveDate, day: NaiveDate) {
        let mut next_id = self.next_subscription_id;
        let Some(c) = self.customers.get_mut(&id) else {
            return;
        };
        // Renewals first: the old term ends at midnight.
        let renewing: Vec<i64> = c
            .subscriptions
            .values()
            .filter(|s| renewal_day(s, cursor) == Some(day))
            .map(|s| s.id)
            .collect();
        for sid in renewing {
            renew(c, sid, day);
        }
        // Facts: partner-customer-option-products-paidservice: a trial not converted by the
        // end of its grace period loses its trial options. What becomes of the trial itself
        // the facts leave open; the sandbox ends it too, so the customer can subscribe anew.
        let ended: Vec<i64> = c
            .subscriptions
            .values()
            .filter(|s| s.is_trial() && s.grace_end() + Duration::days(1) == day)
            .map(|s| s.id)
            .collect();
        for sid in ended {
            c.end_subscription(sid);
        }
        let pre_orders: Vec<types::PreOrder> = c
            .pre_orders
            .values()
            .filter(|p| p.apply_date <= day)
            .cloned()
            .collect();
        for p in pre_orders {
            c.pre_orders.remove(&p.pre_order_id);
            if apply_pre_order(c, &p, next_id, day) {
                next_id += 1;
            }
        }
        let reserved: Vec<(i64, types::Reservation)> = c
            .subscriptions
            .values()
            .filter_map(|s| s.reservation.clone().map(|r| (s.id, r)))
            .filter(|(_, r)| r.apply_date <= day)
            .collect();
        for (sid, r) in reserved {
            apply_reservation(c, sid, &r, day);
        }
        let orders: Vec<types::OptionProductOrder> = c
            .option_orders
            .values()
            .filter(|o| o.apply_date.is_some_and(|d| d <= day))
            .cloned()
            .collect();
        for o in orders {
            c.option_orders.remove(o.option_product_id.as_str());
            apply_option_order(c, &o, day);
        }
        if let Some(r) = c.usage_renewal.clone()
            && r.apply_date <= day
        {
            c.set_max_members(r.max_member_count);
        }
        let withdrawn = c.withdrawal_date.is_some_and(|d| d <= day);
        self.next_subscription_id = next_id;
        if withdrawn {
            self.customers.remove(&id);
        }
    }
}

/// Every day something of `c` is scheduled for, seen from `cursor`.
fn due_days(c: &Customer, cursor: NaiveDate) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = Vec::new();
    days.extend(
        c.subscriptions
            .values()
            .filter_map(|s| renewal_day(s, cursor)),
    );
    days.extend(
        c.subscriptions
            .values()
            .filter(|s| s.is_trial())
            .map(|s| s.grace_end() + Duration::days(1))
            .filter(|d| *d > cursor),
    );
    days.extend(c.pre_orders.values().map(|p| p.apply_date));
    days.extend(
        c.subscriptions
            .values()
            .filter_map(|s| s.reservation.as_ref().map(|r| r.apply_date)),
    );
    days.extend(c.option_orders.values().filter_map(|o| o.apply_date));
    days.extend(c.usage_renewal.as_ref().map(|r| r.apply_date));
    days.extend(c.withdrawal_date);
    days
}

/// The day a paid subscription renews: the day after its current term ends.
fn renewal_day(s: &Subscription, cursor: NaiveDate) -> Option<NaiveDate> {
    s.term_end(cursor).map(|end| end + Duration::days(1))
}

/// A new term begins on `day` on the subscription's renewal terms, and its options renew on
/// theirs.
fn renew(c: &mut Customer, sid: i64, day: NaiveDate) {
    let Some(s) = c.subscriptions.get(&sid) else {
        return;
    };
    let terms = s.renewal.clone();
    for o in c
        .options
        .values_mut()
        .filter(|o| o.product.subscription_id == Some(sid))
    {
        let r = &o.renewal;
        if r.type_.as_ref().map(|t| t.as_str()) == Some("CHANGE")
            && let Some(tier) = r.sub_option_id.clone()
        {
            let quantity = r.quantity;
            o.set_tier(tier, quantity);
        }
    }
    let Some(terms) = terms else {
        return;
    };
    match terms.type_.as_str() {
        "CANCEL" => c.end_subscription(sid),
        "CHANGE" => {
            if let Some(s) = c.subscriptions.get_mut(&sid) {
                let product = terms
                    .product_id
                    .as_ref()
                    .map_or(s.product.as_str(), |p| p.as_str())
                    .to_string();
                let plan = terms
                    .plan
                    .as_ref()
                    .map_or(s.plan.as_str(), |p| p.as_str())
                    .to_string();
                s.start_term(&product, &plan, terms.license_count, day);
            }
        }
        // Renewed on the same terms: the new term starts today, so planStartDate moves.
        _ => {
            if let Some(s) = c.subscriptions.get_mut(&sid) {
                s.start = day;
            }
        }
    }
}

/// A scheduled subscription begins: a trial in use becomes it, otherwise it is added with
/// `new_id`. `true` when `new_id` was used.
fn apply_pre_order(c: &mut Customer, p: &types::PreOrder, new_id: i64, day: NaiveDate) -> bool {
    let product = p.product_id.as_ref().map_or("STD", |x| x.as_str());
    let plan = p.plan.as_ref().map_or("MONTHLY", |x| x.as_str());
    match c.subscriptions.values_mut().next() {
        Some(s) if s.is_trial() => {
            s.start_term(product, plan, p.license_count, day);
            false
        }
        // A paid subscription already exists; the scheduled one has nothing to do.
        Some(_) => false,
        None => {
            c.free_plan = false;
            c.subscriptions.insert(
                new_id,
                Subscription::new(
                    new_id,
                    types::ProductId::from_wire(product),
                    types::Plan::from_wire(plan),
                    p.license_count,
                    day,
                ),
            );
            // Options scheduled with the subscription attach to it.
            for o in c.option_orders.values_mut() {
                if o.subscription_id.is_none() {
                    o.subscription_id = Some(new_id);
                }
            }
            true
        }
    }
}

fn apply_reservation(c: &mut Customer, sid: i64, r: &types::Reservation, day: NaiveDate) {
    let Some(s) = c.subscriptions.get_mut(&sid) else {
        return;
    };
    s.reservation = None;
    match r.type_.as_str() {
        "START_PAID_SERVICE" if s.is_trial() || s.is_free() => {
            let product = r
                .product_id
                .as_ref()
                .map_or_else(|| crate::model::paid_of(s.product.as_str()), |p| p.as_str())
                .to_string();
            let plan = r
                .plan
                .as_ref()
                .map_or("MONTHLY", |p| p.as_str())
                .to_string();
            s.start_term(&product, &plan, r.license_count, day);
        }
        "ADD_LICENSE" => {
            if let Some(n) = r.license_count {
                let _ = s.add_licenses(n);
            }
        }
        "CANCEL" => c.end_subscription(sid),
        _ => {}
    }
}

fn apply_option_order(c: &mut Customer, o: &types::OptionProductOrder, day: NaiveDate) {
    let key = o.option_product_id.as_str();
    let kind = o.type_.as_ref().map_or("APPLY", |t| t.as_str());
    if kind == "APPLY" {
        let Some(sid) = o
            .subscription_id
            .or_else(|| c.subscriptions.keys().next().copied())
            .filter(|sid| c.subscriptions.contains_key(sid))
        else {
            return;
        };
        if c.options.contains_key(key) {
            return;
        }
        c.add_option(types::OptionProduct {
            subscription_id: Some(sid),
            option_product_id: o.option_product_id.clone(),
            sub_option_id: o.sub_option_id.clone(),
            applied_time: Some(day.and_time(NaiveTime::MIN).and_utc()),
            quantity: o.quantity,
            extra: Default::default(),
        });
        return;
    }
    if kind == "CANCEL" {
        c.options.remove(key);
        return;
    }
    let Some(rec) = c.options.get_mut(key) else {
        return;
    };
    match kind {
        "START_PAID_SERVICE" | "MODIFY" => rec.set_tier(o.sub_option_id.clone(), o.quantity),
        "CHANGE_QUANTITY" => {
            if let Some(n) = o.quantity {
                rec.set_quantity(n);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::seed::Seed;
    use chrono::NaiveDate;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn long_jumps_renew_every_term_and_end_in_time() {
        let seed = Seed::from_json(
            r#"{"customers": [{"domain": "m.example", "subscriptions": [
                {"productId": "STD", "plan": "MONTHLY", "planStartDate": "2025-01-01"}]}]}"#,
        )
        .unwrap();
        let today = day("2025-06-10");
        let mut st = seed.into_state(today).unwrap();
        st.pinned_today = Some(today);
        let far = day("2075-06-01");
        assert_eq!(st.advance_to(far), Ok(far));
        assert_eq!(st.applied_through, Some(far));
        let s = st
            .customers
            .values()
            .next()
            .unwrap()
            .works_subscription()
            .unwrap();
        assert_eq!(s.term_end(far), Some(day("2075-06-30")));
        assert!(matches!(
            st.advance_to(day("2200-01-01")),
            Err(super::ClockError::TooFar { .. })
        ));
    }
}
