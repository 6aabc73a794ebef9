//! Confirmation of destructive operations, and secrets kept out of every output.

use crate::support::{Listener, TOKEN, against, config, pty, sandbox, stderr, stdout};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destructive_operations_need_yes_when_not_on_a_terminal() {
    let listener = Listener::start();
    let dir = config();
    for args in [
        &["delete-customer", "--domain-id", "10000001"][..],
        &[
            "cancel-subscription",
            "--domain-id",
            "1",
            "--subscription-id",
            "2",
        ][..],
    ] {
        let out = against(&dir, &listener.base_url)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    }
    assert_eq!(listener.count(), 0, "nothing was sent");

    let sb = sandbox(2).await;
    let out = against(&dir, &sb.base_url())
        .args(["delete-customer", "--domain-id", "10000001", "--yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_never_appears_in_output_dry_run_debug_or_errors() {
    let sb = sandbox(2).await;
    let listener = Listener::start();
    let dir = config();
    let runs = [
        against(&dir, &sb.base_url())
            .args(["list-customers", "--debug"])
            .output()
            .unwrap(),
        against(&dir, &sb.base_url())
            .args(["get-customer", "--domain-id", "1", "--debug"])
            .output()
            .unwrap(),
        against(&dir, &sb.base_url())
            .args([
                "update-customer-partially",
                "--domain-id",
                "1",
                "--dry-run",
                "--debug",
            ])
            .args(["--company-name", "X"])
            .output()
            .unwrap(),
        against(&dir, &listener.base_url)
            .args([
                "create-customer",
                "--body",
                "-",
                "--debug",
                "--error-format",
                "json",
            ])
            .write_stdin("{}")
            .output()
            .unwrap(),
        against(&dir, &listener.base_url)
            .args(["get-customer", "--domain-id", "1", "--debug"])
            .output()
            .unwrap(),
    ];
    // --debug: a line per attempt with its operation and status.
    let debug = stderr(&runs[0]);
    assert!(
        debug.contains("list_customers GET attempt 1: 200 in "),
        "{debug}"
    );
    for out in &runs {
        assert!(!stdout(out).contains(TOKEN), "{}", stdout(out));
        assert!(!stderr(out).contains(TOKEN), "{}", stderr(out));
    }
}

/// The requests the sandbox received for `operation`.
fn sent(sb: &lineworks_partner_sandbox::Sandbox, operation: &str) -> usize {
    sb.requests()
        .iter()
        .filter(|r| r.operation.as_deref() == Some(operation))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_the_answer_decides_whether_a_deletion_is_sent() {
    let sb = sandbox(2).await;
    let dir = config();
    let before = sb.state();
    let command = "delete-customer --domain-id 10000001";
    for refusal in ["n\n", "\n", "maybe\n"] {
        let out = pty(&dir, &sb.base_url(), command, refusal);
        let shown = stdout(&out);
        assert_eq!(out.status.code(), Some(2), "{shown}");
        assert!(
            shown.contains("Continue? [y/N]") && shown.contains("not confirmed"),
            "{shown}"
        );
    }
    assert_eq!(sent(&sb, "delete_customer"), 0, "nothing was sent");
    assert_eq!(sb.state(), before, "nothing changed");

    let out = pty(&dir, &sb.base_url(), command, "y\n");
    assert!(out.status.success(), "{}", stdout(&out));
    assert_eq!(sent(&sb, "delete_customer"), 1);
    assert_ne!(sb.state(), before, "the customer was deleted");
    assert!(!stdout(&out).contains(TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_that_schedules_a_cancellation_needs_yes_like_a_deletion() {
    let listener = Listener::start();
    let dir = config();
    let body = dir.path().join("body.json");
    std::fs::write(&body, r#"{"withdrawalDate": "2030-01-31"}"#).unwrap();
    let body = body.to_str().unwrap();
    for args in [
        &[
            "update-usage-status-partially",
            "--domain-id",
            "10000003",
            "--withdrawal-date",
            "2030-01-31",
        ][..],
        &[
            "update-usage-status-partially",
            "--domain-id",
            "1",
            "--body",
            body,
        ][..],
        &[
            "create-subscription-reservation",
            "--domain-id",
            "1",
            "--subscription-id",
            "2",
            "--type",
            "CANCEL",
            "--apply-date",
            "2030-01-31",
        ][..],
    ] {
        let out = against(&dir, &listener.base_url)
            .args(args)
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--yes") && stderr(&out).contains("cancellation"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(listener.count(), 0, "nothing was sent");

    // Dropping a scheduled cancellation (null), or another value of the enum, is no cancellation.
    let sb = sandbox(3).await;
    for args in [
        &[
            "update-usage-status-partially",
            "--domain-id",
            "10000003",
            "--clear",
            "withdrawal-date",
        ][..],
        &[
            "update-usage-status-partially",
            "--domain-id",
            "10000003",
            "--max-member-count",
            "50",
        ][..],
    ] {
        let out = against(&dir, &sb.base_url())
            .args(args)
            .write_stdin("")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let out = against(&dir, &sb.base_url())
        .args([
            "update-usage-status-partially",
            "--domain-id",
            "10000003",
            "--withdrawal-date",
            "2030-01-31",
            "--yes",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}
