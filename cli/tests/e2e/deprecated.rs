//! Deprecated operations (`deprecated: true` in the spec): the commands run, stay out of the
//! help listing, and each run names the replacement command in one line on stderr.

use crate::support::{TOKEN, against, cli, config, stderr, stdout};
use lineworks_partner_sandbox::{Sandbox, Seed};
use serde_json::Value;

/// The deprecated operations' command names, with their replacements', from the spec.
fn deprecated_commands() -> Vec<(String, Vec<String>)> {
    let spec: Value =
        serde_saphyr::from_str(include_str!("../../../openapi/partner.yaml")).unwrap();
    let kebab = |s: &str| s.replace('_', "-");
    let mut out = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if op["deprecated"] != Value::Bool(true) {
                continue;
            }
            let replaced = match &op["x-replaced-by"] {
                Value::String(r) => vec![kebab(r)],
                Value::Array(list) => list.iter().map(|r| kebab(r.as_str().unwrap())).collect(),
                _ => Vec::new(),
            };
            out.push((kebab(op["operationId"].as_str().unwrap()), replaced));
        }
    }
    out
}

/// Whether `help` lists `name` as a command.
fn lists(help: &str, name: &str) -> bool {
    help.lines()
        .any(|l| l.split_whitespace().next() == Some(name))
}

#[test]
fn deprecated_commands_are_hidden_from_help_but_documented() {
    let ops = deprecated_commands();
    assert!(ops.len() >= 12);
    let dir = config();
    let help = stdout(&cli(&dir).arg("--help").output().unwrap());
    let group = stdout(
        &cli(&dir)
            .args(["subscriptions", "--help"])
            .output()
            .unwrap(),
    );
    // Current operations are listed in their group (the top-level page lists the groups).
    assert!(lists(&group, "get-renewal"), "{group}");
    for (name, replaced) in &ops {
        assert!(!lists(&help, name), "{name} is listed in --help");
        assert!(!lists(&group, name), "{name} is listed in its group's help");
        let own = cli(&dir).args([name.as_str(), "--help"]).output().unwrap();
        assert!(own.status.success(), "{name} --help: {}", stderr(&own));
        let own = stdout(&own);
        assert!(own.contains("Deprecated upstream"), "{own}");
        for r in replaced {
            assert!(own.contains(r.as_str()), "{name} --help names {r}: {own}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deprecated_command_runs_on_the_current_state_and_names_its_replacement() {
    let sb = Sandbox::builder()
        .seed(Seed::demo())
        .token(TOKEN)
        .start()
        .await
        .expect("sandbox starts");
    let dir = config();
    let base = sb.base_url();

    let out = against(&dir, &base)
        .args(["add-legacy-license-count", "--domain-id", "10000001"])
        .args(["--add-license-count", "5", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let notice = stderr(&out);
    assert_eq!(
        notice,
        "warning: `add-legacy-license-count` is deprecated upstream and will be withdrawn; \
         use `add-license-count` instead\n"
    );
    let old: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(old["licenseCount"], 55);

    // The current command reads what the old one wrote, and warns about nothing.
    let out = against(&dir, &base)
        .args([
            "list-subscriptions",
            "--domain-id",
            "10000001",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let list: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(list["subscriptions"][0]["licenseCount"], 55);

    // Several replacements are all named, still on one line.
    let out = against(&dir, &base)
        .args([
            "delete-legacy-subscription-reservation",
            "--domain-id",
            "10000001",
        ])
        .args(["--yes", "-o", "json"])
        .output()
        .unwrap();
    let notice = stderr(&out);
    assert!(
        notice.starts_with(
            "warning: `delete-legacy-subscription-reservation` is deprecated upstream and will \
             be withdrawn; use `delete-subscription-reservation`, `delete-usage-status-renewal` \
             or `update-usage-status-partially` instead"
        ),
        "{notice}"
    );
    // Nothing is scheduled: the API's 404, after the notice.
    assert!(!out.status.success());
    sb.shutdown().await;
}
