//! Bulk writes: `--each-row`, checks before the first call, the plan, the journal, unknown
//! outcomes, a closed stdout, resume.

use crate::bulk_support::{
    OP, applied_changes, csv, journal, renewal_counts, sandbox, subscription_id, target_count,
};
use crate::support::{TOKEN, against, config, std_cli, stderr, stdout, with_closed_stdout};
use serde_json::Value;

const RENEWAL: [&str; 5] = [
    "update-subscription-renewal",
    "--type",
    "CHANGE",
    "--plan",
    "ANNUAL_LICENSE",
];

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_row_sends_per_row_values_in_input_order_with_a_journal() {
    let sb = sandbox(12, 0).await;
    let dir = config();
    let rows = write(&dir, "rows.csv", &csv(12));
    let journal_path = dir.path().join("j.ndjson");
    let out = against(&dir, &sb.base_url())
        .args(RENEWAL)
        .args([
            "--each-row",
            &rows,
            "-o",
            "ndjson",
            "--concurrency",
            "5",
            "--journal",
        ])
        .arg(&journal_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("journal: {}", journal_path.display())),
        "{err}"
    );
    assert!(
        err.contains("12 rows: 12 applied, 0 failed, 0 unknown, 0 not tried"),
        "{err}"
    );
    // In input order, tagged with the row's path parameters.
    let seen: Vec<(i64, i64)> = stdout(&out)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["subscriptionId"].as_i64().unwrap(),
                v["licenseCount"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(i64, i64)> = (0..12)
        .map(|i| (subscription_id(i), target_count(i)))
        .collect();
    assert_eq!(seen, expected);
    let counts = renewal_counts(&sb);
    for i in 0..12 {
        assert_eq!(counts[&subscription_id(i)], Some(target_count(i)));
    }
    let (header, last) = journal(&journal_path);
    assert_eq!(header["operation"], "update-subscription-renewal");
    assert_eq!(header["rows"], 12);
    assert_eq!(last.len(), 12);
    assert!(last.values().all(|o| o == "applied"), "{last:?}");
    assert!(
        last.contains_key("domainId=10000001 subscriptionId=30000001"),
        "{last:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_rows_are_exit_2_naming_row_and_column_before_any_call() {
    let sb = sandbox(3, 0).await;
    let dir = config();
    for (text, row, column, words) in [
        // Over the spec's maximum, on the third row.
        (
            "domainId,subscriptionId,licenseCount\n10000001,30000001,20\n10000002,30000002,21\n10000003,30000003,2000000\n",
            3,
            "licenseCount",
            "1000000",
        ),
        // Not an integer.
        (
            "domainId,subscriptionId,licenseCount\n10000001,30000001,many\n",
            1,
            "licenseCount",
            "integer",
        ),
        // A column the operation does not have.
        (
            "domainId,subscriptionId,meno\n10000001,30000001,x\n",
            1,
            "meno",
            "no such parameter",
        ),
        // A required parameter left out.
        (
            "domainId,licenseCount\n10000001,20\n",
            1,
            "subscriptionId",
            "missing",
        ),
        // NDJSON: an enum typo.
        (
            "{\"domainId\": 10000001, \"subscriptionId\": 30000001, \"plan\": \"ANUAL\"}\n",
            1,
            "plan",
            "ANUAL",
        ),
    ] {
        let rows = write(&dir, "bad.rows", text);
        let out = against(&dir, &sb.base_url())
            .args(RENEWAL)
            .args(["--each-row", &rows, "--error-format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}: {}", stderr(&out));
        let err: Value = serde_json::from_str(stderr(&out).trim()).expect("one JSON error");
        assert_eq!(err["error"]["row"], row, "{err}");
        assert_eq!(err["error"]["column"], column, "{err}");
        assert!(
            err["error"]["message"].as_str().unwrap().contains(words),
            "{err}"
        );
    }
    assert!(sb.requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_are_refused_unless_allowed() {
    let sb = sandbox(2, 0).await;
    let dir = config();
    let text = "domainId,subscriptionId,licenseCount\n10000001,30000001,20\n10000001,30000001,21\n";
    let rows = write(&dir, "dup.csv", text);
    let out = against(&dir, &sb.base_url())
        .args(RENEWAL)
        .args(["--each-row", &rows])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("row 2") && stderr(&out).contains("repeats row 1"),
        "{}",
        stderr(&out)
    );
    assert!(sb.requests().is_empty());
    let out = against(&dir, &sb.base_url())
        .args(RENEWAL)
        .args([
            "--each-row",
            &rows,
            "--allow-duplicates",
            "--concurrency",
            "1",
            "-o",
            "ndjson",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(applied_changes(&sb)[&30000001], 2);

    // The same for --domain-ids: an id listed twice is not changed twice.
    let ids = write(&dir, "ids.txt", "10000001\n10000002\n10000001\n");
    let out = against(&dir, &sb.base_url())
        .args([
            "update-customer-partially",
            "--company-name",
            "X",
            "--each-customer",
            "--domain-ids",
            &ids,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("domainId=10000001 repeats row 1"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_plans_every_row_and_redacts_secrets() {
    let sb = sandbox(3, 0).await;
    let dir = config();
    let rows = write(&dir, "rows.csv", &csv(3));
    let out = against(&dir, &sb.base_url())
        .args(RENEWAL)
        .args(["--each-row", &rows, "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.matches("PATCH ").count(), 3, "{text}");
    assert!(text.contains("/subscriptions/30000003/renewal"), "{text}");
    assert!(text.contains("\"licenseCount\": 22"), "{text}");
    assert!(
        text.trim_end().ends_with("# 3 requests; nothing was sent"),
        "{text}"
    );
    assert!(sb.requests().is_empty());

    // The administrator's password never shows, in a single dry run or a bulk one.
    let body = r#"{"domain": "new.example", "companyName": "New", "phoneNumber": "03-0000-0000",
        "timeZone": "Asia/Tokyo", "locale": "ja_JP",
        "administrator": {"lastName": "Works", "firstName": "Admin", "password": "Secr3tPassw0rd",
                      "id": "admin", "privateEmail": "a@example.com"}}"#;
    let body_path = write(&dir, "body.json", body);
    let out = against(&dir, &sb.base_url())
        .args(["create-customer", "--dry-run", "--body", &body_path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("Secr3tPassw0rd"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("\"password\": \"<redacted>\""),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains(TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_customer_works_before_the_command_name() {
    let sb = sandbox(3, 0).await;
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["--each-customer", "-o", "ndjson", "get-usage-status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ids: Vec<i64> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["domainId"]
                .as_i64()
                .unwrap()
        })
        .collect();
    // In list order, every run.
    assert_eq!(ids, [10000001, 10000002, 10000003]);
    // Without it, --domain-id is still required.
    let out = against(&dir, &sb.base_url())
        .args(["get-usage-status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--domain-id"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_outcome_is_exit_5_and_resume_reads_it_back() {
    let sb = sandbox(4, 0).await;
    sb.time_out_after_applying(OP, 1).unwrap();
    let dir = config();
    let rows = write(&dir, "rows.csv", &csv(4));
    let journal_path = dir.path().join("j.ndjson");
    let out = against(&dir, &sb.base_url())
        .args(RENEWAL)
        .args([
            "--each-row",
            &rows,
            "--timeout",
            "0.5",
            "--concurrency",
            "1",
            "--journal",
        ])
        .arg(&journal_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("4 rows: 3 applied, 0 failed, 1 unknown, 0 not tried"),
        "{err}"
    );
    assert!(
        err.contains(&format!("resume with --resume {}", journal_path.display())),
        "{err}"
    );
    let (_, last) = journal(&journal_path);
    assert_eq!(last["domainId=10000001 subscriptionId=30000001"], "unknown");

    // Its plan: the renewal is read first; the rows applied are not sent.
    let out = against(&dir, &sb.base_url())
        .args(RENEWAL)
        .args(["--each-row", &rows, "--dry-run", "--resume"])
        .arg(&journal_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plan = stdout(&out);
    assert!(
        plan.contains("outcome unknown; read back first, sent only if the answer does not show its fields\nGET "),
        "{plan}"
    );
    assert!(plan.contains("/subscriptions/30000001/renewal\n"), "{plan}");
    assert_eq!(
        plan.matches("applied in the journal; not sent").count(),
        3,
        "{plan}"
    );

    // The resume reads the renewal back, finds the change and sends nothing again.
    let out = against(&dir, &sb.base_url())
        .args(RENEWAL)
        .args(["--each-row", &rows, "--resume"])
        .arg(&journal_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let applied = applied_changes(&sb);
    assert!(
        (0..4).all(|i| applied[&subscription_id(i)] == 1),
        "{applied:?}"
    );
    let (_, last) = journal(&journal_path);
    assert!(last.values().all(|o| o == "applied"), "{last:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_write_without_a_read_needs_retry_unknown() {
    let sb = sandbox(2, 0).await;
    sb.time_out_after_applying("add_license_count", 1).unwrap();
    let dir = config();
    let rows = write(
        &dir,
        "rows.csv",
        "domainId,subscriptionId,licenseCount\n10000001,30000001,5\n10000002,30000002,6\n",
    );
    let journal_path = dir.path().join("j.ndjson");
    let run = |extra: &[&str]| {
        let mut cmd = against(&dir, &sb.base_url());
        cmd.args([
            "add-license-count",
            "--each-row",
            &rows,
            "--timeout",
            "0.5",
            "--concurrency",
            "1",
        ]);
        cmd.args(extra);
        cmd.output().unwrap()
    };
    let out = run(&["--journal", journal_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    // add-license-count's read-back (the subscription, which exists before it) does not prove
    // it was applied: the resume's plan leaves the row alone.
    let out = run(&["--resume", journal_path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plan = stdout(&out);
    assert!(
        plan.contains(
            "outcome unknown and no read to check it; not sent (--retry-unknown sends it)"
        ),
        "{plan}"
    );
    assert!(!plan.contains("read back first"), "{plan}");
    assert!(
        plan.trim_end().ends_with("# 0 requests; nothing was sent"),
        "{plan}"
    );
    // No read shows what add-license-count did: not sent again without --retry-unknown.
    let out = run(&["--resume", journal_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("--retry-unknown"), "{}", stderr(&out));
    let sent = || {
        sb.requests()
            .iter()
            .filter(|r| r.operation.as_deref() == Some("add_license_count"))
            .count()
    };
    assert_eq!(sent(), 2);
    let out = run(&[
        "--resume",
        journal_path.to_str().unwrap(),
        "--retry-unknown",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sent(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_stops_a_bulk_write_with_a_summary() {
    let sb = sandbox(30, 0).await;
    let dir = config();
    let rows = write(&dir, "rows.csv", &csv(30));
    let journal_path = dir.path().join("j.ndjson");
    let mut cmd = std_cli(&dir);
    cmd.env("LW_API_BASE_URL", sb.base_url())
        .env("LW_ACCESS_TOKEN", TOKEN)
        .args(RENEWAL)
        .args([
            "--each-row",
            &rows,
            "-o",
            "ndjson",
            "--concurrency",
            "2",
            "--journal",
        ])
        .arg(&journal_path);
    let out = with_closed_stdout(cmd);
    assert_eq!(out.status.code(), Some(141), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("stdout closed: ") && err.contains("not tried"),
        "{err}"
    );
    assert!(err.contains("resume with --resume"), "{err}");
    let applied = applied_changes(&sb).len();
    assert!(applied < 30, "stopped early: {applied}");
    let (_, last) = journal(&journal_path);
    assert_eq!(last.values().filter(|o| *o == "applied").count(), applied);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jq_filter_failing_on_an_answer_stops_a_bulk_write_with_exit_6() {
    let sb = sandbox(12, 0).await;
    let dir = config();
    let rows = write(&dir, "rows.csv", &csv(12));
    let journal_path = dir.path().join("j.ndjson");
    // `.licenseCount` is a number: indexing it fails on the first answer, after its write.
    let out = against(&dir, &sb.base_url())
        .args(RENEWAL)
        .args([
            "--each-row",
            &rows,
            "-o",
            "ndjson",
            "--concurrency",
            "1",
            "--jq",
            ".licenseCount.x",
            "--journal",
        ])
        .arg(&journal_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("stopped: --jq: "), "{err}");
    assert!(err.contains("the call itself succeeded"), "{err}");
    assert!(err.contains("resume with --resume"), "{err}");
    let applied = applied_changes(&sb).len();
    assert!((1..12).contains(&applied), "stopped early: {applied}");
    let (_, last) = journal(&journal_path);
    assert_eq!(last.values().filter(|o| *o == "applied").count(), applied);
}
