//! Walks every operation of the spec through the generated client and checks that each one
//! really changes (or reads) the sandbox's state.

mod common;

use common::{client, days, demo, status_code, today};
use futures_util::TryStreamExt;
use lineworks_partner::Nullable;
use lineworks_partner::types;
use std::collections::BTreeSet;

#[tokio::test]
async fn every_operation_is_served_with_real_state() {
    let sandbox = demo().await;
    let api = client(&sandbox);
    let mut seen = BTreeSet::new();
    let mut mark = |id: &'static str| {
        seen.insert(id);
    };

    // --- customers ------------------------------------------------------------------------
    let v = api
        .verify_domain()
        .body_map(|b| b.domain("acme.co.jp"))
        .send()
        .await
        .unwrap();
    assert_eq!(v.type_.as_str(), "DOMAIN");
    mark("verify_domain");

    // A struct literal names every field, the deprecated `productId` (left out) too.
    #[allow(deprecated)]
    let created = api
        .create_customer()
        .body(types::CustomerCreateRequest {
            domain: "acme.co.jp".into(),
            company_name: "Acme".into(),
            phone_number: "03-1234-5678".into(),
            time_zone: "Asia/Tokyo".into(),
            locale: "ja_JP".parse().unwrap(),
            product_id: None,
            administrator: Some(types::AdministratorCreateRequest {
                last_name: "Yamada".into(),
                first_name: Some("Taro".into()),
                password: "Passw0rd1357".into(),
                id: "admin".into(),
                private_email: "taro@example.net".into(),
                cellphone: None,
                country_code: None,
            }),
            partnership: Some(types::CustomerCreatePartnership {
                customer_code: Some("ACME-1".into()),
                enable_partner_profile_display: None,
                memo: Some("first memo".into()),
            }),
        })
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    mark("create_customer");
    let id = created.domain_id;
    assert!(
        !created.enable_active_domain,
        "a real domain waits for activation"
    );
    let taken = api
        .verify_domain()
        .body_map(|b| b.domain("acme.co.jp"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&taken).0, 400);

    let dns = api.get_upgrade_domain().domain_id(id).send().await.unwrap();
    assert_eq!(dns.domain.as_deref(), Some("acme.co.jp"));
    assert_eq!(dns.is_active_domain, Some(false));
    mark("get_upgrade_domain");

    // The customer accepts the terms and publishes the DNS records; only then can it be
    // activated (the refusals are tested in divergences.rs).
    sandbox
        .change_customer(
            id,
            lineworks_partner_sandbox::CustomerChange::default()
                .accept_terms()
                .publish_dns(true),
        )
        .unwrap();
    let active = api.activate_customer().domain_id(id).send().await.unwrap();
    assert!(active.enable_active_domain);
    assert_eq!(
        active
            .partnership
            .as_ref()
            .and_then(|p| p.status.as_ref())
            .map(|s| s.as_str()),
        Some("APPROVED")
    );
    let twice = api
        .activate_customer()
        .domain_id(id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&twice), (400, "ALREADY_ACTIVATED".into()));
    mark("activate_customer");

    let patched = api
        .update_customer_partially()
        .domain_id(id)
        .body(types::CustomerPatchRequest {
            company_name: Some("Acme K.K.".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    mark("update_customer_partially");
    assert_eq!(
        patched.phone_number, "03-1234-5678",
        "PATCH keeps what is not sent"
    );
    let read = api.get_customer().domain_id(id).send().await.unwrap();
    mark("get_customer");
    assert_eq!(read.company_name, "Acme K.K.");
    let p = read.partnership.unwrap();
    assert_eq!(p.memo.as_deref(), Some("first memo"));

    let replaced = api
        .update_customer()
        .domain_id(id)
        .body(types::CustomerUpdateRequest {
            company_name: "Acme Holdings".into(),
            phone_number: "03-9999-0000".into(),
            time_zone: "Asia/Tokyo".into(),
            locale: "en_US".parse().unwrap(),
            partnership: None,
        })
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    mark("update_customer");
    let p = replaced.partnership.unwrap();
    assert_eq!(p.memo, None, "PUT resets what is left out");
    assert_eq!(p.customer_code, None);
    assert_eq!(replaced.locale.as_str(), "en_US");

    // Paging: every customer exactly once, in several pages, the last without a cursor.
    let all = api.list_customers().count(5).collect_all().await.unwrap();
    mark("list_customers");
    let ids: BTreeSet<i64> = all.iter().map(|c| c.domain_id).collect();
    assert_eq!(ids.len(), all.len());
    assert!(ids.contains(&id) && ids.len() >= 13);
    let pages: Vec<types::CustomerList> = api
        .list_customers()
        .count(5)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), all.len().div_ceil(5));
    assert!(pages.last().unwrap().response_meta_data.is_none());
    assert!(pages[..pages.len() - 1].iter().all(|p| {
        p.response_meta_data
            .as_ref()
            .and_then(|m| m.next_cursor.as_ref())
            .is_some()
    }));

    // --- usage -----------------------------------------------------------------------------
    let u = api.get_usage_status().domain_id(id).send().await.unwrap();
    mark("get_usage_status");
    assert_eq!(u.member_count, Some(1));
    let u = api
        .update_usage_status_partially()
        .domain_id(id)
        .body(types::UsageStatusPatchRequest {
            max_member_count: Some(Nullable::Value(50)),
            withdrawal_date: None,
        })
        .send()
        .await
        .unwrap();
    mark("update_usage_status_partially");
    assert_eq!(u.max_member_count, Some(50));
    let u = api
        .create_usage_status_renewal()
        .domain_id(id)
        .body(types::UsageStatusRenewalCreateRequest {
            apply_date: days(10),
            max_member_count: Some(Nullable::Value(80)),
        })
        .send()
        .await
        .unwrap();
    mark("create_usage_status_renewal");
    assert_eq!(u.renewal.as_ref().unwrap().max_member_count, Some(80));
    let u = api
        .update_usage_status_renewal()
        .domain_id(id)
        .body_map(|b| b.apply_date(days(20)))
        .send()
        .await
        .unwrap();
    mark("update_usage_status_renewal");
    assert_eq!(u.renewal.unwrap().apply_date, days(20));
    api.delete_usage_status_renewal()
        .domain_id(id)
        .send()
        .await
        .unwrap();
    mark("delete_usage_status_renewal");
    let u = api.get_usage_status().domain_id(id).send().await.unwrap();
    assert!(u.renewal.is_none());
    let gone = api
        .delete_usage_status_renewal()
        .domain_id(id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&gone).0, 404);

    // --- domains: a group name moves to a real domain -------------------------------------
    let group = api
        .create_customer()
        .body_map(|b| {
            b.domain("grp.by-works.com")
                .company_name("Group Co")
                .phone_number("0120-000-000")
                .time_zone("Asia/Tokyo")
                .locale(types::Locale::JaJp)
        })
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    assert!(group.enable_active_domain, "group names are active at once");
    let gid = group.domain_id;
    let reg = api
        .create_upgrade_domain()
        .domain_id(gid)
        .body_map(|b| b.domain("grp-real.com"))
        .send()
        .await
        .unwrap();
    mark("create_upgrade_domain");
    assert_eq!(reg.domain.as_deref(), Some("grp-real.com"));
    assert!(reg.txt_token.is_some());
    api.delete_upgrade_domain()
        .domain_id(gid)
        .send()
        .await
        .unwrap();
    mark("delete_upgrade_domain");
    let none = api
        .get_upgrade_domain()
        .domain_id(gid)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&none).0, 404);
    let early = api
        .change_domain()
        .domain_id(gid)
        .body_map(|b| b.domain("grp-real.com"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&early), (400, "DOMAIN_NOT_REGISTERED".into()));
    api.create_upgrade_domain()
        .domain_id(gid)
        .body_map(|b| b.domain("grp-real.com"))
        .send()
        .await
        .unwrap();
    api.change_domain()
        .domain_id(gid)
        .body_map(|b| b.domain("grp-real.com"))
        .send()
        .await
        .unwrap();
    mark("change_domain");
    let moved = api.get_customer().domain_id(gid).send().await.unwrap();
    assert_eq!(moved.domain, "grp-real.com");
    assert_eq!(moved.domain_type.as_str(), "DOMAIN");

    // --- subscriptions ---------------------------------------------------------------------
    let list = api
        .create_pre_order()
        .domain_id(id)
        .body(types::PreOrderCreateRequest {
            apply_date: days(5),
            product_id: "STD".parse().unwrap(),
            plan: Some("ANNUAL_LICENSE".parse().unwrap()),
            license_count: Some(Nullable::Value(10)),
        })
        .send()
        .await
        .unwrap();
    mark("create_pre_order");
    let pre_id = list.subscription_pre_orders[0].pre_order_id;
    let list = api
        .update_pre_order()
        .domain_id(id)
        .pre_order_id(pre_id)
        .body_map(|b| b.apply_date(days(7)))
        .send()
        .await
        .unwrap();
    mark("update_pre_order");
    assert_eq!(list.subscription_pre_orders[0].apply_date, days(7));
    let list = api.list_pre_orders().domain_id(id).send().await.unwrap();
    mark("list_pre_orders");
    assert_eq!(list.subscription_pre_orders.len(), 1);
    api.delete_pre_order()
        .domain_id(id)
        .pre_order_id(pre_id)
        .send()
        .await
        .unwrap();
    mark("delete_pre_order");
    assert!(
        api.list_pre_orders()
            .domain_id(id)
            .send()
            .await
            .unwrap()
            .subscription_pre_orders
            .is_empty()
    );

    let trial = api
        .create_subscription()
        .domain_id(id)
        .body(types::SubscriptionCreateRequest {
            product_id: "STD_T".parse().unwrap(),
            plan: "TRIAL".parse().unwrap(),
            license_count: None,
        })
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    mark("create_subscription");
    let sid = trial.subscription_id;
    assert_eq!(trial.plan_end_date, Some(days(29)), "the trial's last day");
    let got = api
        .get_subscription()
        .domain_id(id)
        .subscription_id(sid)
        .send()
        .await
        .unwrap();
    mark("get_subscription");
    assert_eq!(got.product_id.as_str(), "STD_T");
    let subs = api.list_subscriptions().domain_id(id).send().await.unwrap();
    mark("list_subscriptions");
    assert_eq!(subs.subscriptions.len(), 1);
    let renewal_of_trial = api
        .get_subscription_renewal()
        .domain_id(id)
        .subscription_id(sid)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&renewal_of_trial).0, 400);

    let r = api
        .create_subscription_reservation()
        .domain_id(id)
        .subscription_id(sid)
        .body(types::ReservationCreateRequest {
            type_: "START_PAID_SERVICE".parse().unwrap(),
            apply_date: days(10),
            plan: Some("MONTHLY".parse().unwrap()),
            product_id: None,
            license_count: None,
        })
        .send()
        .await
        .unwrap();
    mark("create_subscription_reservation");
    assert_eq!(r.product_id.as_ref().map(|p| p.as_str()), Some("STD"));
    let r = api
        .update_subscription_reservation()
        .domain_id(id)
        .subscription_id(sid)
        .body_map(|b| b.apply_date(days(12)))
        .send()
        .await
        .unwrap();
    mark("update_subscription_reservation");
    assert_eq!(r.apply_date, days(12));
    let r = api
        .get_subscription_reservation()
        .domain_id(id)
        .subscription_id(sid)
        .send()
        .await
        .unwrap();
    mark("get_subscription_reservation");
    assert_eq!(r.type_.as_str(), "START_PAID_SERVICE");
    api.delete_subscription_reservation()
        .domain_id(id)
        .subscription_id(sid)
        .send()
        .await
        .unwrap();
    mark("delete_subscription_reservation");
    let none = api
        .get_subscription_reservation()
        .domain_id(id)
        .subscription_id(sid)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&none).0, 404);

    // A trial takes trial options only.
    let paid_tier = api
        .create_option_product()
        .domain_id(id)
        .body_map(|b| {
            b.option_product_id(types::OptionProductId::Acv2)
                .sub_option_id(types::SubOptionId::Acv201)
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&paid_tier), (400, "TRIAL_TIERS_ONLY".into()));
    let acv = api
        .create_option_product()
        .domain_id(id)
        .body_map(|b| {
            b.option_product_id(types::OptionProductId::Acv2)
                .sub_option_id(types::SubOptionId::Acv200)
        })
        .send()
        .await
        .unwrap();
    mark("create_option_product");
    assert_eq!(acv.subscription_id, Some(sid));

    let paid = api
        .convert_subscription_to_paid()
        .domain_id(id)
        .subscription_id(sid)
        .body(types::SubscriptionPaidServiceRequest {
            plan: "ANNUAL_LICENSE".parse().unwrap(),
            product_id: None,
            license_count: Some(Nullable::Value(20)),
        })
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    mark("convert_subscription_to_paid");
    assert_eq!(
        (paid.product_id.as_str(), paid.plan.as_str()),
        ("STD", "ANNUAL_LICENSE")
    );
    assert_eq!(paid.plan_end_date, Some(days(365 - 1)));

    let acv = api
        .convert_option_product_to_paid()
        .domain_id(id)
        .option_product_id("ACV2")
        .body_map(|b| b.sub_option_id(types::PaidSubOptionId::Acv201))
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    mark("convert_option_product_to_paid");
    assert_eq!(acv.sub_option_id.as_str(), "ACV201");

    let ren = api
        .get_subscription_renewal()
        .domain_id(id)
        .subscription_id(sid)
        .send()
        .await
        .unwrap();
    mark("get_subscription_renewal");
    assert_eq!((ren.type_.as_str(), ren.license_count), ("STAY", Some(20)));
    api.update_subscription_renewal()
        .domain_id(id)
        .subscription_id(sid)
        .body(types::RenewalPatchRequest {
            type_: "CHANGE".parse().unwrap(),
            product_id: None,
            plan: None,
            license_count: Some(30),
        })
        .send()
        .await
        .unwrap();
    mark("update_subscription_renewal");
    let ren = api
        .get_subscription_renewal()
        .domain_id(id)
        .subscription_id(sid)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (ren.type_.as_str(), ren.license_count),
        ("CHANGE", Some(30))
    );

    let more = api
        .add_license_count()
        .domain_id(id)
        .subscription_id(sid)
        .body_map(|b| b.license_count(5))
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    mark("add_license_count");
    assert_eq!(more.license_count, Some(25));
    let up = api
        .upgrade_subscription()
        .domain_id(id)
        .subscription_id(sid)
        .body_map(|b| b.product_id(types::UpgradeProductId::Adv))
        .send()
        .await
        .unwrap();
    mark("upgrade_subscription");
    assert_eq!(up.product_id.as_str(), "ADV");
    let ren = up.renewal.unwrap();
    // Only the upgrade part of the renewal terms goes (partner-customer-subscriptions-upgrade).
    assert_eq!(
        (
            ren.type_.as_str(),
            ren.license_count,
            ren.product_id.as_ref().map(|p| p.as_str())
        ),
        ("CHANGE", Some(30), Some("ADV")),
    );

    let memo = api
        .update_subscription_memo()
        .domain_id(id)
        .subscription_id(sid)
        .body_map(|b| b.customer_code(Nullable::Value("SUB-1".to_string())))
        .send()
        .await
        .unwrap();
    mark("update_subscription_memo");
    assert_eq!(memo.customer_code.as_deref(), Some("SUB-1"));
    let memos = api
        .list_subscription_memos()
        .domain_id(id)
        .send()
        .await
        .unwrap();
    mark("list_subscription_memos");
    assert_eq!(memos.subscription_memos.len(), 1);

    // --- options ---------------------------------------------------------------------------
    api.create_option_product()
        .domain_id(id)
        .body_map(|b| {
            b.option_product_id(types::OptionProductId::Sstg2)
                .sub_option_id(types::SubOptionId::Sstg201)
        })
        .send()
        .await
        .unwrap();
    let bigger = api
        .upgrade_option_product()
        .domain_id(id)
        .option_product_id("SSTG2")
        .body_map(|b| b.sub_option_id(types::SubOptionId::Sstg203))
        .send()
        .await
        .unwrap();
    mark("upgrade_option_product");
    assert_eq!(bigger.sub_option_id.as_str(), "SSTG203");
    let smaller = api
        .upgrade_option_product()
        .domain_id(id)
        .option_product_id("SSTG2")
        .body_map(|b| b.sub_option_id(types::SubOptionId::Sstg202))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&smaller), (400, "NOT_AN_UPGRADE".into()));
    api.create_option_product()
        .domain_id(id)
        .body_map(|b| {
            b.option_product_id(types::OptionProductId::Drv)
                .sub_option_id(types::SubOptionId::DrvPa)
                .quantity(Nullable::Value(2))
        })
        .send()
        .await
        .unwrap();
    let drv = api
        .add_option_product_quantity()
        .domain_id(id)
        .option_product_id("DRV")
        .body_map(|b| b.quantity(3))
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    mark("add_option_product_quantity");
    assert_eq!(drv.quantity, Some(5));
    let opts = api
        .list_option_products()
        .domain_id(id)
        .send()
        .await
        .unwrap();
    mark("list_option_products");
    assert_eq!(opts.option_products.len(), 3);

    let ren = api
        .get_option_product_renewal()
        .domain_id(id)
        .option_product_id("SSTG2")
        .send()
        .await
        .unwrap();
    mark("get_option_product_renewal");
    assert_eq!(ren.type_.as_ref().map(|t| t.as_str()), Some("STAY"));
    api.update_option_product_renewal()
        .domain_id(id)
        .option_product_id("SSTG2")
        .body_map(|b| {
            b.type_("CHANGE".parse().unwrap())
                .sub_option_id("SSTG202".parse().unwrap())
        })
        .send()
        .await
        .unwrap();
    mark("update_option_product_renewal");
    let ren = api
        .get_option_product_renewal()
        .domain_id(id)
        .option_product_id("SSTG2")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ren.sub_option_id.as_ref().map(|s| s.as_str()),
        Some("SSTG202")
    );

    let order = api
        .create_option_product_order()
        .domain_id(id)
        .body(types::OptionProductOrderCreateRequest {
            type_: "CANCEL".parse().unwrap(),
            option_product_id: "SSTG2".parse().unwrap(),
            sub_option_id: None,
            apply_date: days(3),
            quantity: None,
        })
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    mark("create_option_product_order");
    assert_eq!(order.subscription_id, Some(sid));
    let order = api
        .update_option_product_order()
        .domain_id(id)
        .option_product_id("SSTG2")
        .body_map(|b| b.apply_date(days(4)))
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    mark("update_option_product_order");
    assert_eq!(order.apply_date, Some(days(4)));
    let got = api
        .get_option_product_order()
        .domain_id(id)
        .option_product_id("SSTG2")
        .send()
        .await
        .unwrap();
    mark("get_option_product_order");
    assert_eq!(got.apply_date, Some(days(4)));
    let orders = api
        .list_option_product_orders()
        .domain_id(id)
        .send()
        .await
        .unwrap();
    mark("list_option_product_orders");
    assert_eq!(orders.option_product_orders.len(), 1);
    api.delete_option_product_order()
        .domain_id(id)
        .option_product_id("SSTG2")
        .send()
        .await
        .unwrap();
    mark("delete_option_product_order");
    assert!(
        api.list_option_product_orders()
            .domain_id(id)
            .send()
            .await
            .unwrap()
            .option_product_orders
            .is_empty()
    );

    api.cancel_option_product()
        .domain_id(id)
        .option_product_id("SSTG2")
        .send()
        .await
        .unwrap();
    mark("cancel_option_product");
    assert_eq!(
        api.list_option_products()
            .domain_id(id)
            .send()
            .await
            .unwrap()
            .option_products
            .len(),
        2
    );

    // --- billing ---------------------------------------------------------------------------
    let usage = api
        .list_option_product_usages()
        .domain_id(10_000_001)
        .year(2025)
        .month(6)
        .send()
        .await
        .unwrap();
    mark("list_option_product_usages");
    // Three options of the demo customer, days 1 to 10 of June.
    assert_eq!(usage.option_product_usages.len(), 30);
    let usages = api
        .list_customer_usages()
        .domain_id(10_000_001)
        .year(2025)
        .month(6)
        .send()
        .await
        .unwrap();
    mark("list_customer_usages");
    assert_eq!(usages.usages.len(), 10);
    assert_eq!(usages.usages[0].license_count, Some(50));
    let invoices = api.list_invoices().year(2025).send().await.unwrap();
    mark("list_invoices");
    assert_eq!(invoices.invoices.len(), 5, "January to May 2025");
    let again = api.list_invoices().year(2025).send().await.unwrap();
    assert_eq!(invoices, again, "amounts are deterministic");
    let may = invoices.invoices.last().unwrap();
    assert_eq!(
        may.payment_status.as_ref().map(|s| s.as_str()),
        Some("UNPAID")
    );
    assert!(may.total_amount.unwrap() > may.used_amount.unwrap());
    let details = api
        .list_invoice_details()
        .year(2025)
        .month(5)
        .count(3)
        .collect_all()
        .await
        .unwrap();
    mark("list_invoice_details");
    assert!(details.len() >= 8);
    assert!(details.iter().all(|d| !d.settlement_items.is_empty()));

    // --- Online Direct transfer ------------------------------------------------------------
    let wrong = api
        .get_potential_customer()
        .domain("direct.example.com")
        .partner_code("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(status_code(&wrong).0, 403);
    let pc = api
        .get_potential_customer()
        .domain("direct.example.com")
        .partner_code("WSqPvhm0ON1stFBRHgW3")
        .send()
        .await
        .unwrap();
    mark("get_potential_customer");
    assert_eq!(pc.product_id.as_ref().map(|p| p.as_str()), Some("FR"));
    let moved = api
        .transfer_potential_customer()
        .domain("direct.example.com")
        .body_map(|b| b.partner_code("WSqPvhm0ON1stFBRHgW3"))
        .send()
        .await
        .unwrap()
        .expect("the sandbox answers with a body");
    mark("transfer_potential_customer");
    assert_eq!(
        moved
            .partnership
            .and_then(|p| p.status)
            .map(|s| s.as_str().to_string())
            .as_deref(),
        Some("TRANSFER_READY")
    );
    assert!(
        api.get_customer()
            .domain_id(moved.domain_id)
            .send()
            .await
            .is_ok()
    );

    // --- ending -----------------------------------------------------------------------------
    api.cancel_subscription()
        .domain_id(id)
        .subscription_id(sid)
        .send()
        .await
        .unwrap();
    mark("cancel_subscription");
    assert!(
        api.list_subscriptions()
            .domain_id(id)
            .send()
            .await
            .unwrap()
            .subscriptions
            .is_empty()
    );
    assert!(
        api.list_option_products()
            .domain_id(id)
            .send()
            .await
            .unwrap()
            .option_products
            .is_empty()
    );

    // A tenant using paid apps billed without real-time billing waits for its last charges.
    sandbox
        .change_customer(
            id,
            lineworks_partner_sandbox::CustomerChange::default().paid_apps(true),
        )
        .unwrap();
    api.delete_customer().domain_id(id).send().await.unwrap();
    mark("delete_customer");
    let u = api.get_usage_status().domain_id(id).send().await.unwrap();
    assert_eq!(
        u.status.map(|s| s.as_str().to_string()).as_deref(),
        Some("SUSPENDED_WITHDRAWAL")
    );
    assert_eq!(
        u.withdrawal_date.map(|d| d.to_string()).as_deref(),
        Some("2025-07-02")
    );
    let frozen = api
        .update_customer_partially()
        .domain_id(id)
        .body(types::CustomerPatchRequest::default())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        status_code(&frozen),
        (400, "CUSTOMER_PENDING_DELETION".into())
    );
    assert_eq!(today().to_string(), "2025-06-10");

    // The deprecated operations have their own walk (deprecated.rs), on the same state.
    let spec: serde_json::Value =
        serde_saphyr::from_str(include_str!(concat!(env!("OUT_DIR"), "/partner.yaml"))).unwrap();
    let deprecated = |id: &str| {
        spec["paths"].as_object().unwrap().values().any(|item| {
            item.as_object().unwrap().values().any(|op| {
                op["operationId"] == id && op["deprecated"] == serde_json::Value::Bool(true)
            })
        })
    };
    let all: BTreeSet<&str> = lineworks_partner::validate::operations()
        .iter()
        .map(|o| o.id)
        .filter(|id| !deprecated(id))
        .collect();
    let missing: Vec<_> = all.difference(&seen).collect();
    assert!(missing.is_empty(), "operations not exercised: {missing:?}");
    assert_eq!(seen.len(), 55);
    sandbox.shutdown().await;
}
