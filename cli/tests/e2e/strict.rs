//! Strict requests by default with one opt-in, partial lists said on stderr, `--all` at the
//! largest page, and the auth fixes (absolute key path, unreachable token server, nothing
//! configured).

use crate::support::{against, cli, config, key_path, sandbox, stderr, stdout};

fn body(dir: &tempfile::TempDir, text: &str) -> String {
    let path = dir.path().join("body.json");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_body_fields_and_enum_typos_are_exit_2_unless_allowed() {
    let sb = sandbox(1).await;
    let dir = config();
    for (text, words) in [
        (
            r#"{"companyName": "X", "meno": "typo"}"#,
            "field meno is not in the spec",
        ),
        (r#"{"locale": "ja_jp"}"#, "\"ja_jp\" is not one of"),
    ] {
        let b = body(&dir, text);
        for dry in [false, true] {
            let mut cmd = against(&dir, &sb.base_url());
            cmd.args([
                "update-customer-partially",
                "--domain-id",
                "10000001",
                "--body",
                &b,
            ]);
            if dry {
                cmd.arg("--dry-run");
            }
            let out = cmd.output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{text}: {}", stderr(&out));
            let err = stderr(&out);
            assert!(
                err.contains(words) && err.contains("--allow-unknown-values"),
                "{err}"
            );
        }
    }
    assert!(sb.requests().is_empty(), "nothing was sent");

    // The opt-in sends them, from --body and from a flag alike.
    let b = body(&dir, r#"{"locale": "ja_jp"}"#);
    let out = against(&dir, &sb.base_url())
        .args([
            "update-customer-partially",
            "--domain-id",
            "10000001",
            "--body",
            &b,
        ])
        .arg("--allow-unknown-values")
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(sb.requests().len(), 1);
    let out = against(&dir, &sb.base_url())
        .args([
            "update-subscription-renewal",
            "--domain-id",
            "10000001",
            "--subscription-id",
            "1",
        ])
        .args(["--type", "CHANGE", "--plan", "ANNUAL_PLUS"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--allow-unknown-values"),
        "{}",
        stderr(&out)
    );
    let out = against(&dir, &sb.base_url())
        .args([
            "update-subscription-renewal",
            "--domain-id",
            "10000001",
            "--subscription-id",
            "1",
        ])
        .args([
            "--type",
            "CHANGE",
            "--plan",
            "ANNUAL_PLUS",
            "--allow-unknown-values",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\"plan\": \"ANNUAL_PLUS\""),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_list_says_so_and_all_asks_for_the_largest_page() {
    let sb = sandbox(45).await;
    let dir = config();
    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "-o", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("10 of more; use --all"),
        "{}",
        stderr(&out)
    );
    let out = against(&dir, &sb.base_url())
        .args(["list-customers", "--all", "-o", "ndjson"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out).lines().count(), 45);
    assert!(!stderr(&out).contains("of more"), "{}", stderr(&out));
    let paths: Vec<String> = sb
        .requests()
        .into_iter()
        .filter(|r| r.operation.as_deref() == Some("list_customers"))
        .map(|r| r.path)
        .collect();
    // 1 call without --all, then 2 pages of the spec's maximum (30) instead of 5 of 10.
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert!(paths[1].contains("count=30"), "{paths:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_status_with_nothing_is_non_zero_and_login_stores_an_absolute_key_path() {
    let dir = config();
    let out = cli(&dir).args(["auth", "status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));

    // A relative --private-key, from the key's directory.
    let key = key_path();
    let out = cli(&dir)
        .current_dir(key.parent().unwrap())
        .args([
            "auth",
            "login",
            "--no-check",
            "--client-id",
            "c",
            "--client-secret",
            "s",
        ])
        .args(["--service-account", "a@example", "--private-key"])
        .arg(key.file_name().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let status = cli(&dir).args(["auth", "status"]).output().unwrap();
    let canonical = std::fs::canonicalize(&key).unwrap();
    let shown = stdout(&status);
    let line = shown
        .lines()
        .find(|l| l.starts_with("private key:"))
        .unwrap();
    let path = std::path::Path::new(line.trim_start_matches("private key:").trim());
    assert!(path.is_absolute(), "{shown}");
    assert_eq!(std::fs::canonicalize(path).unwrap(), canonical);
}

#[test]
fn an_unreachable_token_server_is_exit_4() {
    let dir = config();
    // A port nothing listens on: bind, note, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = cli(&dir)
        .env("LW_CLIENT_ID", "c")
        .env("LW_CLIENT_SECRET", "s")
        .env("LW_SERVICE_ACCOUNT", "a@example")
        .env("LW_PRIVATE_KEY", key_path())
        .env("LW_TOKEN_URL", format!("http://127.0.0.1:{port}/token"))
        .env("LW_API_BASE_URL", format!("http://127.0.0.1:{port}/v1.0"))
        .args(["get-customer", "--domain-id", "1", "--max-wait", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}
