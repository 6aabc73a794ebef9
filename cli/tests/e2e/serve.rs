//! `lineworks-partner sandbox serve`: a server other commands (and scripts) can use.

use crate::support::{cli, config, std_cli, stderr, stdout};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

/// Kills the server however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_prints_an_address_that_commands_can_use() {
    let notice = serve_and_use("127.0.0.1:0", &[], "test");
    assert!(notice.contains("this machine only"), "{notice}");
    assert!(notice.contains("any non-empty bearer token"), "{notice}");
}

#[test]
fn serve_on_every_interface_prints_a_loopback_address_and_says_it_is_open() {
    let notice = serve_and_use("0.0.0.0:0", &["--token", "tok-serve"], "tok-serve");
    assert!(notice.contains("0.0.0.0:"), "{notice}");
    assert!(notice.contains("every interface"), "{notice}");
    assert!(notice.contains("only the configured token"), "{notice}");
    let notice = serve_and_use("0.0.0.0:0", &["--insecure-open"], "anything");
    assert!(
        notice.contains("every interface") && notice.contains("any non-empty bearer token"),
        "{notice}"
    );
}

#[test]
fn serve_on_every_interface_without_a_token_is_refused() {
    let dir = config();
    // Bounded: a sandbox that started anyway would serve until killed.
    let out = cli(&dir)
        .args(["sandbox", "serve", "--listen", "0.0.0.0:0"])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c != 0),
        "refused at once, not left serving: {:?}; {}",
        out.status,
        stderr(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("--token") && err.contains("--insecure-open"),
        "{err}"
    );
}

/// Serves on `listen`, checks a command works against the printed URL with `token`, and
/// returns the notice line that follows the URL.
fn serve_and_use(listen: &str, flags: &[&str], token: &str) -> String {
    let dir = config();
    let mut server = Server(
        std_cli(&dir)
            .args(["sandbox", "serve", "--listen", listen])
            .args(flags)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts"),
    );
    // Its first line is the variable to set, as it is (read alone: the server never ends).
    // The pipe stays open to the end: a server writing to a closed stderr would die.
    let mut log = BufReader::new(server.0.stderr.take().expect("piped"));
    let mut first = String::new();
    log.read_line(&mut first).expect("stderr is readable");
    let url = first
        .trim_end()
        .strip_prefix("LW_API_BASE_URL=")
        .unwrap_or_else(|| panic!("the first line is LW_API_BASE_URL=...: {first:?}"))
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v1.0"),
        "{url}"
    );
    assert!(!url.contains(":0/"), "the port it was given, not 0: {url}");
    let mut notice = String::new();
    log.read_line(&mut notice).expect("stderr is readable");

    let out = cli(&dir)
        .env("LW_API_BASE_URL", &url)
        .env("LW_ACCESS_TOKEN", token)
        .args(["list-customers", "-o", "ndjson"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r["domainId"].is_u64()),
        "the demo customers: {rows:?}"
    );
    drop(server);
    drop(log);
    notice
}
