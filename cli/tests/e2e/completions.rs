//! Completion scripts, tried in the real shells: flags complete below the command name.
//! bash must be there; zsh and fish are tried where installed (a message says when not).

use crate::support::{cli, config};
use std::process::Command;

fn script(shell: &str) -> tempfile::NamedTempFile {
    let dir = config();
    let out = cli(&dir).args(["completions", shell]).output().unwrap();
    assert!(out.status.success());
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &out.stdout).unwrap();
    file
}

fn installed(shell: &str) -> bool {
    let found = Command::new(shell)
        .args(["-c", "exit 0"])
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("{shell} is not installed: its completions were not tried");
    }
    found
}

/// What bash's completion function offers for the words typed (the last one being completed).
fn bash_complete(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    let code = format!(
        "source '{}'\n\
         f=$(complete -p lineworks-partner | sed -E 's/.* -F ([^ ]+) .*/\\1/')\n\
         COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}\n\
         \"$f\" lineworks-partner '{cur}' '{prev}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words = quoted.join(" "),
        cur = words[cword],
    );
    let out = Command::new("bash").args(["-c", &code]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_flags_below_the_command_name() {
    assert!(installed("bash"), "bash is needed for this test");
    let file = script("bash");
    let offered = bash_complete(
        file.path(),
        &["lineworks-partner", "create-subscription", "--pl"],
    );
    assert_eq!(offered, ["--plan"]);
    // In a group, and a global flag after the command name.
    let offered = bash_complete(
        file.path(),
        &["lineworks-partner", "subscriptions", "create", "--pl"],
    );
    assert_eq!(offered, ["--plan"]);
    let offered = bash_complete(
        file.path(),
        &["lineworks-partner", "list-customers", "--fie"],
    );
    assert_eq!(offered, ["--fields"]);
    // Command names at the top.
    let offered = bash_complete(file.path(), &["lineworks-partner", "create-subscr"]);
    assert!(
        offered.contains(&"create-subscription".to_string()),
        "{offered:?}"
    );
}

#[test]
fn fish_completes_flags_below_the_command_name() {
    if !installed("fish") {
        return;
    }
    let file = script("fish");
    let out = Command::new("fish")
        .args([
            "--no-config",
            "-c",
            &format!(
                "source '{}'; complete -C 'lineworks-partner create-subscription --pl'",
                file.path().display()
            ),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.split('\t').next() == Some("--plan")),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn zsh_completes_flags_below_the_command_name() {
    if !installed("zsh") {
        return;
    }
    let file = script("zsh");
    let driver = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/zsh_capture.zsh");
    let offered = |line: &str| -> Vec<String> {
        let out = Command::new("timeout")
            .args(["30", "zsh", "-f"])
            .arg(&driver)
            .arg(file.path())
            .arg(line)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        offered("lineworks-partner create-subscription --pl"),
        ["--plan"]
    );
    assert_eq!(
        offered("lineworks-partner subscriptions create --pl"),
        ["--plan"]
    );
    assert_eq!(
        offered("lineworks-partner list-customers --fie"),
        ["--fields"]
    );
}
