//! Reads an upstream reference page (as text) into the facts `diff` compares.
//!
//! The docs come in two renderings and both must be read: the *plain* layout (what copying the
//! rendered page gives: `PropertyTypeDescription` headers, one property per block, nested
//! objects as named sections) and the *markdown-table* layout (`| Property | Type | Description |`
//! rows, constraints inline in the description cell, nested tables without their name, statuses
//! as reason phrases, often glued to the example before them). Both are first turned into the
//! same event stream ([`assemble::Event`]) so that one assembler builds the operation; layout
//! quirks stay in the two small tokenizers (`plain`, `markdown`).
//!
//! Nothing here panics on odd input. A page without its `METHOD/path` line is a [`PageError`]
//! (`diff` exits 2 naming the file); one unreadable row is only a problem of that page
//! ([`DocOp::problems`]), reported as a finding while the rest of the page is still compared.

mod assemble;
mod constraints;
mod markdown;
mod plain;
pub mod render;

use assemble::assemble;
use markdown::{markdown_events, markdown_header};
use plain::plain_events;
use std::collections::{BTreeSet, HashMap};
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
    /// The page says the operation is deprecated (to be phased out).
    pub deprecated: bool,
    /// Rows that could not be read; the rest of the page still was.
    pub problems: Vec<PageError>,
    /// The names in the first cell of those rows, so that `diff` does not also report them
    /// as missing from the page.
    pub unread: Vec<String>,
}

/// A response whose success line names no status (`Example response`, or a property table on a
/// GET/DELETE page with no status line): compared with the spec's success response.
pub const UNSTATED: u16 = 0;

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
    /// The page says the property is deprecated (slated for retirement).
    pub deprecated: bool,
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

    /// The type as a page writes it: `string`, `object (X)`, `array (X)`.
    pub fn type_text(&self) -> String {
        match &self.type_ref {
            Some(r) => format!("{} ({r})", self.ty),
            None => self.ty.clone(),
        }
    }

    /// The `key : value` constraints, by their page name.
    pub fn valued_facts(&self) -> [(&'static str, Option<&String>); 6] {
        [
            ("format", self.format.as_ref()),
            ("maxLength", self.max_length.as_ref()),
            ("minLength", self.min_length.as_ref()),
            ("minimum", self.minimum.as_ref()),
            ("maximum", self.maximum.as_ref()),
            ("default", self.default.as_ref()),
        ]
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
pub(crate) const PRIMITIVES: [&str; 4] = ["string", "integer", "number", "boolean"];
pub(crate) const TYPES: [&str; 6] = ["string", "integer", "number", "boolean", "object", "array"];

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

/// What the spec knows about nested objects: the property names of each object, keyed by the
/// (lowercased) name of the property holding it and of its schema. A markdown page's nested
/// tables carry no name; these let each table go to the object whose properties it matches.
#[derive(Debug, Default)]
pub struct Hints {
    objects: HashMap<String, Vec<BTreeSet<String>>>,
}

impl Hints {
    pub fn add(&mut self, name: &str, props: BTreeSet<String>) {
        if props.is_empty() {
            return;
        }
        let sets = self.objects.entry(name.to_ascii_lowercase()).or_default();
        if !sets.contains(&props) {
            sets.push(props);
        }
    }

    /// How many of `names` a known object called `name` has (best of its known shapes).
    fn score(&self, name: &str, names: &[&str]) -> usize {
        self.objects
            .get(&name.to_ascii_lowercase())
            .into_iter()
            .flatten()
            .map(|set| names.iter().filter(|n| set.contains(**n)).count())
            .max()
            .unwrap_or(0)
    }
}

/// Parses one page without hints: unnamed nested tables are attributed by order and by the
/// other tables of the page.
#[cfg(test)]
pub fn parse_page(text: &str) -> Result<DocOp, PageError> {
    parse_page_with(text, &Hints::default())
}

/// Parses one page; the layout is detected from its tables.
pub fn parse_page_with(text: &str, hints: &Hints) -> Result<DocOp, PageError> {
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
        markdown_events(&lines, first + 1, &path)
    } else {
        plain_events(&lines, first + 1)
    };
    Ok(assemble(method, path, events, hints))
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
    if op.deprecated {
        out += "deprecated\n";
    }
    for e in &op.problems {
        out += &format!("problem: {e}\n");
    }
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
        if r.status == UNSTATED {
            out += "status unstated\n";
        } else {
            out += &format!("status {}\n", r.status);
        }
        for p in r.body.iter().flatten() {
            outline_prop(&mut out, &format!("response {}", r.status), "", p);
        }
    }
    out
}

fn outline_prop(out: &mut String, loc: &str, prefix: &str, p: &DocProp) {
    let mut facts = vec![p.type_text()];
    let flags = [
        (p.required, "required"),
        (p.nullable, "nullable"),
        (p.read_only, "readOnly"),
        (p.deprecated, "deprecated"),
    ];
    facts.extend(flags.iter().filter(|f| f.0).map(|f| f.1.to_string()));
    facts.extend(
        p.valued_facts()
            .iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}"))),
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

#[cfg(test)]
mod tests {
    use super::constraints::{inline_constraints, parse_type};
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
    fn japanese_text_is_no_list_line_and_does_not_hide_required() {
        assert!(plain::is_list_line("BLUE, YELLOW,"));
        assert!(!plain::is_list_line("部品の種類"));
        let mut p = DocProp::default();
        inline_constraints(&mut p, "ドメインID。required example : 1");
        assert!(p.required);
    }

    #[test]
    fn unparseable_first_line() {
        let e = parse_page("Hello\nworld").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(parse_page("").is_err());
        assert!(
            parse_page("GET/x\n| Property | Type | Description |\n|---|---|---|\n| a | string | x")
                .is_ok_and(|op| op.problems.len() == 1)
        );
    }
}
