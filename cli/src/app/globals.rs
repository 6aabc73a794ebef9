//! The global flags: given before or after the command name, documented once on the
//! top-level help (`lineworks-partner --help`), not on every command's page.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, value_parser};

const FORMATS: [&str; 4] = ["json", "ndjson", "table", "csv"];

fn global(arg: Arg) -> Arg {
    arg.global(true).help_heading("Global options")
}

/// Hidden copies for a command's own page: clap then does not add the global ones to it
/// (it skips an id the command has), and values given after the command name still reach
/// the top level, which reads them.
pub fn hidden() -> Vec<Arg> {
    global_args()
        .into_iter()
        .map(|a| a.global(false).hide(true))
        .collect()
}

pub fn global_args() -> Vec<Arg> {
    vec![
        global(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("FORMAT")
                .value_parser(PossibleValuesParser::new(FORMATS))
                .help("Output format [default: table on a terminal, json otherwise]"),
        ),
        global(
            Arg::new("fields")
                .long("fields")
                .value_name("A,B.C")
                .help("Only these fields, dotted into nested objects (partnership.status)"),
        ),
        global(
            Arg::new("jq")
                .long("jq")
                .value_name("EXPR")
                .conflicts_with("fields")
                .help("A jq filter on the JSON (each item with --all); strings as plain text"),
        ),
        global(
            Arg::new("explode")
                .long("explode")
                .value_name("FIELD")
                .help("One row per item of this nested list, the parent's fields repeated"),
        ),
        global(
            Arg::new("bom")
                .long("bom")
                .action(ArgAction::SetTrue)
                .help("CSV: a UTF-8 byte order mark first, so Excel reads it as UTF-8"),
        ),
        global(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("On paged lists: fetch every page, one at a time"),
        ),
        global(
            Arg::new("profile")
                .long("profile")
                .value_name("NAME")
                .env("LW_PROFILE")
                .help("Profile of the config file to use"),
        ),
        global(
            Arg::new("sandbox")
                .long("sandbox")
                .action(ArgAction::SetTrue)
                .help("Use an embedded sandbox with demo data; no credentials"),
        ),
        global(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help("Check the request and print it (token redacted); send nothing"),
        ),
        global(
            Arg::new("yes")
                .short('y')
                .long("yes")
                .action(ArgAction::SetTrue)
                .help("Do not ask before deleting or cancelling"),
        ),
        global(
            Arg::new("debug")
                .long("debug")
                .action(ArgAction::SetTrue)
                .help("The client's tracing on stderr (attempts, retries, token requests); no secrets"),
        ),
        global(
            Arg::new("error-format")
                .long("error-format")
                .value_name("FORMAT")
                .value_parser(["text", "json"])
                .default_value("text")
                .help("How errors are written to stderr"),
        ),
        global(
            Arg::new("each-customer")
                .long("each-customer")
                .action(ArgAction::SetTrue)
                .help("Run an operation that takes --domain-id once per customer"),
        ),
        global(
            Arg::new("domain-ids")
                .long("domain-ids")
                .value_name("FILE|-")
                .help("With --each-customer: these domain ids (one a line), not all"),
        ),
        global(
            Arg::new("concurrency")
                .long("concurrency")
                .value_name("N")
                .value_parser(value_parser!(u16).range(1..=64))
                .default_value("4")
                .help("Bulk runs: calls in flight at once"),
        ),
        global(
            Arg::new("each-row")
                .long("each-row")
                .value_name("FILE|-")
                .help("Run once per row of a CSV (with a header) or NDJSON file; columns name flags"),
        ),
        global(
            Arg::new("journal")
                .long("journal")
                .value_name("FILE")
                .help("Bulk writes: the journal file [default: a new one, printed at start]"),
        ),
        global(
            Arg::new("resume")
                .long("resume")
                .value_name("JOURNAL")
                .conflicts_with("journal")
                .help("Bulk writes: run rows not applied, reading unknown ones back first"),
        ),
        global(
            Arg::new("retry-unknown")
                .long("retry-unknown")
                .action(ArgAction::SetTrue)
                .help("With --resume: send rows of unknown outcome again, unread"),
        ),
        global(
            Arg::new("no-journal")
                .long("no-journal")
                .action(ArgAction::SetTrue)
                .conflicts_with_all(["journal", "resume"])
                .hide(true)
                .help("Bulk writes without a journal: for measuring its cost only"),
        ),
        global(
            Arg::new("allow-duplicates")
                .long("allow-duplicates")
                .action(ArgAction::SetTrue)
                .help("Bulk runs: make the same call (same parameters) more than once"),
        ),
        global(
            Arg::new("allow-unknown-values")
                .long("allow-unknown-values")
                .action(ArgAction::SetTrue)
                .help("Send enum values and body fields the spec does not list"),
        ),
        global(
            Arg::new("max-wait")
                .long("max-wait")
                .value_name("SECONDS")
                .help("Longest time for one call, retries and 429 waits included [default: 150]"),
        ),
        global(
            Arg::new("timeout")
                .long("timeout")
                .value_name("SECONDS")
                .help("How long one attempt waits for its answer [default: 30]"),
        ),
        global(
            Arg::new("rate-limit")
                .long("rate-limit")
                .value_name("N/min")
                .help("Client-side limit of calls per minute for each operation"),
        ),
    ]
}
