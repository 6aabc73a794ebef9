//! Calls per second against the sandbox on loopback with 64 concurrent clients.
//!
//! `cargo bench -p lineworks-partner-sandbox --bench throughput` (env: `SECONDS=5`, `CLIENTS=64`).
//! Mixes reads (get customer, list customers) and writes (patch customer) through the
//! generated client, so the figure includes request checking and JSON on both sides.

use lineworks_partner::{Client, Credentials, RetryPolicy, types};
use lineworks_partner_sandbox::{Sandbox, Seed};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let seconds = env("SECONDS", 5).clamp(1, 60);
    let clients = env("CLIENTS", 64).clamp(1, 512) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let sandbox = Sandbox::builder()
            .seed(Seed::demo())
            .start()
            .await
            .expect("sandbox starts");
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .credentials(Credentials::access_token("bench"))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("client");
        let done = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let tasks: Vec<_> = (0..clients)
            .map(|i| {
                let (client, done, failed) = (client.clone(), done.clone(), failed.clone());
                tokio::spawn(async move {
                    let mut n = 0u64;
                    // Bounded by the deadline; each call is a few hundred microseconds.
                    while Instant::now() < deadline {
                        let ok = match n % 4 {
                            0 | 1 => client
                                .get_customer()
                                .domain_id(10_000_001)
                                .send()
                                .await
                                .is_ok(),
                            2 => client.list_customers().count(10).send().await.is_ok(),
                            _ => client
                                .update_customer_partially()
                                .domain_id(10_000_001 + (i as i64 % 12))
                                .body(types::CustomerPatchRequest {
                                    company_name: Some(format!("Bench {n}")),
                                    ..Default::default()
                                })
                                .send()
                                .await
                                .is_ok(),
                        };
                        n += 1;
                        if ok { &done } else { &failed }.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        let started = Instant::now();
        for t in tasks {
            let _ = t.await;
        }
        let elapsed = started.elapsed().as_secs_f64();
        let ok = done.load(Ordering::Relaxed);
        println!(
            "{clients} clients, {seconds} s: {ok} calls ({} failed), {:.0} calls/s",
            failed.load(Ordering::Relaxed),
            ok as f64 / elapsed
        );
        sandbox.shutdown().await;
    });
}
