//! The markdown-table layout: `| Property | Type | Description |` rows, constraints inline in
//! the description cell, nested tables without their name, statuses as reason phrases (often
//! glued to the end of the example before them).

use super::assemble::Event;
use super::constraints::{inline_constraints, property_head, prose_deprecation};
use super::plain::{TableKind, http_status_line};
use super::{DocProp, PageError, ParamIn, UNSTATED, err, truncate};

pub(super) fn markdown_header(line: &str) -> Option<TableKind> {
    let cells = row_cells(line.trim())?;
    if cells.len() != 3 || !cells[1].eq_ignore_ascii_case("type") {
        return None;
    }
    match cells[0].to_ascii_lowercase().as_str() {
        "property" => Some(TableKind::Property),
        "parameter" => Some(TableKind::Param),
        "header" => Some(TableKind::Header),
        _ => None,
    }
}

fn row_cells(row: &str) -> Option<Vec<String>> {
    let inner = row.strip_prefix('|')?.strip_suffix('|')?;
    Some(inner.split('|').map(|c| c.trim().to_string()).collect())
}

fn is_separator(row: &str) -> bool {
    row_cells(row).is_some_and(|cells| {
        cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
    })
}

/// The status a success or error line stands for: a reason phrase (`OK`, `Not Found`), one
/// with its code (`OK (HTTP 201)`, `HTTP 201 Created`), or a phrase that names none
/// (`Example response`: [`UNSTATED`]).
pub(super) fn reason_status(line: &str) -> Option<u16> {
    const PHRASES: [(&str, u16); 16] = [
        ("ok", 200),
        ("created", 201),
        ("accepted", 202),
        ("non-authoritative information", 203),
        ("no content", 204),
        ("reset content", 205),
        ("partial content", 206),
        ("bad request", 400),
        ("unauthorized", 401),
        ("forbidden", 403),
        ("not found", 404),
        ("method not allowed", 405),
        ("conflict", 409),
        ("too many requests", 429),
        ("internal server error", 500),
        ("service unavailable", 503),
    ];
    const UNNAMED: [&str; 4] = [
        "example response",
        "response example",
        "response body",
        "successful response",
    ];
    let line = line.trim();
    if let Some(code) = http_status_line(line) {
        return Some(code);
    }
    let l = line.to_ascii_lowercase();
    if UNNAMED.contains(&l.trim_end_matches([':', '.'])) {
        return Some(UNSTATED);
    }
    let (code, phrase_len) = PHRASES.iter().find_map(|(p, code)| {
        let rest = l.strip_prefix(p)?;
        (rest.is_empty()
            || rest.starts_with(" (")
            || rest.starts_with(" —")
            || rest.starts_with(" -"))
        .then_some((*code, p.len()))
    })?;
    // `OK (HTTP 201)`: the code in brackets wins over the phrase. (ASCII lowercasing keeps
    // byte offsets, so the phrase's length cuts the original line.)
    let stated = line[phrase_len..]
        .trim_start_matches([' ', '(', '—', '-'])
        .trim_end_matches(')');
    Some(http_status_line(stated.trim()).unwrap_or(code))
}

/// A status glued to the end of the example before it: `30}Not Found`, `3}OK`.
fn glued_status(line: &str) -> Option<u16> {
    let end = line.rfind(['}', ']'])?;
    let (example, rest) = line.split_at(end + 1);
    if !example.contains(['{', '[']) || rest.trim().is_empty() {
        return None;
    }
    reason_status(rest)
}

/// A scope on a markdown page is a lone lowercase token (`partner`, `partner.read`) before the
/// first table; `oauth2` is the scheme, not a scope.
fn scope_token(line: &str) -> Option<String> {
    let l = line.trim().trim_start_matches(['•', '-', '*']).trim();
    let ok = !l.is_empty()
        && l != "oauth2"
        && l.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && l.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | ':'));
    ok.then(|| l.to_string())
}

/// A row is whole when it closes with `|` after at least three cells.
fn row_complete(row: &str) -> bool {
    row.len() > 1 && row.ends_with('|') && row.matches('|').count() >= 4
}

/// Reads one row (which may continue over the lines that follow it, even when its first line
/// closes early, as in `| productId | string |` + `required Allowed values : … |`).
fn read_row(lines: &[&str], i: &mut usize) -> Result<DocProp, (PageError, Option<String>)> {
    let mut first = None;
    read_row_inner(lines, i, &mut first).map_err(|e| (e, first))
}

fn read_row_inner(
    lines: &[&str],
    i: &mut usize,
    first: &mut Option<String>,
) -> Result<DocProp, PageError> {
    let row_line = *i + 1;
    let mut row = lines[*i].trim().to_string();
    *i += 1;
    while !row_complete(&row) && *i < lines.len() {
        let next = lines[*i].trim();
        if next.is_empty() || next.starts_with('|') {
            break;
        }
        row.push('\n');
        row.push_str(next);
        *i += 1;
    }
    let row = row.replace('\u{a0}', " ");
    let mut cells = row_cells(&row).ok_or_else(|| {
        err(
            row_line,
            format!("table row never closes with `|`: {:?}", truncate(&row, 60)),
        )
    })?;
    *first = cells.first().filter(|c| !c.is_empty()).cloned();
    // `| name | type |`: the description is empty.
    if cells.len() == 2 {
        cells.push(String::new());
    }
    if cells.len() != 3 {
        return Err(err(
            row_line,
            format!("table row has {} cells, expected 3", cells.len()),
        ));
    }
    let mut p = property_head(&format!("{} {}", cells[0], cells[1])).ok_or_else(|| {
        err(
            row_line,
            format!("cannot read property `{}` of type `{}`", cells[0], cells[1]),
        )
    })?;
    inline_constraints(&mut p, &cells[2]);
    Ok(p)
}

pub(super) fn markdown_events(lines: &[&str], start: usize, path: &str) -> Vec<Event> {
    let mut events = Vec::new();
    let mut seen_table = false;
    let mut i = start;
    while i < lines.len() {
        let line = lines[i].replace('\u{a0}', " ");
        let line = line.trim();
        if let Some(kind) = markdown_header(line) {
            seen_table = true;
            i += 1;
            if i < lines.len() && is_separator(lines[i].trim()) {
                i += 1;
            }
            let mut rows = Vec::new();
            while i < lines.len() && lines[i].trim_start().starts_with('|') {
                if markdown_header(lines[i]).is_some() {
                    break;
                }
                match read_row(lines, &mut i) {
                    Ok(p) => rows.push(p),
                    Err((e, name)) => events.push(Event::Problem(e, name)),
                }
            }
            match kind {
                TableKind::Property => events.push(Event::PropTable(None, rows)),
                TableKind::Header => events.push(Event::ParamTable(ParamIn::Header, rows)),
                TableKind::Param => {
                    // Path and query parameters share the table header; the path tells them apart.
                    let (path_rows, query_rows): (Vec<_>, Vec<_>) = rows
                        .into_iter()
                        .partition(|p| path.contains(&format!("{{{}}}", p.name)));
                    if !path_rows.is_empty() {
                        events.push(Event::ParamTable(ParamIn::Path, path_rows));
                    }
                    if !query_rows.is_empty() {
                        events.push(Event::ParamTable(ParamIn::Query, query_rows));
                    }
                }
            }
            continue;
        }
        if !line.starts_with('|') {
            if let Some(code) = reason_status(line).or_else(|| glued_status(line)) {
                events.push(Event::Status(code));
            } else if !seen_table && let Some(s) = scope_token(line) {
                events.push(Event::Scopes(vec![s]));
            } else if let Some(d) = prose_deprecation(line) {
                events.push(Event::Deprecated(d));
            }
        }
        i += 1;
    }
    events
}
