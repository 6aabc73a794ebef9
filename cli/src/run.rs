//! Running one operation: confirmation, `--dry-run`, a single call, `--all` and
//! `--each-customer`, and writing the answer.

use crate::client::{self, Options, Target};
use crate::error::{CliError, Exit};
use crate::exit::client_error;
use crate::generated::dispatch;
use crate::output::{Format, Printer};
use crate::request::{Mode, Outcome, Request};
use crate::spec::CommandSpec;
use clap::ArgMatches;
use futures_util::{StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Map, Value};
use std::io::{self, IsTerminal, Write};

fn out(e: io::Error) -> CliError {
    CliError::output(e)
}

pub struct Globals {
    pub format: Format,
    pub all: bool,
    pub dry_run: bool,
    pub yes: bool,
    pub each_customer: bool,
    pub domain_ids: Option<String>,
    pub concurrency: usize,
    pub options: Options,
}

impl Globals {
    pub fn from(m: &ArgMatches) -> Result<Self, CliError> {
        let format = match m.get_one::<String>("output") {
            Some(f) => Format::parse(f),
            None if io::stdout().is_terminal() => Format::Table,
            None => Format::Json,
        };
        let rate_limit = m
            .get_one::<String>("rate-limit")
            .map(|t| client::parse_rate_limit(t))
            .transpose()?;
        let dry_run = m.get_flag("dry-run");
        Ok(Globals {
            format,
            all: m.get_flag("all"),
            dry_run,
            yes: m.get_flag("yes"),
            each_customer: m.get_flag("each-customer"),
            domain_ids: m.get_one::<String>("domain-ids").cloned(),
            concurrency: usize::from(*m.get_one::<u16>("concurrency").unwrap_or(&4)),
            options: Options {
                sandbox: m.get_flag("sandbox"),
                rate_limit,
                dry_run,
            },
        })
    }
}

fn printer(g: &Globals, op: &CommandSpec) -> Printer<io::BufWriter<io::Stdout>> {
    let width = comfy_table_width();
    Printer::new(
        io::BufWriter::new(io::stdout()),
        g.format,
        io::stdout().is_terminal(),
        width,
        op.items_field,
        op.columns.iter().map(|c| c.to_string()).collect(),
        op.csv_columns.iter().map(|c| c.to_string()).collect(),
    )
}

fn comfy_table_width() -> usize {
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
    let req = Request::from_matches(op, m)?;
    if g.each_customer && g.dry_run {
        return Err(CliError::flag(
            "dry-run",
            "cannot be combined with --each-customer",
        ));
    }
    let cancels = req.cancellation();
    if (op.destructive || cancels.is_some()) && !g.dry_run && !g.yes {
        confirm(op, &req, cancels.as_deref())?;
    }
    let target = client::connect(&g.options).await?;
    if g.dry_run {
        return dry_run(&target, op, &req).await;
    }
    if g.each_customer {
        return each_customer(&target, op, &req, g).await;
    }
    let mode = if g.all { Mode::All } else { Mode::One };
    let mut printer = printer(g, op);
    match dispatch(&target.client, op, &req, mode).await? {
        Outcome::Checked => Ok(()),
        Outcome::One(value) => {
            printer.answer(value).map_err(out)?;
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
fn progress(len: Option<u64>) -> ProgressBar {
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
    // Types, enums and required fields, as the typed builder sees them.
    dispatch(&target.client, op, req, Mode::Check).await?;
    let path = req.path();
    let query = req.query();
    let spec = lineworks_partner::validate::operation(op.id)
        .ok_or_else(|| CliError::usage(format!("{} is not in the crate's spec", op.id)))?;
    lineworks_partner::validate::check(spec, &path, &query, req.body.as_ref())
        .map_err(|v| client_error(v.into(), op))?;
    let mut url = format!("{}{path}", target.client.base_url());
    if !query.is_empty() {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.extend_pairs(&query);
        url = format!("{url}?{}", form.finish());
    }
    let mut text = format!("{} {url}\nAuthorization: Bearer <redacted>\n", op.method);
    if let Some(body) = &req.body {
        text.push_str("Content-Type: application/json\n\n");
        text.push_str(&serde_json::to_string_pretty(body).unwrap_or_default());
        text.push('\n');
    }
    crate::error::emit(text.as_bytes())
}

async fn domain_ids(target: &Target, g: &Globals) -> Result<Vec<i64>, CliError> {
    if let Some(source) = &g.domain_ids {
        let text = if source == "-" {
            io::read_to_string(io::stdin())?
        } else {
            std::fs::read_to_string(source)
                .map_err(|e| CliError::flag("domain-ids", format!("{source}: {e}")))?
        };
        return text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                l.parse::<i64>()
                    .map_err(|_| CliError::flag("domain-ids", format!("{l:?} is not a domain id")))
            })
            .collect();
    }
    let list = crate::generated::find("list-customers")
        .ok_or_else(|| CliError::usage("the spec has no list-customers"))?;
    target
        .client
        .list_customers()
        .stream()
        .map_ok(|c| c.domain_id)
        .try_collect()
        .await
        .map_err(|e| client_error(e, list))
}

/// The rows of one customer's answer, each tagged with its `domainId`.
fn tagged(op: &CommandSpec, domain_id: i64, value: Value) -> Vec<Value> {
    let items = match (op.items_field, value) {
        (Some(field), Value::Object(mut obj)) => match obj.remove(field) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        (_, other) => vec![other],
    };
    items
        .into_iter()
        .map(|item| {
            let mut row = Map::new();
            row.insert("domainId".into(), Value::from(domain_id));
            match item {
                Value::Object(obj) => {
                    for (k, v) in obj {
                        row.entry(k).or_insert(v);
                    }
                }
                other => {
                    row.insert("value".into(), other);
                }
            }
            Value::Object(row)
        })
        .collect()
}

async fn one_customer(
    target: &Target,
    op: &'static CommandSpec,
    req: Request,
    all: bool,
) -> Result<Vec<Value>, CliError> {
    let mode = if all { Mode::All } else { Mode::One };
    match dispatch(&target.client, op, &req, mode).await? {
        Outcome::Checked => Ok(Vec::new()),
        Outcome::One(v) => Ok(vec![v]),
        Outcome::Pages(pages) => pages.try_collect().await,
    }
}

async fn each_customer(
    target: &Target,
    op: &'static CommandSpec,
    req: &Request,
    g: &Globals,
) -> Result<(), CliError> {
    let ids = domain_ids(target, g).await?;
    let total = ids.len();
    let bar = progress(Some(total as u64));
    // Each row's table/json framing stays per line: a customer's results are rows.
    let mut printer = Printer::new(
        io::BufWriter::new(io::stdout()),
        g.format,
        io::stdout().is_terminal(),
        comfy_table_width(),
        None,
        std::iter::once("domainId")
            .chain(op.columns.iter().copied().filter(|c| *c != "domainId"))
            .map(str::to_string)
            .collect(),
        std::iter::once("domainId")
            .chain(op.csv_columns.iter().copied().filter(|c| *c != "domainId"))
            .map(str::to_string)
            .collect(),
    );
    let mut failed = 0usize;
    let mut results = futures_util::stream::iter(ids)
        .map(|id| {
            let r = req.for_domain(id);
            async move { (id, one_customer(target, op, r, g.all).await) }
        })
        .buffer_unordered(g.concurrency);
    while let Some((id, result)) = results.next().await {
        bar.inc(1);
        match result {
            Ok(pages) => {
                for page in pages {
                    for row in tagged(op, id, page) {
                        printer.item(row).map_err(out)?;
                    }
                }
            }
            Err(mut e) => {
                failed += 1;
                // Several customers fail alike; the text must say which one this was.
                e.message = format!("domainId {id}: {}", e.message);
                let e = e.with("domainId", id);
                bar.suspend(|| crate::report(&e));
            }
        }
        bar.set_message(format!("{failed} failed"));
    }
    bar.finish_and_clear();
    printer.finish(true).map_err(out)?;
    if failed > 0 {
        return Err(CliError::new(
            Exit::Api,
            format!(
                "{}: {failed} of {total} customers failed (see above)",
                op.name
            ),
        )
        .with("failed", failed)
        .with("total", total));
    }
    Ok(())
}
