//! Events, what both layouts boil down to, and the one assembler that builds a [`DocOp`].

use super::{DocOp, DocParam, DocProp, DocResponse, Hints, PageError, ParamIn, UNSTATED};
use std::collections::BTreeSet;

#[derive(Debug)]
pub(super) enum Event {
    Scopes(Vec<String>),
    /// A parameter section (plain layout); markdown tables carry their kind themselves.
    Params(ParamIn),
    RequestBody,
    /// A status line; [`UNSTATED`] for a success line that names no status.
    Status(u16),
    /// A table of parameters.
    ParamTable(ParamIn, Vec<DocProp>),
    /// A table of properties; `name` is the section name (plain layout) when not a root table.
    PropTable(Option<String>, Vec<DocProp>),
    /// Prose on the page says something is deprecated.
    Deprecated(Deprecation),
    /// A row that could not be read, with the name in its first cell.
    Problem(PageError, Option<String>),
}

#[derive(Debug, PartialEq)]
pub(super) enum Deprecation {
    Operation,
    /// Every property (and parameter) of that name on the page.
    Property(String),
}

#[derive(PartialEq)]
enum BodyTarget {
    None,
    Request,
    Response(usize),
}

/// A nested object referenced by a row and not yet given a table.
struct Pending {
    /// The `X` of `object (X)` / `array (X)`.
    reference: String,
    /// The name of the property holding it.
    holder: String,
}

/// One body being assembled: its root table and its nested tables, by name or by best match.
#[derive(Default)]
struct BodyTables {
    root: Option<Vec<DocProp>>,
    named: Vec<(String, Vec<DocProp>)>,
    /// In order of appearance.
    pending: Vec<Pending>,
}

/// Tables already attributed on the page: what the page itself says each object holds.
type Known = Vec<(String, BTreeSet<String>)>;

impl BodyTables {
    fn add(&mut self, name: Option<String>, rows: Vec<DocProp>, hints: &Hints, known: &mut Known) {
        let refs: Vec<Pending> = rows
            .iter()
            .filter_map(|p| {
                p.nested_name().map(|r| Pending {
                    reference: r.to_string(),
                    holder: p.name.clone(),
                })
            })
            .collect();
        if self.root.is_none() {
            self.root = Some(rows);
        } else {
            let name = match name {
                Some(n) => match self
                    .pending
                    .iter()
                    .position(|p| p.reference.eq_ignore_ascii_case(&n))
                {
                    Some(i) => self.pending.remove(i).reference,
                    None => n,
                },
                None => match self.best_pending(&rows, hints, known) {
                    Some(i) => self.pending.remove(i).reference,
                    None => return, // a table nothing refers to: nothing to attach it to
                },
            };
            known.push((name.clone(), rows.iter().map(|p| p.name.clone()).collect()));
            self.named.push((name, rows));
        }
        for r in refs {
            let seen = self
                .named
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(&r.reference));
            let queued = self
                .pending
                .iter()
                .any(|p| p.reference.eq_ignore_ascii_case(&r.reference));
            if !seen && !queued {
                self.pending.push(r);
            }
        }
    }

    /// The pending object whose known properties (from the spec and from the page's other
    /// tables) the unnamed table matches best; the first pending one when none matches, since
    /// tables follow the order of their references when nothing is missing.
    fn best_pending(&self, rows: &[DocProp], hints: &Hints, known: &Known) -> Option<usize> {
        if self.pending.is_empty() {
            return None;
        }
        let names: Vec<&str> = rows.iter().map(|p| p.name.as_str()).collect();
        let score = |p: &Pending| {
            let on_page = known
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(&p.reference))
                .map(|(_, set)| names.iter().filter(|n| set.contains(**n)).count())
                .max()
                .unwrap_or(0);
            on_page
                .max(hints.score(&p.reference, &names))
                .max(hints.score(&p.holder, &names))
        };
        let mut best = (0, 0);
        for (i, p) in self.pending.iter().enumerate() {
            let s = score(p);
            if s > best.1 {
                best = (i, s);
            }
        }
        Some(best.0)
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

fn mark_deprecated(props: &mut [DocProp], name: &str) {
    for p in props {
        if p.name == name {
            p.deprecated = true;
        }
        if let Some(c) = p.children.as_mut() {
            mark_deprecated(c, name);
        }
    }
}

/// Whether a method carries no request body, so that a property table on its page can only
/// describe the response.
fn bodyless(method: &str) -> bool {
    matches!(method, "GET" | "DELETE" | "HEAD" | "OPTIONS")
}

pub(super) fn assemble(method: String, path: String, events: Vec<Event>, hints: &Hints) -> DocOp {
    let mut op = DocOp {
        method,
        path,
        ..DocOp::default()
    };
    let mut request: Option<BodyTables> = None;
    let mut responses: Vec<(u16, BodyTables)> = Vec::new();
    let mut target = BodyTarget::None;
    let mut param_in: Option<ParamIn> = None;
    let mut known = Known::new();
    let mut deprecated_props: Vec<String> = Vec::new();
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
                // A phrase such as "Example response" right after a status line (or a
                // second one) restates the response that is already open.
                let open_empty =
                    matches!(target, BodyTarget::Response(i) if responses[i].1.root.is_none());
                if code == UNSTATED && open_empty {
                    continue;
                }
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
                if target == BodyTarget::None && bodyless(&op.method) {
                    // No status line was recognised, but a GET/DELETE has no request body.
                    responses.push((UNSTATED, BodyTables::default()));
                    target = BodyTarget::Response(responses.len() - 1);
                }
                let tables = match target {
                    BodyTarget::Response(i) => &mut responses[i].1,
                    // Markdown pages have no "Request Body" heading: a property table before
                    // any status is the request body.
                    BodyTarget::Request | BodyTarget::None => {
                        target = BodyTarget::Request;
                        request.get_or_insert_with(BodyTables::default)
                    }
                };
                tables.add(name, rows, hints, &mut known);
            }
            Event::Deprecated(Deprecation::Operation) => op.deprecated = true,
            Event::Deprecated(Deprecation::Property(name)) => deprecated_props.push(name),
            Event::Problem(e, name) => {
                op.problems.push(e);
                op.unread.extend(name);
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
    for name in &deprecated_props {
        if let Some(body) = op.request.as_mut() {
            mark_deprecated(body, name);
        }
        for r in &mut op.responses {
            if let Some(body) = r.body.as_mut() {
                mark_deprecated(body, name);
            }
        }
        for p in &mut op.params {
            if &p.prop.name == name {
                p.prop.deprecated = true;
            }
        }
    }
    op
}
