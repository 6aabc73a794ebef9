//! Shaping rows before they are written: `--fields a,b.c` (which fields, dotted into nested
//! objects), `--explode FIELD` (one row per item of a nested list, the parent's fields
//! repeated), `--jq EXPR` and the csv `--bom`.

pub mod jq;

use crate::error::CliError;
use crate::output::Format;
use crate::spec::CommandSpec;
use serde_json::{Map, Value};

/// The shaping flags as given.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub fields: Option<String>,
    pub explode: Option<String>,
    pub jq: Option<String>,
    pub bom: bool,
}

/// The shaping of one command's rows.
#[derive(Default)]
pub struct Shape {
    /// `--fields`: dotted paths, in the order given.
    pub fields: Option<Vec<String>>,
    /// `--explode`: the nested list and its items' columns (`settlementItems.itemId`).
    pub explode: Option<(&'static str, &'static [&'static str])>,
    pub jq: Option<jq::Jq>,
    pub bom: bool,
}

impl Shape {
    /// Checks the flags against the command and the format; mistakes are usage errors.
    pub fn new(flags: &Flags, op: &CommandSpec, format: Format) -> Result<Shape, CliError> {
        if flags.bom && format != Format::Csv {
            return Err(CliError::flag("bom", "is for -o csv"));
        }
        let explode = match &flags.explode {
            None => None,
            Some(name) => Some(
                op.lists
                    .iter()
                    .find(|(field, _)| field == name)
                    .copied()
                    .ok_or_else(|| {
                        let lists: Vec<&str> = op.lists.iter().map(|(f, _)| *f).collect();
                        let takes = match lists.as_slice() {
                            [] => "its rows have no nested list".to_string(),
                            _ => format!("it takes {}", lists.join(", ")),
                        };
                        CliError::flag("explode", format!("{name:?}: not for {}; {takes}", op.name))
                    })?,
            ),
        };
        let fields = match &flags.fields {
            None => None,
            Some(text) => {
                let fields: Vec<String> = text
                    .split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(str::to_string)
                    .collect();
                if fields.is_empty() {
                    return Err(CliError::flag("fields", "names no field"));
                }
                check_fields(op, explode, &fields)?;
                Some(fields)
            }
        };
        let jq = flags.jq.as_deref().map(jq::Jq::compile).transpose()?;
        if jq.is_some() && matches!(format, Format::Table | Format::Csv) {
            return Err(CliError::flag(
                "jq",
                "writes JSON (or text); it cannot be combined with -o table or csv",
            ));
        }
        Ok(Shape {
            fields,
            explode,
            jq,
            bom: flags.bom,
        })
    }

    /// The table's and csv's columns once shaped: the fields asked for, else the defaults
    /// with an exploded list's columns in place of the list.
    pub fn columns(&self, table: Vec<String>, csv: Vec<String>) -> (Vec<String>, Vec<String>) {
        if let Some(fields) = &self.fields {
            return (fields.clone(), fields.clone());
        }
        let Some((list, cols)) = self.explode else {
            return (table, csv);
        };
        let mut table = table;
        table.extend(cols.iter().map(|c| c.to_string()));
        let csv = csv
            .into_iter()
            .flat_map(|c| {
                if c == list {
                    cols.iter().map(|c| c.to_string()).collect()
                } else {
                    vec![c]
                }
            })
            .collect();
        (table, csv)
    }

    /// The rows one item becomes: exploded (one per list item) and cut to the fields.
    pub fn rows(&self, item: Value) -> Vec<Value> {
        let rows = match self.explode {
            Some((list, _)) => explode(item, list),
            None => vec![item],
        };
        match &self.fields {
            Some(fields) => rows.into_iter().map(|r| project(&r, fields)).collect(),
            None => rows,
        }
    }
}

/// A field that is no column of the command's rows is likely a typo: refused, naming them.
fn check_fields(
    op: &CommandSpec,
    explode: Option<(&'static str, &'static [&'static str])>,
    fields: &[String],
) -> Result<(), CliError> {
    if op.csv_columns.is_empty() {
        return Ok(());
    }
    let mut known: Vec<&str> = op.csv_columns.to_vec();
    known.extend(op.params.iter().map(|p| p.wire));
    if let Some((_, cols)) = explode {
        known.extend(cols.iter().copied());
    }
    for field in fields {
        let prefix = format!("{field}.");
        let found = known
            .iter()
            .any(|k| k == field || k.starts_with(&prefix) || field.starts_with(&format!("{k}.")));
        if !found {
            return Err(CliError::flag(
                "fields",
                format!(
                    "{field:?} is no field of {}'s rows; they have {}",
                    op.name,
                    op.csv_columns.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// One row per item of `item[list]`, each with the parent's other fields and `list` set to
/// that one item (flattened as `list.name`); an empty or missing list keeps one row.
fn explode(item: Value, list: &str) -> Vec<Value> {
    let Value::Object(mut parent) = item else {
        return vec![item];
    };
    match parent.get_mut(list).map(Value::take) {
        Some(Value::Array(items)) if !items.is_empty() => items
            .into_iter()
            .map(|one| {
                let mut row = parent.clone();
                row.insert(list.to_string(), one);
                Value::Object(row)
            })
            .collect(),
        _ => {
            parent.insert(list.to_string(), Value::Null);
            vec![Value::Object(parent)]
        }
    }
}

/// The fields of `row` at the dotted paths, nested as in the row; a missing one is null.
fn project(row: &Value, fields: &[String]) -> Value {
    let mut out = Map::new();
    for field in fields {
        let value = field
            .split('.')
            .try_fold(row, |v, key| v.get(key))
            .cloned()
            .unwrap_or(Value::Null);
        insert(&mut out, field, value);
    }
    Value::Object(out)
}

fn insert(out: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            out.insert(path.to_string(), value);
        }
        Some((head, rest)) => {
            let slot = out
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(inner) = slot {
                insert(inner, rest, value);
            }
        }
    }
}
