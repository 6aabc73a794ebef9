//! Reads an upstream reference page (as text) into the facts `diff` compares.
//!
//! The docs come in two renderings and both must be read: the *plain* layout (what copying the
//! rendered page gives: `PropertyTypeDescription` headers, one property per block, nested
//! objects as named sections) and the *markdown-table* layout (`| Property | Type | Description |`
//! rows, constraints inline in the description cell, nested tables without their name, statuses
//! only as reason phrases). Both are first turned into the same event stream ([`Event`]) so that
//! one assembler builds the operation; layout quirks stay in the two small tokenizers.
//!
//! Nothing here panics on odd input: a page that cannot be read is a [`PageError`] naming the
//! line, so `diff` can report the file and exit 2.

use std::fmt;

/// Everything one page states about one operation.
#[derive(Debug, Clone, Default)]
pub struct DocOp {
    pub method: String,
    pub path: String,
    /// Scopes listed on the page; empty when the page lists none (then nothing is compared).
    pub scopes: Vec<String>,
    pub params: Vec<DocParam>,
    /// Root properties of the request body; `None` when the page has no request body section.
    pub request: Option<Vec<DocProp>>,
    /// Every status the page lists, in page order, with its body table if it has one.
    pub responses: Vec<DocResponse>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    Path,
    Query,
    Header,
}

impl ParamIn {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamIn::Path => "path",
            ParamIn::Query => "query",
            ParamIn::Header => "header",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DocParam {
    pub location: ParamIn,
    pub prop: DocProp,
}

#[derive(Debug, Clone)]
pub struct DocResponse {
    pub status: u16,
    pub body: Option<Vec<DocProp>>,
}

/// One property (or parameter) row with its constraints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocProp {
    pub name: String,
    /// `string`, `integer`, `number`, `boolean`, `object` or `array`.
    pub ty: String,
    /// For `object (X)` / `array (X)`: the `X`.
    pub type_ref: Option<String>,
    pub required: bool,
    pub nullable: bool,
    pub read_only: bool,
    pub format: Option<String>,
    pub enum_values: Option<Vec<String>>,
    pub max_length: Option<String>,
    pub min_length: Option<String>,
    pub minimum: Option<String>,
    pub maximum: Option<String>,
    pub default: Option<String>,
    /// Nested properties of `object (X)` / `array (X)`; `None` when the page has no table for
    /// `X` (cut off), so that nothing is claimed about them.
    pub children: Option<Vec<DocProp>>,
}

impl DocProp {
    /// The item type of an array whose items are primitives (`array (string)`).
    pub fn primitive_items(&self) -> Option<&str> {
        match (self.ty.as_str(), self.type_ref.as_deref()) {
            ("array", Some(r)) if is_primitive(r) => Some(r),
            _ => None,
        }
    }

    /// The name of the nested table this property refers to, if any.
    fn nested_name(&self) -> Option<&str> {
        match self.type_ref.as_deref() {
            Some(r) if !is_primitive(r) => Some(r),
            _ => None,
        }
    }
}

/// Why a page could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct PageError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn err(line: usize, message: impl Into<String>) -> PageError {
    PageError {
        line,
        message: message.into(),
    }
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const PRIMITIVES: [&str; 4] = ["string", "integer", "number", "boolean"];
const TYPES: [&str; 6] = ["string", "integer", "number", "boolean", "object", "array"];

fn is_primitive(t: &str) -> bool {
    PRIMITIVES.contains(&t)
}

/// Parses `METHOD/path` (or `METHOD /path`).
pub fn parse_op_line(line: &str) -> Option<(String, String)> {
    let line = line.trim().trim_start_matches('\u{feff}');
    let method = METHODS.iter().find(|m| line.starts_with(**m))?;
    let path: String = line[method.len()..]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !path.starts_with('/') || path.len() < 2 {
        return None;
    }
    Some((method.to_string(), path))
}

/// Parses one page; the layout is detected from its tables.
pub fn parse_page(text: &str) -> Result<DocOp, PageError> {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .position(|l| !l.trim().is_empty())
        .ok_or_else(|| err(1, "empty page"))?;
    let (method, path) = parse_op_line(lines[first]).ok_or_else(|| {
        err(
            first + 1,
            format!(
                "first line is not `METHOD/path`: {:?}",
                truncate(lines[first].trim(), 60)
            ),
        )
    })?;
    let markdown = lines.iter().any(|l| markdown_header(l).is_some());
    let events = if markdown {
        markdown_events(&lines, first + 1, &path)?
    } else {
        plain_events(&lines, first + 1)?
    };
    Ok(assemble(method, path, events))
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect::<String>() + "…"
    }
}

/// A compact, line-per-fact rendering of what was read from a page (`cargo xtask parse`), to
/// review the parser on a new page without a spec.
pub fn outline(op: &DocOp) -> String {
    let mut out = format!("{} {}\n", op.method, op.path);
    if !op.scopes.is_empty() {
        out += &format!("scopes: {}\n", op.scopes.join(", "));
    }
    for p in &op.params {
        outline_prop(
            &mut out,
            &format!("param {}", p.location.as_str()),
            "",
            &p.prop,
        );
    }
    if let Some(body) = &op.request {
        for p in body {
            outline_prop(&mut out, "request", "", p);
        }
    }
    for r in &op.responses {
        out += &format!("status {}\n", r.status);
        for p in r.body.iter().flatten() {
            outline_prop(&mut out, &format!("response {}", r.status), "", p);
        }
    }
    out
}

fn outline_prop(out: &mut String, loc: &str, prefix: &str, p: &DocProp) {
    let mut facts = vec![match &p.type_ref {
        Some(r) => format!("{} ({r})", p.ty),
        None => p.ty.clone(),
    }];
    let flags = [
        (p.required, "required"),
        (p.nullable, "nullable"),
        (p.read_only, "readOnly"),
    ];
    facts.extend(flags.iter().filter(|f| f.0).map(|f| f.1.to_string()));
    let kv = [
        ("format", &p.format),
        ("maxLength", &p.max_length),
        ("minLength", &p.min_length),
        ("minimum", &p.minimum),
        ("maximum", &p.maximum),
        ("default", &p.default),
    ];
    facts.extend(
        kv.iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}"))),
    );
    if let Some(e) = &p.enum_values {
        facts.push(format!("enum=[{}]", e.join(",")));
    }
    let path = format!("{prefix}{}", p.name);
    *out += &format!("{loc} | {path} | {}\n", facts.join(" "));
    let child_prefix = if p.ty == "array" {
        format!("{path}[].")
    } else {
        format!("{path}.")
    };
    for c in p.children.iter().flatten() {
        outline_prop(out, loc, &child_prefix, c);
    }
}

// ---------------------------------------------------------------------------------------------
// Events: what both layouts boil down to.

#[derive(Debug)]
enum Event {
    Scopes(Vec<String>),
    /// A parameter section (plain layout); markdown tables carry their kind themselves.
    Params(ParamIn),
    RequestBody,
    Status(u16),
    /// A table of parameters.
    ParamTable(ParamIn, Vec<DocProp>),
    /// A table of properties; `name` is the section name (plain layout) when not a root table.
    PropTable(Option<String>, Vec<DocProp>),
}

#[derive(PartialEq)]
enum BodyTarget {
    None,
    Request,
    Response(usize),
}

/// One body being assembled: its root table and its nested tables, by name or in order.
#[derive(Default)]
struct BodyTables {
    root: Option<Vec<DocProp>>,
    named: Vec<(String, Vec<DocProp>)>,
    /// Names referenced by `object (X)` / `array (X)` and not yet given a table, in order of
    /// appearance: an unnamed (markdown) table belongs to the first of them.
    pending: Vec<String>,
}

impl BodyTables {
    fn add(&mut self, name: Option<String>, rows: Vec<DocProp>) {
        let refs: Vec<String> = rows
            .iter()
            .filter_map(|p| p.nested_name().map(str::to_string))
            .collect();
        if self.root.is_none() {
            self.root = Some(rows);
        } else {
            let name = match name {
                Some(n) => {
                    if let Some(i) = self.pending.iter().position(|p| p.eq_ignore_ascii_case(&n)) {
                        self.pending.remove(i)
                    } else {
                        n
                    }
                }
                None if !self.pending.is_empty() => self.pending.remove(0),
                None => return, // a table nothing refers to: nothing to attach it to
            };
            self.named.push((name, rows));
        }
        for r in refs {
            let known = self.named.iter().any(|(n, _)| n.eq_ignore_ascii_case(&r));
            if !known && !self.pending.iter().any(|p| p.eq_ignore_ascii_case(&r)) {
                self.pending.push(r);
            }
        }
    }

    fn build(self) -> Option<Vec<DocProp>> {
        let mut root = self.root?;
        for p in &mut root {
            resolve(p, &self.named, 0);
        }
        Some(root)
    }
}

fn resolve(p: &mut DocProp, named: &[(String, Vec<DocProp>)], depth: usize) {
    if depth > 16 {
        return;
    }
    let Some(name) = p.nested_name() else { return };
    let table = named
        .iter()
        .find(|(n, _)| n == name)
        .or_else(|| named.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)));
    if let Some((_, rows)) = table {
        let mut rows = rows.clone();
        for c in &mut rows {
            resolve(c, named, depth + 1);
        }
        p.children = Some(rows);
    }
}

fn assemble(method: String, path: String, events: Vec<Event>) -> DocOp {
    let mut op = DocOp {
        method,
        path,
        ..DocOp::default()
    };
    let mut request: Option<BodyTables> = None;
    let mut responses: Vec<(u16, BodyTables)> = Vec::new();
    let mut target = BodyTarget::None;
    let mut param_in: Option<ParamIn> = None;
    for ev in events {
        match ev {
            Event::Scopes(s) => {
                for scope in s {
                    if !op.scopes.contains(&scope) {
                        op.scopes.push(scope);
                    }
                }
            }
            Event::Params(p) => {
                param_in = Some(p);
                target = BodyTarget::None;
            }
            Event::RequestBody => {
                request.get_or_insert_with(BodyTables::default);
                target = BodyTarget::Request;
                param_in = None;
            }
            Event::Status(code) => {
                responses.push((code, BodyTables::default()));
                target = BodyTarget::Response(responses.len() - 1);
                param_in = None;
            }
            Event::ParamTable(kind, rows) => {
                let kind = param_in.unwrap_or(kind);
                for prop in rows {
                    op.params.push(DocParam {
                        location: kind,
                        prop,
                    });
                }
            }
            Event::PropTable(name, rows) => {
                let tables = match target {
                    BodyTarget::Response(i) => &mut responses[i].1,
                    // Markdown pages have no "Request Body" heading: a property table before
                    // any status is the request body.
                    BodyTarget::Request | BodyTarget::None => {
                        target = BodyTarget::Request;
                        request.get_or_insert_with(BodyTables::default)
                    }
                };
                tables.add(name, rows);
            }
        }
    }
    op.request = request.and_then(BodyTables::build);
    op.responses = responses
        .into_iter()
        .map(|(status, t)| DocResponse {
            status,
            body: t.build(),
        })
        .collect();
    op
}

// ---------------------------------------------------------------------------------------------
// Constraints, shared by both layouts.

const KEYS: [&str; 15] = [
    "Allowed values",
    "maxLength",
    "minLength",
    "minimum",
    "maximum",
    "format",
    "nullable",
    "readOnly",
    "writeOnly",
    "default",
    "example",
    "deprecated",
    "pattern",
    "minItems",
    "maxItems",
];

/// Applies one `key : value` constraint to `p`.
fn apply(p: &mut DocProp, key: &str, value: &str) {
    let v = value.trim();
    let opt = || Some(v.to_string()).filter(|s| !s.is_empty());
    match key {
        "Allowed values" => {
            let values = p.enum_values.get_or_insert_with(Vec::new);
            values.extend(split_list(v));
        }
        "maxLength" => p.max_length = opt(),
        "minLength" => p.min_length = opt(),
        "minimum" => p.minimum = opt(),
        "maximum" => p.maximum = opt(),
        "format" => p.format = opt(),
        "nullable" => p.nullable = v.eq_ignore_ascii_case("true"),
        "readOnly" => p.read_only = v.eq_ignore_ascii_case("true"),
        "default" => p.default = opt(),
        _ => {}
    }
}

fn split_list(v: &str) -> impl Iterator<Item = String> + '_ {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `key : value` on a line of its own (plain layout); the key is matched case-insensitively.
fn constraint_line(line: &str) -> Option<(&'static str, &str)> {
    let (k, v) = line.split_once(':')?;
    let k = k.trim();
    let key = KEYS.iter().find(|key| key.eq_ignore_ascii_case(k))?;
    Some((key, v))
}

/// Finds the constraints inline in a markdown description cell. `required` counts only when
/// it ends the cell or is followed by another constraint, so a description that merely uses
/// the word is not taken for the flag.
fn inline_constraints(p: &mut DocProp, cell: &str) {
    let text: String = cell.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = text.to_ascii_lowercase();
    // (start of marker, start of value, key); key "" marks `required`.
    let mut marks: Vec<(usize, usize, &str)> = Vec::new();
    for key in KEYS {
        let k = key.to_ascii_lowercase();
        let mut from = 0;
        while let Some(i) = lower[from..].find(&k).map(|i| i + from) {
            from = i + k.len();
            let boundary = i == 0 || !lower.as_bytes()[i - 1].is_ascii_alphanumeric();
            let rest = &lower[from..];
            let colon = rest.len() - rest.trim_start().len();
            if boundary && rest.trim_start().starts_with(':') {
                marks.push((i, from + colon + 1, key));
            }
        }
    }
    let is_mark_at = |pos: usize, marks: &[(usize, usize, &str)]| {
        lower[pos..].trim_start().is_empty()
            || marks
                .iter()
                .any(|(s, _, _)| *s == pos + (lower[pos..].len() - lower[pos..].trim_start().len()))
    };
    let mut from = 0;
    let mut required_at = Vec::new();
    while let Some(i) = text[from..].find("required").map(|i| i + from) {
        from = i + "required".len();
        let boundary = i == 0 || text.as_bytes()[i - 1] == b' ';
        if boundary
            && (is_mark_at(from, &marks) || text[from..].trim_start().starts_with("required"))
        {
            required_at.push(i);
        }
    }
    for &i in &required_at {
        marks.push((i, i + "required".len(), ""));
        p.required = true;
    }
    marks.sort_by_key(|m| m.0);
    for (n, &(_, vstart, key)) in marks.iter().enumerate() {
        if key.is_empty() {
            continue;
        }
        let end = marks.get(n + 1).map_or(text.len(), |m| m.0);
        apply(p, key, &text[vstart..end.max(vstart)]);
    }
}

/// `name type`, `name object (X)`, `name array (X)`; `None` if the line is not a property row.
fn property_head(line: &str) -> Option<DocProp> {
    let norm = line.replace('\u{a0}', " ");
    let mut parts = norm.split_whitespace();
    let name = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    let ty = rest.join(" ");
    if !valid_name(name) {
        return None;
    }
    let (ty, type_ref) = parse_type(&ty)?;
    Some(DocProp {
        name: name.to_string(),
        ty,
        type_ref,
        ..DocProp::default()
    })
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'))
}

/// `string` | `object (X)` | `array (X)` | `array`.
fn parse_type(ty: &str) -> Option<(String, Option<String>)> {
    let ty = ty.trim();
    let (base, reference) = match ty.split_once('(') {
        Some((b, r)) => {
            let r = r.trim().strip_suffix(')')?.trim();
            if r.is_empty() || r.contains(char::is_whitespace) {
                return None;
            }
            (b.trim(), Some(r.to_string()))
        }
        None => (ty, None),
    };
    let base = base.to_ascii_lowercase();
    if !TYPES.contains(&base.as_str()) {
        return None;
    }
    if reference.is_some() && base != "object" && base != "array" {
        return None;
    }
    Some((base, reference))
}

// ---------------------------------------------------------------------------------------------
// Plain layout.

#[derive(Clone, Copy, PartialEq)]
enum TableKind {
    Property,
    Param,
    Header,
}

fn plain_header(line: &str) -> Option<TableKind> {
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

fn section_keyword(line: &str) -> Option<Event> {
    match line {
        "Path Parameters" => Some(Event::Params(ParamIn::Path)),
        "Query Parameters" => Some(Event::Params(ParamIn::Query)),
        "Header Parameters" => Some(Event::Params(ParamIn::Header)),
        "Request Body" => Some(Event::RequestBody),
        _ => None,
    }
}

/// Lines that end whatever table is open without starting anything `diff` reads.
fn closing_keyword(line: &str) -> bool {
    matches!(
        line,
        "Response" | "Request Example" | "Response Example" | "HTTP Request" | "Authorization"
    )
}

fn http_status_line(line: &str) -> Option<u16> {
    let rest = line.strip_prefix("HTTP ")?.trim();
    let code: u16 = rest.get(..3)?.parse().ok()?;
    (100..600).contains(&code).then_some(code)
}

fn plain_events(lines: &[&str], start: usize) -> Result<Vec<Event>, PageError> {
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
            continue; // prose, examples, reason phrases: nothing to read
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
        let Some(p) = rows.last_mut() else { continue };
        if !block_open {
            continue;
        }
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
            in_list = false;
        }
        if ends_block {
            block_open = false;
            in_list = false;
        }
    }
    flush(&mut table, &mut events);
    Ok(events)
}

/// `A, B, C` or `A, B,`: a continuation of an `Allowed values` list.
fn is_list_line(line: &str) -> bool {
    line.split(',').map(str::trim).all(|t| {
        !t.contains(' ')
            && t.chars()
                .all(|c| c.is_alphanumeric() || "_.-/+".contains(c))
    }) && line.chars().any(char::is_alphanumeric)
}

// ---------------------------------------------------------------------------------------------
// Markdown-table layout.

fn markdown_header(line: &str) -> Option<TableKind> {
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

/// Reason phrases stand for statuses on markdown pages (`OK`, `Created`, …).
fn reason_status(line: &str) -> Option<u16> {
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
    if let Some(code) = http_status_line(line) {
        return Some(code);
    }
    let l = line.trim().to_ascii_lowercase();
    PHRASES.iter().find_map(|(p, code)| {
        let rest = l.strip_prefix(p)?;
        (rest.is_empty()
            || rest.starts_with(" (")
            || rest.starts_with(" —")
            || rest.starts_with(" -"))
        .then_some(*code)
    })
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

fn markdown_events(lines: &[&str], start: usize, path: &str) -> Result<Vec<Event>, PageError> {
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
                // A row may span lines: join until it closes with `|`.
                let row_line = i + 1;
                let mut row = lines[i].trim().to_string();
                while !(row.ends_with('|') && row.len() > 1) {
                    i += 1;
                    if i >= lines.len() {
                        return Err(err(row_line, "table row never closes with `|`"));
                    }
                    row.push('\n');
                    row.push_str(lines[i].trim());
                }
                i += 1;
                let cells = row_cells(&row.replace('\u{a0}', " "))
                    .ok_or_else(|| err(row_line, "malformed table row"))?;
                if cells.len() != 3 {
                    return Err(err(
                        row_line,
                        format!("table row has {} cells, expected 3", cells.len()),
                    ));
                }
                let mut p = match property_head(&format!("{} {}", cells[0], cells[1])) {
                    Some(p) => p,
                    None => {
                        return Err(err(
                            row_line,
                            format!("cannot read property `{}` of type `{}`", cells[0], cells[1]),
                        ));
                    }
                };
                inline_constraints(&mut p, &cells[2]);
                rows.push(p);
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
            if let Some(code) = reason_status(line) {
                events.push(Event::Status(code));
            } else if !seen_table && let Some(s) = scope_token(line) {
                events.push(Event::Scopes(vec![s]));
            }
        }
        i += 1;
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_line_forms() {
        assert_eq!(
            parse_op_line("PATCH/partners/customers/{domainId}"),
            Some(("PATCH".into(), "/partners/customers/{domainId}".into()))
        );
        assert_eq!(
            parse_op_line("GET /a/ {b} /c"),
            Some(("GET".into(), "/a/{b}/c".into()))
        );
        assert_eq!(parse_op_line("Gets customers"), None);
        assert_eq!(parse_op_line("GET"), None);
    }

    #[test]
    fn types() {
        assert_eq!(parse_type("string"), Some(("string".into(), None)));
        assert_eq!(
            parse_type("array (Things)"),
            Some(("array".into(), Some("Things".into())))
        );
        assert_eq!(parse_type("string (x)"), None);
        assert_eq!(parse_type("text"), None);
    }

    #[test]
    fn inline_markdown_constraints() {
        let mut p = DocProp::default();
        inline_constraints(
            &mut p,
            "Plan ID\nAllowed values : FR, STD_T,\nADV nullable : true required maxLength : 40",
        );
        assert!(p.required && p.nullable);
        assert_eq!(
            p.enum_values,
            Some(vec!["FR".into(), "STD_T".into(), "ADV".into()])
        );
        assert_eq!(p.max_length.as_deref(), Some("40"));

        let mut q = DocProp::default();
        inline_constraints(&mut q, "Only required when the moon is full");
        assert!(!q.required);
        let mut r = DocProp::default();
        inline_constraints(&mut r, "Domain ID required example : 10000001");
        assert!(r.required);
    }

    #[test]
    fn unparseable_first_line() {
        let e = parse_page("Hello\nworld").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(parse_page("").is_err());
        assert!(
            parse_page("GET/x\n| Property | Type | Description |\n|---|---|---|\n| a | string |")
                .is_err()
        );
    }
}
