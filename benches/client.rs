//! Figures for the closing notes, measured against a server on 127.0.0.1 in the same process:
//!
//! 1. per-call latency and throughput (1 and 64 concurrent calls) of the generated client with
//!    every hand-written layer on, versus a hand-written `reqwest` + `serde_json` call;
//! 2. the cost of the auth + retry layers versus a bare generated call;
//! 3. 1,000 concurrent first calls with a service account: time and token requests;
//! 4. peak heap while streaming 100,000 customers (3,334 pages) versus collecting them.
//!
//! `cargo bench --bench client` (release build). Speed is reported here, never asserted in tests.

use axum::extract::{Query, State};
use axum::routing::{get, post};
use futures_util::{StreamExt, TryStreamExt};
use lineworks_partner::auth::ServiceAccount;
use lineworks_partner::{Client, Credentials, RetryPolicy, types};
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts live heap bytes and their peak, to compare streaming with collecting.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const CUSTOMERS: usize = 100_000;
const PAGE: usize = 30;

fn customer_json(id: usize) -> serde_json::Value {
    serde_json::json!({
        "tenantId": id, "domainId": id, "domain": format!("c{id}.example.com"),
        "productId": "STD", "companyName": format!("Customer {id}"), "phoneNumber": "03-0000-0000",
        "timeZone": "Asia/Tokyo", "locale": "ja_JP", "enableActiveMxrecord": true,
        "enableActiveDomain": true, "domainType": "DOMAIN",
        "administrator": {"lastName": "Works", "firstName": "Admin", "id": "admin",
                          "privateEmail": "admin@example.com"},
        "partnership": {"status": "APPROVED", "customerCode": format!("code-{id}"), "memo": "memo"}
    })
}

struct Fake {
    one: String,
    token_requests: AtomicU64,
}

async fn serve() -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake {
        one: customer_json(10000001).to_string(),
        token_requests: AtomicU64::new(0),
    });
    let app = axum::Router::new()
        .route(
            "/v1.0/partners/customers/{id}",
            get(|State(f): State<Arc<Fake>>| async move {
                ([("content-type", "application/json")], f.one.clone())
            }),
        )
        .route(
            "/v1.0/partners/customers",
            get(|Query(q): Query<HashMap<String, String>>| async move {
                let start: usize = q.get("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
                let count: usize = q.get("count").and_then(|c| c.parse().ok()).unwrap_or(10);
                let end = (start + count).min(CUSTOMERS);
                let customers: Vec<_> = (start..end).map(customer_json).collect();
                let mut meta = serde_json::json!({});
                if end < CUSTOMERS {
                    meta["nextCursor"] = end.to_string().into();
                }
                axum::Json(serde_json::json!({"customers": customers, "responseMetaData": meta}))
            }),
        )
        .route(
            "/token",
            post(|State(f): State<Arc<Fake>>| async move {
                f.token_requests.fetch_add(1, Ordering::SeqCst);
                // The token endpoint is slow, as real ones are: makes a stampede visible.
                tokio::time::sleep(Duration::from_millis(50)).await;
                axum::Json(
                    serde_json::json!({"access_token": "bench-token", "token_type": "Bearer",
                                              "scope": "partner", "expires_in": "86400"}),
                )
            }),
        )
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, fake)
}

fn service_account(url: &str) -> ServiceAccount {
    ServiceAccount::builder()
        .client_id("bench")
        .client_secret("bench-secret")
        .service_account_id("bench@example.com")
        .private_key_pem(include_str!("../tests/fixtures/test_key_pkcs8.pem"))
        .token_url(format!("{url}/token"))
        .build()
        .unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// CPU time used by the whole process so far (client and in-process server).
fn process_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given and nothing else.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "CLOCK_PROCESS_CPUTIME_ID is available on Linux");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// One batch: `calls` calls with `concurrency` in flight; every call timed on its own.
async fn batch<F, Fut>(calls: usize, concurrency: usize, call: &F) -> (Vec<Duration>, f64)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let started = Instant::now();
    let latencies: Vec<Duration> = futures_util::stream::iter(0..calls)
        .map(|_| async {
            let t = Instant::now();
            call().await;
            t.elapsed()
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    (latencies, calls as f64 / started.elapsed().as_secs_f64())
}

/// Median per-call latency and median calls per second of each variant, measured in
/// interleaved rounds so that drift (CPU frequency, the other core) hits all variants alike.
async fn compare<F, Fut>(
    variants: &[(&str, F)],
    calls: usize,
    concurrency: usize,
    rounds: usize,
) -> Vec<(Duration, f64, Duration)>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for (_, call) in variants {
        batch(calls / 4, concurrency, call).await;
    }
    let mut latencies = vec![Vec::new(); variants.len()];
    let mut throughputs = vec![Vec::new(); variants.len()];
    let mut cpu = vec![Duration::ZERO; variants.len()];
    for _ in 0..rounds {
        for (i, (_, call)) in variants.iter().enumerate() {
            let before = process_cpu();
            let (l, t) = batch(calls, concurrency, call).await;
            cpu[i] += process_cpu() - before;
            latencies[i].extend(l);
            throughputs[i].push(t);
        }
    }
    let total_calls = (calls * rounds) as u32;
    latencies
        .into_iter()
        .zip(throughputs)
        .zip(cpu)
        .map(|((l, mut t), cpu)| {
            t.sort_by(f64::total_cmp);
            (median(l), t[t.len() / 2], cpu / total_calls)
        })
        .collect()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let (url, fake) = serve().await;
    let base = format!("{url}/v1.0");
    let calls = 3_000;

    // 1. Generated client with every layer (validation, service-account auth, retries,
    // tracing span) versus reqwest + serde_json by hand.
    let full = Client::builder()
        .base_url(&base)
        .credentials(Credentials::service_account(service_account(&url)))
        .build()
        .unwrap();
    let bare = Client::builder()
        .base_url(&base)
        .without_credentials()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    // Configured as the crate configures its own client, so the comparison is of the code
    // around the request, not of timer settings.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    type Call = Box<dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>>;
    let by_hand: Call = {
        let http = http.clone();
        let url = format!("{base}/partners/customers/10000001");
        Box::new(move || {
            let (http, url) = (http.clone(), url.clone());
            Box::pin(async move {
                let bytes = http
                    .get(url)
                    .bearer_auth("bench-token")
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                let _: types::Customer = serde_json::from_slice(&bytes).unwrap();
            })
        })
    };
    let generated = |client: &Client| -> Call {
        let client = client.clone();
        Box::new(move || {
            let client = client.clone();
            Box::pin(async move {
                client
                    .get_customer()
                    .domain_id(10000001)
                    .send()
                    .await
                    .unwrap();
            })
        })
    };
    let variants = [
        ("by hand", by_hand),
        ("generated + layers", generated(&full)),
        ("bare generated", generated(&bare)),
    ];
    // `BENCH_PROFILE=list-all` streams the 100,000 customers once and prints wall and CPU
    // time: one sample, for a script that interleaves two builds (before/after a change) or
    // for callgrind, which counts instructions whatever the machine's load.
    if std::env::var("BENCH_PROFILE").as_deref() == Ok("list-all") {
        let (before, started) = (process_cpu(), Instant::now());
        let streamed = stream_all(&bare).await;
        assert_eq!(streamed, CUSTOMERS);
        println!(
            "list-all {streamed} customers: wall {:.1} ms, CPU {:.1} ms (client + server)",
            started.elapsed().as_secs_f64() * 1e3,
            (process_cpu() - before).as_secs_f64() * 1e3
        );
        return;
    }
    // `BENCH_PROFILE=<variant>` (with `BENCH_CONCURRENCY=n`, default 1) runs that variant alone
    // for 30,000 calls and prints its figures, for `perf stat` or a profiler to watch.
    if let Ok(name) = std::env::var("BENCH_PROFILE") {
        let (_, call) = variants
            .iter()
            .find(|(n, _)| *n == name)
            .expect("a variant name");
        let concurrency = std::env::var("BENCH_CONCURRENCY")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(1);
        batch(calls, concurrency, call).await;
        let (before, started) = (process_cpu(), Instant::now());
        for _ in 0..10 {
            batch(calls, concurrency, call).await;
        }
        let n = (calls * 10) as u32;
        println!(
            "{name}, concurrency {concurrency}: {:.0} calls/s, {:?} CPU per call (client + server)",
            f64::from(n) / started.elapsed().as_secs_f64(),
            (process_cpu() - before) / n
        );
        return;
    }
    println!(
        "GET one customer, {calls} calls per batch, 7 interleaved rounds, loopback, 2 worker threads"
    );
    for concurrency in [1, 64] {
        let r = compare(&variants, calls, concurrency, 7).await;
        for ((name, _), (latency, throughput, cpu)) in variants.iter().zip(&r) {
            println!(
                "  concurrency {concurrency:>2}  {name:<19} median {latency:>10.1?}  {throughput:>7.0} calls/s  {cpu:>8.1?} CPU per call (client + server)"
            );
        }
        println!(
            "  concurrency {concurrency:>2}  generated+layers / by hand: latency {:.3}, throughput {:.3}, CPU {:.3}; layers / bare: latency {:.3}, throughput {:.3}, CPU {:.3}",
            r[1].0.as_secs_f64() / r[0].0.as_secs_f64(),
            r[1].1 / r[0].1,
            r[1].2.as_secs_f64() / r[0].2.as_secs_f64(),
            r[1].0.as_secs_f64() / r[2].0.as_secs_f64(),
            r[1].1 / r[2].1,
            r[1].2.as_secs_f64() / r[2].2.as_secs_f64(),
        );
    }

    let generated = |client: &Client| {
        let client = client.clone();
        async move {
            client
                .get_customer()
                .domain_id(10000001)
                .send()
                .await
                .unwrap();
        }
    };
    // 3. A stampede of first calls shares one token request.
    let before = fake.token_requests.load(Ordering::SeqCst);
    let fresh = Client::builder()
        .base_url(&base)
        .credentials(Credentials::service_account(service_account(&url)))
        .build()
        .unwrap();
    let started = Instant::now();
    futures_util::stream::iter(0..1_000)
        .for_each_concurrent(1_000, |_| generated(&fresh))
        .await;
    println!(
        "1,000 concurrent first calls: {:?}, {} token request(s)",
        started.elapsed(),
        fake.token_requests.load(Ordering::SeqCst) - before
    );

    // 4. Peak heap: streaming versus collecting 100,000 customers.
    let baseline = LIVE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let started = Instant::now();
    let streamed = stream_all(&bare).await;
    let stream_peak = PEAK.load(Ordering::Relaxed) - baseline;
    let stream_time = started.elapsed();
    let baseline = LIVE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let started = Instant::now();
    let collected = bare
        .list_customers()
        .count(PAGE as i64)
        .collect_all()
        .await
        .unwrap();
    let collect_peak = PEAK.load(Ordering::Relaxed) - baseline;
    println!(
        "{streamed} customers streamed in {stream_time:?} ({} pages): peak heap {:.1} MiB; collected {} in {:?}: peak heap {:.1} MiB (includes the in-process server)",
        CUSTOMERS.div_ceil(PAGE),
        stream_peak as f64 / 1048576.0,
        collected.len(),
        started.elapsed(),
        collect_peak as f64 / 1048576.0
    );
}

/// Every customer, page by page, counted and dropped: one page in memory at a time.
async fn stream_all(client: &Client) -> usize {
    client
        .list_customers()
        .count(PAGE as i64)
        .stream()
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap()
}
