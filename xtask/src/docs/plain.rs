//! The plain layout: what copying the rendered page gives.

use super::assemble::Event;
use super::constraints::{
    apply, constraint_line, property_head, prose_deprecation, states_deprecation, valid_name,
};
use super::{DocProp, ParamIn};

#[derive(Clone, Copy, PartialEq)]
pub(super) enum TableKind {
    Property,
    Param,
    Header,
}

pub(super) fn plain_header(line: &str) -> Option<TableKind> {
    let squashed: String = line
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    match squashed.as_str() {
        "propertytypedescription" => Some(TableKind::Property),
        "parametertypedescription" => Some(TableKind::Param),
        "headertypedescription" => Some(TableKind::Header),
        _ => None,
    }
}

pub(super) fn section_keyword(line: &str) -> Option<Event> {
    match line {
        "Path Parameters" => Some(Event::Params(ParamIn::Path)),
        "Query Parameters" => Some(Event::Params(ParamIn::Query)),
        "Header Parameters" => Some(Event::Params(ParamIn::Header)),
        "Request Body" => Some(Event::RequestBody),
        _ => None,
    }
}

/// Lines that end whatever table is open without starting anything `diff` reads.
pub(super) fn closing_keyword(line: &str) -> bool {
    matches!(
        line,
        "Response" | "Request Example" | "Response Example" | "HTTP Request" | "Authorization"
    )
}

pub(super) fn http_status_line(line: &str) -> Option<u16> {
    let rest = line.strip_prefix("HTTP ")?.trim();
    let code: u16 = rest.get(..3)?.parse().ok()?;
    (100..600).contains(&code).then_some(code)
}

pub(super) fn plain_events(lines: &[&str], start: usize) -> Vec<Event> {
    // Real pages put an NBSP after `name` and after `type` on a property's first line and one
    // at the end of its last line. When a page has them, rely on them, so that a description
    // line such as "Plain string" is never taken for a property.
    let marked = lines.iter().any(|l| l.contains('\u{a0}'));
    let clean = |l: &str| l.replace('\u{a0}', " ").trim().to_string();
    let next_nonblank = |i: usize| lines[i + 1..].iter().find(|l| !clean(l).is_empty());

    let mut events = Vec::new();
    let mut in_scope = false;
    let mut table: Option<(TableKind, Option<String>, Vec<DocProp>)> = None;
    let mut block_open = false; // reading a property's block
    let mut in_list = false; // the last constraint was `Allowed values`
    let mut adjacent = false; // no blank line since the last list line
    let mut trailing_comma = false; // the last list line ended with `,`

    let flush = |table: &mut Option<(TableKind, Option<String>, Vec<DocProp>)>,
                 events: &mut Vec<Event>| {
        if let Some((kind, name, rows)) = table.take() {
            events.push(match kind {
                TableKind::Property => Event::PropTable(name, rows),
                TableKind::Param => Event::ParamTable(ParamIn::Path, rows),
                TableKind::Header => Event::ParamTable(ParamIn::Header, rows),
            });
        }
    };

    for i in start..lines.len() {
        let raw = lines[i];
        let line = clean(raw);
        let line = line.as_str();
        let nbsp = raw.matches('\u{a0}').count();
        let ends_block = raw.trim_end_matches([' ', '\t', '\r']).ends_with('\u{a0}');
        if line.is_empty() {
            adjacent = false;
            if ends_block {
                block_open = false;
                in_list = false;
            }
            continue;
        }
        if let Some(kind) = plain_header(line) {
            // After a body's root table, a table is the nested object named just before it.
            let name = lines[..i]
                .iter()
                .rev()
                .map(|l| clean(l))
                .find(|l| !l.is_empty())
                .filter(|l| valid_name(l));
            flush(&mut table, &mut events);
            table = Some((kind, name, Vec::new()));
            block_open = false;
            in_list = false;
            continue;
        }
        if line == "Scope" {
            flush(&mut table, &mut events);
            in_scope = true;
            continue;
        }
        let structural = if let Some(ev) = section_keyword(line) {
            Some(Some(ev))
        } else if let Some(code) = http_status_line(line) {
            Some(Some(Event::Status(code)))
        } else if closing_keyword(line) {
            Some(None)
        } else {
            None
        };
        if let Some(ev) = structural {
            flush(&mut table, &mut events);
            in_scope = false;
            events.extend(ev);
            continue;
        }
        if in_scope {
            let scope = line.split_whitespace().next().unwrap_or_default();
            if scope != "oauth2" {
                events.push(Event::Scopes(vec![scope.to_string()]));
            }
            continue;
        }
        let Some((_, _, rows)) = table.as_mut() else {
            // Prose, examples, reason phrases: only a deprecation notice is read.
            events.extend(prose_deprecation(line).map(Event::Deprecated));
            continue;
        };
        if next_nonblank(i).is_some_and(|l| plain_header(l).is_some()) {
            // The name of the next nested table; it also ends the current block.
            block_open = false;
            in_list = false;
            continue;
        }
        if (!marked || nbsp >= 2)
            && let Some(p) = property_head(line)
        {
            rows.push(p);
            block_open = true;
            in_list = false;
            continue;
        }
        let Some(p) = rows.last_mut().filter(|_| block_open) else {
            events.extend(prose_deprecation(line).map(Event::Deprecated));
            continue;
        };
        if line == "required" {
            p.required = true;
            in_list = false;
        } else if let Some((key, value)) = constraint_line(line) {
            apply(p, key, value);
            in_list = key == "Allowed values";
            adjacent = true;
            trailing_comma = value.trim_end().ends_with(',');
        } else if in_list && (adjacent || trailing_comma) && is_list_line(line) {
            // An `Allowed values` list split across lines.
            apply(p, "Allowed values", line);
            adjacent = true;
            trailing_comma = line.ends_with(',');
        } else {
            // Description text: it may say the property is going away.
            p.deprecated |= states_deprecation(line);
            in_list = false;
        }
        if ends_block {
            block_open = false;
            in_list = false;
        }
    }
    flush(&mut table, &mut events);
    events
}

/// `A, B, C` or `A, B,`: a continuation of an `Allowed values` list. Values are ASCII: a
/// Japanese description line (letters to `char::is_alphanumeric`) is never one.
pub(super) fn is_list_line(line: &str) -> bool {
    line.split(',').map(str::trim).all(|t| {
        !t.contains(' ')
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-/+".contains(c))
    }) && line.chars().any(|c| c.is_ascii_alphanumeric())
}
