//! The overview pages (`/en/docs/partner`, `/jp/docs/partner`) and the fading list
//! (`/jp/docs/partner_fadeout`): which operations they list, against the spec. An operation
//! listed and missing from the spec, one the spec has that a complete overview no longer
//! lists, and one on the fading list (and on no current overview) that the spec does not
//! deprecate, or the reverse, are findings.

use crate::Lang;
use crate::diff::Finding;
use crate::docs::parse_op_line;
use crate::spec::{DocPages, Spec};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// The current overview in one language.
    Current(Lang),
    /// The list of operations to be withdrawn (`partner_fadeout`).
    Fading,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Current(Lang::Ja) => "ja overview",
            Kind::Current(Lang::En) => "en overview",
            Kind::Fading => "fading list",
        }
    }
}

#[derive(Debug)]
pub struct Overview {
    pub kind: Kind,
    /// Whether the page was seen to its end: only then does a missing operation count.
    pub complete: bool,
    /// `(METHOD, /path)` in page order.
    pub ops: Vec<(String, String)>,
}

fn norm(p: &str) -> String {
    p.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The `METHOD /path` at the start of `s`, if any (spaces inside the path are dropped, as in
/// `POST /partners/customers/ {domainId} /change-domain`).
fn op_at(s: &str) -> Option<(String, String)> {
    let s = s.trim();
    let (m, rest) = s.split_once(char::is_whitespace)?;
    let path: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/{}_-. ".contains(*c))
        .collect();
    let (method, path) = parse_op_line(&format!("{m}{}", path.trim_end()))?;
    (method == m).then_some((method, path))
}

/// The operations a rendered overview lists: every `METHOD /path` that starts a table cell
/// or a line.
pub fn parse_text(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = if line.trim_start().starts_with('|') {
            line.split('|').collect()
        } else {
            vec![line]
        };
        for c in cells {
            if let Some(op) = op_at(c)
                && !out.contains(&op)
            {
                out.push(op);
            }
        }
    }
    out
}

/// A snapshot in the facts format (`upstream-docs/{en,ja}/partner.json`,
/// `fadeout/partner_fadeout.json`): every `METHOD /path` its texts and lists name, and its
/// `complete` flag.
pub fn parse_json(text: &str) -> Result<(Vec<(String, String)>, bool), String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let complete = v.get("complete").and_then(Value::as_bool).unwrap_or(false);
    let mut out = Vec::new();
    let mut stack = vec![&v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let (Some(Value::String(method)), Some(Value::String(path))) =
                    (m.get("method"), m.get("path"))
                    && path
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "/{}_-.".contains(c))
                    && let Some(op) = op_at(&format!("{method} {path}"))
                    && !out.contains(&op)
                {
                    out.push(op);
                }
                // Descriptions of other operations (a replacement) are not listings.
                let values: Vec<&Value> = m
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "replaced_by" | "notes"))
                    .map(|(_, v)| v)
                    .collect();
                stack.extend(values.into_iter().rev());
            }
            Value::Array(a) => stack.extend(a.iter().rev()),
            Value::String(s) => {
                let words: Vec<&str> = s.split_whitespace().collect();
                for (i, w) in words.iter().enumerate() {
                    let w = w.trim_start_matches(['(', '[']);
                    if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&w)
                        && let Some(p) = words.get(i + 1)
                    {
                        let p = p.trim_end_matches([',', ';', ')', '.', ']']);
                        if p.starts_with('/')
                            && !p.contains('…')
                            && let Some(op) = op_at(&format!("{w} {p}"))
                            && !out.contains(&op)
                        {
                            out.push(op);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok((out, complete))
}

/// Reads an overview file: JSON facts, or rendered text (taken as complete).
pub fn read(kind: Kind, text: &str) -> Result<Overview, String> {
    let (ops, complete) = if text.trim_start().starts_with('{') {
        parse_json(text)?
    } else {
        (parse_text(text), true)
    };
    if ops.is_empty() {
        return Err("lists no operation (`METHOD /path`)".into());
    }
    Ok(Overview {
        kind,
        complete,
        ops,
    })
}

fn finding(
    method: &str,
    path: &str,
    kind: Kind,
    fact: &'static str,
    docs: &str,
    spec: &str,
) -> Finding {
    Finding {
        method: method.to_string(),
        path: path.to_string(),
        location: kind.label().to_string(),
        target: "-".into(),
        fact,
        docs: docs.to_string(),
        spec: spec.to_string(),
        accepted: false,
        sources: Vec::new(),
    }
}

pub fn compare(overviews: &[Overview], spec: &Spec) -> Vec<Finding> {
    let ops = spec.operations();
    let find = |m: &str, p: &str| {
        ops.iter()
            .find(|o| o.method == m && norm(o.path) == norm(p))
    };
    let current: Vec<&(String, String)> = overviews
        .iter()
        .filter(|o| o.kind != Kind::Fading)
        .flat_map(|o| &o.ops)
        .collect();
    let on_current = |m: &str, p: &str| {
        current
            .iter()
            .any(|(cm, cp)| cm == m && norm(cp) == norm(p))
    };
    let on_fading = |m: &str, p: &str| {
        overviews
            .iter()
            .filter(|o| o.kind == Kind::Fading)
            .flat_map(|o| &o.ops)
            .any(|(fm, fp)| fm == m && norm(fp) == norm(p))
    };
    let mut out: Vec<Finding> = Vec::new();
    let mut push = |f: Finding| {
        if !out.iter().any(|e| {
            e.method == f.method && e.path == f.path && e.fact == f.fact && e.docs == f.docs
        }) {
            out.push(f);
        }
    };
    for ov in overviews {
        for (m, p) in &ov.ops {
            match find(m, p) {
                None => push(finding(m, p, ov.kind, "operation", "listed", "missing")),
                Some(o) if ov.kind == Kind::Fading && !on_current(m, p) => {
                    let deprecated = o.op.get("deprecated") == Some(&Value::Bool(true));
                    let recorded = o.op.get("x-upstream-deprecated") == Some(&Value::Bool(true));
                    if !deprecated {
                        let mut f = finding(
                            m,
                            p,
                            ov.kind,
                            "deprecated",
                            "on the fading list",
                            "not deprecated",
                        );
                        f.accepted = recorded;
                        push(f);
                    }
                }
                Some(_) => {}
            }
        }
        if !ov.complete {
            continue; // a cut-off list says nothing about what it does not show
        }
        for o in &ops {
            let listed = ov
                .ops
                .iter()
                .any(|(m, p)| *m == o.method && norm(p) == norm(o.path));
            let pages = DocPages::of(o.op);
            let deprecated = o.op.get("deprecated") == Some(&Value::Bool(true));
            let expected = match ov.kind {
                // One that moved to the fading list is reported there, once.
                Kind::Current(Lang::Ja) => {
                    pages.ja.is_some() && !deprecated && !on_fading(&o.method, o.path)
                }
                Kind::Current(Lang::En) => {
                    pages.en.is_some() && !deprecated && !on_fading(&o.method, o.path)
                }
                Kind::Fading => deprecated,
            };
            if expected && !listed {
                let (fact, docs, spec_says) = match ov.kind {
                    Kind::Fading => ("deprecated", "not on the fading list", "deprecated"),
                    _ => (
                        "operation",
                        "not listed",
                        "operation with a page in this language",
                    ),
                };
                push(finding(&o.method, o.path, ov.kind, fact, docs, spec_says));
            }
        }
    }
    out
}
