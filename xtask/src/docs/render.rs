//! Renders what was read from a page in the markdown-table layout, as the docs render it:
//! statuses as reason phrases glued to the example before them, nested tables without their
//! name, a property's constraints inline (starting on the cell's second line when the cell has
//! nothing else), deprecations as a caution at the top. `cargo xtask render-markdown` uses it
//! to check that the markdown reader reads every page the plain reader does.

use super::{DocOp, DocProp, ParamIn, UNSTATED};
use std::collections::VecDeque;
use std::fmt::Write;

/// The reason phrase the markdown layout shows for a status.
fn phrase(status: u16) -> String {
    let known = match status {
        UNSTATED => "Example response",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        other => return format!("HTTP {other}"),
    };
    known.to_string()
}

fn constraints(p: &DocProp) -> String {
    let mut parts: Vec<String> = Vec::new();
    if p.required {
        parts.push("required".into());
    }
    if let Some(e) = &p.enum_values {
        parts.push(format!("Allowed values : {}", e.join(", ")));
    }
    parts.extend(
        p.valued_facts()
            .iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k} : {v}"))),
    );
    if p.nullable {
        parts.push("nullable : true".into());
    }
    if p.read_only {
        parts.push("readOnly : true".into());
    }
    parts.join(" ")
}

fn row(out: &mut String, p: &DocProp) {
    let c = constraints(p);
    let ty = p.type_text();
    let name = &p.name;
    if c.is_empty() {
        let _ = writeln!(out, "| {name} | {ty} |  |");
    } else if p.enum_values.is_some() {
        // The cell's first line is empty; its constraints continue on the next line.
        let _ = writeln!(out, "| {name} | {ty} |\n{c} |");
    } else {
        let _ = writeln!(out, "| {name} | {ty} | {c} |");
    }
}

fn table(out: &mut String, head: &str, rows: &[&DocProp]) {
    let _ = writeln!(out, "| {head} | Type | Description |\n|---|---|---|");
    for p in rows {
        row(out, p);
    }
}

/// A body's root table, then one unnamed table per nested object, in the order their
/// references appear (the order the reader expects when nothing is missing).
fn body(out: &mut String, props: &[DocProp]) {
    table(out, "Property", &props.iter().collect::<Vec<_>>());
    let mut done: Vec<String> = Vec::new();
    let mut queue: VecDeque<&DocProp> = props.iter().collect();
    while let Some(p) = queue.pop_front() {
        let (Some(children), Some(name)) = (&p.children, p.nested_name()) else {
            continue;
        };
        if done.iter().any(|d| d.eq_ignore_ascii_case(name)) {
            continue;
        }
        done.push(name.to_string());
        table(out, "Property", &children.iter().collect::<Vec<_>>());
        queue.extend(children.iter());
    }
}

fn deprecated_names(props: &[DocProp], out: &mut Vec<String>) {
    for p in props {
        if p.deprecated && !out.contains(&p.name) {
            out.push(p.name.clone());
        }
        deprecated_names(p.children.as_deref().unwrap_or_default(), out);
    }
}

/// A one-line example in the layout's numbered form (`1{2 "name": null3}`), with no line end,
/// so that the next status phrase is glued to it as on the real pages.
fn example(out: &mut String, props: &[DocProp]) {
    match props.first() {
        Some(p) => {
            let _ = write!(out, "1{{2 \"{}\": null3}}", p.name);
        }
        None => out.push_str("1{}"),
    }
}

pub fn markdown(op: &DocOp) -> String {
    let mut out = format!("{}{}\n", op.method, op.path);
    out.push_str("Rendered in the markdown-table layout by `cargo xtask render-markdown`.\n");
    let mut names = Vec::new();
    for p in &op.params {
        if p.prop.deprecated && !names.contains(&p.prop.name) {
            names.push(p.prop.name.clone());
        }
    }
    deprecated_names(op.request.as_deref().unwrap_or_default(), &mut names);
    for r in &op.responses {
        deprecated_names(r.body.as_deref().unwrap_or_default(), &mut names);
    }
    if op.deprecated || !names.is_empty() {
        out.push_str("Caution\n");
    }
    if op.deprecated {
        out.push_str("This API is to be phased out; see the overview for where to migrate.\n");
    }
    for n in &names {
        let _ = writeln!(out, "The {n} property is slated for retirement.");
    }
    for s in &op.scopes {
        let _ = writeln!(out, "{s}");
    }
    let params = |kinds: &[ParamIn]| -> Vec<&DocProp> {
        op.params
            .iter()
            .filter(|p| kinds.contains(&p.location))
            .map(|p| &p.prop)
            .collect()
    };
    let path_query = params(&[ParamIn::Path, ParamIn::Query]);
    if !path_query.is_empty() {
        table(&mut out, "Parameter", &path_query);
    }
    let headers = params(&[ParamIn::Header]);
    if !headers.is_empty() {
        table(&mut out, "Header", &headers);
    }
    let mut glued = false;
    if let Some(req) = &op.request {
        body(&mut out, req);
        out.push_str("example\n");
        example(&mut out, req);
        glued = true;
    }
    for r in &op.responses {
        let _ = writeln!(out, "{}", phrase(r.status));
        glued = false;
        if let Some(props) = &r.body {
            body(&mut out, props);
            example(&mut out, props);
            glued = true;
        }
    }
    if glued {
        out.push('\n');
    }
    out
}
