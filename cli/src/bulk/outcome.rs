//! How a bulk run ends: the counts, why it stopped early, the summary on stderr and the exit
//! code.

use crate::error::{CliError, Exit};
use crate::spec::CommandSpec;
use std::io;
use std::path::PathBuf;

#[derive(Default)]
pub struct Counts {
    pub applied: usize,
    pub failed: usize,
    pub unknown: usize,
}

/// Why a run stopped starting calls.
#[derive(Clone, PartialEq, Eq)]
pub enum Stop {
    Interrupt,
    StdoutClosed,
    /// An answer could not be written out (a `--jq` filter failed on it, a full disk): the
    /// call had succeeded, so the run stops like on a closed stdout, and says why.
    Output(String),
}

impl Stop {
    /// Whether stdout takes no more rows.
    pub fn ends_output(&self) -> bool {
        matches!(self, Stop::StdoutClosed | Stop::Output(_))
    }
}

/// An output error stops the run; its writes are journalled, so it can be resumed.
pub fn stop_for_output(e: io::Error) -> Stop {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Stop::StdoutClosed
    } else {
        Stop::Output(CliError::output(e).message)
    }
}

/// The summary on stderr and the exit code: interrupted 130, stdout closed 141, an answer
/// that could not be written 6, any unknown outcome 5, any failure 1.
pub fn summary(
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
        let (exit, why) = match &stop {
            Stop::Interrupt => (Exit::Interrupted, "interrupted".to_string()),
            Stop::StdoutClosed => (Exit::StdoutClosed, "stdout closed".to_string()),
            Stop::Output(message) => (Exit::Output, format!("stopped: {message}")),
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
