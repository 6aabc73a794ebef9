//! `--each-row FILE|-` and `--each-customer`: the rows of a bulk run, each one call's request,
//! read and checked all together before the first call is sent.

use crate::error::CliError;
use crate::request::Request;
use crate::spec::{CommandSpec, FieldSpec, Location};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One call of a bulk run.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based position in the input (the data row, header not counted).
    pub number: usize,
    /// What identifies the call in the journal: its path and query parameters in spec order
    /// (`domainId=10000001 subscriptionId=20000005`), with `#2`, `#3` on repeats when
    /// duplicates were allowed.
    pub key: String,
    pub request: Request,
}

/// Where a column's value goes.
#[derive(Clone, Copy)]
enum Target {
    Param(&'static str),
    Field(&'static FieldSpec),
}

/// A column name as a parameter or a top-level body field, by wire or flag name.
fn target(op: &'static CommandSpec, name: &str) -> Option<Target> {
    if let Some(p) = op.params.iter().find(|p| p.wire == name || p.flag == name) {
        return Some(Target::Param(p.wire));
    }
    op.body
        .as_ref()?
        .fields
        .iter()
        .find(|f| f.wire == name || f.flag == name)
        .map(Target::Field)
}

fn columns_help(op: &CommandSpec) -> String {
    let mut names: Vec<&str> = op.params.iter().map(|p| p.wire).collect();
    names.extend(op.body.iter().flat_map(|b| b.fields).map(|f| f.wire));
    names.join(", ")
}

/// A usage error about one row and column.
pub fn row_error(number: usize, column: Option<&str>, message: impl std::fmt::Display) -> CliError {
    let at = match column {
        Some(c) => format!("row {number}, column {c}"),
        None => format!("row {number}"),
    };
    let mut e = CliError::usage(format!("--each-row: {at}: {message}"))
        .with("flag", "each-row")
        .with("row", number);
    if let Some(c) = column {
        e = e.with("column", c);
    }
    e
}

/// Reads `--each-row` (`-` for stdin): CSV with a header, or NDJSON (one object a line,
/// told apart by a first character `{`).
pub fn read(op: &'static CommandSpec, base: &Request, source: &str) -> Result<Vec<Row>, CliError> {
    let text = if source == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| CliError::flag("each-row", format!("reading stdin: {e}")))?
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| CliError::flag("each-row", format!("{source}: {e}")))?
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let records = if text.trim_start().starts_with('{') {
        ndjson(text)?
    } else {
        csv_records(text)?
    };
    let mut rows = Vec::with_capacity(records.len());
    for (i, record) in records.into_iter().enumerate() {
        rows.push(build(op, base, i + 1, record)?);
    }
    if rows.is_empty() {
        return Err(CliError::flag("each-row", format!("{source} has no rows")));
    }
    Ok(rows)
}

/// A row as column name and value: text from CSV (empty cells left out), JSON from NDJSON.
type Record = Vec<(String, Value)>;

fn csv_records(text: &str) -> Result<Vec<Record>, CliError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| CliError::flag("each-row", format!("the CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| row_error(i + 1, None, e))?;
        out.push(
            header
                .iter()
                .zip(record.iter())
                .filter(|(_, v)| !v.is_empty())
                .map(|(h, v)| (h.clone(), Value::String(v.to_string())))
                .collect(),
        );
    }
    Ok(out)
}

fn ndjson(text: &str) -> Result<Vec<Record>, CliError> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let number = out.len() + 1;
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(obj)) => {
                out.push(obj.into_iter().filter(|(_, v)| !v.is_null()).collect())
            }
            Ok(_) => return Err(row_error(number, None, "not a JSON object")),
            Err(e) => return Err(row_error(number, None, format!("not JSON: {e}"))),
        }
    }
    Ok(out)
}

/// The base request (the command's own flags) with one row's values on top.
fn build(
    op: &'static CommandSpec,
    base: &Request,
    number: usize,
    record: Record,
) -> Result<Row, CliError> {
    let mut request = base.clone();
    for (column, value) in record {
        let target = target(op, &column).ok_or_else(|| {
            row_error(
                number,
                Some(&column),
                format!(
                    "{} has no such parameter or body field (it has {})",
                    op.name,
                    columns_help(op)
                ),
            )
        })?;
        match target {
            Target::Param(wire) => {
                let text = match value {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    other => {
                        return Err(row_error(
                            number,
                            Some(&column),
                            format!("{other} is not a single value"),
                        ));
                    }
                };
                request.params.insert(wire, text);
            }
            Target::Field(field) => {
                let value = match value {
                    Value::String(text) => crate::request::typed(field.flag, field.kind, &text)
                        .map_err(|e| row_error(number, Some(&column), strip_flag(&e.message)))?,
                    other => other,
                };
                let body = request
                    .body
                    .get_or_insert_with(|| Value::Object(Map::new()));
                if let Some(obj) = body.as_object_mut() {
                    obj.insert(field.wire.to_string(), value);
                }
                if !request.flag_fields.iter().any(|f| f.wire == field.wire) {
                    request.flag_fields.push(field);
                }
            }
        }
    }
    Ok(Row {
        number,
        key: key_of(&request),
        request,
    })
}

/// `--flag: message` without the flag, for a message that names the column instead.
fn strip_flag(message: &str) -> &str {
    match message.split_once(": ") {
        Some((flag, rest)) if flag.starts_with("--") => rest,
        _ => message,
    }
}

/// The journal key of a request: its path, then query, parameters in spec order.
pub fn key_of(request: &Request) -> String {
    let op = request.op;
    let ordered = op
        .params
        .iter()
        .filter(|p| p.location == Location::Path)
        .chain(op.params.iter().filter(|p| p.location == Location::Query));
    ordered
        .filter_map(|p| {
            request
                .params
                .get(p.wire)
                .map(|v| format!("{}={v}", p.wire))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rows of `--each-customer`: the command's request once per domain id.
pub fn for_customers(base: &Request, ids: Vec<i64>) -> Vec<Row> {
    ids.into_iter()
        .enumerate()
        .map(|(i, id)| {
            let request = base.for_domain(id);
            Row {
                number: i + 1,
                key: key_of(&request),
                request,
            }
        })
        .collect()
}

/// Refuses two rows with the same key (the same call twice), unless `allow`; then the
/// repeats get `#2`, `#3` so the journal still tells them apart.
pub fn check_duplicates(rows: &mut [Row], allow: bool) -> Result<(), CliError> {
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
    for row in rows.iter_mut() {
        let entry = seen.entry(row.key.clone()).or_insert((row.number, 0));
        entry.1 += 1;
        if entry.1 > 1 {
            if !allow {
                let key = if row.key.is_empty() {
                    "(no parameters)"
                } else {
                    &row.key
                };
                return Err(row_error(
                    row.number,
                    None,
                    format!(
                        "{key} repeats row {}; each call is made once (pass --allow-duplicates \
                         to make it again)",
                        entry.0
                    ),
                ));
            }
            row.key = format!("{} #{}", row.key, entry.1);
        }
    }
    Ok(())
}

/// The required parameters a row (or the command line) did not give.
pub fn missing_required(request: &Request) -> Option<&'static str> {
    request
        .op
        .params
        .iter()
        .find(|p| p.required && !request.params.contains_key(p.wire))
        .map(|p| p.flag)
}

/// The flag a usage error is about, as the column of the row that set it, if any.
pub fn column_of(op: &CommandSpec, flag: &str) -> Option<&'static str> {
    op.params
        .iter()
        .find(|p| p.flag == flag)
        .map(|p| p.wire)
        .or_else(|| {
            op.body
                .as_ref()?
                .fields
                .iter()
                .find(|f| f.flag == flag)
                .map(|f| f.wire)
        })
}
