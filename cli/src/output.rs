//! Writing answers as json, ndjson, table or csv, one page at a time.
//!
//! json with `--all` is one array, written as the pages arrive; table output is aligned and
//! so waits for the last row (it is for people, not for 150,000 rows).

use comfy_table::{ContentArrangement, Table, presets};
use serde_json::{Map, Value};
use std::io::{self, Write};

use crate::shape::Shape;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Ndjson,
    Table,
    Csv,
}

impl Format {
    pub fn parse(name: &str) -> Format {
        match name {
            "ndjson" => Format::Ndjson,
            "table" => Format::Table,
            "csv" => Format::Csv,
            _ => Format::Json,
        }
    }
}

/// Width a table column is first given when choosing how many columns fit; a longer cell gets
/// the room the terminal has left, and is cut with `…` only past that.
const MAX_CELL: usize = 40;

/// The csv columns in order, and the same names for lookups.
struct CsvHeader {
    columns: Vec<String>,
    known: std::collections::HashSet<String>,
}

pub struct Printer<W: Write> {
    out: W,
    format: Format,
    pretty: bool,
    width: usize,
    items_field: Option<&'static str>,
    /// Preferred table columns; the first row's fields when empty.
    columns: Vec<String>,
    /// json `--all`: whether the opening bracket and a first item were written.
    opened: bool,
    written: usize,
    /// The csv header from the spec (every field of a row); the first row's fields if empty.
    csv_columns: Vec<String>,
    csv_header: Option<CsvHeader>,
    /// Fields of a row not in the csv header, reported once each.
    csv_dropped: std::collections::BTreeSet<String>,
    rows: Vec<Map<String, Value>>,
    /// `--fields`, `--explode`, `--jq`, `--bom`.
    shape: Shape,
    /// json: a list answer written as an array of its shaped items (closed by `finish`).
    listed: bool,
}

impl<W: Write> Printer<W> {
    pub fn new(
        out: W,
        format: Format,
        pretty: bool,
        width: usize,
        items_field: Option<&'static str>,
        columns: Vec<String>,
        csv_columns: Vec<String>,
    ) -> Self {
        Printer {
            out,
            format,
            pretty,
            width,
            items_field,
            columns,
            opened: false,
            written: 0,
            csv_columns,
            csv_header: None,
            csv_dropped: Default::default(),
            rows: Vec::new(),
            shape: Shape::default(),
            listed: false,
        }
    }

    /// Shapes every row (`--fields`, `--explode`, `--jq`, `--bom`); the columns follow.
    pub fn with_shape(mut self, shape: Shape) -> Self {
        let (columns, csv) = shape.columns(
            std::mem::take(&mut self.columns),
            std::mem::take(&mut self.csv_columns),
        );
        self.columns = columns;
        self.csv_columns = csv;
        self.shape = shape;
        self
    }

    /// Items written so far (for progress).
    pub fn written(&self) -> usize {
        self.written
    }

    fn items(&self, page: Value) -> Vec<Value> {
        match (self.items_field, page) {
            (Some(field), Value::Object(mut obj)) => match obj.remove(field) {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            },
            (_, Value::Array(items)) => items,
            (_, other) => vec![other],
        }
    }

    /// A whole answer of a single call. An operation without a body in its answer (HTTP 204)
    /// prints nothing: the exit code says it worked.
    pub fn answer(&mut self, value: Value) -> io::Result<()> {
        if let Some(jq) = &self.shape.jq {
            if !value.is_null() {
                jq.write(&mut self.out, &value)?;
                self.written += 1;
            }
            return Ok(());
        }
        let shaped = self.shape.fields.is_some() || self.shape.explode.is_some();
        match self.format {
            _ if value.is_null() => Ok(()),
            // Shaped json of a list: an array of its shaped items.
            Format::Json if shaped && self.items_field.is_some() => {
                self.listed = true;
                for item in self.items(value) {
                    self.item(item)?;
                }
                Ok(())
            }
            Format::Json if shaped => {
                for row in self.shape.rows(value) {
                    self.json_line(&row)?;
                    self.written += 1;
                }
                Ok(())
            }
            Format::Json => {
                self.json_line(&value)?;
                self.written += 1;
                Ok(())
            }
            _ if self.items_field.is_some() => {
                for item in self.items(value) {
                    self.item(item)?;
                }
                Ok(())
            }
            Format::Ndjson => self.item(value),
            Format::Table if value.is_object() && self.shape.explode.is_some() => self.item(value),
            Format::Table if value.is_object() => {
                let value = self.shape.rows(value).pop().unwrap_or_default();
                let mut flat = Map::new();
                flatten("", value, &mut flat);
                let key_width = flat.keys().map(|k| k.chars().count()).max().unwrap_or(0);
                let room = self.width.saturating_sub(key_width + 2).max(MAX_CELL);
                let rows: Vec<[String; 2]> = flat
                    .into_iter()
                    .map(|(k, v)| [k, cut(&cell(&v), room)])
                    .collect();
                let mut table = table(self.width);
                table.set_header(["field", "value"]);
                for row in rows {
                    table.add_row(row);
                }
                writeln!(self.out, "{table}")
            }
            _ => self.item(value),
        }
    }

    /// One page of `--all`.
    pub fn page(&mut self, page: Value) -> io::Result<()> {
        for item in self.items(page) {
            self.item(item)?;
        }
        self.out.flush()
    }

    /// One row: a list item, or a result of `--each-customer`.
    pub fn item(&mut self, item: Value) -> io::Result<()> {
        if let Some(jq) = &self.shape.jq {
            self.written += 1;
            return jq.write(&mut self.out, &item);
        }
        for row in self.shape.rows(item) {
            self.row(row)?;
        }
        Ok(())
    }

    fn row(&mut self, item: Value) -> io::Result<()> {
        self.written += 1;
        match self.format {
            Format::Json => {
                self.out
                    .write_all(if self.opened { b",\n" } else { b"[\n" })?;
                self.opened = true;
                if self.pretty {
                    serde_json::to_writer_pretty(&mut self.out, &item)?;
                } else {
                    serde_json::to_writer(&mut self.out, &item)?;
                }
                Ok(())
            }
            Format::Ndjson => {
                serde_json::to_writer(&mut self.out, &item)?;
                self.out.write_all(b"\n")
            }
            Format::Csv => {
                if self.csv_header.is_none() && self.shape.bom {
                    // `--bom`: Excel reads a csv without one in the local code page.
                    self.out.write_all("\u{feff}".as_bytes())?;
                }
                let mut w = csv::WriterBuilder::new().from_writer(&mut self.out);
                // Chosen and written once, with the first row; every row is read against it.
                let header = match &mut self.csv_header {
                    Some(header) => &*header,
                    unset => {
                        let columns: Vec<String> = if self.csv_columns.is_empty() {
                            let mut flat = Map::new();
                            flatten("", item.clone(), &mut flat);
                            flat.keys().cloned().collect()
                        } else {
                            self.csv_columns.clone()
                        };
                        w.write_record(&columns)?;
                        let known = columns.iter().cloned().collect();
                        &*unset.insert(CsvHeader { columns, known })
                    }
                };
                let mut flat = Map::new();
                flatten_to(&header.known, "", item, &mut flat);
                let row: Vec<String> = header
                    .columns
                    .iter()
                    .map(|k| flat.get(k).map(plain).unwrap_or_default())
                    .collect();
                // A field the spec does not declare (a newer API) has no column: say so
                // rather than drop it silently. A null one loses nothing.
                for (key, value) in &flat {
                    if !value.is_null()
                        && !header.known.contains(key)
                        && self.csv_dropped.insert(key.clone())
                    {
                        say!(
                            "warning: csv: field {} has no column in the header; left out",
                            lineworks_partner::terminal::escape(key)
                        );
                    }
                }
                w.write_record(&row)?;
                w.flush()
            }
            Format::Table => {
                let mut flat = Map::new();
                flatten("", item, &mut flat);
                self.rows.push(flat);
                Ok(())
            }
        }
    }

    fn json_line(&mut self, value: &Value) -> io::Result<()> {
        if self.pretty {
            serde_json::to_writer_pretty(&mut self.out, value)?;
        } else {
            serde_json::to_writer(&mut self.out, value)?;
        }
        self.out.write_all(b"\n")
    }

    /// Sends what was written so far on (a bulk run's rows as each call ends).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Closes the json array of `--all`, prints a table, flushes.
    pub fn finish(&mut self, streamed: bool) -> io::Result<()> {
        match self.format {
            _ if self.shape.jq.is_some() => {}
            Format::Json if streamed || self.listed || self.opened => {
                if self.opened {
                    self.out.write_all(b"\n]\n")?;
                } else {
                    self.out.write_all(b"[]\n")?;
                }
            }
            Format::Table if !self.rows.is_empty() => {
                let rows = std::mem::take(&mut self.rows);
                let text = render_table(&rows, &self.columns, self.width);
                writeln!(self.out, "{text}")?;
            }
            _ => {}
        }
        self.out.flush()
    }
}

/// Nested objects become dotted keys (`partnership.status`); arrays stay JSON text.
fn flatten(prefix: &str, value: Value, out: &mut Map<String, Value>) {
    match value {
        Value::Object(obj) => {
            for (k, v) in obj {
                let key = if prefix.is_empty() {
                    k
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other);
        }
    }
}

/// [`flatten`] that stops at a header column: an object there (free-form in the spec) is
/// one cell of JSON text.
fn flatten_to(
    columns: &std::collections::HashSet<String>,
    prefix: &str,
    value: Value,
    out: &mut Map<String, Value>,
) {
    match value {
        Value::Object(obj) if prefix.is_empty() || !columns.contains(prefix) => {
            for (k, v) in obj {
                let key = if prefix.is_empty() {
                    k
                } else {
                    format!("{prefix}.{k}")
                };
                flatten_to(columns, &key, v, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other);
        }
    }
}

/// A value as csv text: strings without quotes, null as empty, arrays as JSON.
fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value as table text on one line: control characters would break the row or drive the
/// terminal, so they are shown escaped (`\n`, `\u{1b}`, ...), as all server text the CLI shows.
fn cell(v: &Value) -> String {
    lineworks_partner::terminal::escape(&plain(v)).into_owned()
}

/// `text` in at most `max` characters, the last one `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

fn table(width: usize) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    table
}

/// The preferred columns present in the rows (else the first row's scalar fields), as many
/// as fit the width.
fn render_table(rows: &[Map<String, Value>], preferred: &[String], width: usize) -> String {
    let candidates: Vec<&String> = if preferred.is_empty() {
        rows[0]
            .iter()
            .filter(|(_, v)| !v.is_array())
            .map(|(k, _)| k)
            .collect()
    } else {
        preferred
            .iter()
            .filter(|k| rows.iter().any(|r| r.contains_key(*k)))
            .collect()
    };
    // (key, width given, width of its longest cell)
    let mut columns: Vec<(String, usize, usize)> = Vec::new();
    let mut used = 0;
    for key in candidates {
        let header = key.chars().count();
        let natural = rows
            .iter()
            .map(|r| r.get(key.as_str()).map_or(0, |v| cell(v).chars().count()))
            .max()
            .unwrap_or(0)
            .max(header);
        let w = natural.min(MAX_CELL).max(header);
        // Two spaces between columns (the preset's padding).
        if used + w + 2 > width && !columns.is_empty() {
            break;
        }
        used += w + 2;
        columns.push((key.clone(), w, natural));
    }
    // The room left goes to the cut columns, in column order: a cell is only cut when the
    // width really has no room for it.
    let mut spare = width.saturating_sub(used);
    for (_, w, natural) in &mut columns {
        let more = natural.saturating_sub(*w).min(spare);
        *w += more;
        spare -= more;
    }
    let mut table = table(width);
    // Field names come from the server as well.
    table.set_header(
        columns
            .iter()
            .map(|(k, _, _)| lineworks_partner::terminal::escape(k).into_owned()),
    );
    for row in rows {
        table.add_row(
            columns
                .iter()
                .map(|(k, w, _)| row.get(k).map(|v| cut(&cell(v), *w)).unwrap_or_default()),
        );
    }
    table.to_string()
}
