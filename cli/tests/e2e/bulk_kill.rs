//! A bulk write over 200 customers, stopped at seeded random points by SIGINT or SIGKILL with
//! the sandbox's faults armed, then resumed until done: every change is applied exactly once
//! (the sandbox's state and its request log) and the journal accounts for every row.

use crate::bulk_support::{
    OP, applied_changes, csv, journal, renewal_counts, sandbox, subscription_id, target_count,
};
use crate::support::{TOKEN, config, std_cli};
use std::process::{Command, Stdio};
use std::time::Duration;

const CUSTOMERS: usize = 200;
const RUNS: u64 = 20;

#[derive(Clone, Copy, Debug)]
enum Signal {
    Int,
    Kill,
}

fn command(dir: &tempfile::TempDir, base_url: &str, rows: &str) -> Command {
    let mut cmd = std_cli(dir);
    cmd.env("LW_API_BASE_URL", base_url)
        .env("LW_ACCESS_TOKEN", TOKEN)
        .args([
            "update-subscription-renewal",
            "--type",
            "CHANGE",
            "--plan",
            "ANNUAL_LICENSE",
        ])
        .args([
            "--each-row",
            rows,
            "-o",
            "ndjson",
            "--concurrency",
            "8",
            "--timeout",
            "0.3",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// One run; whether the signal stopped it (rather than landing after its end).
async fn one_run(signal: Signal, seed: u64) -> bool {
    let mut rng = fastrand::Rng::with_seed(seed);
    // 5 ms an answer, 8 at a time: the first run takes a few hundred ms; the signal lands
    // anywhere in it.
    let sb = sandbox(CUSTOMERS, 5).await;
    sb.fail_next(OP, 503, 2).unwrap();
    sb.time_out_after_applying(OP, 2).unwrap();
    sb.fail_next(OP, 504, 1).unwrap();
    let dir = config();
    let rows_path = dir.path().join("rows.csv");
    std::fs::write(&rows_path, csv(CUSTOMERS)).unwrap();
    let rows = rows_path.to_str().unwrap();
    let journal_path = dir.path().join("journal.ndjson");

    let mut child = command(&dir, &sb.base_url(), rows)
        .arg("--journal")
        .arg(&journal_path)
        .spawn()
        .unwrap();
    // The journal exists once the rows are checked and Ctrl-C is handled: from there on,
    // anywhere in the run.
    let started = std::time::Instant::now();
    while !journal_path.exists() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(2));
    }
    let wait = rng.u64(0..250);
    std::thread::sleep(Duration::from_millis(wait));
    match signal {
        Signal::Int => {
            let _ = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
        }
        Signal::Kill => {
            let _ = child.kill();
        }
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let ctx = format!("{signal:?} seed {seed} after {wait} ms");
    let stopped = match (signal, out.status.code()) {
        // Stopped: the summary names the journal to resume from.
        (Signal::Int, Some(130)) => {
            assert!(
                err.contains("interrupted: ") && err.contains("resume with --resume"),
                "{ctx}: {err}"
            );
            true
        }
        (Signal::Kill, None) => true,
        // The signal came after the end.
        (_, Some(0 | 1 | 5)) => {
            assert!(err.contains("200 rows: "), "{ctx}: {err}");
            false
        }
        (_, code) => panic!("{ctx}: exit {code:?}: {err}"),
    };

    // Resume until every row is applied (a resume can meet a fault too: exit 5 or 1 then).
    let mut done = false;
    for _ in 0..6 {
        let mut cmd = command(&dir, &sb.base_url(), rows);
        if journal_path.exists() {
            cmd.arg("--resume").arg(&journal_path);
        } else {
            cmd.arg("--journal").arg(&journal_path);
        }
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        match out.status.code() {
            Some(0) => {
                done = true;
                break;
            }
            Some(1 | 5) => assert!(err.contains("200 rows: "), "{ctx}: {err}"),
            code => panic!("{ctx}: resume exit {code:?}: {err}"),
        }
    }
    assert!(done, "{ctx}: not done after 6 resumes");

    let applied = applied_changes(&sb);
    let counts = renewal_counts(&sb);
    for i in 0..CUSTOMERS {
        let sid = subscription_id(i);
        assert_eq!(
            applied.get(&sid).copied(),
            Some(1),
            "{ctx}: subscription {sid} changed {:?} times",
            applied.get(&sid)
        );
        assert_eq!(counts[&sid], Some(target_count(i)), "{ctx}: {sid}");
    }
    let (header, last) = journal(&journal_path);
    assert_eq!(header["rows"], CUSTOMERS, "{ctx}");
    assert_eq!(last.len(), CUSTOMERS, "{ctx}");
    assert!(last.values().all(|o| o == "applied"), "{ctx}: {last:?}");
    stopped
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_at_random_points_then_resume_applies_each_change_once() {
    let mut stopped = 0;
    for run in 0..RUNS {
        stopped += usize::from(one_run(Signal::Int, 0x5161_0000 + run).await);
    }
    // Most signals land mid-run, or the test would not test interruption.
    assert!(
        stopped >= RUNS as usize / 2,
        "only {stopped} of {RUNS} runs were interrupted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_points_then_resume_applies_each_change_once() {
    let mut stopped = 0;
    for run in 0..RUNS {
        stopped += usize::from(one_run(Signal::Kill, 0x5169_0000 + run).await);
    }
    assert!(
        stopped >= RUNS as usize / 2,
        "only {stopped} of {RUNS} runs were killed"
    );
}
