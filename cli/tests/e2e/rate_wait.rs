//! A 429 whose reset the client waits for is said on stderr: a line of its own when stderr
//! is not a terminal, the progress line when it is.

use crate::support::{TOKEN, config, std_cli};
use lineworks_partner_sandbox::{Sandbox, Seed};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

/// Two customers and one call a minute per operation: the second page of
/// `--all --count 1` is answered 429 with a reset of about a minute.
async fn limited() -> Sandbox {
    let seed = Seed::from_json(
        r#"{"customers": [{"domain": "a.example", "companyName": "A"},
            {"domain": "b.example", "companyName": "B"}]}"#,
    )
    .unwrap();
    Sandbox::builder()
        .seed(seed)
        .token(TOKEN)
        .rate_limit_per_minute(1)
        .start()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_wait_is_a_line_on_stderr() {
    let sb = limited().await;
    let dir = config();
    let mut child = std_cli(&dir)
        .env("LW_API_BASE_URL", sb.base_url())
        .env("LW_ACCESS_TOKEN", TOKEN)
        .args(["list-customers", "--all", "--count", "1", "-o", "ndjson"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // The wait is about a minute: the line must come at its start, not after it.
    let line = rx.recv_timeout(std::time::Duration::from_secs(20));
    let _ = child.kill();
    let _ = child.wait();
    let line = line.expect("a line on stderr within 20 s");
    let secs: u64 = line
        .strip_prefix("rate limited; waiting ")
        .and_then(|rest| rest.strip_suffix(" s"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected line: {line:?}"));
    assert!((1..=90).contains(&secs), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_wait_shows_on_the_progress_line_of_a_terminal() {
    let sb = limited().await;
    let dir = config();
    let bin = env!("CARGO_BIN_EXE_lineworks-partner");
    // Under a pty (util-linux `script`), stopped after a few seconds of the wait.
    let out = std::process::Command::new("script")
        .env("XDG_CONFIG_HOME", dir.path())
        .env("LW_API_BASE_URL", sb.base_url())
        .env("LW_ACCESS_TOKEN", TOKEN)
        .env("TERM", "xterm")
        .env("COLUMNS", "120")
        .args([
            "-qec",
            &format!("timeout -s INT 4 {bin} list-customers --all --count 1 -o ndjson"),
            "/dev/null",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("util-linux `script` runs");
    let shown = String::from_utf8_lossy(&out.stdout);
    let bar = shown
        .split(['\r', '\n'])
        .find(|l| l.contains("rate limited; waiting"))
        .unwrap_or_else(|| panic!("no progress line with the wait: {shown:?}"));
    // The progress line itself: its item count is on it.
    assert!(bar.contains("1 item"), "{bar:?}");
}
