//! The deprecated operations (`deprecated: true`) against the sandbox, through the generated
//! client's deprecated methods: each old read shows what the current operations show, and each
//! old write changes what the current operations read, so a migration can be tested by mixing
//! both on one customer.

// The point of these tests is to call the deprecated methods.
#![allow(deprecated)]

mod common;

use common::{client, days, demo, status_code, today};
use lineworks_partner::types;
use serde_json::Value;
use std::collections::BTreeSet;

/// Demo customers (sandbox/seeds/demo.json, ids in file order).
const ANNUAL: i64 = 10_000_001; // STD, ANNUAL_LICENSE, 50 licences, 25 users, ACV2/SSTG2/DRV
const MONTHLY: i64 = 10_000_002; // STD, MONTHLY, 12 users
const TRIAL: i64 = 10_000_003; // STD_T, group name

fn deprecated_ids() -> BTreeSet<String> {
    let spec: Value =
        serde_saphyr::from_str(include_str!(concat!(env!("OUT_DIR"), "/partner.yaml")))
            .expect("spec parses");
    let mut out = BTreeSet::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if op["deprecated"] == Value::Bool(true) {
                out.insert(op["operationId"].as_str().unwrap().to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn old_and_new_operations_share_one_state() {
    let sandbox = demo().await;
    let api = client(&sandbox);
    let mut seen = BTreeSet::new();

    // The contract: a view of the LINE WORKS subscription.
    let old = api
        .get_legacy_subscription()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    seen.insert("get_legacy_subscription");
    let subs = api
        .list_subscriptions()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    let new = &subs.subscriptions[0];
    let sid = new.subscription_id;
    assert_eq!(old.domain_id, Some(ANNUAL));
    assert_eq!(
        old.product_id.as_ref().map(|p| p.as_str()),
        Some(new.product_id.as_str())
    );
    assert_eq!(old.plan.as_ref(), Some(&new.plan));
    assert_eq!(old.plan_start_date, Some(new.plan_start_date));
    assert_eq!(old.plan_end_date, new.plan_end_date);
    assert_eq!(old.license_count, new.license_count);

    // Licences added the old way are the subscription's.
    let added = api
        .add_legacy_license_count()
        .domain_id(ANNUAL)
        .body_map(|b| b.add_license_count(10))
        .send()
        .await
        .unwrap();
    seen.insert("add_legacy_license_count");
    assert_eq!(added.license_count, Some(60));
    let now = api
        .get_subscription()
        .domain_id(ANNUAL)
        .subscription_id(sid)
        .send()
        .await
        .unwrap();
    assert_eq!(now.license_count, Some(60));
    let zero = api
        .add_legacy_license_count()
        .domain_id(ANNUAL)
        .body_map(|b| b.add_license_count(0))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&zero).0, 400, "{zero}");

    // Renewal terms: changed the new way, read the old way, and back.
    api.update_subscription_renewal()
        .domain_id(ANNUAL)
        .subscription_id(sid)
        .body_map(|b| {
            b.type_(types::RenewalType::Change)
                .plan("ANNUAL_LICENSE".parse::<types::PaidPlan>().unwrap())
                .license_count(70)
        })
        .send()
        .await
        .unwrap();
    let old = api
        .get_legacy_subscription_renewal()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    seen.insert("get_legacy_subscription_renewal");
    assert_eq!(old.type_.as_ref().map(|t| t.as_str()), Some("CHANGE"));
    assert_eq!(old.license_count, Some(70));
    let old = api
        .update_legacy_subscription_renewal()
        .domain_id(ANNUAL)
        .body_map(|b| b.type_(types::LegacyRenewalType::Stay))
        .send()
        .await
        .unwrap();
    seen.insert("update_legacy_subscription_renewal");
    assert_eq!(old.type_.as_ref().map(|t| t.as_str()), Some("STAY"));
    let new = api
        .get_subscription_renewal()
        .domain_id(ANNUAL)
        .subscription_id(sid)
        .send()
        .await
        .unwrap();
    assert_eq!(new.type_.as_str(), "STAY");
    assert_eq!(new.license_count, Some(60));

    // A scheduled licence addition: made the old way, it is the subscription's reservation;
    // a new amount through the old PATCH is the same reservation with the new amount.
    let r = api
        .create_legacy_subscription_reservation()
        .domain_id(ANNUAL)
        .body_map(|b| {
            b.type_(types::LegacyReservationType::AddLicense)
                .apply_date(days(5))
                .license_count(5)
        })
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    seen.insert("create_legacy_subscription_reservation");
    assert_eq!(r.type_.as_ref().map(|t| t.as_str()), Some("ADD_LICENSE"));
    let new = api
        .get_subscription_reservation()
        .domain_id(ANNUAL)
        .subscription_id(sid)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (new.type_.as_str(), new.apply_date, new.license_count),
        ("ADD_LICENSE", days(5), Some(5))
    );
    let twice = api
        .create_legacy_subscription_reservation()
        .domain_id(ANNUAL)
        .body_map(|b| {
            b.type_(types::LegacyReservationType::Delete)
                .apply_date(days(40))
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&twice), (400, "RESERVATION_EXISTS".into()));
    api.update_legacy_subscription_reservation()
        .domain_id(ANNUAL)
        .body_map(|b| b.apply_date(days(6)).license_count(8))
        .send()
        .await
        .unwrap();
    seen.insert("update_legacy_subscription_reservation");
    let new = api
        .get_subscription_reservation()
        .domain_id(ANNUAL)
        .subscription_id(sid)
        .send()
        .await
        .unwrap();
    assert_eq!((new.apply_date, new.license_count), (days(6), Some(8)));
    // A change the current model refuses leaves the old reservation as it was.
    let bad = api
        .update_legacy_subscription_reservation()
        .domain_id(ANNUAL)
        .body_map(|b| b.apply_date(today()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&bad).0, 400, "{bad}");
    let old = api
        .get_legacy_subscription_reservation()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    seen.insert("get_legacy_subscription_reservation");
    assert_eq!(
        (old.apply_date, old.license_count),
        (Some(days(6)), Some(8))
    );
    api.delete_legacy_subscription_reservation()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    seen.insert("delete_legacy_subscription_reservation");
    let gone = api
        .get_subscription_reservation()
        .domain_id(ANNUAL)
        .subscription_id(sid)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&gone).0, 404);

    // The old DELETE reservation is the customer's cancellation day.
    api.create_legacy_subscription_reservation()
        .domain_id(ANNUAL)
        .body_map(|b| {
            b.type_(types::LegacyReservationType::Delete)
                .apply_date(days(40))
        })
        .send()
        .await
        .unwrap();
    let usage = api
        .get_usage_status()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    assert_eq!(usage.withdrawal_date, Some(days(40)));
    api.delete_legacy_subscription_reservation()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    let usage = api
        .get_usage_status()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    assert_eq!(usage.withdrawal_date, None);

    // The old SET_MAX_USER is a scheduled user-limit change, on monthly contracts only.
    api.create_legacy_subscription_reservation()
        .domain_id(MONTHLY)
        .body_map(|b| {
            b.type_(types::LegacyReservationType::SetMaxUser)
                .apply_date(days(3))
                .max_member_count(30)
        })
        .send()
        .await
        .unwrap();
    let usage = api
        .get_usage_status()
        .domain_id(MONTHLY)
        .send()
        .await
        .unwrap();
    let scheduled = usage.renewal.expect("a user-limit change");
    assert_eq!(
        (scheduled.apply_date, scheduled.max_member_count),
        (days(3), Some(30))
    );
    let annual = api
        .create_legacy_subscription_reservation()
        .domain_id(ANNUAL)
        .body_map(|b| {
            b.type_(types::LegacyReservationType::SetMaxUser)
                .apply_date(days(3))
                .max_member_count(30)
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&annual), (400, "NOT_MONTHLY".into()));

    // Upgrading the old way upgrades the subscription (and answers 201, as its page states).
    let up = api
        .upgrade_legacy_subscription()
        .domain_id(MONTHLY)
        .body_map(|b| b.product_id(types::ProductId::Adv))
        .send()
        .await
        .unwrap();
    seen.insert("upgrade_legacy_subscription");
    assert_eq!(up.product_id.as_ref().map(|p| p.as_str()), Some("ADV"));
    let subs = api
        .list_subscriptions()
        .domain_id(MONTHLY)
        .send()
        .await
        .unwrap();
    assert_eq!(subs.subscriptions[0].product_id.as_str(), "ADV");

    // A trial converted the old way is a paid subscription; productId is for Free only.
    let with_product = api
        .convert_legacy_subscription_to_paid()
        .domain_id(TRIAL)
        .body_map(|b| {
            b.plan(types::Plan::Monthly)
                .product_id("STD".parse::<types::LegacyProductId>().unwrap())
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&with_product).0, 400);
    let paid = api
        .convert_legacy_subscription_to_paid()
        .domain_id(TRIAL)
        .body_map(|b| b.plan(types::Plan::Monthly))
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    seen.insert("convert_legacy_subscription_to_paid");
    assert_eq!(paid.plan.as_ref().map(|p| p.as_str()), Some("MONTHLY"));
    let subs = api
        .list_subscriptions()
        .domain_id(TRIAL)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            subs.subscriptions[0].product_id.as_str(),
            subs.subscriptions[0].plan.as_str()
        ),
        ("STD", "MONTHLY")
    );

    // One option's usage: the rows of the monthly listing for that option.
    let (year, month) = (2025, 6);
    let old = api
        .get_legacy_option_product_usage()
        .domain_id(ANNUAL)
        .option_product_id("ACV2".parse::<types::OptionProductId>().unwrap())
        .year(year)
        .month(month)
        .send()
        .await
        .unwrap();
    seen.insert("get_legacy_option_product_usage");
    let all = api
        .list_option_product_usages()
        .domain_id(ANNUAL)
        .year(year)
        .month(month)
        .send()
        .await
        .unwrap();
    let acv2: Vec<_> = all
        .option_product_usages
        .iter()
        .filter(|u| u.option_product_id.as_str() == "ACV2")
        .collect();
    assert!(!acv2.is_empty());
    assert!(all.option_product_usages.len() > acv2.len());
    assert_eq!(old.option_product_usages.len(), acv2.len());
    for (o, n) in old.option_product_usages.iter().zip(&acv2) {
        assert_eq!(o.used_date, Some(n.used_date));
        assert_eq!(o.sub_option_id.as_ref(), Some(&n.sub_option_id));
    }

    // Only Roger chooses how licences are assigned; LINE WORKS stays NONE.
    let refused = api
        .set_subscription_license_assign_type()
        .domain_id(ANNUAL)
        .subscription_id(sid)
        .body_map(|b| b.license_assign_type(types::LicenseAssignType::Manual))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        status_code(&refused),
        (400, "UNSUPPORTED_ASSIGN_TYPE".into())
    );
    let same = api
        .set_subscription_license_assign_type()
        .domain_id(ANNUAL)
        .subscription_id(sid)
        .body_map(|b| b.license_assign_type(types::LicenseAssignType::None))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&same), (400, "ALREADY_SET".into()));
    seen.insert("set_subscription_license_assign_type");

    let seen: BTreeSet<String> = seen.into_iter().map(str::to_string).collect();
    assert_eq!(
        seen,
        deprecated_ids(),
        "every deprecated operation is exercised"
    );
    sandbox.shutdown().await;
}

/// The wire: statuses as the pages state them, and the old shapes.
#[tokio::test]
async fn old_paths_answer_in_the_old_shapes() {
    let sandbox = demo().await;
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", sandbox.base_url());
    let auth = "Bearer test";

    let r = http
        .get(url("/partners/customers/10000002/subscription/renewal"))
        .header("Authorization", auth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["type"], "STAY");
    assert_eq!(body["plan"], "MONTHLY");
    assert!(body.get("subscriptionId").is_none(), "{body}");

    // Free and trial contracts have no renewal terms.
    let r = http
        .get(url("/partners/customers/10000003/subscription/renewal"))
        .header("Authorization", auth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let r = http
        .post(url("/partners/customers/10000002/subscription/upgrade"))
        .header("Authorization", auth)
        .json(&serde_json::json!({"productId": "ADV"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    let r = http
        .post(url("/partners/customers/10000002/subscription/reservation"))
        .header("Authorization", auth)
        .json(&serde_json::json!({"type": "DELETE", "applyDate": days(40)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["type"], "DELETE");
    let r = http
        .delete(url("/partners/customers/10000002/subscription/reservation"))
        .header("Authorization", auth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = http
        .delete(url("/partners/customers/10000002/subscription/reservation"))
        .header("Authorization", auth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    sandbox.shutdown().await;
}

/// A renewal set to `CANCEL` the current way reads back as `CANCEL` the old way, a value the
/// spec's answer lists (schemathesis's stateful phase found the old answer outside its enum).
#[tokio::test]
async fn a_cancelled_renewal_reads_back_the_old_way_as_a_listed_value() {
    let sandbox = demo().await;
    let api = client(&sandbox);
    let subs = api
        .list_subscriptions()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    let sid = subs.subscriptions[0].subscription_id;
    api.update_subscription_renewal()
        .domain_id(ANNUAL)
        .subscription_id(sid)
        .body_map(|b| b.type_(types::RenewalType::Cancel))
        .send()
        .await
        .unwrap();
    let old = api
        .get_legacy_subscription_renewal()
        .domain_id(ANNUAL)
        .send()
        .await
        .unwrap();
    // A value outside the spec's enum would parse as an unknown one and not compare equal.
    assert_eq!(old.type_, Some(types::RenewalType::Cancel));
    sandbox.shutdown().await;
}
