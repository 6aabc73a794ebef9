//! The `--all` progress line: drawn on a terminal, absent otherwise. The terminal is a real
//! pty from util-linux `script`, which runs the command with stdin, stdout and stderr on it.

use crate::support::{TOKEN, config, pty, stdout};
use lineworks_partner_sandbox::Sandbox;

fn under_pty(sb: &Sandbox, dir: &tempfile::TempDir, command: &str) -> String {
    let out = pty(dir, &sb.base_url(), command, "");
    assert!(out.status.success(), "{}", stdout(&out));
    stdout(&out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_shows_progress_on_a_terminal_only() {
    let sb = Sandbox::builder()
        .token(TOKEN)
        .latency(30)
        .seed(sandbox_seed(40))
        .start()
        .await
        .unwrap();
    let dir = config();
    // stdout to a file, stderr on the terminal: the progress line is drawn there.
    let file = dir.path().join("out.ndjson");
    let shown = under_pty(
        &sb,
        &dir,
        &format!(
            "list-customers --all --count 5 -o ndjson > {}",
            file.display()
        ),
    );
    assert!(shown.contains("40 items, 8 pages, "), "{shown:?}");
    // Every frame reads `N items, M page(s), R/s`: a page count from the first frame on, one
    // page in the singular, and a whole rate.
    assert!(
        !shown.contains("items,  ") && !shown.contains(" 1 pages") && !shown.contains(" 1 items"),
        "{shown:?}"
    );
    for (at, _) in shown.match_indices("/s") {
        let rate = shown[..at].rsplit(' ').next().unwrap_or_default();
        assert!(
            !rate.is_empty() && rate.chars().all(|c| c.is_ascii_digit() || c == ','),
            "rate {rate:?} in {shown:?}"
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 40);

    // stderr redirected away from the terminal: nothing drawn.
    let quiet = under_pty(
        &sb,
        &dir,
        &format!(
            "list-customers --all --count 5 -o ndjson > {} 2>/dev/null",
            file.display()
        ),
    );
    assert!(!quiet.contains("items"), "{quiet:?}");
}

fn sandbox_seed(n: usize) -> lineworks_partner_sandbox::Seed {
    let customers: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"domain": "p{i:03}.example"}}"#))
        .collect();
    lineworks_partner_sandbox::Seed::from_json(&format!(
        r#"{{"customers": [{}]}}"#,
        customers.join(",")
    ))
    .unwrap()
}
