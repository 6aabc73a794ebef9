//! Running the binary with a clean environment, and servers to run it against.

use assert_cmd::Command;
use lineworks_partner_sandbox::{Sandbox, Seed};
use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The token the test sandboxes accept; tests check it never shows up in any output.
pub const TOKEN: &str = "tok-3f9c2a-never-printed";

/// The binary with no `LW_*` variables and a private, empty config directory.
pub fn cli(config: &tempfile::TempDir) -> Command {
    Command::from_std(std_cli(config))
}

/// [`cli`] as a plain `std::process::Command`, for tests that manage the pipes themselves.
pub fn std_cli(config: &tempfile::TempDir) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_lineworks-partner"));
    for (key, _) in std::env::vars() {
        if key.starts_with("LW_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("XDG_CONFIG_HOME", config.path());
    cmd.env("HOME", config.path());
    // No test reaches the keyring of the machine it runs on: on Linux the session bus is one
    // that does not exist (as on a headless machine), elsewhere the secret goes to the file.
    cmd.env("DBUS_SESSION_BUS_ADDRESS", NO_BUS);
    #[cfg(not(target_os = "linux"))]
    cmd.env("LW_SECRET_STORE", "file");
    cmd
}

/// A D-Bus address with nothing behind it: the Secret Service cannot be reached.
pub const NO_BUS: &str = "unix:path=/nonexistent/lineworks-partner-test-bus";

/// The binary pointed at `base_url` with the test token.
pub fn against(config: &tempfile::TempDir, base_url: &str) -> Command {
    let mut cmd = cli(config);
    cmd.env("LW_API_BASE_URL", base_url)
        .env("LW_ACCESS_TOKEN", TOKEN);
    cmd
}

/// A sandbox with `n` customers `c0000.example`, ...; only [`TOKEN`] is accepted.
pub async fn sandbox(n: usize) -> Sandbox {
    let customers: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"domain": "c{i:04}.example", "companyName": "Company {i}"}}"#))
        .collect();
    let seed = Seed::from_json(&format!(r#"{{"customers": [{}]}}"#, customers.join(",")))
        .expect("seed parses");
    Sandbox::builder()
        .seed(seed)
        .token(TOKEN)
        .start()
        .await
        .expect("sandbox starts")
}

/// A loopback listener that counts connections and, depending on `answer`, closes each one
/// right after reading the request (a request that may have been applied, with no answer).
pub struct Listener {
    pub base_url: String,
    pub connections: Arc<AtomicUsize>,
}

impl Listener {
    pub fn start() -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base_url = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                seen.fetch_add(1, Ordering::SeqCst);
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                // Dropped: the connection closes with no answer.
            }
        });
        Listener {
            base_url,
            connections,
        }
    }

    pub fn count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The test service account's private key (PKCS#8 PEM).
pub fn key_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/test_key_pkcs8.pem")
}

pub fn config() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Runs `command` (a shell command line, the binary's path prepended) under a real pty from
/// util-linux `script`, which puts the command's stdin, stdout and stderr on it; `input` is
/// typed into it. What the terminal showed is the output's stdout.
pub fn pty(
    dir: &tempfile::TempDir,
    base_url: &str,
    command: &str,
    input: &str,
) -> std::process::Output {
    use std::io::Write;
    let bin = env!("CARGO_BIN_EXE_lineworks-partner");
    let mut script = std::process::Command::new("script");
    for (key, _) in std::env::vars() {
        if key.starts_with("LW_") {
            script.env_remove(key);
        }
    }
    let mut child = script
        .env("XDG_CONFIG_HOME", dir.path())
        .env("LW_API_BASE_URL", base_url)
        .env("LW_ACCESS_TOKEN", TOKEN)
        .env("TERM", "xterm")
        .args(["-qec", &format!("{bin} {command}"), "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs the command under a pty (install util-linux)");
    let mut stdin = child.stdin.take().expect("piped");
    stdin.write_all(input.as_bytes()).expect("typed");
    drop(stdin);
    child.wait_with_output().expect("script ends")
}

/// Runs `cmd` with a stdout whose reader is already gone (as `| head` that has exited), so the
/// first write fails with a broken pipe whatever its size.
pub fn with_closed_stdout(mut cmd: std::process::Command) -> std::process::Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    cmd.stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("the binary runs")
}
