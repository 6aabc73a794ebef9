//! Constraints and property heads, shared by both layouts.

use super::assemble::Deprecation;
use super::{DocProp, TYPES};

pub(super) const KEYS: [&str; 15] = [
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
pub(super) fn apply(p: &mut DocProp, key: &str, value: &str) {
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
        "deprecated" => p.deprecated = v.eq_ignore_ascii_case("true"),
        _ => {}
    }
}

pub(super) fn split_list(v: &str) -> impl Iterator<Item = String> + '_ {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `key : value` on a line of its own (plain layout); the key is matched case-insensitively.
pub(super) fn constraint_line(line: &str) -> Option<(&'static str, &str)> {
    let (k, v) = line.split_once(':')?;
    let k = k.trim();
    let key = KEYS.iter().find(|key| key.eq_ignore_ascii_case(k))?;
    Some((key, v))
}

/// Finds the constraints inline in a markdown description cell. `required` counts only when
/// it ends the cell or is followed by another constraint, so a description that merely uses
/// the word is not taken for the flag.
pub(super) fn inline_constraints(p: &mut DocProp, cell: &str) {
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
        // Japanese text runs into the mark without a space (`ドメインID。required`): any
        // character but an ASCII letter or digit starts it.
        let boundary = i == 0 || !text.as_bytes()[i - 1].is_ascii_alphanumeric();
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
    // The description proper (before the first constraint) may say the property is going away.
    let description = &text[..marks.first().map_or(text.len(), |m| m.0)];
    p.deprecated |= states_deprecation(description);
    for (n, &(_, vstart, key)) in marks.iter().enumerate() {
        if key.is_empty() {
            continue;
        }
        let end = marks.get(n + 1).map_or(text.len(), |m| m.0);
        apply(p, key, &text[vstart..end.max(vstart)]);
    }
}

/// `name type`, `name object (X)`, `name array (X)`; `None` if the line is not a property row.
pub(super) fn property_head(line: &str) -> Option<DocProp> {
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

pub(super) fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'))
}

/// `string` | `object (X)` | `array (X)` | `array`.
pub(super) fn parse_type(ty: &str) -> Option<(String, Option<String>)> {
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

/// Phrases the pages use to say something is going away (the Japanese pages: "to be
/// abolished", "end of provision", "not recommended").
const RETIRING: [&str; 15] = [
    "deprecated",
    "slated for retirement",
    "scheduled to end",
    "scheduled to be retired",
    "scheduled for removal",
    "will be removed",
    "will be retired",
    "will be discontinued",
    "phased out",
    "no longer supported",
    "obsolete",
    "廃止",
    "提供終了",
    "提供を終了",
    "非推奨",
];

/// Whether a line of a property's description says the property is deprecated.
pub(super) fn states_deprecation(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    RETIRING.iter().any(|p| l.contains(p))
}

/// What a line of prose outside any property says is deprecated: the operation ("this API",
/// "this operation") or a named property ("the `productId` property", "support for productId").
pub(super) fn prose_deprecation(line: &str) -> Option<Deprecation> {
    if !states_deprecation(line) {
        return None;
    }
    let lower = line.to_ascii_lowercase();
    if [
        "this api",
        "this operation",
        "this endpoint",
        "このapi",
        "本api",
        "このエンドポイント",
    ]
    .iter()
    .any(|p| lower.contains(p))
    {
        return Some(Deprecation::Operation);
    }
    let words: Vec<&str> = line
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_'))
        .collect();
    let property = words.windows(2).find_map(|w| {
        (w[1].eq_ignore_ascii_case("property") && w[0] != "this" && valid_name(w[0]))
            .then_some(w[0])
    });
    // Japanese: "legacyCode プロパティは…" or "legacyCodeプロパティは…".
    let japanese = line.split_whitespace().enumerate().find_map(|(i, w)| {
        let name = match w.split_once("プロパティ") {
            Some((n, _)) if !n.is_empty() => n,
            Some(_) => line.split_whitespace().nth(i.checked_sub(1)?)?,
            None => return None,
        };
        valid_name(name).then_some(name)
    });
    let property = property.or(japanese);
    // "Support for productId is ...": a camelCase word right after "support for (the)".
    let after_support = words.windows(3).find_map(|w| {
        let name = if w[2].eq_ignore_ascii_case("the") {
            None
        } else {
            Some(w[2])
        };
        (w[0].eq_ignore_ascii_case("support") && w[1].eq_ignore_ascii_case("for"))
            .then_some(name)
            .flatten()
            .filter(|n| valid_name(n) && n.chars().skip(1).any(|c| c.is_ascii_uppercase()))
    });
    property
        .or(after_support)
        .map(|n| Deprecation::Property(n.to_string()))
}
