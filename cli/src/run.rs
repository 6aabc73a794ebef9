//! Running one operation: confirmation, `--dry-run`, a single call, `--all` and
//! `--each-customer`, and writing the answer.

use crate::client::{self, Options, Target};
use crate::error::CliError;
use crate::exit::client_error;
use crate::generated::dispatch;
use crate::output::{Format, Printer};
use crate::request::{Mode, Outcome, Request};
use crate::spec::CommandSpec;
use clap::ArgMatches;
use futures_util::TryStreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::Value;
use std::io::{self, IsTerminal, Write};

fn out(e: io::Error) -> CliError {
    CliError::output(e)
}

/// `--max-wait` unless given: room for a per-minute quota's reset and a few attempts.
pub const DEFAULT_MAX_WAIT: u64 = 150;

pub struct Globals {
    pub format: Format,
    pub all: bool,
    pub dry_run: bool,
    pub yes: bool,
    pub each_customer: bool,
    pub domain_ids: Option<String>,
    pub concurrency: usize,
    pub bulk: crate::bulk::Flags,
    pub shape: crate::shape::Flags,
    pub options: Options,
}

impl Globals {
    pub fn from(m: &ArgMatches) -> Result<Self, CliError> {
        let jq = m.get_one::<String>("jq").cloned();
        let format = match m.get_one::<String>("output") {
            Some(f) => Format::parse(f),
            // `--jq` reads JSON whatever stdout is.
            None if jq.is_some() => Format::Json,
            None if io::stdout().is_terminal() => Format::Table,
            None => Format::Json,
        };
        let rate_limit = m
            .get_one::<String>("rate-limit")
            .map(|t| client::parse_rate_limit(t))
            .transpose()?;
        let dry_run = m.get_flag("dry-run");
        let timeout = m
            .get_one::<String>("timeout")
            .map(|t| {
                t.parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
                    .ok_or_else(|| {
                        CliError::flag("timeout", format!("{t:?} is not a number of seconds > 0"))
                    })
            })
            .transpose()?;
        let max_wait = match m.get_one::<String>("max-wait") {
            None => std::time::Duration::from_secs(DEFAULT_MAX_WAIT),
            Some(t) => t
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0)
                .and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
                .ok_or_else(|| {
                    CliError::flag("max-wait", format!("{t:?} is not a number of seconds > 0"))
                })?,
        };
        let path = |name: &str| m.get_one::<String>(name).map(std::path::PathBuf::from);
        Ok(Globals {
            format,
            all: m.get_flag("all"),
            dry_run,
            yes: m.get_flag("yes"),
            each_customer: m.get_flag("each-customer"),
            domain_ids: m.get_one::<String>("domain-ids").cloned(),
            concurrency: usize::from(*m.get_one::<u16>("concurrency").unwrap_or(&4)),
            bulk: crate::bulk::Flags {
                each_row: m.get_one::<String>("each-row").cloned(),
                journal: path("journal"),
                resume: path("resume"),
                retry_unknown: m.get_flag("retry-unknown"),
                allow_duplicates: m.get_flag("allow-duplicates"),
                no_journal: m.get_flag("no-journal"),
            },
            shape: crate::shape::Flags {
                fields: m.get_one::<String>("fields").cloned(),
                explode: m.get_one::<String>("explode").cloned(),
                jq,
                bom: m.get_flag("bom"),
            },
            options: Options {
                sandbox: m.get_flag("sandbox"),
                rate_limit,
                dry_run,
                timeout,
                max_wait,
            },
        })
    }
}

fn printer(g: &Globals, op: &CommandSpec) -> Result<Printer<io::BufWriter<io::Stdout>>, CliError> {
    let width = comfy_table_width();
    let shape = crate::shape::Shape::new(&g.shape, op, g.format)?;
    Ok(Printer::new(
        io::BufWriter::new(io::stdout()),
        g.format,
        io::stdout().is_terminal(),
        width,
        op.items_field,
        op.columns.iter().map(|c| c.to_string()).collect(),
        op.csv_columns.iter().map(|c| c.to_string()).collect(),
    )
    .with_shape(shape))
}

pub fn comfy_table_width() -> usize {
    if io::stdout().is_terminal() {
        // A pty that reports no size (0 columns, as under `script` without a terminal) is unknown.
        comfy_table::Table::new()
            .width()
            .filter(|w| *w > 0)
            .map_or(120, usize::from)
    } else {
        // Not a terminal: nothing to fit; keep every column a script may want.
        usize::MAX / 4
    }
}

pub async fn operation(
    op: &'static CommandSpec,
    m: &ArgMatches,
    g: &Globals,
) -> Result<(), CliError> {
    if let Some(notice) = op.deprecation_notice() {
        eprintln!("{notice}");
    }
    // Before the request is read: `--body -` would consume stdin.
    check_customer_flags(op, m, g)?;
    // Shaping mistakes (a --jq that does not parse, an unknown field) before anything is sent.
    crate::shape::Shape::new(&g.shape, op, g.format)?;
    let req = Request::from_matches(op, m)?;
    let bulk = g.each_customer || g.bulk.each_row.is_some();
    if !bulk {
        // Not left to clap: with --each-row (or --each-customer) the rows give them.
        if let Some(flag) = crate::bulk::rows::missing_required(&req) {
            return Err(CliError::flag(flag, "required"));
        }
    }
    let cancels = req.cancellation();
    if (op.destructive || cancels.is_some()) && !g.dry_run && !g.yes {
        confirm(op, &req, cancels.as_deref())?;
    }
    let target = client::connect(&g.options).await?;
    if bulk {
        return crate::bulk::run(&target, op, req, g).await;
    }
    if g.dry_run {
        return dry_run(&target, op, &req).await;
    }
    req.check_known()?;
    let mut req = req;
    if g.all {
        largest_pages(&mut req);
    }
    let mode = if g.all { Mode::All } else { Mode::One };
    let mut printer = printer(g, op)?;
    match dispatch(&target.client, op, &req, mode).await? {
        Outcome::Checked => Ok(()),
        Outcome::One(value) => {
            let more = partial_page(op, &value);
            printer.answer(value).map_err(out)?;
            if let Some(n) = more {
                // Whether stdout is a terminal or not: a script would otherwise take one page
                // for the whole list.
                say!("{n} of more; use --all for every page");
            }
            printer.finish(false).map_err(out)
        }
        Outcome::Pages(mut pages) => {
            let bar = progress(None);
            let mut count = 0u64;
            while let Some(page) = pages.try_next().await? {
                printer.page(page).map_err(out)?;
                count += 1;
                bar.set_position(printer.written() as u64);
                bar.set_message(page_count(count));
            }
            bar.finish_and_clear();
            printer.finish(true).map_err(out)
        }
    }
}

/// The item count of a page that names a next one (a list cut short), else `None`.
fn partial_page(op: &CommandSpec, page: &Value) -> Option<usize> {
    let cursor = page.pointer(op.next_cursor?)?.as_str()?;
    if cursor.is_empty() {
        return None;
    }
    let items = page.get(op.items_field?)?.as_array()?;
    Some(items.len())
}

/// Flags of `--each-customer` that would otherwise be ignored, or fight over stdin.
fn check_customer_flags(op: &CommandSpec, m: &ArgMatches, g: &Globals) -> Result<(), CliError> {
    if g.each_customer && !op.takes_domain_id() {
        return Err(CliError::flag(
            "each-customer",
            format!("{} takes no --domain-id", op.name),
        ));
    }
    if g.each_customer && m.get_one::<String>("domain-id").is_some() {
        return Err(CliError::flag(
            "domain-id",
            "cannot be combined with --each-customer (the ids come from the customer list or \
             --domain-ids)",
        ));
    }
    if g.domain_ids.is_some() && !g.each_customer {
        return Err(CliError::flag(
            "domain-ids",
            "needs --each-customer (use --domain-id for one customer)",
        ));
    }
    if let Some(rows) = &g.bulk.each_row {
        if g.each_customer {
            return Err(CliError::flag(
                "each-row",
                "cannot be combined with --each-customer (give domainId as a column)",
            ));
        }
        let stdin_too = m
            .try_get_one::<String>("body")
            .ok()
            .flatten()
            .is_some_and(|b| b == "-");
        if rows == "-" && stdin_too {
            return Err(CliError::flag(
                "each-row",
                "--each-row - and --body - both read stdin; give one of them as a file",
            ));
        }
    }
    let bulk = g.each_customer || g.bulk.each_row.is_some();
    for (flag, given) in [
        ("journal", g.bulk.journal.is_some()),
        ("resume", g.bulk.resume.is_some()),
        ("retry-unknown", g.bulk.retry_unknown),
        ("allow-duplicates", g.bulk.allow_duplicates),
    ] {
        if given && !bulk {
            return Err(CliError::flag(
                flag,
                "is for bulk runs (--each-row or --each-customer)",
            ));
        }
    }
    if g.bulk.retry_unknown && g.bulk.resume.is_none() {
        return Err(CliError::flag("retry-unknown", "needs --resume JOURNAL"));
    }
    let body_stdin = m
        .try_get_one::<String>("body")
        .ok()
        .flatten()
        .is_some_and(|b| b == "-");
    if body_stdin && g.domain_ids.as_deref() == Some("-") {
        return Err(CliError::flag(
            "domain-ids",
            "--domain-ids - and --body - both read stdin; give one of them as a file",
        ));
    }
    Ok(())
}

/// A progress line on stderr, drawn only when stderr is a terminal.
pub fn progress(len: Option<u64>) -> ProgressBar {
    let bar = match len {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    // `10 items, 1 page, 2,473/s`: the message is set before the first frame, and the rate
    // is whole per second (indicatif's {per_sec} shows four decimals).
    let (template, message) = if len.is_some() {
        (
            "{bar:30} {human_pos}/{human_len} customers, {msg}, {rate}",
            "0 failed",
        )
    } else {
        ("{spinner} {items}, {msg}, {rate}", "0 pages")
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        let style = style.with_key(
            "items",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let n = state.pos();
                let s = if n == 1 { "" } else { "s" };
                let _ = write!(w, "{} item{s}", indicatif::HumanCount(n));
            },
        );
        bar.set_style(style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let per_sec = state.per_sec();
                let whole = if per_sec.is_finite() && per_sec > 0.0 {
                    per_sec.round() as u64
                } else {
                    0
                };
                let _ = write!(w, "{}/s", indicatif::HumanCount(whole));
            },
        ));
    }
    bar.set_message(message);
    crate::rate_wait::show_on(&bar);
    bar
}

/// `1 page`, `2 pages`.
fn page_count(n: u64) -> String {
    if n == 1 {
        "1 page".to_string()
    } else {
        format!("{n} pages")
    }
}

fn confirm(op: &CommandSpec, req: &Request, cancels: Option<&str>) -> Result<(), CliError> {
    let mut what = format!("{} {}", op.method, req.path());
    if let Some(field) = cancels {
        what.push_str(&format!(", scheduling a cancellation ({field})"));
    }
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(CliError::flag(
            "yes",
            format!(
                "{} ({what}) is destructive; not a terminal, so pass --yes to run it",
                op.name
            ),
        ));
    }
    say_inline!("{} will {what}. Continue? [y/N] ", op.name);
    let _ = io::stderr().flush();
    let mut answer = String::new();
    io::stdin().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "{}: not confirmed; nothing was sent",
            op.name
        )))
    }
}

async fn dry_run(target: &Target, op: &'static CommandSpec, req: &Request) -> Result<(), CliError> {
    check_request(target, op, req).await?;
    crate::error::emit(request_text(target, op, req).as_bytes())
}

/// Everything checked before sending: types, enums and required fields as the typed builder
/// sees them, then the spec's rules (lengths, patterns, ranges).
pub async fn check_request(
    target: &Target,
    op: &'static CommandSpec,
    req: &Request,
) -> Result<(), CliError> {
    req.check_known()?;
    dispatch(&target.client, op, req, Mode::Check).await?;
    let spec = lineworks_partner::validate::operation(op.id)
        .ok_or_else(|| CliError::usage(format!("{} is not in the crate's spec", op.id)))?;
    lineworks_partner::validate::check(spec, &req.path(), &req.query(), req.wire_body().as_ref())
        .map_err(|v| client_error(v.into(), op))
}

/// A request as `--dry-run` shows it: method, URL, headers (token redacted), the body with
/// secrets (any field named like a password) redacted.
pub fn request_text(target: &Target, op: &CommandSpec, req: &Request) -> String {
    let query = req.query();
    let mut url = format!("{}{}", target.client.base_url(), req.path());
    if !query.is_empty() {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.extend_pairs(&query);
        url = format!("{url}?{}", form.finish());
    }
    let mut text = format!("{} {url}\nAuthorization: Bearer <redacted>\n", op.method);
    if let Some(mut shown) = req.wire_body() {
        redact(&mut shown);
        text.push_str("Content-Type: application/json\n\n");
        text.push_str(&serde_json::to_string_pretty(&shown).unwrap_or_default());
        text.push('\n');
    }
    text
}

/// Blanks secrets at any depth: a field whose name contains `password` or `secret`.
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(obj) => {
            for (k, v) in obj.iter_mut() {
                let name = k.to_ascii_lowercase();
                if (name.contains("password") || name.contains("secret")) && !v.is_null() {
                    *v = Value::String("<redacted>".into());
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// The largest page size the spec allows for a paged list (its count parameter's `maximum`).
pub fn max_page_size(op: &CommandSpec) -> Option<i32> {
    op.count_max.and_then(|m| i32::try_from(m).ok())
}

/// `--all` without `--count`: the largest page the spec allows, so a listing takes the fewest
/// calls (against a per-minute quota the number of calls is what counts).
pub fn largest_pages(req: &mut Request) {
    if let (Some(param), Some(max)) = (req.op.count_param, req.op.count_max) {
        req.params.entry(param).or_insert_with(|| max.to_string());
    }
}
