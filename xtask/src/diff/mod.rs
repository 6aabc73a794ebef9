//! Compares what the docs state with what the spec says, fact by fact.
//!
//! A finding is one fact on one operation, parameter or property. The spec may differ on
//! purpose: `x-upstream-<fact>: <value>` on the spec element records what the docs state, and a
//! difference whose docs value equals it is *accepted* (printed, not counted). `x-inferred` on
//! an element (or an ancestor) accepts what the docs could not show because the page was cut
//! off: properties and parameters the page lacks, and facts the page leaves unstated.
//!
//! Not differences: `int32`/`int64` on an integer the docs give no format (sizing, not a
//! statement the docs make), headers every call carries (`Authorization`, `Content-Type`),
//! `readOnly` spec properties missing from a request and `writeOnly` ones from a response, and
//! error statuses (only success statuses are compared).

mod bodies;
mod facts;
mod languages;
mod params;

pub use languages::Source;

use crate::docs::{DocOp, DocParam, DocProp, DocResponse, ParamIn, UNSTATED};
use crate::spec::{Spec, SpecOp, schema_nullable, schema_type};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub method: String,
    pub path: String,
    /// `parameter`, `request`, `response <status>`, `status`, `operation` or `page` (a row
    /// the page reader could not read).
    pub location: String,
    /// Dotted property path (`a[].b`), parameter name, or `-`.
    pub target: String,
    /// Which fact differs: `operation`, `property`, `parameter`, `body`, `type`, `required`, ….
    pub fact: &'static str,
    pub docs: String,
    pub spec: String,
    pub accepted: bool,
    /// The pages that state `docs` (`ja`, `en`, `ja legacy`, `fadeout`), when known.
    pub sources: Vec<String>,
}

impl Finding {
    pub fn line(&self) -> String {
        let from = if self.sources.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.sources.join(", "))
        };
        format!(
            "{} {} | {} | {} | docs{from}: {} | spec: {}{}",
            self.method,
            self.path,
            self.location,
            self.target,
            self.docs,
            self.spec,
            if self.accepted { " | accepted" } else { "" }
        )
    }

    pub fn to_json(&self) -> Value {
        json!({
            "method": self.method,
            "path": self.path,
            "location": self.location,
            "target": self.target,
            "fact": self.fact,
            "docs": self.docs,
            "spec": self.spec,
            "accepted": self.accepted,
            "sources": self.sources,
        })
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Differences between an operation's Japanese and English pages (`ja lists X, en does
    /// not`): the docs disagreeing with each other, apart from spec drift; never counted.
    pub languages: Vec<String>,
    /// Spec operations without a docs page: worth knowing, not a failure.
    pub notes: Vec<String>,
    pub compared: usize,
}

impl Report {
    pub fn unaccepted(&self) -> usize {
        self.findings.iter().filter(|f| !f.accepted).count()
    }
    pub fn accepted(&self) -> usize {
        self.findings.len() - self.unaccepted()
    }
}

/// Headers every call carries; the spec models them as security and content, not parameters.
const IMPLIED_HEADERS: [&str; 3] = ["authorization", "content-type", "accept"];

fn norm_path(p: &str) -> String {
    p.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Compares pages whose language is not known (one page per operation, as before).
#[cfg(test)]
pub fn compare(docs: &[&DocOp], spec: &Spec) -> Report {
    let pages: Vec<(&DocOp, Source)> = docs.iter().map(|d| (*d, Source::Unknown)).collect();
    compare_pages(&pages, spec)
}

/// Compares every page with the spec. Pages of one operation are compared Japanese first; a
/// finding several pages state alike is reported once, naming them; an enum value a page
/// does not list is not read as removed when another page of the operation lists it (pages
/// are often cut off, or list a subset).
pub fn compare_pages(docs: &[(&DocOp, Source)], spec: &Spec) -> Report {
    let mut report = Report::default();
    let ops = spec.operations();
    let mut matched = vec![false; ops.len()];
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by_key(|&i| docs[i].1.rank());
    for &i in &order {
        let (d, source) = &docs[i];
        let first_new = report.findings.len();
        for e in &d.problems {
            report.findings.push(Finding {
                method: d.method.clone(),
                path: d.path.clone(),
                location: "page".into(),
                target: format!("line {}", e.line),
                fact: "page",
                docs: format!("unreadable row ({})", e.message),
                spec: "-".into(),
                accepted: false,
                sources: Vec::new(),
            });
        }
        let found = ops
            .iter()
            .position(|o| o.method == d.method && norm_path(o.path) == norm_path(&d.path));
        let same_op: Vec<&DocOp> = docs
            .iter()
            .enumerate()
            .filter(|(j, (o, _))| {
                *j != i && o.method == d.method && norm_path(&o.path) == norm_path(&d.path)
            })
            .map(|(_, (o, _))| *o)
            .collect();
        let listed_elsewhere = languages::enum_values(&same_op);
        let mut cx = Cx {
            unread: &d.unread,
            spec,
            method: &d.method,
            path: &d.path,
            out: &mut report.findings,
            listed_elsewhere: &listed_elsewhere,
        };
        match found {
            None => cx.push(
                "operation",
                "-",
                "operation",
                "documented".into(),
                "missing".into(),
                false,
            ),
            Some(i) => {
                if !matched[i] {
                    report.compared += 1;
                }
                matched[i] = true;
                cx.operation(d, &ops[i]);
            }
        }
        let label = source.label();
        for f in &mut report.findings[first_new..] {
            f.sources.extend(label.clone());
        }
        merge_repeats(&mut report.findings, first_new);
    }
    report.languages = languages::differences(docs);
    for (o, m) in ops.iter().zip(matched) {
        if !m {
            let why = match o.op.get("x-upstream-page").and_then(Value::as_str) {
                Some(v) => format!(" (x-upstream-page: {v})"),
                None => String::new(),
            };
            report.notes.push(format!(
                "note: {} {} is in the spec but on no docs page{why}",
                o.method, o.path
            ));
        }
    }
    report
}

/// A finding an earlier page of the same operation already gave is not repeated: the earlier
/// one names this page too.
fn merge_repeats(findings: &mut Vec<Finding>, first_new: usize) {
    let same = |a: &Finding, b: &Finding| {
        (
            &a.method,
            &a.path,
            &a.location,
            &a.target,
            a.fact,
            &a.docs,
            &a.spec,
        ) == (
            &b.method,
            &b.path,
            &b.location,
            &b.target,
            b.fact,
            &b.docs,
            &b.spec,
        )
    };
    let new: Vec<Finding> = findings.drain(first_new..).collect();
    for f in new {
        match findings[..first_new].iter_mut().find(|e| same(e, &f)) {
            Some(e) => {
                for s in f.sources {
                    if !e.sources.contains(&s) {
                        e.sources.push(s);
                    }
                }
            }
            None => findings.push(f),
        }
    }
}

struct Cx<'a> {
    /// Names of the page's unreadable rows: already one finding each, not also "missing".
    unread: &'a [String],
    spec: &'a Spec,
    method: &'a str,
    path: &'a str,
    out: &'a mut Vec<Finding>,
    /// Enum values the operation's other pages list, by `(side, target)`.
    listed_elsewhere: &'a languages::EnumValues,
}

/// Canonical text of a fact value, so docs text and spec JSON compare equal when they mean
/// the same (`40` and `40.0`, `true` and `"true"`, enum lists in any order).
fn canon(v: &Value, list: bool) -> String {
    match v {
        Value::Null => "none".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => canon_num(&n.to_string()),
        Value::String(s) if list => canon_list(s.split(',').map(str::trim)),
        Value::String(s) => canon_num(s.trim()),
        Value::Array(a) if list => canon_list(a.iter().map(|x| match x {
            Value::String(s) => s.clone(),
            other => canon(other, false),
        })),
        Value::Array(a) => a
            .iter()
            .map(|x| canon(x, false))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => v.to_string(),
    }
}

fn canon_num(s: &str) -> String {
    match s.parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 && !s.is_empty() => {
            format!("{}", f as i64)
        }
        Ok(f) if f.is_finite() => f.to_string(),
        _ => s.to_string(),
    }
}

fn canon_list<S: AsRef<str>>(items: impl Iterator<Item = S>) -> String {
    let set: BTreeSet<String> = items
        .map(|s| s.as_ref().trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if set.is_empty() {
        "none".into()
    } else {
        set.into_iter().collect::<Vec<_>>().join(", ")
    }
}

fn opt_canon(v: Option<&str>) -> String {
    v.map_or_else(|| "none".into(), |s| canon_num(s.trim()))
}

/// The spec elements whose `x-` annotations apply to a fact (e.g. a parameter and its schema).
type Annos<'a> = [&'a Map<String, Value>];

fn has_inferred(annos: &Annos) -> bool {
    annos.iter().any(|a| a.contains_key("x-inferred"))
}

fn upstream<'a>(annos: &'a Annos, fact: &str) -> Option<&'a Value> {
    let key = format!("x-upstream-{fact}");
    annos.iter().find_map(|a| a.get(&key))
}

/// Whether an `x-upstream-<fact>` value records the docs value. A shared element whose pages
/// state different lists (for `enum`, `scopes`, `status`) records each as a sequence of
/// sequences: any one of them matching is enough.
fn upstream_matches(u: &Value, list: bool, docs_canon: &str) -> bool {
    match u {
        Value::Array(alts) if list && !alts.is_empty() && alts.iter().all(Value::is_array) => {
            alts.iter().any(|a| canon(a, true) == docs_canon)
        }
        _ => canon(u, list) == docs_canon,
    }
}

fn flag(on: bool, yes: &str, no: &str) -> String {
    if on { yes.into() } else { no.into() }
}

impl Cx<'_> {
    fn push(
        &mut self,
        location: &str,
        target: &str,
        fact: &'static str,
        docs: String,
        spec: String,
        accepted: bool,
    ) {
        self.out.push(Finding {
            method: self.method.to_string(),
            path: self.path.to_string(),
            location: location.to_string(),
            target: target.to_string(),
            fact,
            docs,
            spec,
            accepted,
            sources: Vec::new(),
        });
    }

    /// Records a difference in `fact` when the canonical values differ; accepted when the
    /// docs value equals `x-upstream-<fact>`, or when the docs state nothing and the element
    /// is `x-inferred`.
    #[allow(clippy::too_many_arguments)]
    fn fact(
        &mut self,
        location: &str,
        target: &str,
        fact: &'static str,
        docs_canon: String,
        spec_canon: String,
        shown: (String, String),
        annos: &Annos,
    ) {
        if docs_canon == spec_canon {
            return;
        }
        let list = matches!(fact, "enum" | "scopes" | "status");
        let accepted = upstream(annos, fact)
            .is_some_and(|u| upstream_matches(u, list, &docs_canon))
            || (docs_canon == "none" && has_inferred(annos));
        self.push(location, target, fact, shown.0, shown.1, accepted);
    }

    fn operation(&mut self, d: &DocOp, o: &SpecOp) {
        let annos: &Annos = &[o.op];
        let spec_deprecated = o.op.get("deprecated") == Some(&Value::Bool(true));
        self.fact(
            "operation",
            "-",
            "deprecated",
            d.deprecated.to_string(),
            spec_deprecated.to_string(),
            (
                flag(d.deprecated, "deprecated", "not deprecated"),
                flag(spec_deprecated, "deprecated", "not deprecated"),
            ),
            annos,
        );
        // Scopes.
        if !d.scopes.is_empty() {
            let spec_scopes = self.scopes(o);
            let dc = canon_list(d.scopes.iter());
            let sc = canon_list(spec_scopes.iter());
            self.fact(
                "operation",
                "-",
                "scopes",
                dc.clone(),
                sc.clone(),
                (format!("scopes {dc}"), format!("scopes {sc}")),
                annos,
            );
        }
        self.parameters(d, o);
        self.request(d, o);
        self.responses(d, o);
    }

    fn scopes(&self, o: &SpecOp) -> Vec<String> {
        let security =
            o.op.get("security")
                .or_else(|| self.spec.root.get("security"));
        let mut out = Vec::new();
        for req in security.and_then(Value::as_array).into_iter().flatten() {
            for (_, scopes) in req.as_object().into_iter().flatten() {
                for s in scopes
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    if !out.iter().any(|x| x == s) {
                        out.push(s.to_string());
                    }
                }
            }
        }
        out
    }
}

#[derive(Clone, Copy)]
enum Side {
    Request,
    Response,
}
