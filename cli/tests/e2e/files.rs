//! The config and the token cache on disk: replaced atomically, never written or chmodded
//! through a planted link, and a cache others can write is not trusted.

use crate::support::{TOKEN, cli, config, key_path, sandbox, stderr};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const SECRET: &str = "client-secret-77ab-never-printed";

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

fn config_file(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("lineworks-partner/config.toml")
}

/// `auth login` of profile `name` without the online check (nothing to reach).
fn login_args(name: &str) -> Vec<String> {
    let mut args: Vec<String> = ["--profile", name, "auth", "login", "--no-check"]
        .map(String::from)
        .into();
    args.extend(
        [
            "--client-id",
            &format!("client-{name}-0123456789abcdef"),
            "--service-account",
            &format!("{name}.serviceaccount@partner-example.com"),
            "--token-url",
            "http://127.0.0.1:9/oauth2/v2.0/token",
            "--base-url",
            "http://127.0.0.1:9/v1.0",
            "--private-key",
        ]
        .map(String::from),
    );
    args.push(key_path().display().to_string());
    args
}

fn login(dir: &tempfile::TempDir, name: &str) -> std::process::Output {
    cli(dir)
        .args(login_args(name))
        .env("LW_CLIENT_SECRET", SECRET)
        .output()
        .unwrap()
}

#[test]
fn a_write_cut_short_by_the_file_size_limit_keeps_every_profile() {
    let dir = config();
    for name in ["alpha", "bravo", "charlie"] {
        let out = login(&dir, name);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let before = std::fs::read(config_file(&dir)).unwrap();
    assert!(before.len() > 512, "the file outgrows the limit below");
    // A 512-byte file size limit: the write of the fourth profile is cut off (SIGXFSZ, or
    // EFBIG where the signal is ignored).
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 1; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_lineworks-partner"))
        .args(login_args("delta"))
        .env("XDG_CONFIG_HOME", dir.path())
        .env("HOME", dir.path())
        .env("LW_CLIENT_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(!status.status.success(), "the write failed");
    assert_eq!(
        std::fs::read(config_file(&dir)).unwrap(),
        before,
        "the old file, whole"
    );
    for name in ["alpha", "bravo", "charlie"] {
        let out = cli(&dir)
            .args(["--profile", name, "auth", "status"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
    }
}

#[test]
fn a_symlink_at_config_toml_is_replaced_never_written_through() {
    let dir = config();
    let folder = dir.path().join("lineworks-partner");
    std::fs::create_dir_all(&folder).unwrap();
    let victim = dir.path().join("victim.toml");
    std::fs::write(&victim, "").unwrap();
    std::os::unix::fs::symlink(&victim, config_file(&dir)).unwrap();
    let out = login(&dir, "default");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&victim).unwrap(), b"", "the link's target");
    let meta = std::fs::symlink_metadata(config_file(&dir)).unwrap();
    assert!(meta.file_type().is_file());
    assert_eq!(mode(&config_file(&dir)), 0o600);
    let text = std::fs::read_to_string(config_file(&dir)).unwrap();
    assert!(text.contains("client-default-"), "{text}");
}

#[test]
fn a_config_others_can_write_is_refused() {
    let dir = config();
    let out = login(&dir, "default");
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::set_permissions(config_file(&dir), std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = cli(&dir).args(["auth", "status"]).output().unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("writable by other users"),
        "{}",
        stderr(&out)
    );
}

/// A profile against a sandbox that accepts [`TOKEN`] and the tokens it issues.
async fn with_profile(dir: &tempfile::TempDir) -> lineworks_partner_sandbox::Sandbox {
    let sb = sandbox(1).await;
    let out = cli(dir)
        .args(["auth", "login", "--no-check", "--client-id", "cid-f"])
        .args(["--service-account", "sa-f", "--token-url", &sb.token_url()])
        .args(["--base-url", &sb.base_url(), "--private-key"])
        .arg(key_path())
        .env("LW_CLIENT_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    sb
}

fn tokens_dir(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("lineworks-partner/tokens")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tokens_link_to_a_shared_folder_is_neither_used_nor_chmodded() {
    let dir = config();
    let _sb = with_profile(&dir).await;
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    std::os::unix::fs::symlink(&shared, tokens_dir(&dir)).unwrap();
    let out = cli(&dir).args(["list-customers"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("not used"), "{}", stderr(&out));
    assert_eq!(mode(&shared), 0o1777, "never chmodded through the link");
    assert_eq!(
        std::fs::read_dir(&shared).unwrap().count(),
        0,
        "no token in it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_cache_others_can_write_is_not_used_and_is_repaired() {
    let dir = config();
    let sb = with_profile(&dir).await;
    let out = cli(&dir).args(["list-customers"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let file = tokens_dir(&dir).join("cid-f@sa-f.json");
    assert_eq!(mode(&file), 0o600);
    // Someone plants a token they know in a file (and folder) anyone can write.
    let far = chrono::Utc::now().timestamp() + 86_400;
    let planted =
        serde_json::json!({ "access_token": TOKEN, "access_token_expires_at": far }).to_string();
    std::fs::write(&file, planted).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
    std::fs::set_permissions(tokens_dir(&dir), std::fs::Permissions::from_mode(0o777)).unwrap();

    let out = cli(&dir).args(["list-customers"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("writable by other users"), "{err}");
    assert_eq!(
        mode(&tokens_dir(&dir)),
        0o700,
        "the folder is made private: {err}"
    );
    assert_eq!(mode(&file), 0o600, "replaced by the next token: {err}");
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_ne!(cached["access_token"], TOKEN, "the planted token is gone");
    assert!(
        cached["access_token"]
            .as_str()
            .is_some_and(|t| t.starts_with("sbx.")),
        "one from the token endpoint: {cached}"
    );
    drop(sb);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_planted_where_a_temp_file_goes_is_not_followed() {
    let dir = config();
    let _sb = with_profile(&dir).await;
    std::fs::create_dir_all(tokens_dir(&dir)).unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "untouched").unwrap();
    // The temporary name earlier versions used.
    std::os::unix::fs::symlink(&victim, tokens_dir(&dir).join("cid-f@sa-f.json.tmp")).unwrap();
    let out = cli(&dir).args(["list-customers"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    let file = tokens_dir(&dir).join("cid-f@sa-f.json");
    assert!(std::fs::symlink_metadata(&file).unwrap().is_file());
    assert_eq!(mode(&file), 0o600);
}
