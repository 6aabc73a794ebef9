//! Several pages of one operation: which language each is in, the enum values the others
//! list, and the differences between the Japanese and the English page.

use crate::docs::{DocOp, DocProp};
use std::collections::{BTreeMap, BTreeSet};

/// Where a page comes from, as far as the command knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The current Japanese page (the primary source).
    Ja,
    /// The English page (a translation that lags).
    En,
    /// An older Japanese page of the same endpoint (`x-doc-pages.legacy`).
    JaLegacy,
    /// The operation's page on the fading list (`x-doc-pages.fadeout`).
    Fadeout,
    /// A page whose language is not known.
    Unknown,
}

impl Source {
    /// Japanese pages first: they change first.
    pub fn rank(&self) -> u8 {
        match self {
            Source::Ja => 0,
            Source::JaLegacy => 1,
            Source::Fadeout => 2,
            Source::En => 3,
            Source::Unknown => 4,
        }
    }

    pub fn label(&self) -> Option<String> {
        match self {
            Source::Ja => Some("ja".into()),
            Source::En => Some("en".into()),
            Source::JaLegacy => Some("ja legacy".into()),
            Source::Fadeout => Some("fadeout".into()),
            Source::Unknown => None,
        }
    }
}

/// Enum values by `(side, target)`: side `parameter`, `request` or `response`, target the
/// dotted property path `diff` prints (`a[].b`).
pub type EnumValues = BTreeMap<(String, String), BTreeSet<String>>;

/// The side of a finding's location (`response 200` → `response`).
pub fn side(location: &str) -> &str {
    location.split(' ').next().unwrap_or(location)
}

fn walk(props: &[DocProp], side: &str, prefix: &str, out: &mut EnumValues) {
    for p in props {
        let target = format!("{prefix}{}", p.name);
        if let Some(values) = &p.enum_values {
            out.entry((side.to_string(), target.clone()))
                .or_default()
                .extend(values.iter().cloned());
        }
        let child = if p.ty == "array" {
            format!("{target}[].")
        } else {
            format!("{target}.")
        };
        walk(p.children.as_deref().unwrap_or_default(), side, &child, out);
    }
}

/// Every enum list the pages state, merged.
pub fn enum_values(pages: &[&DocOp]) -> EnumValues {
    let mut out = EnumValues::new();
    for d in pages {
        let params: Vec<DocProp> = d.params.iter().map(|p| p.prop.clone()).collect();
        walk(&params, "parameter", "", &mut out);
        walk(
            d.request.as_deref().unwrap_or_default(),
            "request",
            "",
            &mut out,
        );
        for r in &d.responses {
            walk(
                r.body.as_deref().unwrap_or_default(),
                "response",
                "",
                &mut out,
            );
        }
    }
    out
}

/// `METHOD path | side | target | ja lists X, en does not` for every enum both the Japanese
/// and the English page of an operation state, where their values differ.
pub fn differences(docs: &[(&DocOp, Source)]) -> Vec<String> {
    let mut out = Vec::new();
    let key = |d: &DocOp| (d.method.clone(), super::norm_path(&d.path));
    let mut ops: Vec<(String, String)> = docs.iter().map(|(d, _)| key(d)).collect();
    ops.sort();
    ops.dedup();
    for op in ops {
        let of = |want: Source| -> Vec<&DocOp> {
            docs.iter()
                .filter(|(d, s)| *s == want && key(d) == op)
                .map(|(d, _)| *d)
                .collect()
        };
        let (ja, en) = (of(Source::Ja), of(Source::En));
        if ja.is_empty() || en.is_empty() {
            continue;
        }
        let (ja, en) = (enum_values(&ja), enum_values(&en));
        for (k, jv) in &ja {
            let Some(ev) = en.get(k) else { continue };
            for (a, b, av, bv) in [("ja", "en", jv, ev), ("en", "ja", ev, jv)] {
                let only: Vec<&str> = av.difference(bv).map(String::as_str).collect();
                if !only.is_empty() {
                    out.push(format!(
                        "{} {} | {} | {} | {a} lists {}, {b} does not",
                        op.0,
                        op.1,
                        k.0,
                        k.1,
                        only.join(", ")
                    ));
                }
            }
        }
    }
    out
}
