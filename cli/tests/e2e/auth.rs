//! `auth login|status|logout` with a temporary config directory and the sandbox's token
//! endpoint.

use crate::support::{cli, config, key_path, sandbox, stderr, stdout};
use lineworks_partner_sandbox::Sandbox;

const SECRET: &str = "client-secret-5e1f-never-printed";

/// `auth login` against the sandbox's token endpoint, the secret from the environment.
fn login(dir: &tempfile::TempDir, sb: &Sandbox, global: &[&str], client_id: &str, account: &str) {
    let out = cli(dir)
        .args(global)
        .args(["auth", "login", "--client-id", client_id])
        .args(["--service-account", account, "--token-url", &sb.token_url()])
        .args(["--base-url", &sb.base_url(), "--private-key"])
        .arg(key_path())
        .env("LW_CLIENT_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_writes_a_0600_profile_that_later_commands_use() {
    let sb = sandbox(2).await;
    let dir = config();
    let out = cli(&dir)
        .args([
            "auth",
            "login",
            "--client-id",
            "cid-1",
            "--service-account",
            "sa-1@example",
        ])
        .args(["--token-url", &sb.token_url(), "--base-url", &sb.base_url()])
        .arg("--private-key")
        .arg(key_path())
        .env("LW_CLIENT_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let file = dir.path().join("lineworks-partner/config.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("[profiles.default]") && text.contains("cid-1"),
        "{text}"
    );
    assert!(
        !text.contains("PRIVATE KEY"),
        "the key's path is stored, not the key"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // The profile is used without any LW_* variable.
    let out = cli(&dir)
        .args(["list-customers", "-o", "ndjson"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 2);

    let out = cli(&dir).args(["auth", "status"]).output().unwrap();
    let status = stdout(&out);
    assert!(
        status.contains("cid-1") && status.contains("<redacted>"),
        "{status}"
    );
    assert!(!stdout(&out).contains(SECRET) && !stderr(&out).contains(SECRET));

    let out = cli(&dir).args(["auth", "logout"]).output().unwrap();
    assert!(out.status.success());
    let out = cli(&dir).args(["list-customers"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "no credentials after logout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_removes_the_cached_token_too() {
    let sb = sandbox(1).await;
    let dir = config();
    login(&dir, &sb, &[], "cid-l", "sa-l");
    let out = cli(&dir).args(["list-customers"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let file = dir.path().join("lineworks-partner/tokens/cid-l@sa-l.json");
    assert!(file.exists(), "a command cached its token");
    let out = cli(&dir).args(["auth", "logout"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!file.exists(), "the cached token is gone: {}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_the_token_endpoint_refuses_writes_nothing() {
    let sb = sandbox(1).await;
    let dir = config();
    let out = cli(&dir)
        .args([
            "auth",
            "login",
            "--client-id",
            "cid-1",
            "--service-account",
            "sa-1",
        ])
        .args(["--token-url", &format!("{}/nowhere", sb.token_url())])
        .args(["--base-url", &sb.base_url()])
        .arg("--private-key")
        .arg(key_path())
        .env("LW_CLIENT_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(!stderr(&out).contains(SECRET));
    assert!(!dir.path().join("lineworks-partner/config.toml").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_flag_and_variable_choose_the_profile() {
    let sb = sandbox(1).await;
    let dir = config();
    login(&dir, &sb, &["--profile", "staging"], "cid-s", "sa-s");
    let out = cli(&dir)
        .args(["auth", "status", "--profile", "staging"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("profile: staging"),
        "{}",
        stdout(&out)
    );
    let out = cli(&dir)
        .env("LW_PROFILE", "staging")
        .args(["list-customers", "-o", "ndjson"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // The default profile does not exist; a named one that does not is an error.
    let out = cli(&dir).args(["list-customers"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let out = cli(&dir)
        .args(["--profile", "nope", "list-customers"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("no profile \"nope\""),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_shows_the_cached_tokens_expiry_never_the_token() {
    let sb = sandbox(1).await;
    let dir = config();
    login(&dir, &sb, &[], "cid-e", "sa-e");
    let status = || {
        let out = cli(&dir).args(["auth", "status"]).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    assert!(status().contains("token: no cached token"), "{}", status());

    // A command caches the token it obtained; status reads its expiry from that file.
    let out = cli(&dir).args(["list-customers"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let file = dir.path().join("lineworks-partner/tokens/cid-e@sa-e.json");
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let expires = cached["access_token_expires_at"]
        .as_i64()
        .expect("an expiry");
    let expected = chrono::DateTime::from_timestamp(expires, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let shown = status();
    assert!(
        shown.contains(&format!(
            "token: access token cached, expires {expected} (in "
        )),
        "{shown}"
    );
    for secret in [&cached["access_token"], &cached["refresh_token"]] {
        if let Some(secret) = secret.as_str() {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
    assert!(!shown.contains(SECRET), "{shown}");

    // An expired one says so.
    let mut stale = cached.clone();
    stale["access_token_expires_at"] = (expires - 3 * 86_400).into();
    std::fs::write(&file, stale.to_string()).unwrap();
    assert!(
        status().contains("access token cached, expired "),
        "{}",
        status()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incomplete_lw_set_fills_in_the_profile_instead_of_hiding_it() {
    let sb = sandbox(1).await;
    let dir = config();
    login(&dir, &sb, &[], "cid-d", "sa-d");
    login(&dir, &sb, &["--profile", "staging"], "cid-s", "sa-s");
    // The secret stays exported after `auth login`, as the README suggests.
    for global in [&[][..], &["--profile", "staging"][..]] {
        let out = cli(&dir)
            .env("LW_CLIENT_SECRET", SECRET)
            .args(global)
            .args(["list-customers", "-o", "ndjson"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{global:?}: {}", stderr(&out));
        assert_eq!(stdout(&out).lines().count(), 1);
    }
    let out = cli(&dir)
        .env("LW_CLIENT_SECRET", SECRET)
        .args(["auth", "status"])
        .output()
        .unwrap();
    let shown = stdout(&out);
    assert!(
        shown.contains("profile: default")
            && shown.contains("from the environment: LW_CLIENT_SECRET"),
        "{shown}"
    );
    assert!(!shown.contains(SECRET) && !stderr(&out).contains(SECRET));
    // Without a profile the incomplete set is still an error naming what is missing.
    let empty = config();
    let out = cli(&empty)
        .env("LW_CLIENT_SECRET", SECRET)
        .args(["list-customers"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("LW_CLIENT_ID"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_honours_lw_token_url_and_lw_api_base_url_and_labels_its_check() {
    let sb = sandbox(1).await;
    let dir = config();
    let out = cli(&dir)
        .args([
            "auth",
            "login",
            "--client-id",
            "cid-v",
            "--service-account",
            "sa-v",
        ])
        .arg("--private-key")
        .arg(key_path())
        .env("LW_CLIENT_SECRET", SECRET)
        .env("LW_TOKEN_URL", sb.token_url())
        .env("LW_API_BASE_URL", sb.base_url())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    // The check's failure is the login's, not a list-customers command's.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = cli(&dir)
        .args([
            "auth",
            "login",
            "--client-id",
            "cid-w",
            "--service-account",
            "sa-w",
        ])
        .arg("--private-key")
        .arg(key_path())
        .env("LW_CLIENT_SECRET", SECRET)
        .env("LW_TOKEN_URL", sb.token_url())
        .env("LW_API_BASE_URL", format!("http://127.0.0.1:{port}/v1.0"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "error: auth login: checking the credentials with list-customers failed: "
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn status_with_lw_variables_shows_the_ids_and_no_secret() {
    let dir = config();
    let pem = std::fs::read_to_string(key_path()).unwrap();
    for (key, shown) in [
        (
            key_path().display().to_string(),
            key_path().display().to_string(),
        ),
        (pem.clone(), "<PEM in LW_PRIVATE_KEY, redacted>".to_string()),
    ] {
        let out = cli(&dir)
            .env("LW_CLIENT_ID", "cid-env")
            .env("LW_CLIENT_SECRET", "secret-env-never-shown")
            .env("LW_SERVICE_ACCOUNT", "sa-env@example.com")
            .env("LW_PRIVATE_KEY", &key)
            .args(["auth", "status"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        for line in [
            "client id: cid-env",
            "service account: sa-env@example.com",
            "client secret: <redacted> (LW_CLIENT_SECRET)",
        ] {
            assert!(text.contains(line), "{line}: {text}");
        }
        assert!(text.contains(&format!("private key: {shown}")), "{text}");
        assert!(
            !text.contains("secret-env-never-shown") && !text.contains("PRIVATE KEY-----"),
            "{text}"
        );
    }
}

/// On a machine without an OS keyring (the tests' session bus leads nowhere), `auth login`
/// keeps the secret in the 0600 config file and says so; `auth status` names the file; a
/// login that insists on the keyring writes nothing. The secret is on no output line.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keyring_the_secret_falls_back_to_the_file_and_status_says_where() {
    let sb = sandbox(1).await;
    let dir = config();
    let file = dir.path().join("lineworks-partner/config.toml");
    let login = |store: &str| {
        cli(&dir)
            .args([
                "auth",
                "login",
                "--client-id",
                "cid-k",
                "--service-account",
                "sa-k",
            ])
            .args(["--token-url", &sb.token_url(), "--base-url", &sb.base_url()])
            .arg("--private-key")
            .arg(key_path())
            .args(["--secret-store", store])
            .env("LW_CLIENT_SECRET", SECRET)
            .output()
            .unwrap()
    };

    let out = login("keyring");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the OS keyring did not keep the client secret"),
        "{}",
        stderr(&out)
    );
    assert!(!file.exists(), "nothing written");
    assert!(!stderr(&out).contains(SECRET) && !stdout(&out).contains(SECRET));

    let out = login("auto");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: the OS keyring could not be used (")
            && err.contains(&format!("the client secret is kept in {}", file.display())),
        "{err}"
    );
    assert!(
        !err.contains(SECRET) && !stdout(&out).contains(SECRET),
        "{err}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains(SECRET) && !text.contains("secret_store"),
        "{text}"
    );

    let out = cli(&dir).args(["auth", "status"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains(&format!(
            "client secret: <redacted> ({}, mode 0600)",
            file.display()
        )),
        "{shown}"
    );
    assert!(!shown.contains(SECRET) && !stderr(&out).contains(SECRET));

    let out = login("file");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("client secret kept in") && !stderr(&out).contains("warning"),
        "{}",
        stderr(&out)
    );
}

/// A profile whose secret is in the keyring, read where no keyring answers: `auth status`
/// and commands fail with exit 3 naming the ways out; `LW_CLIENT_SECRET` stands in for it
/// without a look at the keyring, and `auth status` says the secret came from there.
#[cfg(target_os = "linux")]
#[test]
fn a_keyring_profile_without_a_keyring_names_the_ways_out() {
    let dir = config();
    let file = dir.path().join("lineworks-partner/config.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let profile = format!(
        "[profiles.default]\nclient_id = \"cid-r\"\nsecret_store = \"keyring\"\nservice_account = \"sa-r\"\nprivate_key = {:?}\n",
        key_path().display().to_string()
    );
    std::fs::write(&file, profile).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    for args in [&["auth", "status"][..], &["list-customers"][..]] {
        let out = cli(&dir).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("kept in the OS keyring, which could not be read")
                && err.contains("LW_CLIENT_SECRET")
                && err.contains("--secret-store file"),
            "{err}"
        );
    }
    let out = cli(&dir)
        .env("LW_CLIENT_SECRET", SECRET)
        .args(["auth", "status"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("client secret: <redacted> (LW_CLIENT_SECRET)"),
        "{shown}"
    );
    assert!(!shown.contains(SECRET));
}
