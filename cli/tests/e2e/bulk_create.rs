//! Resuming a bulk create whose outcome is unknown for some rows: the spec's `x-read-back`
//! with `proves: creation` tells the created rows (not sent again) from the others (sent).

use crate::bulk_support::{journal, sandbox};
use crate::support::{against, config, stderr, stdout};
use lineworks_partner_sandbox::Sandbox;

const BASE: &str = r#"{"phoneNumber": "03-0000-0000", "timeZone": "Asia/Tokyo", "locale": "ja_JP",
    "administrator": {"lastName": "Works", "firstName": "Admin", "password": "Secr3tPassw0rd",
    "id": "admin", "privateEmail": "a@example.com"}}"#;

fn domain(i: usize) -> String {
    format!("new{i}.example")
}

/// Per new domain: how many customers of it the sandbox holds.
fn customers_of(sb: &Sandbox, n: usize) -> Vec<usize> {
    let state = sb.state();
    let customers = state["customers"].as_array().expect("customers");
    (0..n)
        .map(|i| {
            customers
                .iter()
                .filter(|c| c.to_string().contains(&format!("\"{}\"", domain(i))))
                .count()
        })
        .collect()
}

fn sent(sb: &Sandbox, operation: &str) -> usize {
    sb.requests()
        .iter()
        .filter(|r| r.operation.as_deref() == Some(operation))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_bulk_create_reads_unknown_rows_back_and_sends_only_those_not_created() {
    let sb = sandbox(1, 0).await;
    // Row 1 is created but its answer is lost; row 2's gateway gives up before the API acts.
    sb.time_out_after_applying("create_customer", 1).unwrap();
    sb.fail_next("create_customer", 504, 1).unwrap();
    let dir = config();
    let base = dir.path().join("base.json");
    std::fs::write(&base, BASE).unwrap();
    let rows = dir.path().join("rows.csv");
    let mut csv = String::from("domain,companyName\n");
    for i in 0..4 {
        csv.push_str(&format!("{},Company {i}\n", domain(i)));
    }
    std::fs::write(&rows, csv).unwrap();
    let journal_path = dir.path().join("j.ndjson");
    let run = |extra: &[&str]| {
        let mut cmd = against(&dir, &sb.base_url());
        cmd.args(["create-customer", "--body"])
            .arg(&base)
            .arg("--each-row")
            .arg(&rows)
            .args([
                "--allow-duplicates",
                "--timeout",
                "0.5",
                "--concurrency",
                "1",
            ])
            .args(extra);
        cmd.output().unwrap()
    };
    let journal_arg = journal_path.to_str().unwrap();
    let out = run(&["--journal", journal_arg]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("4 rows: 2 applied, 0 failed, 2 unknown, 0 not tried"),
        "{}",
        stderr(&out)
    );
    assert_eq!(customers_of(&sb, 4), [1, 0, 1, 1]);
    assert_eq!(sent(&sb, "create_customer"), 4);

    // The dry run of the resume shows the reads that come first and the rows it skips.
    let out = run(&["--resume", journal_arg, "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plan = stdout(&out);
    assert_eq!(
        plan.matches("outcome unknown; read back first").count(),
        2,
        "{plan}"
    );
    assert!(
        plan.contains("/partners/customers?domain=new0.example"),
        "{plan}"
    );
    assert!(
        plan.contains("/partners/customers?domain=new1.example"),
        "{plan}"
    );
    assert_eq!(
        plan.matches("applied in the journal; not sent").count(),
        2,
        "{plan}"
    );
    assert!(
        plan.trim_end()
            .ends_with("# 2 requests (2 read back first); nothing was sent"),
        "{plan}"
    );
    assert!(!plan.contains("Secr3tPassw0rd"), "{plan}");
    assert_eq!(sent(&sb, "list_customers"), 0);

    // A read that fails leaves the row unknown, unsent, and names the way out.
    sb.fail_next("list_customers", 400, 2).unwrap();
    let out = run(&["--resume", journal_arg]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("outcome still unknown: reading it back failed"),
        "{err}"
    );
    assert!(err.contains("--retry-unknown"), "{err}");
    assert_eq!(sent(&sb, "create_customer"), 4);

    // The read finds row 1 (not sent again) and not row 2 (sent now).
    let out = run(&["--resume", journal_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sent(&sb, "create_customer"), 5);
    assert_eq!(customers_of(&sb, 4), [1, 1, 1, 1]);
    let (_, last) = journal(&journal_path);
    assert_eq!(last.len(), 4);
    assert!(last.values().all(|o| o == "applied"), "{last:?}");
}
