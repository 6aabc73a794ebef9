//! The clap command tree: global flags, one subcommand per generated operation, tag groups,
//! and the hand-written `auth`, `sandbox` and `completions` commands.

use crate::error::EXIT_CODES_HELP;
use crate::generated::{COMMANDS, SPEC_VERSION};
use crate::spec::{Cancels, CommandSpec, Kind};
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command, value_parser};

mod globals;
mod help;

/// What the command tree is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    /// Parsing and help: the global options documented once, on the top-level page; the
    /// operations listed there by group.
    Help,
    /// Shell completions: every command and every flag offered wherever it works.
    Complete,
}

/// The tree that parses the command line and writes the help pages.
pub fn build() -> Command {
    tree(View::Help)
}

/// The tree shell completions are generated from.
pub fn for_completions() -> Command {
    tree(View::Complete)
}

fn tree(view: View) -> Command {
    // A command's page lists its own flags and one line about the global ones.
    let local = |cmd: Command| -> Command {
        match view {
            View::Help => cmd
                .args(globals::hidden())
                .after_help(help::GLOBALS_HINT)
                .mut_subcommands(|sc| sc.args(globals::hidden()).after_help(help::GLOBALS_HINT)),
            View::Complete => cmd,
        }
    };
    let mut root = Command::new("lineworks-partner")
        .version(format!(
            "{} (spec {SPEC_VERSION})",
            env!("CARGO_PKG_VERSION")
        ))
        .about("The LINE WORKS Partner API on the command line: one command per operation")
        .before_help(help::START)
        .help_template(help::ROOT_TEMPLATE)
        .after_help(EXIT_CODES_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(globals::global_args());
    for op in COMMANDS {
        // Listed by group on the top-level page; still offered by completion.
        let hidden = op.deprecated || view == View::Help;
        root = root.subcommand(local(operation(op, op.name)).hide(hidden));
    }
    for (tag, ops) in groups() {
        let shorts: Vec<&str> = ops
            .iter()
            .filter(|(_, op)| !op.deprecated)
            .map(|(s, _)| *s)
            .collect();
        let mut group = Command::new(tag)
            .about(help::group_about(&shorts))
            .subcommand_required(true);
        for (short, op) in ops {
            let mut cmd = operation(op, short);
            if short != op.name {
                cmd = cmd.alias(op.name);
            }
            group = group.subcommand(cmd);
        }
        root = root.subcommand(local(group));
    }
    root.subcommand(local(auth()))
        .subcommand(local(sandbox()))
        .subcommand(local(
            Command::new("completions")
                .about("Prints a shell completion script (bash, zsh, fish, elvish, powershell)")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(value_parser!(clap_complete::Shell)),
                ),
        ))
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::String | Kind::Enum => "TEXT",
        Kind::Integer => "INT",
        Kind::Number => "NUMBER",
        Kind::Boolean => "BOOL",
    }
}

fn value_arg(flag: &'static str, kind: Kind, values: &'static [&'static str]) -> Arg {
    let arg = Arg::new(flag).long(flag).value_name(kind_name(kind));
    match kind {
        // With the opt-in, any text (`--allow-unknown-values` is read before the tree is built).
        Kind::Enum if !values.is_empty() && crate::request::allow_unknown() => arg,
        Kind::Enum if !values.is_empty() => {
            arg.value_parser(PossibleValuesParser::new(values.iter().copied()))
        }
        Kind::Boolean => arg.value_parser(["true", "false"]),
        _ => arg,
    }
}

/// Columns an example line may take (indent included) before it is continued with ` \`, so
/// clap never wraps it in the middle of a command a reader would copy.
const EXAMPLE_WIDTH: usize = 78;

/// The example command, indented, continued with ` \` at argument boundaries (a flag stays
/// with its value) when longer than `width`.
fn example_lines(example: &str, width: usize) -> String {
    // Words, a single-quoted value kept whole.
    let mut words: Vec<String> = Vec::new();
    let mut quoted = false;
    for part in example.split(' ') {
        match words.last_mut() {
            Some(last) if quoted => {
                last.push(' ');
                last.push_str(part);
            }
            _ => words.push(part.to_string()),
        }
        quoted ^= part.matches('\'').count() % 2 == 1;
    }
    // Units: the program and command name, then each flag with its value.
    let mut units: Vec<String> = Vec::new();
    for word in words {
        let joins = !word.starts_with("--") && !units.is_empty();
        match units.last_mut() {
            Some(last) if joins => {
                last.push(' ');
                last.push_str(&word);
            }
            _ => units.push(word),
        }
    }
    let mut lines = vec![format!("  {}", units.first().cloned().unwrap_or_default())];
    for unit in units.iter().skip(1) {
        let last = lines.last_mut().expect("one line");
        // Room for ` unit` and a possible ` \`.
        if last.chars().count() + 1 + unit.chars().count() + 2 <= width {
            last.push(' ');
            last.push_str(unit);
        } else {
            last.push_str(" \\");
            lines.push(format!("      {unit}"));
        }
    }
    lines.join("\n")
}

/// The subcommand of one operation.
pub fn operation(op: &'static CommandSpec, name: &'static str) -> Command {
    let mut after = format!("Example:\n{}\n", example_lines(op.example, EXAMPLE_WIDTH));
    if let Some(url) = op.docs_url {
        after.push_str(&format!("\nReference: {url}\n"));
    }
    after.push_str(&format!("\n{} {}\n", op.method, op.path));
    if op.destructive {
        after.push_str(
            "\nDestructive: asks for confirmation on a terminal; needs --yes otherwise.\n",
        );
    }
    let cancelling: Vec<String> = op
        .body
        .iter()
        .flat_map(|b| b.fields)
        .filter_map(|f| match f.cancels {
            Cancels::No => None,
            Cancels::AnyValue => Some(format!("--{}", f.flag)),
            Cancels::Values(v) => Some(format!("--{} {}", f.flag, v.join("|"))),
        })
        .collect();
    if !cancelling.is_empty() {
        after.push_str(&format!(
            "\nSchedules a cancellation with {}: asks for confirmation on a terminal; needs \
             --yes otherwise.\n",
            cancelling.join(", ")
        ));
    }
    if op.paged {
        after.push_str("\nPaged: --all fetches every page.\n");
    }
    if op.deprecated {
        after.push_str(&match op.replaced_by {
            [] => "\nDeprecated upstream, with no replacement: hidden from the command list.\n"
                .to_string(),
            r => format!(
                "\nDeprecated upstream: hidden from the command list; use {} instead.\n",
                r.join(" or ")
            ),
        });
    }
    // A deprecated command still runs (old scripts keep working) but is not offered.
    after.push_str(&format!("\n{}\n", help::GLOBALS_HINT));
    let mut cmd = Command::new(name)
        .about(op.summary)
        .long_about(format!("{}\n\n{}", op.summary, op.description))
        .after_help(help::GLOBALS_HINT)
        .after_long_help(after)
        .hide(op.deprecated);
    for p in op.params {
        let mut help = p.description.to_string();
        if let Some(d) = p.default {
            help.push_str(&format!(" [API default: {d}]"));
        }
        let each = p.required && p.wire == "domainId" && op.takes_domain_id();
        // clap's help does not say which flags are required.
        if each {
            help.push_str(" [required unless --each-customer]");
        } else if p.required {
            help.push_str(" [required]");
        }
        // Required flags are checked after parsing (`run::operation`): with --each-customer
        // or --each-row the rows give them, and a global flag given before the command name
        // is not visible to clap's check of the subcommand.
        cmd = cmd.arg(value_arg(p.flag, p.kind, p.values).help(help));
    }
    if let Some(body) = &op.body {
        cmd = cmd.arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE|-")
                .help("The whole request body as a JSON or YAML document (- for stdin); field flags override it")
                .help_heading("Request body"),
        );
        let mut nullable = Vec::new();
        for f in body.fields {
            let mut help = f.description.to_string();
            if f.required {
                help.push_str(" [required in the body]");
            }
            if f.nullable {
                nullable.push(f.flag);
            }
            cmd = cmd.arg(
                value_arg(f.flag, f.kind, f.values)
                    .help(help)
                    .help_heading("Request body"),
            );
        }
        if !nullable.is_empty() {
            cmd = cmd.arg(
                Arg::new("clear")
                    .long("clear")
                    .value_name("FIELD")
                    .action(ArgAction::Append)
                    .value_parser(PossibleValuesParser::new(nullable))
                    .help("Send this field as null, which clears the setting (repeatable)")
                    .help_heading("Request body"),
            );
        }
    }
    cmd
}

/// The shorter name of an operation in its tag group: its words without the tag's noun
/// (`list-customers` is `customers list`), or the full name when that would be empty or taken.
pub fn groups() -> Vec<(&'static str, Vec<(&'static str, &'static CommandSpec)>)> {
    let mut out: Vec<(&'static str, Vec<(&'static str, &'static CommandSpec)>)> = Vec::new();
    for op in COMMANDS {
        let singular = op.tag.trim_end_matches('s');
        let words: Vec<&str> = op
            .name
            .split('-')
            .filter(|w| *w != op.tag && *w != singular)
            .collect();
        let short = words.join("-");
        let index = match out.iter().position(|(t, _)| *t == op.tag) {
            Some(i) => i,
            None => {
                out.push((op.tag, Vec::new()));
                out.len() - 1
            }
        };
        let taken = out[index].1.iter().any(|(s, _)| *s == short) || short.is_empty();
        let name: &'static str = if taken {
            op.name
        } else {
            Box::leak(short.into_boxed_str())
        };
        out[index].1.push((name, op));
    }
    out.retain(|(tag, _)| !COMMANDS.iter().any(|c| c.name == *tag));
    out
}

fn auth() -> Command {
    Command::new("auth")
        .about("Manage the credentials of a profile")
        .subcommand_required(true)
        .subcommand(
            Command::new("login")
                .about("Write a profile (0600) and check it by fetching a token")
                .arg(Arg::new("client-id").long("client-id"))
                .arg(
                    Arg::new("client-secret")
                        .long("client-secret")
                        .env("LW_CLIENT_SECRET")
                        .hide_env_values(true),
                )
                .arg(Arg::new("service-account").long("service-account"))
                .arg(
                    Arg::new("private-key")
                        .long("private-key")
                        .value_name("PATH"),
                )
                .arg(Arg::new("token-url").long("token-url").hide(true))
                .arg(Arg::new("base-url").long("base-url").hide(true))
                .arg(
                    Arg::new("secret-store")
                        .long("secret-store")
                        .env("LW_SECRET_STORE")
                        .value_parser(["auto", "keyring", "file"])
                        .default_value("auto")
                        .help(
                            "Where the client secret is kept: the OS keyring, else the config \
                             file (auto); only the keyring; only the file (mode 0600)",
                        ),
                )
                .arg(
                    Arg::new("no-check")
                        .long("no-check")
                        .action(ArgAction::SetTrue)
                        .help("Write the profile without fetching a token"),
                ),
        )
        .subcommand(
            Command::new("status")
                .about("Show the credentials in use (redacted) and the token's expiry"),
        )
        .subcommand(Command::new("logout").about("Remove the profile and its cached token"))
}

fn sandbox() -> Command {
    Command::new("sandbox")
        .about("The embedded sandbox")
        .subcommand_required(true)
        .subcommand(
            Command::new("serve")
                .about("Run the sandbox with demo data as a server until interrupted")
                .arg(
                    Arg::new("listen")
                        .long("listen")
                        .value_name("ADDR")
                        .default_value("127.0.0.1:8080")
                        .value_parser(value_parser!(std::net::SocketAddr))
                        .help(
                            "Address to listen on; one other than loopback (e.g. 0.0.0.0) \
                             needs --token or --insecure-open",
                        ),
                )
                .arg(Arg::new("token").long("token").value_name("TOKEN").help(
                    "Accept only this bearer token (and tokens from the sandbox's token \
                             endpoint) instead of any",
                ))
                .arg(
                    Arg::new("insecure-open")
                        .long("insecure-open")
                        .action(ArgAction::SetTrue)
                        .conflicts_with("token")
                        .help(
                            "Accept any bearer token, test handles included, even on an address \
                             other machines can reach",
                        ),
                ),
        )
}
