//! Parallel writes: every one answered, none lost or torn, the totals exact.

mod common;

use common::{client, demo};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_licence_additions_add_up_exactly() {
    const TASKS: usize = 50;
    const EACH: usize = 32;
    let sb = demo().await;
    let api = Arc::new(client(&sb));
    let started = std::time::Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move {
                let mut statuses = Vec::with_capacity(EACH);
                for _ in 0..EACH {
                    let r = api
                        .add_license_count()
                        .domain_id(10_000_001)
                        .subscription_id(20_000_001)
                        .body_map(|b| b.license_count(1))
                        .send()
                        .await;
                    statuses.push(
                        r.map(|_| 200)
                            .unwrap_or_else(|e| e.status().map_or(0, |s| s.as_u16())),
                    );
                }
                statuses
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.extend(t.await.expect("task ends"));
    }
    let elapsed = started.elapsed();
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let server_errors = statuses.iter().filter(|s| **s >= 500).count();
    eprintln!(
        "{} writes from {TASKS} tasks in {elapsed:?}: {ok} answered 200, {server_errors} 5xx",
        statuses.len()
    );
    assert_eq!(ok, TASKS * EACH, "statuses: {statuses:?}");
    let s = api
        .get_subscription()
        .domain_id(10_000_001)
        .subscription_id(20_000_001)
        .send()
        .await
        .unwrap();
    assert_eq!(s.license_count, Some(50 + (TASKS * EACH) as i32));
    let log = sb.requests();
    assert_eq!(
        log.iter()
            .filter(|r| r.operation.as_deref() == Some("add_license_count") && r.status == 200)
            .count(),
        TASKS * EACH
    );
}
