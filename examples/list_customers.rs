//! Prints one line per customer, across all pages.
//!
//! ```text
//! LW_ACCESS_TOKEN=... cargo run -p examples --bin list_customers
//! ```
//!
//! Against a local sandbox: start `cargo run -p lineworks-partner-sandbox -- --demo` and set
//! `LW_API_BASE_URL=http://127.0.0.1:8080/v1.0` and any `LW_ACCESS_TOKEN`.
//!
//! On failure it prints the error as a sentence, then each cause in its own words, and exits
//! with status 1.

use futures_util::TryStreamExt;
use lineworks_partner::Client;
use std::error::Error as _;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            // The message already quotes the causes it needs; list only those that add to it.
            let mut said = e.to_string();
            let mut cause = e.source();
            while let Some(c) = cause {
                let text = c.to_string();
                if !said.contains(&text) {
                    eprintln!("  caused by: {text}");
                    said.push_str(&text);
                }
                cause = c.source();
            }
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), lineworks_partner::Error> {
    let client = Client::from_env()?;
    // The largest page the operation allows, so a long list takes few calls.
    let mut customers = std::pin::pin!(client.list_customers().count(30).stream());
    while let Some(c) = customers.try_next().await? {
        // `productId` is deprecated (the subscriptions hold the plan) but still returned.
        #[allow(deprecated)]
        let plan = c.product_id.as_ref().map_or("-", |p| p.as_str());
        println!(
            "{}\t{}\t{}\t{}",
            c.domain_id, c.domain, plan, c.company_name
        );
    }
    Ok(())
}
