//! Flags and bodies become the request: `--dry-run` shows it, the sandbox receives it.

use crate::support::{Listener, TOKEN, against, cli, config, sandbox, stderr, stdout};
use serde_json::Value;

#[test]
fn dry_run_prints_the_request_redacted_and_sends_nothing() {
    let listener = Listener::start();
    let dir = config();
    let out = against(&dir, &listener.base_url)
        .args([
            "update-subscription-memo",
            "--domain-id",
            "10000001",
            "--subscription-id",
            "20000001",
            "--memo",
            "renewal handled",
            "--clear",
            "customer-code",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let (head, body) = text.split_once("\n\n").expect("headers, blank line, body");
    assert_eq!(
        head.lines().next().unwrap(),
        format!(
            "PUT {}/partners/customers/10000001/subscription-memos/20000001",
            listener.base_url
        )
    );
    assert!(head.contains("Authorization: Bearer <redacted>"), "{head}");
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"memo": "renewal handled", "customerCode": null})
    );
    assert!(!text.contains(TOKEN));
    assert_eq!(listener.count(), 0, "nothing was sent");
}

#[test]
fn flags_override_fields_of_the_body_document() {
    let listener = Listener::start();
    let dir = config();
    let file = dir.path().join("body.yaml");
    std::fs::write(&file, "companyName: From File\nphoneNumber: 03-1111-2222\n").unwrap();
    let out = against(&dir, &listener.base_url)
        .args([
            "update-customer-partially",
            "--domain-id",
            "5",
            "--dry-run",
            "--body",
        ])
        .arg(&file)
        .args(["--company-name", "From Flag"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let body: Value = serde_json::from_str(text.split_once("\n\n").unwrap().1).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"companyName": "From Flag", "phoneNumber": "03-1111-2222"})
    );

    // The body from stdin.
    let out = against(&dir, &listener.base_url)
        .args([
            "update-customer-partially",
            "--domain-id",
            "5",
            "--dry-run",
            "--body",
            "-",
        ])
        .write_stdin(r#"{"timeZone": "Asia/Seoul"}"#)
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains(r#""timeZone": "Asia/Seoul""#),
        "{}",
        stderr(&out)
    );
    assert_eq!(listener.count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_reaches_the_api_and_the_group_alias_is_the_same_command() {
    let sb = sandbox(1).await;
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["customers", "update-partially", "--domain-id", "10000001"])
        .args(["--company-name", "Renamed K.K.", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = against(&dir, &sb.base_url())
        .args(["get-customer", "--domain-id", "10000001"])
        .output()
        .unwrap();
    let customer: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(customer["companyName"], "Renamed K.K.");
}

#[test]
fn every_operation_is_a_command_with_an_example_in_its_help() {
    let dir = config();
    let out = cli(&dir).arg("--help").output().unwrap();
    let help = stdout(&out);
    assert!(help.contains("Exit codes:\n  0  success"), "{help}");
    // Deprecated operations are hidden (deprecated.rs); every other one is listed.
    let spec: Value =
        serde_saphyr::from_str(include_str!("../../../openapi/partner.yaml")).unwrap();
    let deprecated = |id: &str| {
        spec["paths"].as_object().unwrap().values().any(|item| {
            item.as_object()
                .unwrap()
                .values()
                .any(|op| op["operationId"] == id && op["deprecated"] == Value::Bool(true))
        })
    };
    // Listed by group on the top-level page (help.rs); each one has a page of its own.
    for op in lineworks_partner::validate::operations() {
        if deprecated(op.id) {
            continue;
        }
        let name = op.id.replace('_', "-");
        let out = cli(&dir).args(["help", &name]).output().unwrap();
        assert!(out.status.success(), "help {name}: {}", stderr(&out));
        assert!(
            stdout(&out).contains(&format!("lineworks-partner {name}")),
            "help {name}"
        );
    }
    let out = cli(&dir)
        .args(["create-customer", "--help"])
        .output()
        .unwrap();
    let help = stdout(&out);
    assert!(
        help.contains("Example:\n  lineworks-partner create-customer --domain "),
        "{help}"
    );
    assert!(
        help.contains("[possible values: ja_JP, ko_KR"),
        "enum values listed: {help}"
    );
}

#[test]
fn version_names_the_spec_and_completions_are_generated() {
    let dir = config();
    let out = cli(&dir).arg("--version").output().unwrap();
    let expected = format!("(spec {})", lineworks_partner::SPEC_VERSION);
    assert!(stdout(&out).contains(&expected), "{}", stdout(&out));
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = cli(&dir).args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        assert!(stdout(&out).contains("list-customers"), "{shell}");
    }
}

#[test]
fn sandbox_flag_needs_no_credentials() {
    let dir = config();
    let out = cli(&dir)
        .args([
            "--sandbox",
            "get-customer",
            "--domain-id",
            "10000001",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let customer: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(customer["domain"], "example.com");
}

#[test]
fn plan_flag_takes_the_japanese_reference_values() {
    let dir = config();
    // AiNote's ANNUAL_PREPAY (a value only the Japanese reference lists), end to end.
    let out = cli(&dir)
        .args([
            "--sandbox",
            "create-subscription",
            "--domain-id",
            "10000001",
            "--product-id",
            "NTA_SL",
            "--plan",
            "ANNUAL_PREPAY",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let sub: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(sub["plan"], "ANNUAL_PREPAY");
    assert_eq!(sub["productId"], "NTA_SL");
    // A value no spec lists is refused before anything is sent, naming the flag.
    let out = cli(&dir)
        .args([
            "--sandbox",
            "create-subscription",
            "--domain-id",
            "10000001",
            "--product-id",
            "NTA_SL",
            "--plan",
            "ANNUAL_PREPAID",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("ANNUAL_PREPAY"), "{}", stderr(&out));
}

#[test]
fn long_examples_continue_with_a_backslash_at_argument_boundaries() {
    let dir = config();
    let mut continued = 0;
    for op in lineworks_partner::validate::operations() {
        let name = op.id.replace('_', "-");
        let out = cli(&dir).args([name.as_str(), "--help"]).output().unwrap();
        let help = stdout(&out);
        let example = help
            .split_once("Example:\n")
            .and_then(|(_, rest)| rest.split_once("\n\n"))
            .map(|(example, _)| example)
            .unwrap_or_else(|| panic!("{name}: no example: {help}"));
        let lines: Vec<&str> = example.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            assert!(line.chars().count() <= 78, "{name}: {line:?}");
            let last = i + 1 == lines.len();
            assert_eq!(line.ends_with(" \\"), !last, "{name}: {example}");
            if i > 0 {
                // A continuation starts with a flag: a flag is never parted from its value.
                assert!(line.trim_start().starts_with("--"), "{name}: {example}");
            }
        }
        continued += usize::from(lines.len() > 1);
        let joined = example
            .replace(" \\\n", " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            joined.starts_with(&format!("lineworks-partner {name}")),
            "{joined}"
        );
    }
    assert!(continued > 0, "some examples are long enough to continue");
}

#[test]
fn create_customer_takes_the_password_itself_and_never_shows_it() {
    let dir = config();
    let body = |domain: &str, password: &str| {
        let path = dir.path().join(format!("{domain}.json"));
        let doc = serde_json::json!({
            "domain": domain, "companyName": "New", "phoneNumber": "03-0000-0000",
            "timeZone": "Asia/Tokyo", "locale": "ja_JP",
            "administrator": {"lastName": "Works", "password": password, "id": "admin",
                              "privateEmail": "a@example.com"}
        });
        std::fs::write(&path, doc.to_string()).unwrap();
        path.to_str().unwrap().to_string()
    };
    let password = "Sec!Passw0rd";
    let wire = lineworks_partner::SecretText::from(password).to_base64();
    let run = |args: &[&str]| cli(&dir).arg("--sandbox").args(args).output().unwrap();
    let shows_no_secret = |out: &std::process::Output| {
        let all = format!("{}{}", stdout(out), stderr(out));
        assert!(!all.contains(password) && !all.contains(&wire), "{all}");
    };

    let file = body("new.example", password);
    let out = run(&["--debug", "create-customer", "--dry-run", "--body", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\"password\": \"<redacted>\""),
        "{}",
        stdout(&out)
    );
    shows_no_secret(&out);

    // Sent for real to the embedded sandbox, which takes only Base64: it decodes and accepts.
    let out = run(&["--debug", "create-customer", "--body", &file, "-o", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let customer: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(customer["domain"], "new.example");
    assert_eq!(customer["administrator"]["id"], "admin");
    shows_no_secret(&out);

    // The rules hold for the text: seven characters are refused before anything is sent.
    let out = run(&[
        "create-customer",
        "--body",
        &body("short.example", "Passw0r"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("administrator.password")
            && stderr(&out).contains("at least 8 characters"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("Passw0r\""), "{}", stderr(&out));
}
