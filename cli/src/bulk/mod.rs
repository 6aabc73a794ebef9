//! Bulk runs: `--each-row FILE|-` and `--each-customer`. All rows are checked before the first
//! call; writes keep a journal (`journal.rs`) and can be interrupted and resumed; answers come
//! out in input order, each flushed as soon as the rows before it are done.

mod journal;
mod readback;
pub mod rows;

use crate::client::Target;
use crate::error::{CliError, Exit};
use crate::exit::client_error;
use crate::generated::dispatch;
use crate::output::Printer;
use crate::request::{Mode, Outcome as Answer, Request};
use crate::run::Globals;
use crate::spec::{CommandSpec, Location};
use futures_util::stream::FuturesUnordered;
use futures_util::{StreamExt, TryStreamExt};
use journal::{Journal, Outcome};
use rows::Row;
use serde_json::{Map, Value};
use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::time::Instant;

/// The bulk flags, besides `--each-customer` and `--concurrency`.
#[derive(Default)]
pub struct Flags {
    pub each_row: Option<String>,
    pub journal: Option<PathBuf>,
    pub resume: Option<PathBuf>,
    pub retry_unknown: bool,
    pub allow_duplicates: bool,
    /// Hidden `--no-journal`: the benchmark's baseline for the journal's cost.
    pub no_journal: bool,
}

/// What to do with a row in this run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Plan {
    Send,
    /// Outcome unknown in the journal: read it back first, send only if it was not applied.
    ReadBack,
    /// Applied in an earlier run.
    Done,
    /// Outcome unknown, no read to check it with and no `--retry-unknown`.
    Unresolved,
}

/// How a row's call ended.
enum Done {
    Applied(Vec<Value>),
    /// A read-back found the change in place: not sent again.
    AlreadyApplied,
    Failed(CliError),
    Unknown(CliError),
}

#[derive(Default)]
struct Counts {
    applied: usize,
    failed: usize,
    unknown: usize,
}

/// Why a run stopped starting calls.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Interrupt,
    StdoutClosed,
}

pub async fn run(
    target: &Target,
    op: &'static CommandSpec,
    base: Request,
    g: &Globals,
) -> Result<(), CliError> {
    let mut base = base;
    if g.all {
        crate::run::largest_pages(&mut base);
    }
    let mut rows = match &g.bulk.each_row {
        Some(source) => rows::read(op, &base, source)?,
        None => rows::for_customers(&base, domain_ids(target, g).await?),
    };
    rows::check_duplicates(&mut rows, g.bulk.allow_duplicates)?;
    check_all(target, op, &rows, g.each_customer).await?;
    if g.dry_run {
        return plan_only(target, op, &rows);
    }
    let write = op.method != "GET";
    let resumed = match &g.bulk.resume {
        Some(path) => {
            let state = journal::read(path)?;
            if state.operation != op.name {
                return Err(CliError::flag(
                    "resume",
                    format!(
                        "{} is a journal of {}, not {}",
                        path.display(),
                        state.operation,
                        op.name
                    ),
                ));
            }
            Some(state)
        }
        None => None,
    };
    let read_op = readback::matching_read(op);
    let plans: Vec<Plan> = rows
        .iter()
        .map(
            |row| match resumed.as_ref().and_then(|s| s.last.get(&row.key)) {
                None | Some(Outcome::Failed) | Some(Outcome::Skipped) => Plan::Send,
                Some(Outcome::Applied) => Plan::Done,
                Some(Outcome::Unknown | Outcome::Started) if g.bulk.retry_unknown => Plan::Send,
                Some(Outcome::Unknown | Outcome::Started) if read_op.is_some() => Plan::ReadBack,
                Some(Outcome::Unknown | Outcome::Started) => Plan::Unresolved,
            },
        )
        .collect();
    let journal_path =
        (write && !g.bulk.no_journal).then(|| match (&g.bulk.resume, &g.bulk.journal) {
            (Some(path), _) | (None, Some(path)) => path.clone(),
            (None, None) => journal::default_path(op.name),
        });
    // Ctrl-C is ours before the journal exists: a run with a journal always ends with its
    // summary.
    let mut interrupts = interrupts(journal_path.clone());
    let mut journal = match &journal_path {
        Some(path) => {
            let j = if g.bulk.resume.is_some() {
                Journal::append(path)?
            } else {
                Journal::create(path, op.name, rows.len())?
            };
            say!("journal: {}", j.path.display());
            Some(j)
        }
        None => None,
    };
    let mut counts = Counts::default();
    let mut unresolved = Vec::new();
    for (row, plan) in rows.iter().zip(&plans) {
        match plan {
            Plan::Done => counts.applied += 1,
            Plan::Unresolved => {
                counts.unknown += 1;
                unresolved.push(row.key.clone());
                if let Some(j) = journal.as_mut() {
                    j.record(
                        row.number,
                        &row.key,
                        Outcome::Skipped,
                        Some("outcome unknown and no read to check it: check it, then --retry-unknown"),
                        None,
                    )?;
                }
            }
            _ => {}
        }
    }
    if !unresolved.is_empty() {
        say!(
            "{}: {} rows have an unknown outcome and {} has no read to check them; not sent \
             again (check them, then resume with --retry-unknown): {}",
            op.name,
            unresolved.len(),
            op.name,
            unresolved.join(", ")
        );
    }
    let to_run: Vec<usize> = (0..rows.len())
        .filter(|&i| matches!(plans[i], Plan::Send | Plan::ReadBack))
        .collect();
    let (mut printer, tags) = printer(g, op, &rows);
    let bar = crate::run::progress(Some(to_run.len() as u64));
    // Output slots in input order: a row's rows once it is done (empty for rows not run).
    let mut slots: Vec<Option<Vec<Value>>> = plans
        .iter()
        .map(|p| (!matches!(p, Plan::Send | Plan::ReadBack)).then(Vec::new))
        .collect();
    let mut next_out = 0usize;
    let mut queue = to_run.into_iter();
    let mut inflight = FuturesUnordered::new();
    let mut stop: Option<Stop> = None;
    let mut not_tried = 0usize;
    loop {
        if stop.is_none() {
            let mut batch = Vec::new();
            while inflight.len() + batch.len() < g.concurrency {
                match queue.next() {
                    Some(i) => batch.push(i),
                    None => break,
                }
            }
            // The intent is with the kernel before any of these calls can reach the server.
            if let Some(j) = journal.as_mut() {
                for &i in &batch {
                    j.record(rows[i].number, &rows[i].key, Outcome::Started, None, None)?;
                }
                j.flush()?;
            }
            for i in batch {
                let row = &rows[i];
                let read_back = plans[i] == Plan::ReadBack;
                inflight.push(async move {
                    let started = Instant::now();
                    let done = attempt(
                        target,
                        op,
                        row,
                        read_back.then_some(read_op).flatten(),
                        g.all,
                    )
                    .await;
                    (i, done, started.elapsed().as_millis())
                });
            }
        }
        if inflight.is_empty() {
            break;
        }
        let (i, done, ms) = tokio::select! {
            Some(next) = inflight.next() => next,
            _ = interrupts.changed(), if stop.is_none() => {
                stop = Some(Stop::Interrupt);
                bar.suspend(|| say!(
                    "stopping: waiting for {} calls in flight (Ctrl-C again stops at once)",
                    inflight.len()
                ));
                continue;
            }
        };
        let row = &rows[i];
        let (outcome, error) = match done {
            Done::Applied(values) => {
                counts.applied += 1;
                slots[i] = Some(values);
                (Outcome::Applied, None)
            }
            Done::AlreadyApplied => {
                counts.applied += 1;
                slots[i] = Some(Vec::new());
                (
                    Outcome::Applied,
                    Some("read back: already applied".to_string()),
                )
            }
            Done::Failed(e) => {
                counts.failed += 1;
                slots[i] = Some(Vec::new());
                let msg = e.message.clone();
                bar.suspend(|| crate::report(&tag_error(e, row)));
                (Outcome::Failed, Some(msg))
            }
            Done::Unknown(e) => {
                counts.unknown += 1;
                slots[i] = Some(Vec::new());
                let msg = e.message.clone();
                bar.suspend(|| crate::report(&tag_error(e, row)));
                (Outcome::Unknown, Some(msg))
            }
        };
        if let Some(j) = journal.as_mut() {
            j.record(row.number, &row.key, outcome, error.as_deref(), Some(ms))?;
        }
        bar.inc(1);
        bar.set_message(format!(
            "{} failed, {} unknown",
            counts.failed, counts.unknown
        ));
        // Everything done before the first row still running goes out now, in input order.
        if stop != Some(Stop::StdoutClosed) {
            while next_out < slots.len() {
                let Some(values) = slots[next_out].take() else {
                    break;
                };
                if let Err(e) = print(&mut printer, op, &tags, &rows[next_out], values) {
                    stop = Some(stop_for_output(e)?);
                    break;
                }
                next_out += 1;
            }
        }
    }
    if let Some(j) = journal.as_mut() {
        j.sync()?;
    }
    not_tried += queue.len();
    bar.finish_and_clear();
    // Rows done after a gap (a row never tried) still go out, in order.
    if stop != Some(Stop::StdoutClosed) {
        for (values, row) in slots.iter_mut().zip(&rows).skip(next_out) {
            if let Some(values) = values.take()
                && let Err(e) = print(&mut printer, op, &tags, row, values)
            {
                stop = Some(stop_for_output(e)?);
                break;
            }
        }
        if let Err(e) = printer.finish(true) {
            stop = Some(stop_for_output(e)?);
        }
    }
    summary(
        op,
        journal.as_ref().map(|j| j.path.clone()),
        &counts,
        not_tried,
        stop,
        write,
        rows.len(),
    )
}

/// An output error: a closed stdout stops the run (its writes are journalled, so it can be
/// resumed), anything else is reported as before.
fn stop_for_output(e: io::Error) -> Result<Stop, CliError> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(Stop::StdoutClosed)
    } else {
        Err(CliError::output(e))
    }
}

fn tag_error(mut e: CliError, row: &Row) -> CliError {
    // Several rows fail alike; the text must say which one this was.
    e.message = format!("row {} ({}): {}", row.number, row.key, e.message);
    let mut e = e.with("row", row.number).with("key", row.key.as_str());
    for (wire, value) in &row.request.params {
        e = e.with(wire, typed_param(value));
    }
    e
}

fn typed_param(text: &str) -> Value {
    text.parse::<i64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::String(text.to_string()))
}

/// The summary on stderr and the exit code: interrupted 130, stdout closed 141, any unknown
/// outcome 5, any failure 1.
fn summary(
    op: &CommandSpec,
    journal: Option<PathBuf>,
    c: &Counts,
    not_tried: usize,
    stop: Option<Stop>,
    write: bool,
    total: usize,
) -> Result<(), CliError> {
    // A read changes nothing: its rows are done, not applied.
    let done = if write { "applied" } else { "done" };
    let counts = format!(
        "{} {done}, {} failed, {} unknown, {not_tried} not tried",
        c.applied, c.failed, c.unknown
    );
    let (journal_text, resume_text) = match &journal {
        Some(p) => (
            format!("; journal: {}", p.display()),
            format!("; resume with --resume {}", p.display()),
        ),
        None => (String::new(), String::new()),
    };
    let fields = |e: CliError| {
        let e = e
            .with("applied", c.applied)
            .with("failed", c.failed)
            .with("unknown", c.unknown)
            .with("notTried", not_tried)
            .with("total", total);
        match &journal {
            Some(p) => e.with("journal", p.display().to_string()),
            None => e,
        }
    };
    if let Some(stop) = stop {
        let (exit, why) = match stop {
            Stop::Interrupt => (Exit::Interrupted, "interrupted"),
            Stop::StdoutClosed => (Exit::StdoutClosed, "stdout closed"),
        };
        return Err(fields(CliError::new(
            exit,
            format!("{why}: {counts}{journal_text}{resume_text}"),
        )));
    }
    let exit = if c.unknown > 0 {
        Exit::Unknown
    } else if c.failed > 0 {
        Exit::Api
    } else {
        if write {
            say!("{}: {total} rows: {counts}{journal_text}", op.name);
        }
        return Ok(());
    };
    let resume = if write { resume_text } else { String::new() };
    Err(fields(CliError::new(
        exit,
        format!("{}: {total} rows: {counts}{journal_text}{resume}", op.name),
    )))
}

/// Ctrl-C: the first stops new calls (the receiver changes), the second exits at once.
fn interrupts(journal: Option<PathBuf>) -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        let _ = tx.send(true);
        if tokio::signal::ctrl_c().await.is_ok() {
            // Every call that ended is in the journal already; those in flight are `started`.
            match journal {
                Some(p) => say!(
                    "interrupted again: stopped at once; calls in flight are unknown; resume with --resume {}",
                    p.display()
                ),
                None => say!("interrupted again: stopped at once"),
            }
            std::process::exit(Exit::Interrupted as i32);
        }
    });
    rx
}

/// One row's call (after a read-back, when the journal left its outcome unknown).
async fn attempt(
    target: &Target,
    op: &'static CommandSpec,
    row: &Row,
    read_back: Option<&'static CommandSpec>,
    all: bool,
) -> Done {
    if let Some(read) = read_back {
        match readback::applied(target, read, &row.request).await {
            Ok(true) => return Done::AlreadyApplied,
            Ok(false) => {}
            Err(e) => {
                return Done::Unknown(CliError::new(
                    Exit::Unknown,
                    format!(
                        "outcome still unknown: reading it back failed: {}",
                        e.message
                    ),
                ));
            }
        }
    }
    let mode = if all { Mode::All } else { Mode::One };
    let answer = match dispatch(&target.client, op, &row.request, mode).await {
        Ok(Answer::Checked) => Ok(Vec::new()),
        Ok(Answer::One(v)) => Ok(vec![v]),
        Ok(Answer::Pages(pages)) => pages.try_collect().await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(values) => Done::Applied(values),
        Err(e) if e.exit == Exit::Unknown => Done::Unknown(e),
        Err(e) => Done::Failed(e),
    }
}

/// Every row through the typed request and the spec's rules; all problems at once (exit 2).
async fn check_all(
    target: &Target,
    op: &'static CommandSpec,
    rows: &[Row],
    each_customer: bool,
) -> Result<(), CliError> {
    const SHOWN: usize = 20;
    let mut problems: Vec<CliError> = Vec::new();
    for row in rows {
        if let Some(flag) = rows::missing_required(&row.request) {
            let column = rows::column_of(op, flag).unwrap_or(flag);
            problems.push(rows::row_error(
                row.number,
                Some(column),
                format!("missing; {} needs --{flag}", op.name),
            ));
            continue;
        }
        if let Err(e) = crate::run::check_request(target, op, &row.request).await {
            let column = e
                .fields
                .get("flag")
                .and_then(Value::as_str)
                .and_then(|f| rows::column_of(op, f))
                .filter(|_| !each_customer);
            let mut err = rows::row_error(row.number, column, &e.message);
            for (k, v) in e.fields {
                err.fields.entry(k).or_insert(v);
            }
            problems.push(err);
        }
    }
    let Some(mut first) = problems.first().map(|e| CliError {
        exit: e.exit,
        message: e.message.clone(),
        fields: e.fields.clone(),
    }) else {
        return Ok(());
    };
    let mut lines: Vec<String> = problems
        .iter()
        .take(SHOWN)
        .map(|e| e.message.clone())
        .collect();
    if problems.len() > SHOWN {
        lines.push(format!("... and {} more", problems.len() - SHOWN));
    }
    lines.push(format!(
        "{} of {} rows are not valid; nothing was sent",
        problems.len(),
        rows.len()
    ));
    first.message = lines.join("\n");
    Err(first.with("invalidRows", problems.len()))
}

/// `--dry-run`: the request of every row, then their count; nothing is sent.
fn plan_only(target: &Target, op: &CommandSpec, rows: &[Row]) -> Result<(), CliError> {
    let mut text = String::new();
    for row in rows {
        text.push_str(&format!("# row {} ({})\n", row.number, row.key));
        text.push_str(&crate::run::request_text(target, op, &row.request));
        text.push('\n');
    }
    let s = if rows.len() == 1 { "" } else { "s" };
    text.push_str(&format!("# {} request{s}; nothing was sent\n", rows.len()));
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
    let mut listing = target.client.list_customers();
    if let Some(max) = crate::run::max_page_size(list) {
        listing = listing.count(max);
    }
    listing
        .stream()
        .map_ok(|c| c.domain_id)
        .try_collect()
        .await
        .map_err(|e| client_error(e, list))
}

/// The path parameters that tell a row's answers apart (`domainId`, `subscriptionId`).
fn tag_columns(op: &CommandSpec) -> Vec<&'static str> {
    op.params
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(|p| p.wire)
        .collect()
}

fn printer(
    g: &Globals,
    op: &CommandSpec,
    rows: &[Row],
) -> (Printer<io::BufWriter<io::Stdout>>, Vec<&'static str>) {
    let mut tags = tag_columns(op);
    // Only what varies between rows (and always domainId, as --each-customer always had).
    tags.retain(|w| {
        *w == "domainId"
            || rows.first().is_some_and(|f| {
                rows.iter()
                    .any(|r| r.request.params.get(*w) != f.request.params.get(*w))
            })
    });
    let prefixed = |cols: &[&str]| -> Vec<String> {
        tags.iter()
            .copied()
            .chain(cols.iter().copied().filter(|c| !tags.contains(c)))
            .map(str::to_string)
            .collect()
    };
    let p = Printer::new(
        io::BufWriter::new(io::stdout()),
        g.format,
        io::stdout().is_terminal(),
        crate::run::comfy_table_width(),
        None,
        prefixed(op.columns),
        prefixed(op.csv_columns),
    )
    // Checked before the run (`run::operation`).
    .with_shape(crate::shape::Shape::new(&g.shape, op, g.format).unwrap_or_default());
    (p, tags)
}

/// One row's answers, each item tagged with the row's path parameters, flushed at once.
fn print(
    printer: &mut Printer<io::BufWriter<io::Stdout>>,
    op: &CommandSpec,
    tags: &[&'static str],
    row: &Row,
    values: Vec<Value>,
) -> io::Result<()> {
    for value in values {
        for item in split_items(op, value) {
            let mut tagged = Map::new();
            for tag in tags {
                if let Some(v) = row.request.params.get(tag) {
                    tagged.insert(tag.to_string(), typed_param(v));
                }
            }
            match item {
                Value::Object(obj) => {
                    for (k, v) in obj {
                        tagged.entry(k).or_insert(v);
                    }
                }
                Value::Null => continue,
                other => {
                    tagged.insert("value".into(), other);
                }
            }
            printer.item(Value::Object(tagged))?;
        }
    }
    printer.flush()
}

fn split_items(op: &CommandSpec, value: Value) -> Vec<Value> {
    match (op.items_field, value) {
        (Some(field), Value::Object(mut obj)) => match obj.remove(field) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        (_, other) => vec![other],
    }
}
