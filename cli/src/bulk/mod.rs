//! Bulk runs: `--each-row FILE|-` and `--each-customer`. All rows are checked before the first
//! call; writes keep a journal (`journal.rs`) and can be interrupted and resumed; answers come
//! out in input order, each flushed as soon as the rows before it are done.

mod attempt;
mod customers;
mod interrupt;
mod journal;
mod outcome;
mod output;
mod plan;
mod preflight;
mod readback;
pub mod rows;

use crate::client::Target;
use crate::error::CliError;
use crate::request::Request;
use crate::run::Globals;
use crate::spec::CommandSpec;
use attempt::{Done, attempt};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use journal::{Journal, Outcome};
use outcome::{Counts, Stop, stop_for_output, summary};
use output::{print, printer, tag_error};
use plan::Plan;
use serde_json::Value;
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
        None => rows::for_customers(&base, customers::domain_ids(target, g).await?),
    };
    rows::check_duplicates(&mut rows, g.bulk.allow_duplicates)?;
    preflight::check_all(target, op, &rows, g.each_customer).await?;
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
    let check = readback::check_for(op);
    let plans = plan::plan(
        &rows,
        resumed.as_ref(),
        g.bulk.retry_unknown,
        check.is_some(),
    );
    if g.dry_run {
        return preflight::plan_only(target, op, &rows, &plans, check);
    }
    let journal_path =
        (write && !g.bulk.no_journal).then(|| match (&g.bulk.resume, &g.bulk.journal) {
            (Some(path), _) | (None, Some(path)) => path.clone(),
            (None, None) => journal::default_path(op.name),
        });
    // Ctrl-C is ours before the journal exists: a run with a journal always ends with its
    // summary.
    let mut interrupts = interrupt::interrupts(journal_path.clone());
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
    let to_run: Vec<usize> = (0..rows.len()).filter(|&i| plans[i].runs()).collect();
    let (mut printer, tags) = printer(g, op, &rows);
    let bar = crate::run::progress(Some(to_run.len() as u64));
    // Output slots in input order: a row's rows once it is done (empty for rows not run).
    let mut slots: Vec<Option<Vec<Value>>> =
        plans.iter().map(|p| (!p.runs()).then(Vec::new)).collect();
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
                    let done =
                        attempt(target, op, row, read_back.then_some(check).flatten(), g.all).await;
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
        if !stop.as_ref().is_some_and(Stop::ends_output) {
            while next_out < slots.len() {
                let Some(values) = slots[next_out].take() else {
                    break;
                };
                if let Err(e) = print(&mut printer, op, &tags, &rows[next_out], values) {
                    stop = Some(stop_for_output(e));
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
    if !stop.as_ref().is_some_and(Stop::ends_output) {
        for (values, row) in slots.iter_mut().zip(&rows).skip(next_out) {
            if let Some(values) = values.take()
                && let Err(e) = print(&mut printer, op, &tags, row, values)
            {
                stop = Some(stop_for_output(e));
                break;
            }
        }
        if let Err(e) = printer.finish(true) {
            stop = Some(stop_for_output(e));
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
