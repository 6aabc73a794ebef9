//! `--state FILE`: the binary killed mid-run loses nothing it acknowledged.

mod common;

use lineworks_partner::{Client, Credentials, RetryPolicy};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Starts the binary on a free port; returns it and its API base URL.
fn spawn(state: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lineworks-partner-sandbox"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--demo",
            "--today",
            "2025-06-10",
            "--state",
        ])
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the binary prints its URL");
    (child, line.trim().to_string())
}

fn api(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .credentials(Credentials::access_token("test"))
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client builds")
}

async fn licences(api: &Client) -> i32 {
    api.get_subscription()
        .domain_id(10_000_001)
        .subscription_id(20_000_001)
        .send()
        .await
        .expect("subscription reads")
        .license_count
        .expect("a licence count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_run_the_binary_keeps_every_acknowledged_write() {
    let dir = std::env::temp_dir().join(format!("lwp-sandbox-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let _ = std::fs::remove_file(&state);

    let (mut child, base) = spawn(&state);
    let client = api(&base);
    assert_eq!(licences(&client).await, 50);
    // Writers run until the process dies under them.
    let writers: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut acknowledged = 0;
                let mut attempted = 0;
                loop {
                    attempted += 1;
                    let r = client
                        .add_license_count()
                        .domain_id(10_000_001)
                        .subscription_id(20_000_001)
                        .body_map(|b| b.license_count(1))
                        .send()
                        .await;
                    match r {
                        Ok(_) => acknowledged += 1,
                        Err(_) => return (acknowledged, attempted),
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let (mut acknowledged, mut attempted) = (0, 0);
    for w in writers {
        let (a, t) = w.await.unwrap();
        acknowledged += a;
        attempted += t;
    }
    assert!(
        acknowledged > 0,
        "some writes were answered before the kill"
    );

    let (mut again, base) = spawn(&state);
    let kept = licences(&api(&base)).await - 50;
    again.kill().ok();
    again.wait().ok();
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        kept >= acknowledged && kept <= attempted,
        "kept {kept}, acknowledged {acknowledged}, attempted {attempted}"
    );
}
