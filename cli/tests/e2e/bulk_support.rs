//! A sandbox of customers with one paid subscription each, the CSV of a per-row renewal change
//! for them, and readers of the sandbox's log and a journal.

use crate::support::TOKEN;
use lineworks_partner_sandbox::{Sandbox, Seed};
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;

pub const OP: &str = "update_subscription_renewal";

/// The subscription of customer `i` (0-based).
pub fn subscription_id(i: usize) -> i64 {
    30_000_001 + i as i64
}

/// The renewal licence count row `i` asks for (every one differs from the seed's 10).
pub fn target_count(i: usize) -> i64 {
    20 + i as i64
}

/// `n` customers, each with an annual-licence STD subscription of 10 licences; `latency_ms`
/// per answer so a kill lands mid-run; a held answer is released after 10 s (the client's
/// `--timeout` gives up well before).
pub async fn sandbox(n: usize, latency_ms: u64) -> Sandbox {
    let customers: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"domain": "c{i:04}.example", "companyName": "Company {i}",
                "subscriptions": [{{"subscriptionId": {}, "productId": "STD",
                "plan": "ANNUAL_LICENSE", "licenseCount": 10}}]}}"#,
                subscription_id(i)
            )
        })
        .collect();
    let seed = Seed::from_json(&format!(r#"{{"customers": [{}]}}"#, customers.join(",")))
        .expect("seed parses");
    Sandbox::builder()
        .seed(seed)
        .token(TOKEN)
        .latency(latency_ms)
        .lost_answer_delay(Duration::from_secs(10))
        .start()
        .await
        .expect("sandbox starts")
}

/// `domainId,subscriptionId,licenseCount` for the first `n` customers.
pub fn csv(n: usize) -> String {
    let mut text = String::from("domainId,subscriptionId,licenseCount\n");
    for i in 0..n {
        text.push_str(&format!(
            "{},{},{}\n",
            10_000_001 + i as i64,
            subscription_id(i),
            target_count(i)
        ));
    }
    text
}

/// Per subscription id: how many renewal changes the sandbox applied (a 2xx, including an
/// answer it then withheld).
pub fn applied_changes(sb: &Sandbox) -> HashMap<i64, usize> {
    let mut out = HashMap::new();
    for r in sb.requests() {
        if r.operation.as_deref() == Some(OP) && (200..300).contains(&r.status) {
            let sid: i64 = r
                .path
                .split('/')
                .nth(6)
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("a subscription id in {}", r.path));
            *out.entry(sid).or_default() += 1;
        }
    }
    out
}

/// The renewal licence count of each subscription in the sandbox's state.
pub fn renewal_counts(sb: &Sandbox) -> HashMap<i64, Option<i64>> {
    let state = sb.state();
    let mut out = HashMap::new();
    for c in state["customers"].as_array().expect("customers") {
        for s in c["subscriptions"].as_array().into_iter().flatten() {
            let sid = s["subscription"]["subscriptionId"].as_i64().expect("id");
            let count = s["subscription"]["renewal"]["licenseCount"].as_i64();
            out.insert(sid, count);
        }
    }
    out
}

/// Each key's last outcome in a journal (`skipped` lines keep what the row was), and the
/// header.
pub fn journal(path: &std::path::Path) -> (Value, HashMap<String, String>) {
    let text = std::fs::read_to_string(path).expect("journal");
    let mut lines = text.lines();
    let header: Value = serde_json::from_str(lines.next().expect("header")).expect("json");
    let mut last = HashMap::new();
    for line in lines {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let outcome = v["outcome"].as_str().expect("outcome").to_string();
        assert!(v["time"].is_string(), "{line}");
        if outcome != "skipped" {
            last.insert(v["key"].as_str().expect("key").to_string(), outcome);
        }
    }
    (header, last)
}
