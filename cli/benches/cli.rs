//! Figures for the closing notes of the CLI (release build, `cargo bench -p lineworks-partner-cli`):
//!
//! - `list`: `lineworks-partner list-customers --all -o ndjson` over 150,000 customers (5,000
//!   pages of 30) from a fast in-process server, against a hand-written `reqwest` + `serde_json`
//!   lister writing one line per customer; runs interleaved, wall time as ratios with the spread,
//!   and the CLI's peak RSS (VmHWM) at 15,000 and 150,000 customers (flat memory).
//! - `each`: `get-usage-status --each-customer` over 500 customers against the sandbox with a
//!   server-side limit and the same `--rate-limit` (default 1200/min; `BENCH_RATE`,
//!   `BENCH_CUSTOMERS`): achieved rate against the limit, the 429s the sandbox answered and
//!   those left unhandled (customers that failed with a 429), and the exit code. The client
//!   spreads calls over the minute (N/60 a second), so the limit binds from the first second.
//!   The rate is limiter-bound, so a dev build gives the same figure:
//!   `cargo bench -p lineworks-partner-cli --bench cli --profile dev -- each`.
//!
//! - `bulk`: `update-subscription-renewal --each-row` over 5,000 rows (per-row subscription id
//!   and licence count) against the sandbox with a server-side limit and the same
//!   `--rate-limit` (default 30,000/min; `BENCH_RATE`, `BENCH_ROWS`, `BENCH_RUNS`): achieved
//!   rate against the limit, with the journal and without it (hidden `--no-journal`), runs
//!   interleaved, each pair on a fresh sandbox; the median and the spread.
//!
//! Speed is reported here, never asserted in tests.

use axum::extract::{Query, State};
use axum::routing::get;
use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PAGE: usize = 30;
const TOKEN: &str = "bench";

fn customer(id: usize) -> serde_json::Value {
    serde_json::json!({
        "tenantId": id, "domainId": id, "domain": format!("c{id}.example.com"),
        "productId": "STD", "companyName": format!("Customer {id}"), "phoneNumber": "03-0000-0000",
        "timeZone": "Asia/Tokyo", "locale": "ja_JP", "enableActiveMxrecord": true,
        "enableActiveDomain": true, "domainType": "DOMAIN",
        "partnership": {"status": "APPROVED", "enablePartnerProfileDisplay": true}
    })
}

/// Every page serialised once; a request costs a map lookup and a copy of the bytes.
struct Pages(Vec<bytes::Bytes>);

async fn page(
    State(pages): State<Arc<Pages>>,
    Query(q): Query<HashMap<String, String>>,
) -> axum::response::Response {
    let index: usize = q.get("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = pages.0.get(index).cloned().unwrap_or_default();
    axum::response::Response::builder()
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body))
        .expect("static response")
}

/// Starts the server on its own runtime thread; returns the base URL.
fn serve(customers: usize) -> String {
    let count = customers.div_ceil(PAGE);
    let pages: Vec<bytes::Bytes> = (0..count)
        .map(|p| {
            let items: Vec<_> = (p * PAGE..((p + 1) * PAGE).min(customers))
                .map(|i| customer(10_000_000 + i))
                .collect();
            let mut page = serde_json::json!({ "customers": items });
            if p + 1 < count {
                page["responseMetaData"] = serde_json::json!({ "nextCursor": (p + 1).to_string() });
            }
            bytes::Bytes::from(serde_json::to_vec(&page).expect("serialisable"))
        })
        .collect();
    let app = axum::Router::new()
        .route("/v1.0/partners/customers", get(page))
        .with_state(Arc::new(Pages(pages)));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    format!("http://{addr}/v1.0")
}

fn cli(base_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lineworks-partner"));
    cmd.env("LW_API_BASE_URL", base_url)
        .env("LW_ACCESS_TOKEN", TOKEN)
        .env_remove("LW_PROFILE");
    cmd
}

/// Runs the CLI, stdout to /dev/null; wall time and its peak RSS in KiB.
///
/// The peak is `VmHWM` of `/proc/PID/status`, polled while it runs: per address space, so it is
/// the CLI's own (getrusage's children maximum would count the bench's pages a fork shares).
fn run_cli(base_url: &str) -> (Duration, u64) {
    let started = Instant::now();
    let mut child = cli(base_url)
        .args(["list-customers", "--all", "--count", "30", "-o", "ndjson"])
        .stdout(Stdio::null())
        .spawn()
        .expect("the CLI runs");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(0);
            peak = peak.max(hwm);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    assert!(status.success());
    (elapsed, peak)
}

/// The hand-written lister: reqwest, serde_json, one line per customer to /dev/null.
fn run_baseline(base_url: &str) -> Duration {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let mut out = std::io::BufWriter::new(std::fs::File::create("/dev/null").expect("null"));
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![("count", "30".to_string())];
            if let Some(c) = &cursor {
                query.push(("cursor", c.clone()));
            }
            let page: serde_json::Value = http
                .get(format!("{base_url}/partners/customers"))
                .bearer_auth(TOKEN)
                .query(&query)
                .send()
                .await
                .expect("answer")
                .json()
                .await
                .expect("json");
            for c in page["customers"].as_array().into_iter().flatten() {
                serde_json::to_writer(&mut out, c).expect("write");
                out.write_all(b"\n").expect("write");
            }
            match page
                .pointer("/responseMetaData/nextCursor")
                .and_then(|c| c.as_str())
            {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        out.flush().expect("flush");
    });
    started.elapsed()
}

fn list() {
    // BENCH_LIST_CUSTOMERS shrinks the run (e.g. to try the bench itself in a debug build).
    let large: usize = std::env::var("BENCH_LIST_CUSTOMERS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(150_000);
    let small = serve(large / 10);
    let (_, rss_small) = run_cli(&small);
    let base = serve(large);
    let rounds = 5;
    let mut ratios = Vec::new();
    let mut rss_large = 0;
    for round in 0..rounds {
        // Alternate which goes first, so drift on a shared machine hits both.
        let (cli_time, rss, baseline) = if round % 2 == 0 {
            let (t, r) = run_cli(&base);
            (t, r, run_baseline(&base))
        } else {
            let b = run_baseline(&base);
            let (t, r) = run_cli(&base);
            (t, r, b)
        };
        rss_large = rss_large.max(rss);
        let ratio = cli_time.as_secs_f64() / baseline.as_secs_f64();
        println!(
            "round {round}: cli {:.2} s, hand-written {:.2} s, ratio {ratio:.3}",
            cli_time.as_secs_f64(),
            baseline.as_secs_f64()
        );
        ratios.push(ratio);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "list-customers --all -o ndjson, {large} customers: cli/hand-written wall time median {:.3} (min {:.3}, max {:.3}, {rounds} interleaved rounds); goal <= 1.10",
        ratios[rounds / 2],
        ratios[0],
        ratios[rounds - 1]
    );
    println!(
        "peak RSS (VmHWM) of the CLI: {rss_small} KiB at {} customers, {rss_large} KiB at {large} (max over the rounds)",
        large / 10
    );
}

fn each() {
    let rate: u32 = std::env::var("BENCH_RATE")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1200);
    let customers: usize = std::env::var("BENCH_CUSTOMERS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(500);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let list: Vec<String> = (0..customers)
        .map(|i| format!(r#"{{"domain": "e{i:05}.example"}}"#))
        .collect();
    let seed = lineworks_partner_sandbox::Seed::from_json(&format!(
        r#"{{"customers": [{}]}}"#,
        list.join(",")
    ))
    .expect("seed");
    let sandbox = rt.block_on(async {
        lineworks_partner_sandbox::Sandbox::builder()
            .seed(seed)
            .token(TOKEN)
            .rate_limit_per_minute(rate)
            .start()
            .await
            .expect("sandbox")
    });
    let ids: String = (0..customers)
        .map(|i| format!("{}\n", 10_000_001 + i))
        .collect();
    let ids_file = std::env::temp_dir().join(format!("lw-bench-ids-{}", std::process::id()));
    std::fs::write(&ids_file, ids).expect("ids file");
    let started = Instant::now();
    let out = cli(&sandbox.base_url())
        .args(["get-usage-status", "--each-customer", "-o", "ndjson"])
        .args(["--rate-limit", &format!("{rate}/min"), "--domain-ids"])
        .arg(&ids_file)
        .output()
        .expect("the CLI runs");
    let elapsed = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&ids_file);
    let rows = String::from_utf8_lossy(&out.stdout).lines().count();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let unhandled = stderr.lines().filter(|l| l.contains("429")).count();
    let log = sandbox.requests();
    let answered_429 = log.iter().filter(|r| r.status == 429).count();
    let achieved = customers as f64 / elapsed * 60.0;
    // The fastest schedule the limiter allows: bursts of N/60 calls (at least one), one burst
    // per 60 · burst / N seconds.
    let burst = (rate / 60).max(1) as usize;
    let span = 60.0 * burst as f64 / f64::from(rate);
    let ideal = (customers.div_ceil(burst) - 1) as f64 * span;
    // Without the first burst, which the limiter lets through at 0 s: the rate it then holds.
    let steady = (customers - burst.min(customers)) as f64 / elapsed * 60.0;
    println!(
        "--each-customer over {customers} customers at --rate-limit {rate}/min (sandbox limit the same): exit {:?}, {rows} rows, {elapsed:.1} s, achieved {achieved:.0}/min = {:.1}% of the limit (after the first burst {steady:.0}/min = {:.1}%); fastest compliant schedule {ideal:.1} s; 429s answered by the sandbox {answered_429} ({} requests in all), left unhandled {unhandled}; stderr (first and last lines): {:?} {:?}",
        out.status.code(),
        achieved / f64::from(rate) * 100.0,
        steady / f64::from(rate) * 100.0,
        log.len(),
        stderr.lines().next().unwrap_or(""),
        stderr.lines().last().unwrap_or("")
    );
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn bulk() {
    let rate: u32 = env_or("BENCH_RATE", 30_000);
    let rows: usize = env_or("BENCH_ROWS", 5_000);
    let runs: usize = env_or("BENCH_RUNS", 3);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let customers: Vec<String> = (0..rows)
        .map(|i| {
            format!(
                r#"{{"domain": "b{i:05}.example", "subscriptions": [{{"subscriptionId": {},
                "productId": "STD", "plan": "ANNUAL_LICENSE", "licenseCount": 10}}]}}"#,
                30_000_001 + i
            )
        })
        .collect();
    let seed_json = format!(r#"{{"customers": [{}]}}"#, customers.join(","));
    let mut csv = String::from("domainId,subscriptionId,licenseCount\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "{},{},{}\n",
            10_000_001 + i,
            30_000_001 + i,
            20 + i % 100
        ));
    }
    let dir = std::env::temp_dir().join(format!("lw-bench-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let rows_file = dir.join("rows.csv");
    std::fs::write(&rows_file, csv).expect("rows file");
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for run in 0..runs {
        for (k, journal) in [true, false].into_iter().enumerate() {
            let seed = lineworks_partner_sandbox::Seed::from_json(&seed_json).expect("seed");
            let sandbox = rt.block_on(async {
                lineworks_partner_sandbox::Sandbox::builder()
                    .seed(seed)
                    .token(TOKEN)
                    .rate_limit_per_minute(rate)
                    .start()
                    .await
                    .expect("sandbox")
            });
            let mut cmd = cli(&sandbox.base_url());
            cmd.args([
                "update-subscription-renewal",
                "--type",
                "CHANGE",
                "--plan",
                "ANNUAL_LICENSE",
            ])
            .args([
                "-o",
                "ndjson",
                "--concurrency",
                "8",
                "--rate-limit",
                &format!("{rate}/min"),
            ])
            .arg("--each-row")
            .arg(&rows_file);
            if journal {
                cmd.arg("--journal")
                    .arg(dir.join(format!("journal-{run}.ndjson")));
            } else {
                cmd.arg("--no-journal");
            }
            let started = Instant::now();
            let out = cmd.output().expect("the CLI runs");
            let elapsed = started.elapsed().as_secs_f64();
            let applied = sandbox
                .requests()
                .iter()
                .filter(|r| r.status == 200 && r.method == "PATCH")
                .count();
            let answered_429 = sandbox
                .requests()
                .iter()
                .filter(|r| r.status == 429)
                .count();
            println!(
                "bulk run {run} journal={journal}: exit {:?}, {applied} applied, {answered_429} 429s, {elapsed:.2} s, {:.0}/min",
                out.status.code(),
                rows as f64 / elapsed * 60.0
            );
            times[k].push(elapsed);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let stats = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[0], v[v.len() - 1])
    };
    let (with, with_lo, with_hi) = stats(&mut times[0]);
    let (without, without_lo, without_hi) = stats(&mut times[1]);
    println!(
        "bulk: {rows} rows at a {rate}/min limit (sandbox and --rate-limit): with the journal {with:.2} s (range {with_lo:.2}-{with_hi:.2}) = {:.0}/min = {:.1}% of the limit; without {without:.2} s (range {without_lo:.2}-{without_hi:.2}) = {:.0}/min; journal cost {:+.1}% of the wall time (medians of {runs} interleaved runs)",
        rows as f64 / with * 60.0,
        rows as f64 / with * 60.0 / f64::from(rate) * 100.0,
        rows as f64 / without * 60.0,
        (with / without - 1.0) * 100.0
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let all = args.is_empty();
    if all || args.iter().any(|a| a == "list") {
        list();
    }
    if args.iter().any(|a| a == "each") {
        each();
    }
    if args.iter().any(|a| a == "bulk") {
        bulk();
    }
}
