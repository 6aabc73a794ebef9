//! Exit codes and the error report (text and `--error-format json`).

use crate::support::{Listener, TOKEN, against, cli, config, sandbox, stderr};
use serde_json::Value;

#[test]
fn a_rule_of_the_spec_is_exit_2_naming_the_flag_and_nothing_is_sent() {
    let listener = Listener::start();
    let dir = config();
    for (args, flag) in [
        (&["list-customers", "--count", "500"][..], "--count"),
        (&["list-customers", "--count", "ten"][..], "--count"),
        (&["list-customers", "--order-by", "size"][..], "--order-by"),
        (&["get-customer"][..], "--domain-id"),
        (
            &[
                "update-customer-partially",
                "--domain-id",
                "1",
                "--phone-number",
                "call me",
            ][..],
            "--phone-number",
        ),
        (
            &[
                "update-customer-partially",
                "--domain-id",
                "1",
                "--clear",
                "memo",
            ][..],
            "--clear",
        ),
    ] {
        let out = against(&dir, &listener.base_url)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(flag), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(listener.count(), 0, "nothing was sent");
}

#[test]
fn a_missing_required_body_field_is_exit_2() {
    let listener = Listener::start();
    let dir = config();
    let out = against(&dir, &listener.base_url)
        .args([
            "create-customer",
            "--domain",
            "new.example",
            "--error-format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err: Value = serde_json::from_str(stderr(&out).trim()).expect("one JSON object");
    assert_eq!(err["error"]["kind"], "usage");
    assert_eq!(err["error"]["flag"], "body");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("missing field")
    );
    assert_eq!(listener.count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_is_exit_1_with_status_code_and_description() {
    let sb = sandbox(1).await;
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["get-customer", "--domain-id", "99999999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(
        text.contains("get-customer") && text.contains("HTTP 404 NOT_FOUND"),
        "{text}"
    );

    let out = against(&dir, &sb.base_url())
        .args([
            "get-customer",
            "--domain-id",
            "99999999",
            "--error-format",
            "json",
        ])
        .output()
        .unwrap();
    let err: Value = serde_json::from_str(stderr(&out).trim()).expect("one JSON object");
    assert_eq!(err["error"]["exit"], 1);
    assert_eq!(err["error"]["status"], 404);
    assert_eq!(err["error"]["code"], "NOT_FOUND");
    assert_eq!(err["error"]["operation"], "get_customer");
    assert!(err["error"]["description"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_or_no_credentials_is_exit_3() {
    let sb = sandbox(1).await;
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .env("LW_ACCESS_TOKEN", "wrong-token")
        .args(["list-customers"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let out = cli(&dir).args(["list-customers"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("--sandbox"), "{}", stderr(&out));
}

#[test]
fn no_server_is_exit_4_and_a_write_without_answer_is_exit_5() {
    let dir = config();
    // A port that was free a moment ago: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = against(&dir, &format!("http://127.0.0.1:{port}/v1.0"))
        .args(["list-customers"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    // Refused before anything was sent: a write is certainly not applied either.
    let out = against(&dir, &format!("http://127.0.0.1:{port}/v1.0"))
        .args([
            "update-customer-partially",
            "--domain-id",
            "1",
            "--company-name",
            "X",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));

    // The request is read and the connection dropped: a read is a network failure, a write's
    // outcome is unknown.
    let listener = Listener::start();
    let out = against(&dir, &listener.base_url)
        .args([
            "update-customer-partially",
            "--domain-id",
            "1",
            "--company-name",
            "X",
        ])
        .args(["--error-format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let err: Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(err["error"]["kind"], "outcome_unknown");
    assert_eq!(listener.count(), 1, "a write is not replayed");
    assert!(!stderr(&out).contains(TOKEN));
}

#[test]
fn clear_and_the_fields_own_flag_together_are_exit_2_naming_both() {
    let listener = Listener::start();
    let dir = config();
    let out = against(&dir, &listener.base_url)
        .args(["update-subscription-memo", "--domain-id", "1"])
        .args(["--subscription-id", "2", "--memo", "x"])
        .args(["--customer-code", "C-1", "--clear", "customer-code"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("--clear customer-code") && err.contains("--customer-code"),
        "{err}"
    );
    assert_eq!(listener.count(), 0, "nothing was sent");
}

#[test]
fn a_bad_field_flag_is_blamed_on_that_flag_not_on_body() {
    let listener = Listener::start();
    let dir = config();
    let out = against(&dir, &listener.base_url)
        .args(["update-usage-status-partially", "--domain-id", "1"])
        .args(["--withdrawal-date", "2020-13-45", "--yes"])
        .args(["--error-format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err: Value = serde_json::from_str(stderr(&out).trim()).expect("one JSON object");
    assert_eq!(err["error"]["flag"], "withdrawal-date", "{err}");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("--withdrawal-date: \"2020-13-45\""),
        "{message}"
    );

    // The same value from a body document names the document and the field.
    let out = against(&dir, &listener.base_url)
        .args(["update-usage-status-partially", "--domain-id", "1"])
        .args(["--body", "-", "--yes"])
        .write_stdin(r#"{"withdrawalDate": "2020-13-45"}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("--body") && err.contains("withdrawalDate"),
        "{err}"
    );
    assert_eq!(listener.count(), 0, "nothing was sent");
}

#[test]
fn customer_flags_that_would_be_ignored_are_exit_2() {
    let listener = Listener::start();
    let dir = config();
    let ids = dir.path().join("ids.txt");
    std::fs::write(&ids, "10000001\n").unwrap();
    let ids = ids.to_str().unwrap();
    for (args, stdin, flags) in [
        (
            &["update-customer-partially", "--each-customer"][..],
            Some("{}"),
            &["--domain-ids -", "--body -"][..],
        ),
        (
            &["get-customer", "--each-customer", "--domain-id", "1"][..],
            None,
            &["--domain-id", "--each-customer"][..],
        ),
        (
            &["get-customer", "--domain-id", "1", "--domain-ids", ids][..],
            None,
            &["--domain-ids", "--each-customer"][..],
        ),
    ] {
        let mut cmd = against(&dir, &listener.base_url);
        cmd.args(args);
        if let Some(input) = stdin {
            cmd.args(["--body", "-", "--domain-ids", "-"])
                .write_stdin(input);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        for flag in flags {
            assert!(stderr(&out).contains(flag), "{args:?}: {}", stderr(&out));
        }
    }
    assert_eq!(listener.count(), 0, "nothing was sent");
}

#[test]
fn help_marks_required_flags() {
    let dir = config();
    let out = cli(&dir)
        .args(["get-subscription", "--help"])
        .output()
        .unwrap();
    let help = crate::support::stdout(&out);
    assert!(help.contains("[required unless --each-customer]"), "{help}");
    let at = help
        .find("      --subscription-id <INT>")
        .expect("the flag");
    let next = help[at..].find("\n\n").map_or(help.len(), |n| at + n);
    assert!(help[at..next].contains("[required]"), "{help}");
    // Optional ones are not marked.
    let out = cli(&dir)
        .args(["list-customers", "--help"])
        .output()
        .unwrap();
    assert!(!crate::support::stdout(&out).contains("[required"));
}

#[test]
fn json_errors_of_the_flag_parser_name_the_flag() {
    let dir = config();
    for (args, flag) in [
        (&["-o", "xml", "list-customers"][..], "output"),
        (&["list-customers", "--nope"][..], "nope"),
        (&["get-customer"][..], "domain-id"),
        (&["list-customers", "--order-by", "size"][..], "order-by"),
    ] {
        let out = cli(&dir)
            .args(args)
            .args(["--error-format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err: Value = serde_json::from_str(stderr(&out).trim()).expect("one JSON object");
        assert_eq!(err["error"]["flag"], flag, "{args:?}: {err}");
    }
}
