//! Output formats, `--all`, `--each-customer`, a closed pipe.

use crate::support::{
    TOKEN, against, config, sandbox, std_cli, stderr, stdout, with_closed_stdout,
};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_is_the_api_answer_and_ndjson_one_item_a_line() {
    let sb = sandbox(5).await;
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "--count", "3"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let page: Value = serde_json::from_str(&stdout(&out)).expect("one JSON document");
    assert_eq!(page["customers"].as_array().unwrap().len(), 3);
    assert!(page["responseMetaData"]["nextCursor"].is_string());

    // Global flags after the command name work as well as before it.
    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "--count", "3", "-o", "ndjson"])
        .output()
        .unwrap();
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["domain"], "c0000.example");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_flattens_nested_fields_and_quotes() {
    let sb = sandbox(2).await;
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["-o", "csv", "list-customers"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
    assert!(
        header.contains(&"partnership.status".to_string()),
        "{header:?}"
    );
    let domain = header.iter().position(|h| h == "domain").unwrap();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(&records[1][domain], "c0001.example");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_has_the_chosen_columns_aligned() {
    let sb = sandbox(2).await;
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "-o", "table"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    // The columns people read (codegen/src/cli/columns.rs), in spec order.
    assert_eq!(
        header,
        ["domainId", "domain", "companyName", "partnership.status"]
    );
    // Aligned: every row starts its domain column where the header does.
    let at = lines[0].find("domain ").unwrap();
    assert!(lines[1][at..].starts_with("c0000.example"), "{text}");
    assert!(lines[2][at..].starts_with("c0001.example"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_fetches_every_page_as_one_json_array() {
    let sb = sandbox(75).await;
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "--all", "--count", "30"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let all: Vec<Value> = serde_json::from_str(&stdout(&out)).expect("one JSON array");
    assert_eq!(all.len(), 75);
    let mut domains: Vec<&str> = all.iter().map(|c| c["domain"].as_str().unwrap()).collect();
    domains.dedup();
    assert_eq!(domains.len(), 75, "no item twice");
    // stderr is not a terminal: no progress line.
    assert_eq!(stderr(&out), "");

    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "--all", "--count", "30", "-o", "ndjson"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out).lines().count(), 75);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_customer_tags_rows_and_reports_the_failing_one() {
    let sb = sandbox(3).await;
    let dir = config();
    let ids = dir.path().join("ids.txt");
    std::fs::write(&ids, "10000001\n99999999\n10000003\n").unwrap();
    let out = against(&dir, &sb.base_url())
        .args([
            "get-usage-status",
            "--each-customer",
            "-o",
            "ndjson",
            "--domain-ids",
        ])
        .arg(&ids)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let mut seen: Vec<i64> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["domainId"]
                .as_i64()
                .unwrap()
        })
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, [10000001, 10000003]);
    let err = stderr(&out);
    assert!(
        err.contains("NOT_FOUND") && err.contains("3 rows: 2 done, 1 failed"),
        "{err}"
    );
    // The text report says which customer failed.
    let line = err.lines().find(|l| l.contains("NOT_FOUND")).unwrap();
    assert!(line.contains("(domainId=99999999)"), "{err}");

    // Without --domain-ids: every customer of the list.
    let out = against(&dir, &sb.base_url())
        .args(["get-usage-status", "--each-customer", "-o", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("domainId,"), "{text}");
    assert_eq!(text.lines().count(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_pipe_ends_quietly_with_0() {
    let sb = sandbox(3000).await;
    let dir = config();
    let mut child = std_cli(&dir)
        .env("LW_API_BASE_URL", sb.base_url())
        .env("LW_ACCESS_TOKEN", TOKEN)
        .args(["list-customers", "--all", "--count", "30", "-o", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is gone (like `| head -1`); the rest goes to a closed pipe.
    let out = child.wait_with_output().unwrap();
    assert!(
        first.starts_with('{') && first.contains(".example"),
        "{first}: {}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stderr_keeps_the_exit_code() {
    let sb = sandbox(1).await;
    let dir = config();
    // An API error (exit 1) and a usage error (exit 2), each reported to a stderr whose reader
    // has gone (`2>&1 | head -c0`): the report is lost, the exit code is not, and no panic.
    for (args, code) in [
        (&["get-customer", "--domain-id", "999999"][..], 1),
        (&["list-customers", "--count", "500"][..], 2),
    ] {
        let mut child = std_cli(&dir)
            .env("LW_API_BASE_URL", sb.base_url())
            .env("LW_ACCESS_TOKEN", TOKEN)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_keeps_the_answer_as_sent_empty_lists_included() {
    let sb = sandbox(2).await;
    let dir = config();
    // Re-serialising the typed answer printed `{}` here: the empty list was dropped.
    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "--domain", "nobody.example", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let answer: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(answer["customers"], serde_json::json!([]), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_ends_completions_and_auth_status_quietly() {
    let sb = sandbox(1).await;
    let dir = config();
    let mut runs = Vec::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let mut cmd = std_cli(&dir);
        cmd.args(["completions", shell]);
        runs.push(cmd);
    }
    // Status with credentials (without any it is exit 3: `strict.rs`).
    let mut cmd = std_cli(&dir);
    cmd.env("LW_API_BASE_URL", sb.base_url())
        .env("LW_ACCESS_TOKEN", TOKEN)
        .args(["auth", "status"]);
    runs.push(cmd);
    let mut cmd = std_cli(&dir);
    cmd.env("LW_ACCESS_TOKEN", TOKEN)
        .args(["get-customer", "--domain-id", "1", "--dry-run"]);
    runs.push(cmd);
    for cmd in runs {
        let what = format!("{:?}", cmd.get_args().collect::<Vec<_>>());
        let out = with_closed_stdout(cmd);
        assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{what}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_header_has_every_field_of_the_spec_whichever_row_comes_first() {
    // The first customer has no subscription, so no productId; the second has one.
    let seed = lineworks_partner_sandbox::Seed::from_json(
        r#"{"customers": [{"domain": "a.example"},
            {"domain": "b.example", "subscriptions": [{"productId": "STD", "plan": "MONTHLY"}]}]}"#,
    )
    .unwrap();
    let sb = lineworks_partner_sandbox::Sandbox::builder()
        .seed(seed)
        .token(TOKEN)
        .start()
        .await
        .unwrap();
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["-o", "csv", "list-customers"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "no field left out");
    let text = stdout(&out);
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
    let product = header
        .iter()
        .position(|h| h == "productId")
        .unwrap_or_else(|| panic!("productId in the header: {header:?}"));
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(&records[0][product], "");
    assert_eq!(&records[1][product], "STD", "{text}");
    // Spec order, nested fields dotted.
    assert_eq!(&header[..3], ["tenantId", "domainId", "domain"]);
    assert!(header.contains(&"administrator.privateEmail".to_string()));

    // --each-customer: the usage header has withdrawalDate whichever customer answers first.
    let out = against(&dir, &sb.base_url())
        .args(["get-usage-status", "--each-customer", "-o", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("domainId,status,") && header.contains(",withdrawalDate"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_cells_stay_on_one_line_and_are_cut_only_for_lack_of_room() {
    let long = "Very Long Company Name Kabushiki Kaisha Holdings International";
    let seed = lineworks_partner_sandbox::Seed::from_json(&format!(
        r#"{{"customers": [{{"domain": "a.example", "companyName": "Line one\nline two\tend"}},
            {{"domain": "b.example", "companyName": "{long}"}}]}}"#
    ))
    .unwrap();
    let sb = lineworks_partner_sandbox::Sandbox::builder()
        .seed(seed)
        .token(TOKEN)
        .start()
        .await
        .unwrap();
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "-o", "table"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // A header and two rows: the newline is shown as an escape, not a line break.
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains(r"Line one\nline two\tend"), "{text}");
    // Not a terminal: all the room there is, so nothing is cut.
    assert!(text.contains(long), "{text}");

    // The single-object table of one answer, likewise.
    let out = against(&dir, &sb.base_url())
        .args(["get-customer", "--domain-id", "10000002", "-o", "table"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(long), "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_the_table_fits_its_width() {
    let long =
        "A Company Name Far Too Long For Any Column Of A Table Of Customers, Kabushiki Kaisha";
    let seed = lineworks_partner_sandbox::Seed::from_json(&format!(
        r#"{{"customers": [{{"domain": "a.example", "companyName": "{long}"}},
            {{"domain": "b.example", "companyName": "Short"}}]}}"#
    ))
    .unwrap();
    let sb = lineworks_partner_sandbox::Sandbox::builder()
        .seed(seed)
        .token(TOKEN)
        .start()
        .await
        .unwrap();
    let dir = config();
    // `script`'s pty reports no size: the table assumes 120 columns (it showed one column).
    let out = crate::support::pty(&dir, &sb.base_url(), "list-customers", "");
    assert!(out.status.success(), "{}", stdout(&out));
    let shown = stdout(&out).replace('\r', "");
    let lines: Vec<&str> = shown.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 3, "{shown}");
    assert!(lines[0].contains("companyName"), "{shown}");
    for line in &lines {
        assert!(
            line.chars().count() <= 120,
            "{} > 120: {line:?}",
            line.chars().count()
        );
    }
    assert!(
        shown.contains("A Company Name Far") && shown.contains('…'),
        "{shown}"
    );
    assert!(!shown.contains(long), "cut to fit: {shown}");
}
