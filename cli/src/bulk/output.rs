//! A bulk run's data on stdout: each row's answers, tagged with the path parameters that tell
//! rows apart, in input order; and each failed row's error, naming the row.

use super::rows::Row;
use crate::error::CliError;
use crate::output::Printer;
use crate::run::Globals;
use crate::spec::{CommandSpec, Location};
use serde_json::{Map, Value};
use std::io::{self, IsTerminal};

pub fn tag_error(mut e: CliError, row: &Row) -> CliError {
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

/// The path parameters that tell a row's answers apart (`domainId`, `subscriptionId`).
fn tag_columns(op: &CommandSpec) -> Vec<&'static str> {
    op.params
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(|p| p.wire)
        .collect()
}

pub fn printer(
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
pub fn print(
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
