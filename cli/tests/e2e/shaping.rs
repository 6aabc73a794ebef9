//! Shaping output: the table's default columns, `--fields`, `--jq`, `--bom`, `--explode`.

use crate::support::{Listener, against, cli, config, sandbox, stderr, stdout};
use serde_json::Value;

fn header(text: &str) -> Vec<String> {
    text.lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_table_shows_the_columns_people_read() {
    let sb = sandbox(2).await;
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "-o", "table"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // Not tenantId (the same number as domainId), not the deprecated productId, not the
    // contact and settings fields: those are for get-customer or --fields.
    assert_eq!(
        header(&stdout(&out)),
        ["domainId", "domain", "companyName", "partnership.status"],
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fields_pick_dotted_paths_for_csv_ndjson_and_table() {
    let sb = sandbox(3).await;
    let dir = config();
    let fields = "domain,partnership.status,domainId";
    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "-o", "csv", "--fields", fields])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(fields));
    assert!(
        lines.next().unwrap().starts_with("c0000.example,"),
        "{text}"
    );

    let out = against(&dir, &sb.base_url())
        .args(["--fields", fields, "list-customers", "-o", "ndjson"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let first: Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["domain", "partnership", "domainId"], "{first}");
    assert!(first["partnership"]["status"].is_string(), "{first}");
    assert_eq!(first["partnership"].as_object().unwrap().len(), 1);

    let out = against(&dir, &sb.base_url())
        .args([
            "list-customers",
            "-o",
            "table",
            "--fields",
            "companyName,domain",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(header(&stdout(&out)), ["companyName", "domain"]);
}

#[test]
fn an_unknown_field_is_refused_before_sending() {
    let server = Listener::start();
    let dir = config();
    let out = against(&dir, &server.base_url)
        .args(["list-customers", "-o", "csv", "--fields", "domian"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("\"domian\""), "{}", stderr(&out));
    assert!(stderr(&out).contains("companyName"), "{}", stderr(&out));
    assert_eq!(server.count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jq_filters_the_answer_and_each_item_with_all() {
    let sb = sandbox(3).await;
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "--jq", ".customers[].domain"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // Strings as plain text, as gh's --jq.
    assert_eq!(
        stdout(&out),
        "c0000.example\nc0001.example\nc0002.example\n"
    );

    let out = against(&dir, &sb.base_url())
        .args([
            "list-customers",
            "--all",
            "--count",
            "2",
            "--jq",
            "{d: .domainId, s: .partnership.status}",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("compact JSON a line"))
        .collect();
    assert_eq!(lines.len(), 3, "{}", stdout(&out));
    assert!(lines[0]["d"].is_number());
}

#[test]
fn a_jq_expression_that_does_not_parse_sends_nothing() {
    let server = Listener::start();
    let dir = config();
    let out = against(&dir, &server.base_url)
        .args(["list-customers", "--jq", ".customers[ | ."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--jq"), "{}", stderr(&out));
    assert_eq!(server.count(), 0);

    let out = against(&dir, &server.base_url)
        .args(["list-customers", "-o", "csv", "--jq", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(server.count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jq_filter_failing_on_the_answer_is_exit_6_not_a_usage_error() {
    let sb = sandbox(1).await;
    let dir = config();
    // The call is made and answers; only then does `.x` of the customers array fail.
    let out = against(&dir, &sb.base_url())
        .args([
            "list-customers",
            "--jq",
            ".customers.x",
            "--error-format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err: Value = serde_json::from_str(stderr(&out).trim()).expect("one JSON error");
    assert_eq!(err["error"]["kind"], "output");
    assert_eq!(err["error"]["flag"], "jq");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("--jq: "), "{message}");
    assert!(
        message.ends_with("the call itself succeeded, only its output is missing"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bom_starts_the_csv_for_excel() {
    let sb = sandbox(1).await;
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "-o", "csv", "--bom"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        out.stdout.starts_with(b"\xEF\xBB\xBFtenantId,"),
        "{}",
        stdout(&out)
    );
    // Once, not per row.
    assert_eq!(stdout(&out).matches('\u{feff}').count(), 1);

    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "-o", "json", "--bom"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn explode_gives_a_row_per_settlement_item() {
    let dir = config();
    let run = |args: &[&str]| {
        cli(&dir)
            .args([
                "--sandbox",
                "list-invoice-details",
                "--year",
                "2026",
                "--month",
                "5",
            ])
            .args(args)
            .output()
            .unwrap()
    };
    let plain = run(&["-o", "json"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    let page: Value = serde_json::from_str(&stdout(&plain)).unwrap();
    let details = page["invoiceDetails"].as_array().unwrap();
    let items: usize = details
        .iter()
        .map(|d| d["settlementItems"].as_array().map_or(0, Vec::len).max(1))
        .sum();
    assert!(
        items > details.len(),
        "the demo month has several lines a customer: {page}"
    );

    let out = run(&["-o", "csv", "--explode", "settlementItems"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
    assert!(
        head.contains(&"settlementItems.itemType".to_string()),
        "{head:?}"
    );
    assert!(!head.contains(&"settlementItems".to_string()), "{head:?}");
    let domain = head.iter().position(|h| h == "domain").unwrap();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), items, "{text}");
    // The parent's fields on every line.
    assert!(records.iter().all(|r| !r[domain].is_empty()), "{text}");

    let out = run(&["-o", "csv", "--explode", "settlementItem"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("settlementItems"), "{}", stderr(&out));
}
