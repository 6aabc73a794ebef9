//! A month's invoice lines as CSV: one row per settlement line, with every field the API sent
//! for it, the ones the spec names and the ones it cannot (its reference pages stop inside
//! that object, so amounts and prices may follow: `SettlementItem::extra` keeps them).
//!
//! ```text
//! cargo run -p examples --bin billing_export                 # last month, against the sandbox
//! cargo run -p examples --bin billing_export -- 2026 10 > invoice-lines-2026-10.csv
//! ```
//!
//! Without credentials in the environment it starts the in-memory sandbox with demo data and
//! its test fields on (`sandboxTestField…`: made-up fields standing in for what the real API
//! sends, never real field names), so the extra columns show. With credentials
//! (`LW_ACCESS_TOKEN`, or the service-account variables) it reads the real API.

use chrono::{Datelike, Months, NaiveDate, Utc};
use futures_util::TryStreamExt;
use lineworks_partner::{Client, Credentials, types};
use lineworks_partner_sandbox::{Sandbox, Seed};
use serde_json::{Map, Value};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The customer columns every row starts with, then the line's own fields.
const CUSTOMER_COLUMNS: [&str; 3] = ["domainId", "domain", "customerName"];

#[tokio::main]
async fn main() -> Result {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if Credentials::from_env()?.is_some() {
        let (year, month) = month(&args, Utc::now().date_naive())?;
        return export(&Client::from_env()?, year, month).await;
    }
    let sandbox = Sandbox::builder()
        .seed(Seed::demo())
        .test_fields(true)
        .start()
        .await?;
    eprintln!(
        "no credentials found: reading a sandbox at {} (with its test fields on)",
        sandbox.base_url()
    );
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(Credentials::access_token("sandbox"))
        .build()?;
    let (year, month) = month(&args, sandbox.today())?;
    export(&client, year, month).await?;
    sandbox.shutdown().await;
    Ok(())
}

/// `YEAR MONTH` from the arguments, else the month before `today` (the last invoiced one).
fn month(args: &[String], today: NaiveDate) -> Result<(i32, i32)> {
    match args {
        [] => {
            let last = today.with_day(1).ok_or("no first day")? - Months::new(1);
            Ok((last.year(), last.month() as i32))
        }
        [y, m] => Ok((y.parse()?, m.parse()?)),
        _ => Err("usage: billing_export [YEAR MONTH]".into()),
    }
}

async fn export(client: &Client, year: i32, month: i32) -> Result {
    // Every customer's lines, page after page; a page holds at most 20 customers.
    let details: Vec<types::InvoiceDetail> = client
        .list_invoice_details()
        .year(year)
        .month(month)
        .stream()
        .try_collect()
        .await?;
    let mut rows: Vec<Map<String, Value>> = Vec::new();
    for detail in &details {
        for item in &detail.settlement_items {
            let mut row = Map::new();
            row.insert("domainId".into(), detail.domain_id.into());
            row.insert("domain".into(), detail.domain.clone().into());
            row.insert("customerName".into(), detail.customer_name.clone().into());
            // `Serialize` writes the known fields and, flattened beside them, `extra`: every
            // field the API sent for this line.
            let Value::Object(fields) = serde_json::to_value(item)? else {
                return Err("a settlement line is not a JSON object".into());
            };
            row.extend(fields);
            rows.push(row);
        }
    }
    // The header: every field any line had, in the order first seen, so a field only some
    // lines carry still gets its column.
    let mut header: Vec<String> = CUSTOMER_COLUMNS.iter().map(|c| c.to_string()).collect();
    for row in &rows {
        for key in row.keys() {
            if !header.contains(key) {
                header.push(key.clone());
            }
        }
    }
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    out.write_record(&header)?;
    for row in &rows {
        out.write_record(header.iter().map(|h| cell(row.get(h))))?;
    }
    out.flush()?;
    eprintln!(
        "{} line(s) of {} customer(s) for {year}-{month:02}",
        rows.len(),
        details.len()
    );
    Ok(())
}

/// Text as is, other values as JSON, absent and `null` as an empty cell.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}
