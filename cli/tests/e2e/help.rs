//! Help pages: a short top-level page with a starting point, the global options documented
//! there once (not on every command's page), operations named as the commands are.

use crate::support::{cli, config, stdout};

fn help(args: &[&str]) -> String {
    let dir = config();
    let out = cli(&dir).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}");
    stdout(&out)
}

#[test]
fn the_top_level_page_is_short_and_says_where_to_start() {
    let page = help(&["--help"]);
    let lines = page.lines().count();
    // 122 lines before: every operation and every global option.
    assert!(lines <= 75, "{lines} lines:\n{page}");
    assert!(page.contains("Start here:"), "{page}");
    assert!(page.contains("help COMMAND"), "{page}");
    // Groups, each naming a few of its commands; not 67 operation lines.
    assert!(page.contains("  subscriptions "), "{page}");
    assert!(!page.contains("  create-pre-order "), "{page}");
    // The global options are documented here.
    assert!(page.contains("--fields"), "{page}");
    assert!(page.contains("--each-row"), "{page}");
}

#[test]
fn a_command_page_lists_its_own_flags_and_one_line_about_the_global_ones() {
    for args in [
        &["create-subscription", "--help"][..],
        &["create-subscription", "-h"],
        &["subscriptions", "create", "--help"],
        &["completions", "--help"],
        &["auth", "login", "--help"],
    ] {
        let page = help(args);
        assert!(!page.contains("Global options:"), "{args:?}:\n{page}");
        assert!(!page.contains("--each-row <"), "{args:?}:\n{page}");
        assert!(
            page.contains("Global options (-o, --fields"),
            "{args:?}: the hint\n{page}"
        );
    }
    let page = help(&["create-subscription", "--help"]);
    assert!(page.contains("--plan"), "{page}");
    // 126 lines before, 61 with -h; `completions --help` 45.
    assert!(page.lines().count() <= 80, "{page}");
    assert!(help(&["completions", "--help"]).lines().count() <= 15);
}

#[test]
fn global_options_still_work_after_the_command_name() {
    let dir = config();
    let out = cli(&dir)
        .args([
            "--sandbox",
            "list-customers",
            "-o",
            "ndjson",
            "--fields",
            "domain",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    assert!(stdout(&out).starts_with("{\"domain\":"), "{}", stdout(&out));
    let out = cli(&dir)
        .args([
            "customers",
            "list",
            "--sandbox",
            "-o",
            "csv",
            "--fields",
            "domain",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    assert!(stdout(&out).starts_with("domain\n"), "{}", stdout(&out));
}

#[test]
fn help_names_operations_in_kebab_case() {
    let page = help(&["get-legacy-subscription", "--help"]);
    assert!(page.contains("list-subscriptions"), "{page}");
    assert!(!page.contains("list_subscriptions"), "{page}");
    for op in lineworks_partner::validate::operations() {
        let page = help(&["help", &op.id.replace('_', "-")]);
        for other in lineworks_partner::validate::operations() {
            assert!(
                !page.contains(other.id) || !other.id.contains('_'),
                "{} names {} in snake_case:\n{page}",
                op.id,
                other.id
            );
        }
    }
}
