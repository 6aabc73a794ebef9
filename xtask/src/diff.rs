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

use crate::docs::{DocOp, DocParam, DocProp, ParamIn};
use crate::spec::{Spec, SpecOp, schema_nullable, schema_type};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub method: String,
    pub path: String,
    /// `parameter`, `request`, `response <status>`, `status` or `operation`.
    pub location: String,
    /// Dotted property path (`a[].b`), parameter name, or `-`.
    pub target: String,
    /// Which fact differs: `operation`, `property`, `parameter`, `body`, `type`, `required`, ….
    pub fact: &'static str,
    pub docs: String,
    pub spec: String,
    pub accepted: bool,
}

impl Finding {
    pub fn line(&self) -> String {
        format!(
            "{} {} | {} | {} | docs: {} | spec: {}{}",
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
        })
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
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

pub fn compare(docs: &[&DocOp], spec: &Spec) -> Report {
    let mut report = Report::default();
    let ops = spec.operations();
    let mut matched = vec![false; ops.len()];
    for d in docs {
        let found = ops
            .iter()
            .position(|o| o.method == d.method && norm_path(o.path) == norm_path(&d.path));
        let mut cx = Cx {
            spec,
            method: &d.method,
            path: &d.path,
            out: &mut report.findings,
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
                matched[i] = true;
                report.compared += 1;
                cx.operation(d, &ops[i]);
            }
        }
    }
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

struct Cx<'a> {
    spec: &'a Spec,
    method: &'a str,
    path: &'a str,
    out: &'a mut Vec<Finding>,
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

    fn parameters(&mut self, d: &DocOp, o: &SpecOp) {
        // Operation-level parameters override path-level ones with the same name and place.
        let mut params: Vec<&Map<String, Value>> = Vec::new();
        let op_params = o.op.get("parameters").and_then(Value::as_array);
        for p in op_params.into_iter().flatten().chain(o.path_params) {
            let Some(p) = self.spec.deref(p).as_object() else {
                continue;
            };
            let key = |m: &Map<String, Value>| (m.get("name").cloned(), m.get("in").cloned());
            if !params.iter().any(|q| key(q) == key(p)) {
                params.push(p);
            }
        }
        let relevant = |dp: &&DocParam| {
            dp.location != ParamIn::Header
                || !IMPLIED_HEADERS.contains(&dp.prop.name.to_ascii_lowercase().as_str())
        };
        let docs_params: Vec<&DocParam> = d.params.iter().filter(relevant).collect();
        for dp in &docs_params {
            let name = &dp.prop.name;
            let sp = params.iter().find(|p| {
                let n = p.get("name").and_then(Value::as_str).unwrap_or_default();
                if dp.location == ParamIn::Header {
                    n.eq_ignore_ascii_case(name)
                } else {
                    n == name
                }
            });
            let Some(sp) = sp else {
                self.push(
                    "parameter",
                    name,
                    "parameter",
                    format!("{} parameter ({})", dp.location.as_str(), dp.prop.ty),
                    "missing".into(),
                    false,
                );
                continue;
            };
            let schema = sp
                .get("schema")
                .map(|s| self.spec.flatten(s))
                .unwrap_or_default();
            let annos: &Annos = &[sp, &schema];
            let sin = sp.get("in").and_then(Value::as_str).unwrap_or("?");
            if sin != dp.location.as_str() {
                self.push(
                    "parameter",
                    name,
                    "in",
                    format!("in {}", dp.location.as_str()),
                    format!("in {sin}"),
                    false,
                );
            }
            let required = sp.get("required").and_then(Value::as_bool).unwrap_or(false);
            self.prop_facts("parameter", name, &dp.prop, &schema, required, annos);
        }
        for sp in params {
            let name = sp.get("name").and_then(Value::as_str).unwrap_or("?");
            let sin = sp.get("in").and_then(Value::as_str).unwrap_or("?");
            if sin == "cookie" {
                continue;
            }
            let in_docs = docs_params.iter().any(|dp| {
                dp.prop.name == name || (sin == "header" && dp.prop.name.eq_ignore_ascii_case(name))
            });
            let implied =
                sin == "header" && IMPLIED_HEADERS.contains(&name.to_ascii_lowercase().as_str());
            if !in_docs && !implied {
                let schema = sp
                    .get("schema")
                    .map(|s| self.spec.flatten(s))
                    .unwrap_or_default();
                let accepted = has_inferred(&[sp, &schema, o.op]);
                let ty = schema_type(&schema).unwrap_or_else(|| "?".into());
                self.push(
                    "parameter",
                    name,
                    "parameter",
                    "missing".into(),
                    format!("{sin} parameter ({ty})"),
                    accepted,
                );
            }
        }
    }

    /// The JSON schema of a request body or response: `application/json`, else the first.
    fn content_schema(&self, holder: &Map<String, Value>) -> Option<Map<String, Value>> {
        let content = holder.get("content")?.as_object()?;
        let media = content
            .get("application/json")
            .or_else(|| content.values().next())?;
        media.get("schema").map(|s| self.spec.flatten(s))
    }

    fn request(&mut self, d: &DocOp, o: &SpecOp) {
        let body =
            o.op.get("requestBody")
                .map(|b| self.spec.deref(b))
                .and_then(Value::as_object);
        let schema = body.and_then(|b| self.content_schema(b));
        match (&d.request, body) {
            (None, None) => {}
            (Some(props), None) => self.push(
                "request",
                "-",
                "body",
                format!("body ({} properties)", props.len()),
                "no body".into(),
                false,
            ),
            (None, Some(b)) => {
                let accepted = has_inferred(&[o.op, b]);
                self.push(
                    "request",
                    "-",
                    "body",
                    "no body".into(),
                    "body".into(),
                    accepted,
                )
            }
            (Some(props), Some(b)) => {
                let schema = schema.unwrap_or_default();
                let inferred = has_inferred(&[o.op, b, &schema]);
                self.props("request", "", props, &schema, inferred, Side::Request);
            }
        }
    }

    fn responses(&mut self, d: &DocOp, o: &SpecOp) {
        let spec_responses: Vec<(u16, &Map<String, Value>)> =
            o.op.get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| {
                    let code = if k.eq_ignore_ascii_case("2XX") {
                        200
                    } else {
                        k.parse().ok()?
                    };
                    Some((code, self.spec.deref(v).as_object()?))
                })
                .filter(|(c, _)| (200..300).contains(c))
                .collect();
        let docs_ok: Vec<&crate::docs::DocResponse> = d
            .responses
            .iter()
            .filter(|r| (200..300).contains(&r.status))
            .collect();
        if docs_ok.is_empty() {
            return; // the page shows no success status (cut off): nothing to compare
        }
        let dc = canon_list(docs_ok.iter().map(|r| r.status.to_string()));
        let sc = canon_list(spec_responses.iter().map(|r| r.0.to_string()));
        self.fact(
            "status",
            "-",
            "status",
            dc.clone(),
            sc.clone(),
            (format!("status {dc}"), format!("status {sc}")),
            &[o.op],
        );
        for r in docs_ok {
            let location = format!("response {}", r.status);
            // Same status, else the only success response: a changed status is one finding,
            // and the bodies are still compared.
            let sr = spec_responses.iter().find(|(c, _)| *c == r.status).or(
                if spec_responses.len() == 1 {
                    spec_responses.first()
                } else {
                    None
                },
            );
            let Some((_, sr)) = sr else { continue };
            let schema = self.content_schema(sr);
            let has_props = |s: &Map<String, Value>| {
                s.get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty())
                    || s.contains_key("items")
            };
            match (&r.body, schema) {
                (Some(props), Some(schema)) => {
                    let inferred = has_inferred(&[o.op, sr, &schema]);
                    self.props(&location, "", props, &schema, inferred, Side::Response);
                }
                (Some(props), None) => self.push(
                    &location,
                    "-",
                    "body",
                    format!("body ({} properties)", props.len()),
                    "no body".into(),
                    false,
                ),
                (None, Some(schema)) if has_props(&schema) => {
                    let accepted = has_inferred(&[o.op, sr, &schema]);
                    self.push(
                        &location,
                        "-",
                        "body",
                        "no body".into(),
                        "body".into(),
                        accepted,
                    )
                }
                (None, _) => {}
            }
        }
    }

    /// Compares one level of properties, then recurses into nested objects and arrays.
    fn props(
        &mut self,
        location: &str,
        prefix: &str,
        docs: &[DocProp],
        schema: &Map<String, Value>,
        inferred: bool,
        side: Side,
    ) {
        let empty = Map::new();
        let spec_props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for p in docs {
            let target = format!("{prefix}{}", p.name);
            let Some(sv) = spec_props.get(&p.name) else {
                self.push(
                    location,
                    &target,
                    "property",
                    format!("property ({})", p.ty),
                    "missing".into(),
                    false,
                );
                continue;
            };
            let s = self.spec.flatten(sv);
            let req = required.contains(&p.name.as_str());
            self.prop_facts(location, &target, p, &s, req, &[&s]);
            let Some(children) = &p.children else {
                continue;
            };
            let child_inferred = inferred || s.contains_key("x-inferred");
            if p.ty == "array" {
                let items = s
                    .get("items")
                    .map(|i| self.spec.flatten(i))
                    .unwrap_or_default();
                let inf = child_inferred || items.contains_key("x-inferred");
                self.props(
                    location,
                    &format!("{target}[]."),
                    children,
                    &items,
                    inf,
                    side,
                );
            } else {
                self.props(
                    location,
                    &format!("{target}."),
                    children,
                    &s,
                    child_inferred,
                    side,
                );
            }
        }
        for (name, sv) in spec_props {
            if docs.iter().any(|p| &p.name == name) {
                continue;
            }
            let s = self.spec.flatten(sv);
            // readOnly properties are never sent, writeOnly ones never returned.
            let skip = match side {
                Side::Request => s.get("readOnly") == Some(&Value::Bool(true)),
                Side::Response => s.get("writeOnly") == Some(&Value::Bool(true)),
            };
            if skip {
                continue;
            }
            let ty = schema_type(&s).unwrap_or_else(|| "?".into());
            let accepted = inferred || s.contains_key("x-inferred");
            self.push(
                location,
                &format!("{prefix}{name}"),
                "property",
                "missing".into(),
                format!("property ({ty})"),
                accepted,
            );
        }
    }

    /// The per-property facts, shared by body properties and parameters.
    fn prop_facts(
        &mut self,
        loc: &str,
        target: &str,
        p: &DocProp,
        s: &Map<String, Value>,
        spec_required: bool,
        annos: &Annos,
    ) {
        let spec_ty = schema_type(s).unwrap_or_else(|| "none".into());
        self.fact(
            loc,
            target,
            "type",
            p.ty.clone(),
            spec_ty.clone(),
            (format!("type {}", p.ty), format!("type {spec_ty}")),
            annos,
        );
        // Constraints of an array of primitives are stated on the array and apply to items.
        let items = if p.ty == "array" && spec_ty == "array" {
            s.get("items").map(|i| self.spec.flatten(i))
        } else {
            None
        };
        if let (Some(it), Some(dty)) = (&items, p.primitive_items()) {
            let ity = schema_type(it).unwrap_or_else(|| "none".into());
            self.fact(
                loc,
                &format!("{target}[]"),
                "type",
                dty.to_string(),
                ity.clone(),
                (format!("type {dty}"), format!("type {ity}")),
                &[it],
            );
        }
        let vs = items.as_ref().unwrap_or(s);
        let mut with_items: Vec<&Map<String, Value>> = annos.to_vec();
        with_items.extend(items.as_ref());
        let annos: &Annos = &with_items;
        let bools = [
            (
                "required",
                p.required,
                spec_required,
                "required",
                "optional",
            ),
            (
                "nullable",
                p.nullable,
                schema_nullable(s),
                "nullable",
                "not nullable",
            ),
            (
                "readOnly",
                p.read_only,
                s.get("readOnly").and_then(Value::as_bool).unwrap_or(false),
                "readOnly",
                "not readOnly",
            ),
        ];
        // A page cut off inside a property shows no `required` or `nullable` mark, which then
        // states nothing: the property's own `x-inferred` accepts the spec's `true`.
        let silent = |fact: &str, d: bool, sp: bool| {
            matches!(fact, "required" | "nullable") && !d && sp && s.contains_key("x-inferred")
        };
        for (fact, d, sp, yes, no) in bools {
            let docs_canon = if silent(fact, d, sp) {
                "none".to_string()
            } else {
                d.to_string()
            };
            self.fact(
                loc,
                target,
                fact,
                docs_canon,
                sp.to_string(),
                (flag(d, yes, no), flag(sp, yes, no)),
                annos,
            );
        }
        let values: [(&'static str, Option<&str>, &Map<String, Value>); 6] = [
            ("format", p.format.as_deref(), vs),
            ("maxLength", p.max_length.as_deref(), vs),
            ("minLength", p.min_length.as_deref(), vs),
            ("minimum", p.minimum.as_deref(), vs),
            ("maximum", p.maximum.as_deref(), vs),
            ("default", p.default.as_deref(), s),
        ];
        for (fact, d, holder) in values {
            let dc = opt_canon(d);
            let sc = holder
                .get(fact)
                .map_or_else(|| "none".into(), |v| canon(v, false));
            // `int32`/`int64` only size an integer the docs leave unsized: not a difference.
            if fact == "format" && dc == "none" && matches!(sc.as_str(), "int32" | "int64") {
                continue;
            }
            self.fact(
                loc,
                target,
                fact,
                dc.clone(),
                sc.clone(),
                (format!("{fact} {dc}"), format!("{fact} {sc}")),
                annos,
            );
        }
        // Enum: a null member only says "nullable", which is compared above.
        let spec_enum: Option<Vec<String>> = vs.get("enum").and_then(Value::as_array).map(|e| {
            e.iter()
                .filter(|v| !v.is_null())
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => canon(other, false),
                })
                .collect()
        });
        let dc = p
            .enum_values
            .as_ref()
            .map_or_else(|| "none".into(), |e| canon_list(e.iter()));
        let sc = spec_enum
            .as_ref()
            .map_or_else(|| "none".into(), |e| canon_list(e.iter()));
        if dc != sc {
            let dset: BTreeSet<&str> = p.enum_values.iter().flatten().map(String::as_str).collect();
            let sset: BTreeSet<&str> = spec_enum.iter().flatten().map(String::as_str).collect();
            let added: Vec<&str> = sset.difference(&dset).copied().collect();
            let removed: Vec<&str> = dset.difference(&sset).copied().collect();
            let mut change = Vec::new();
            if !added.is_empty() && !dset.is_empty() {
                change.push(format!("adds {}", added.join(", ")));
            }
            if !removed.is_empty() && !sset.is_empty() {
                change.push(format!("drops {}", removed.join(", ")));
            }
            let list = |e: &Option<Vec<String>>| {
                e.as_ref()
                    .map_or_else(|| "none".into(), |e| format!("[{}]", e.join(", ")))
            };
            let spec_shown = if change.is_empty() {
                format!("enum {}", list(&spec_enum))
            } else {
                format!("enum {} ({})", list(&spec_enum), change.join("; "))
            };
            self.fact(
                loc,
                target,
                "enum",
                dc,
                sc,
                (format!("enum {}", list(&p.enum_values)), spec_shown),
                annos,
            );
        }
    }
}

#[derive(Clone, Copy)]
enum Side {
    Request,
    Response,
}
