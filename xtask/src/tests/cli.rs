//! The command line: exit codes, file names, formats.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

fn scratch(files: &[(&str, &str)]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "xtask-diff-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("pages")).unwrap();
    std::fs::write(dir.join("spec.yaml"), SPEC).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join("pages").join(name), text).unwrap();
    }
    dir
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&args, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn diff_args(dir: &Path) -> Vec<String> {
    vec![
        "diff".into(),
        "--docs".into(),
        dir.join("pages").display().to_string(),
        format!("--spec={}", dir.join("spec.yaml").display()),
    ]
}

fn cli_dir(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = diff_args(dir);
    args.extend(extra.iter().map(|s| s.to_string()));
    cli(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn cli_exit_codes_and_summary() {
    let dir = scratch(&[
        ("a.txt", PLAIN_PATCH),
        ("b.txt", MD_DELETE),
        ("c.txt", MD_GET),
    ]);
    let (code, out, err) = cli_dir(&dir, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("diff: 3 pages, 3 operations compared, 0 findings, 0 accepted, 0 ja/en differences, 0 notes in "),
        "{err}"
    );
    assert!(err.trim_end().ends_with(" ms"));

    let changed = PLAIN_PATCH.replace("maxLength : 40", "maxLength : 50");
    std::fs::write(dir.join("pages/a.txt"), changed).unwrap();
    let (code, out, err) = cli_dir(&dir, &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | request | name | docs: maxLength 50 | spec: maxLength 40\n"
    );
    assert!(err.contains("1 findings, 0 accepted"), "{err}");

    let (code, out, _) = cli_dir(&dir, &["--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"][0]["fact"], "maxLength");
    assert_eq!(v["findings"][0]["target"], "name");
    assert_eq!(v["summary"]["findings"], 1);
    assert_eq!(v["summary"]["pages"], 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_page_without_its_operation_line_exits_2_naming_the_file() {
    let dir = scratch(&[
        ("good.txt", PLAIN_PATCH),
        ("broken-page.txt", "Welcome to the docs\nnothing to see"),
    ]);
    let (code, _, err) = cli_dir(&dir, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("error: broken-page.txt: cannot parse page: line 1"),
        "{err}"
    );
    assert!(err.contains("1 unparseable pages"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_odd_row_is_a_finding_not_a_rejected_page() {
    let bad_row = MD_DELETE.replace(
        "| gadgetId | string | Gadget ID required |",
        "| gadgetId | string | Gadget | ID required |",
    );
    let dir = scratch(&[("good.txt", PLAIN_PATCH), ("bad-row.txt", &bad_row)]);
    let (code, out, err) = cli_dir(&dir, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains(
            "DELETE /widgets/{widgetId}/gadgets/{gadgetId} | page | line 7 | docs: unreadable row (table row has 4 cells, expected 3) | spec: -\n"
        ),
        "{out}"
    );
    assert!(err.contains("2 operations compared"), "{err}");
    assert!(!err.contains("unparseable"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cannot_run_is_exit_2() {
    let dir = scratch(&[]);
    let (code, _, err) = cli_dir(&dir, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("no *.txt pages"), "{err}");
    let (code, _, err) = cli(&[
        "diff",
        "--docs",
        "/nonexistent-dir",
        "--spec",
        "/nonexistent.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read spec"), "{err}");
    assert_eq!(cli(&["diff", "--bogus"]).0, 2);
    assert_eq!(cli(&["diff", "--format", "xml"]).0, 2);
    assert_eq!(cli(&["nope"]).0, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn failed_fetch_is_a_clear_exit_2() {
    // Every page's URL forms on a closed local port: no network needed, nothing answered.
    let dir = scratch(&[]);
    let spec = dir.join("spec.yaml").display().to_string();
    let save = dir.join("saved").display().to_string();
    let (code, _, err) = cli(&[
        "diff",
        "--spec",
        &spec,
        "--save",
        &save,
        "--base",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("error: cannot fetch http://127.0.0.1:9/jp/docs/gadget-get:"),
        "{err}"
    );
    assert!(err.contains("use --docs DIR"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn slug_of_page_urls() {
    assert_eq!(
        page_slug("https://h/en/docs/partner-customer-get?lang=en"),
        "partner-customer-get"
    );
    assert_eq!(page_slug("https://h/jp/doc_html/jp/x-y.html"), "x-y");
}
