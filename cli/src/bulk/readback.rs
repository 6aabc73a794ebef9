//! Reading back a write whose outcome is unknown, before a resume sends it again.
//!
//! Two kinds of read tell whether a row was applied:
//! - a create whose spec `x-read-back` has `proves: creation` ([`CreationCheck`]): its listing
//!   is read (every page), and exactly one item equal to the row in each `match` field means
//!   the row was created, none that it was not; several, or a failed read, leave it unknown.
//! - otherwise the `GET` on the same path template whose answer is one object (not a list):
//!   the write counts as applied when every top-level field it sent has the same value in that
//!   answer (`PATCH .../renewal` with `licenseCount: 50` against `GET .../renewal`).
//!
//! A write with neither (`POST .../add-license-count`, whose item exists before it) cannot be
//! checked: resuming it needs `--retry-unknown`.

use crate::client::Target;
use crate::error::CliError;
use crate::generated::{COMMANDS, dispatch};
use crate::request::{Mode, Outcome, Request};
use crate::spec::{CommandSpec, CreationCheck, Source};
use futures_util::StreamExt;
use serde_json::Value;

/// Pages of a creation check's listing read at most: a listing longer than this leaves the row
/// unknown rather than reading without end.
const MAX_PAGES: usize = 1000;

/// How a resume checks a row of unknown outcome.
#[derive(Clone, Copy)]
pub enum Check {
    /// The single-object read on the write's path.
    Fields(&'static CommandSpec),
    /// The listing that shows whether a create was applied.
    Creation {
        read: &'static CommandSpec,
        check: &'static CreationCheck,
    },
}

impl Check {
    pub fn read(self) -> &'static CommandSpec {
        match self {
            Check::Fields(read) | Check::Creation { read, .. } => read,
        }
    }
}

/// What a read-back showed.
pub enum Found {
    Applied,
    NotApplied,
    /// Still unknown, and why.
    Unsure(String),
}

/// The check of `op`'s unknown rows, if the spec gives one.
pub fn check_for(op: &'static CommandSpec) -> Option<Check> {
    if let Some(check) = &op.creation_check {
        return COMMANDS
            .iter()
            .find(|c| c.id == check.read)
            .map(|read| Check::Creation { read, check });
    }
    matching_read(op).map(Check::Fields)
}

/// The read that shows what `op` changed, if the spec has one.
fn matching_read(op: &CommandSpec) -> Option<&'static CommandSpec> {
    if op.method == "GET" || op.body.is_none() {
        return None;
    }
    COMMANDS
        .iter()
        .find(|c| c.method == "GET" && c.path == op.path && c.items_field.is_none())
}

/// The row's value named by `source`, if it has one.
fn value_of(write: &Request, source: Source) -> Option<Value> {
    match source {
        Source::Path(name) => write.params.get(name).map(|v| Value::String(v.clone())),
        Source::Body(field) => write
            .body
            .as_ref()
            .and_then(|b| b.get(field))
            .filter(|v| !v.is_null())
            .cloned(),
    }
}

fn source_name(source: Source) -> String {
    match source {
        Source::Path(name) => name.to_string(),
        Source::Body(field) => format!("body field {field}"),
    }
}

/// A scalar as text, so that a path parameter (text) equals the number a listing shows.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn same(item: Option<&Value>, want: &Value) -> bool {
    match (item, text(want)) {
        (Some(got), Some(want)) => text(got).as_deref() == Some(want.as_str()),
        (Some(got), None) => got == want,
        (None, _) => false,
    }
}

/// The read request of a row: its parameters from the row (the largest page for a listing).
pub fn read_request(check: Check, write: &Request) -> Result<Request, String> {
    let read = check.read();
    let mut request = Request {
        op: read,
        params: Default::default(),
        body: None,
        flag_fields: Vec::new(),
    };
    match check {
        Check::Fields(_) => {
            for p in read.params {
                if let Some(v) = write.params.get(p.wire) {
                    request.params.insert(p.wire, v.clone());
                }
            }
        }
        Check::Creation { check, .. } => {
            for &(param, source) in check.params {
                let Some(wire) = read.params.iter().map(|p| p.wire).find(|w| *w == param) else {
                    continue;
                };
                let value = value_of(write, source).ok_or_else(|| {
                    format!("the row has no {} to read it by", source_name(source))
                })?;
                let value = text(&value).ok_or_else(|| {
                    format!("the row's {} is not a single value", source_name(source))
                })?;
                request.params.insert(wire, value);
            }
            crate::run::largest_pages(&mut request);
        }
    }
    Ok(request)
}

/// Whether the row was applied, as far as the read shows. `Err` is a failed read.
pub async fn read_back(target: &Target, check: Check, write: &Request) -> Result<Found, CliError> {
    match check {
        Check::Fields(read) => fields_applied(target, check, read, write).await,
        Check::Creation { read, check: c } => created(target, check, read, c, write).await,
    }
}

async fn fields_applied(
    target: &Target,
    check: Check,
    read: &'static CommandSpec,
    write: &Request,
) -> Result<Found, CliError> {
    let Some(Value::Object(sent)) = &write.body else {
        return Ok(Found::NotApplied);
    };
    let request = read_request(check, write).map_err(CliError::usage)?;
    let answer = match dispatch(&target.client, read, &request, Mode::One).await? {
        Outcome::One(v) => v,
        _ => return Ok(Found::NotApplied),
    };
    Ok(if sent.iter().all(|(k, v)| answer.get(k) == Some(v)) {
        Found::Applied
    } else {
        Found::NotApplied
    })
}

async fn created(
    target: &Target,
    check: Check,
    read: &'static CommandSpec,
    c: &'static CreationCheck,
    write: &Request,
) -> Result<Found, CliError> {
    let mut wants = Vec::with_capacity(c.matches.len());
    for &(field, source) in c.matches {
        match value_of(write, source) {
            Some(v) => wants.push((field, v)),
            None => {
                return Ok(Found::Unsure(format!(
                    "the row has no {} to find its {} item by",
                    source_name(source),
                    read.name
                )));
            }
        }
    }
    let request = match read_request(check, write) {
        Ok(r) => r,
        Err(why) => return Ok(Found::Unsure(why)),
    };
    let mut pages = match dispatch(&target.client, read, &request, Mode::All).await? {
        Outcome::Pages(pages) => pages,
        Outcome::One(page) => futures_util::stream::once(async { Ok(page) }).boxed(),
        Outcome::Checked => return Ok(Found::Unsure(format!("{} was not read", read.name))),
    };
    let fields: Vec<String> = wants
        .iter()
        .map(|(f, v)| format!("{f} {}", text(v).unwrap_or_else(|| v.to_string())))
        .collect();
    let fields = fields.join(", ");
    let mut found = 0usize;
    let mut read_pages = 0usize;
    while let Some(page) = pages.next().await {
        if read_pages == MAX_PAGES {
            return Ok(Found::Unsure(format!(
                "{} has more than {MAX_PAGES} pages; the read stopped there",
                read.name
            )));
        }
        let page = page?;
        read_pages += 1;
        let items = page.get(c.items).and_then(Value::as_array);
        found += items
            .into_iter()
            .flatten()
            .filter(|item| wants.iter().all(|(f, want)| same(item.get(*f), want)))
            .count();
        if found > 1 {
            return Ok(Found::Unsure(format!(
                "{} lists more than one item with {fields}: which one is the row's is unknown",
                read.name
            )));
        }
    }
    Ok(if found == 1 {
        Found::Applied
    } else {
        Found::NotApplied
    })
}
