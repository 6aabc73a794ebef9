//! `--debug`: one line per attempt and per retry, against a sandbox whose first answers are
//! injected failures; no secret in any of it.

use crate::support::{cli, config, key_path, sandbox, stderr, stdout};

const SECRET: &str = "client-secret-9a7d-never-printed";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_writes_a_line_per_attempt_and_no_secret() {
    let sb = sandbox(2).await;
    sb.fail_next("get_customer", 503, 2).unwrap();
    let dir = config();
    // A service account, so the token request (and its secret) is part of the run.
    let out = cli(&dir)
        .env("LW_API_BASE_URL", sb.base_url())
        .env("LW_TOKEN_URL", sb.token_url())
        .env("LW_CLIENT_ID", "cid-d")
        .env("LW_CLIENT_SECRET", SECRET)
        .env("LW_SERVICE_ACCOUNT", "sa-d")
        .env("LW_PRIVATE_KEY", key_path())
        .args([
            "get-customer",
            "--domain-id",
            "10000001",
            "--debug",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stderr(&out);
    assert!(log.lines().all(|l| l.starts_with("debug: ")), "{log}");
    let attempts: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("get_customer GET attempt"))
        .collect();
    let sent = sb
        .requests()
        .iter()
        .filter(|r| r.operation.as_deref() == Some("get_customer"))
        .count();
    assert_eq!((attempts.len(), sent), (3, 3), "{log}");
    for (line, status) in attempts
        .iter()
        .zip(["1: 503 in ", "2: 503 in ", "3: 200 in "])
    {
        assert!(line.contains(&format!("attempt {status}")), "{line}");
        assert!(line.ends_with(" ms"), "{line}");
    }
    let retries: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("get_customer: retry after attempt"))
        .collect();
    assert_eq!(retries.len(), 2, "{log}");
    assert!(retries[0].contains("attempt 1 (503), waiting "), "{log}");
    assert!(log.contains("requesting an access token"), "{log}");

    // Neither the client secret nor the tokens the sandbox issued (cached in the token file).
    let file = dir.path().join("lineworks-partner/tokens/cid-d@sa-d.json");
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let access = cached["access_token"].as_str().expect("a cached token");
    let mut secrets = vec![SECRET, access];
    secrets.extend(cached["refresh_token"].as_str());
    for secret in secrets {
        assert!(!log.contains(secret) && !stdout(&out).contains(secret));
    }
}
