//! A customer's life through the Partner API.
//!
//! ```text
//! cargo run -p examples --bin quickstart
//! ```
//!
//! Without credentials in the environment it starts the in-memory sandbox in-process and walks
//! a new customer from domain check to scheduled cancellation. With credentials
//! (`LW_ACCESS_TOKEN`, optionally `LW_API_BASE_URL`) it only reads from the real API.

use chrono::{Datelike, Duration, Utc};
use futures_util::TryStreamExt;
use lineworks_partner::{Client, Credentials, Nullable, types};
use lineworks_partner_sandbox::{CustomerChange, Sandbox, Seed};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Result {
    if Credentials::from_env()?.is_some() {
        return read_only(&Client::from_env()?).await;
    }
    // Demo data gives the customer list several pages and the invoices some history.
    let sandbox = Sandbox::builder().seed(Seed::demo()).start().await?;
    println!(
        "no credentials found: using a sandbox at {}",
        sandbox.base_url()
    );
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(Credentials::access_token("sandbox"))
        .build()?;
    walk(&client, &sandbox).await?;
    sandbox.shutdown().await;
    Ok(())
}

async fn walk(api: &Client, sandbox: &Sandbox) -> Result {
    let today = Utc::now().date_naive();
    let domain = "quickstart-demo.jp";

    let check = api
        .verify_domain()
        .body_map(|b| b.domain(domain))
        .send()
        .await?;
    println!("1. {domain} is free to use, as a {}", check.type_);

    let customer = api
        .create_customer()
        .body_map(|b| {
            b.domain(domain)
                .company_name("Quickstart Demo K.K.")
                .phone_number("03-1234-5678")
                .time_zone("Asia/Tokyo")
                .locale(types::Locale::JaJp)
        })
        .send()
        .await?;
    // No page states what this call answers, so an empty success is `None`: read it back.
    let customer = match customer {
        Some(customer) => customer,
        None => api
            .list_customers()
            .domain(domain)
            .send()
            .await?
            .customers
            .into_iter()
            .next()
            .ok_or("the new customer is not listed")?,
    };
    let id = customer.domain_id;
    let dns = api.get_upgrade_domain().domain_id(id).send().await?;
    println!(
        "2. created customer {id}; publish TXT {} before activating",
        dns.txt_token.unwrap_or_default()
    );

    // The customer's side, which the API cannot do: the administrator accepts the terms of
    // service and the records are published. The sandbox plays it.
    sandbox.change_customer(
        id,
        CustomerChange::default().accept_terms().publish_dns(true),
    )?;
    let active = api.activate_customer().domain_id(id).send().await?;
    println!(
        "3. activated: domain active = {}",
        active.enable_active_domain
    );

    let patched = api
        .update_customer_partially()
        .domain_id(id)
        .body(types::CustomerPatchRequest {
            partnership: Some(types::CustomerPatchPartnership {
                memo: Some("signed at the trade fair".into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .send()
        .await?;
    let memo = patched.partnership.and_then(|p| p.memo).unwrap_or_default();
    println!(
        "4. read and patched {}: memo = {memo:?}",
        patched.company_name
    );

    let trial = api
        .create_subscription()
        .domain_id(id)
        .body_map(|b| {
            b.product_id(types::ProductId::StdT)
                .plan(types::Plan::Trial)
        })
        .send()
        .await?
        .ok_or("the new subscription is not in the answer")?;
    let option = api
        .create_option_product()
        .domain_id(id)
        .body_map(|b| {
            b.option_product_id(types::OptionProductId::Acv2)
                .sub_option_id(types::SubOptionId::Acv200)
        })
        .send()
        .await?;
    println!(
        "5. a trial ({}) with the {} option ({})",
        trial.subscription_id, option.option_product_id, option.sub_option_id
    );

    let pre = api
        .create_pre_order()
        .domain_id(id)
        .body(
            types::PreOrderCreateRequest::builder()
                .apply_date(today + Duration::days(14))
                .product_id(types::PaidProductId::Std)
                .plan(types::PaidPlan::AnnualLicense)
                .license_count(20)
                .build(),
        )
        .send()
        .await?;
    let p = &pre.subscription_pre_orders[0];
    println!(
        "6. the trial becomes Standard with 20 licences on {} (a pre-order)",
        p.apply_date
    );

    let usage = api
        .create_usage_status_renewal()
        .domain_id(id)
        .body_map(|b| {
            b.apply_date(today + Duration::days(30))
                .max_member_count(Nullable::Value(50))
        })
        .send()
        .await?;
    if let Some(r) = usage.renewal {
        println!(
            "7. user limit scheduled to become {} on {}",
            r.max_member_count.unwrap_or_default(),
            r.apply_date
        );
    }

    let mut pages = 0;
    let mut customers = 0;
    let mut stream = std::pin::pin!(api.list_customers().count(5).pages());
    while let Some(page) = stream.try_next().await? {
        pages += 1;
        customers += page.customers.len();
    }
    println!("8. the partner has {customers} customers, listed in {pages} pages of 5");

    let last_month = today.with_day(1).unwrap_or(today) - Duration::days(1);
    let usages = api
        .list_customer_usages()
        .domain_id(10_000_001)
        .year(today.year())
        .month(today.month() as i32)
        .send()
        .await?;
    let invoices = api.list_invoices().year(last_month.year()).send().await?;
    let total: i64 = invoices
        .invoices
        .iter()
        .filter_map(|i| i.total_amount)
        .sum();
    println!(
        "9. customer 10000001 has {} usage records this month; {} invoices in {} total {total} yen",
        usages.usages.len(),
        invoices.invoices.len(),
        last_month.year()
    );

    let end = today.with_day(1).unwrap_or(today) + Duration::days(62);
    let status = api
        .update_usage_status_partially()
        .domain_id(id)
        .body_map(|b| b.withdrawal_date(Nullable::Value(end)))
        .send()
        .await?;
    println!(
        "10. cancellation scheduled for {}",
        status
            .withdrawal_date
            .map(|d| d.to_string())
            .unwrap_or_default()
    );
    Ok(())
}

async fn read_only(api: &Client) -> Result {
    println!("credentials found: reading from the real API");
    let page = api.list_customers().count(10).send().await?;
    for c in &page.customers {
        println!("{}\t{}\t{}", c.domain_id, c.domain, c.company_name);
    }
    let year = Utc::now().year();
    let invoices = api.list_invoices().year(year).send().await?;
    println!("{} invoices in {year}", invoices.invoices.len());
    Ok(())
}
