//! Request validation against the rules the spec states.
//!
//! The generated types are lenient so that responses never fail on a long string or an
//! unexpected number; the rules they would have enforced are kept in a table that
//! `build.rs` extracts from the spec, and every outgoing request is checked against it before
//! it is sent. The same check is public so a server (such as the sandbox) can apply it.

use serde_json::Value;
use std::fmt;
use std::sync::OnceLock;

mod conditional;
mod error;

pub use error::{Problem, ValidationError, Violation};
pub(crate) use error::{body_problems, from_builder_message};

/// Where a rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// A query parameter.
    Query,
    /// A path parameter.
    Path,
    /// The JSON request body.
    Body,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Location::Query => "query parameter",
            Location::Path => "path parameter",
            Location::Body => "body field",
        })
    }
}

/// One rule of the spec, as `build.rs` extracted it.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum RuleKind {
    /// `maxLength`, in characters.
    MaxLength(u64),
    /// `minLength`, in characters.
    MinLength(u64),
    /// `x-max-bytes`: a limit in UTF-8 bytes.
    MaxBytes(u64),
    /// `pattern` (ECMAScript syntax).
    Pattern(&'static str),
    /// `minimum`.
    Minimum(f64),
    /// `maximum`.
    Maximum(f64),
    /// `minItems`.
    MinItems(u64),
    /// `maxItems`.
    MaxItems(u64),
    /// `minimum` with `exclusiveMinimum: true`: strictly greater.
    ExclusiveMinimum(f64),
    /// `maximum` with `exclusiveMaximum: true`: strictly less.
    ExclusiveMaximum(f64),
    /// `minProperties`: an object must set at least this many fields.
    MinProperties(u64),
    /// `x-rules: [iana-time-zone]`: a time zone name of the IANA database (`Asia/Tokyo`).
    IanaTimeZone,
    /// `x-rules: [{base64: ...}]` on a `format: byte` field: standard Base64 (padded) of UTF-8
    /// text.
    Base64,
    /// A rule on the Base64-decoded text of a `format: byte` field (`x-rules: [{base64:
    /// {minLength: 8, ...}}]`); a value that is not Base64 is left to [`RuleKind::Base64`].
    Decoded(&'static RuleKind),
    /// `noRuns: N`: no `N` characters in a row that repeat (`aaa`) or count up by one code
    /// point (`abc`, `123`).
    NoRuns(u64),
    /// `x-rules` on an object: `target` must be set (and not null) when `when` is one of
    /// `values`.
    RequiredIf {
        /// The field that must be set.
        target: &'static str,
        /// The field whose value decides.
        when: &'static str,
        /// The values of `when` that need `target`.
        values: &'static [&'static str],
    },
    /// `x-rules` on an object: `target` must be left out (or null) when `when` is one of
    /// `values`.
    ForbiddenIf {
        /// The field that must be left out.
        target: &'static str,
        /// The field whose value decides.
        when: &'static str,
        /// The values of `when` that rule `target` out.
        values: &'static [&'static str],
    },
    /// `x-rules` on an object: at least one of `targets` must be set when `when` is one of
    /// `values`.
    AnyOfIf {
        /// The fields of which one must be set.
        targets: &'static [&'static str],
        /// The field whose value decides.
        when: &'static str,
        /// The values of `when` that need one of `targets`.
        values: &'static [&'static str],
    },
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleKind::MaxLength(n) => write!(f, "must be at most {n} characters long"),
            RuleKind::MinLength(n) => write!(f, "must be at least {n} characters long"),
            RuleKind::MaxBytes(n) => write!(f, "must be at most {n} bytes in UTF-8"),
            RuleKind::Pattern(p) => write!(f, "must match the pattern {p}"),
            RuleKind::Minimum(n) => write!(f, "must be at least {n}"),
            RuleKind::Maximum(n) => write!(f, "must be at most {n}"),
            RuleKind::MinItems(n) => write!(f, "must have at least {n} items"),
            RuleKind::MaxItems(n) => write!(f, "must have at most {n} items"),
            RuleKind::ExclusiveMinimum(n) => write!(f, "must be greater than {n}"),
            RuleKind::ExclusiveMaximum(n) => write!(f, "must be less than {n}"),
            RuleKind::MinProperties(1) => f.write_str("must set at least one field"),
            RuleKind::MinProperties(n) => write!(f, "must set at least {n} fields"),
            RuleKind::IanaTimeZone => {
                f.write_str("must be a time zone name of the IANA database, such as Asia/Tokyo")
            }
            RuleKind::Base64 => f.write_str("must be standard Base64 (with padding) of UTF-8 text"),
            RuleKind::Decoded(inner) => write!(f, "once Base64-decoded, {inner}"),
            RuleKind::NoRuns(n) => write!(
                f,
                "must not have {n} characters in a row that repeat or count up (aaa, abc, 123)"
            ),
            RuleKind::RequiredIf { when, values, .. } => write!(
                f,
                "is required when `{when}` is {}",
                conditional::either(values)
            ),
            RuleKind::ForbiddenIf { when, values, .. } => write!(
                f,
                "must be left out (or null) when `{when}` is {}",
                conditional::either(values)
            ),
            RuleKind::AnyOfIf {
                targets, values, ..
            } => write!(
                f,
                "{} needs at least one of {} set",
                conditional::either(values),
                conditional::either(targets).replace(" or ", " and ")
            ),
        }
    }
}

/// A rule and where it applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    /// Query, path or body.
    pub location: Location,
    /// The parameter name, or the dotted body path (`partnership.customerCode`, `items[].id`).
    pub field: &'static str,
    /// What the value must satisfy.
    pub kind: RuleKind,
}

/// What the spec says about one operation.
#[derive(Debug)]
pub struct OperationSpec {
    /// The spec's `operationId`, also the Rust method name.
    pub id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template relative to the base URL, e.g. `/partners/customers/{domainId}`.
    pub path: &'static str,
    /// OAuth scopes, any one of which allows the call.
    pub scopes: &'static [&'static str],
    /// Whether the operation pages with `count`/`cursor`.
    pub paginated: bool,
    /// Rules on its parameters and body.
    pub rules: &'static [Rule],
}

/// Every operation of the spec this crate was built from.
pub fn operations() -> &'static [OperationSpec] {
    &crate::generated::OPERATIONS
}

/// The operation with this `operationId`.
pub fn operation(id: &str) -> Option<&'static OperationSpec> {
    operations().iter().find(|op| op.id == id)
}

/// Checks query, path and body values of a request for `op` against the spec's rules.
///
/// `path` is the request path (a base path such as `/v1.0` before the template is fine);
/// `query` the decoded query pairs; `body` the parsed JSON body, if any.
///
/// ```
/// use lineworks_partner::validate;
/// let op = validate::operation("list_customers").expect("in the spec");
/// let query = [("count".to_string(), "500".to_string())];
/// let err = validate::check(op, "/v1.0/partners/customers", &query, None).unwrap_err();
/// assert_eq!(err.field(), "count");
/// ```
pub fn check(
    op: &'static OperationSpec,
    path: &str,
    query: &[(String, String)],
    body: Option<&Value>,
) -> Result<(), ValidationError> {
    for rule in op.rules {
        match rule.location {
            Location::Query => {
                for (_, value) in query.iter().filter(|(k, _)| k == rule.field) {
                    check_text(op, rule, rule.field, value)?;
                }
            }
            Location::Path => {
                if let Some(value) = path_value(op.path, path, rule.field) {
                    check_text(op, rule, rule.field, &value)?;
                }
            }
            Location::Body => {
                if let Some(body) = body {
                    let mut found = Vec::new();
                    collect(body, rule.field, String::new(), &mut found);
                    for (field, value) in found {
                        check_json(op, rule, &field, value)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Checks an outgoing `reqwest` request.
pub(crate) fn check_request(
    op: &'static OperationSpec,
    request: &reqwest::Request,
) -> Result<(), ValidationError> {
    // Most calls have few rules, and many none: decode only what a rule looks at.
    let wants = |location| op.rules.iter().any(|r| r.location == location);
    if op.rules.is_empty() {
        return Ok(());
    }
    let query: Vec<(String, String)> = if wants(Location::Query) {
        request
            .url()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    } else {
        Vec::new()
    };
    let body = match request.body().and_then(reqwest::Body::as_bytes) {
        Some(bytes) if !bytes.is_empty() && wants(Location::Body) => {
            Some(serde_json::from_slice::<Value>(bytes).map_err(|e| {
                ValidationError::new(
                    op.id,
                    Location::Body,
                    "",
                    Violation::Malformed(e.to_string()),
                )
            })?)
        }
        _ => None,
    };
    let path = if wants(Location::Path) {
        percent_encoding::percent_decode_str(request.url().path())
            .decode_utf8_lossy()
            .into_owned()
    } else {
        String::new()
    };
    check(op, &path, &query, body.as_ref())
}

/// The value of `{name}` in `actual`, aligning the template with the end of the path.
fn path_value(template: &str, actual: &str, name: &str) -> Option<String> {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let a: Vec<&str> = actual.trim_matches('/').split('/').collect();
    let offset = a.len().checked_sub(t.len())?;
    let placeholder = format!("{{{name}}}");
    t.iter()
        .position(|seg| *seg == placeholder)
        .map(|i| a[offset + i].to_string())
}

/// Finds the values at a dotted path with `[]` steps, naming each with its concrete index.
fn collect<'v>(value: &'v Value, path: &str, at: String, out: &mut Vec<(String, &'v Value)>) {
    if path.is_empty() {
        out.push((at, value));
        return;
    }
    let (step, rest) = match path.find(['.', '[']) {
        Some(0) if path.starts_with("[]") => {
            if let Value::Array(items) = value {
                let rest = path[2..].strip_prefix('.').unwrap_or(&path[2..]);
                for (i, item) in items.iter().enumerate() {
                    collect(item, rest, format!("{at}[{i}]"), out);
                }
            }
            return;
        }
        Some(i) => (
            &path[..i],
            path[i..].strip_prefix('.').unwrap_or(&path[i..]),
        ),
        None => (path, ""),
    };
    if let Some(child) = value.get(step) {
        let name = if at.is_empty() {
            step.to_string()
        } else {
            format!("{at}.{step}")
        };
        collect(child, rest, name, out);
    }
}

fn verdict(
    ok: bool,
    op: &'static OperationSpec,
    rule: &Rule,
    field: &str,
) -> Result<(), ValidationError> {
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            op.id,
            rule.location,
            field,
            Violation::Rule(rule.kind),
        ))
    }
}

fn check_text(
    op: &'static OperationSpec,
    rule: &Rule,
    field: &str,
    value: &str,
) -> Result<(), ValidationError> {
    let number = || value.parse::<f64>().ok();
    let ok = match rule.kind {
        RuleKind::Minimum(min) => number().is_none_or(|n| n >= min),
        RuleKind::Maximum(max) => number().is_none_or(|n| n <= max),
        RuleKind::ExclusiveMinimum(min) => number().is_none_or(|n| n > min),
        RuleKind::ExclusiveMaximum(max) => number().is_none_or(|n| n < max),
        kind => string_ok(kind, value),
    };
    verdict(ok, op, rule, field)
}

fn check_json(
    op: &'static OperationSpec,
    rule: &Rule,
    field: &str,
    value: &Value,
) -> Result<(), ValidationError> {
    if let Some(ok) = conditional::check(rule.kind, value) {
        let reported = conditional::reported_field(rule.kind, field);
        return verdict(ok, op, rule, reported.as_deref().unwrap_or(field));
    }
    let ok = match (rule.kind, value) {
        (RuleKind::Minimum(min), Value::Number(n)) => n.as_f64().is_none_or(|n| n >= min),
        (RuleKind::Maximum(max), Value::Number(n)) => n.as_f64().is_none_or(|n| n <= max),
        (RuleKind::MinItems(min), Value::Array(a)) => a.len() as u64 >= min,
        (RuleKind::MaxItems(max), Value::Array(a)) => a.len() as u64 <= max,
        (RuleKind::ExclusiveMinimum(min), Value::Number(n)) => n.as_f64().is_none_or(|n| n > min),
        (RuleKind::ExclusiveMaximum(max), Value::Number(n)) => n.as_f64().is_none_or(|n| n < max),
        (RuleKind::MinProperties(min), Value::Object(o)) => o.len() as u64 >= min,
        (kind, Value::String(s)) => string_ok(kind, s),
        _ => true,
    };
    verdict(ok, op, rule, field)
}

fn string_ok(kind: RuleKind, s: &str) -> bool {
    match kind {
        RuleKind::MaxLength(n) => s.chars().count() as u64 <= n,
        RuleKind::MinLength(n) => s.chars().count() as u64 >= n,
        RuleKind::MaxBytes(n) => s.len() as u64 <= n,
        RuleKind::Pattern(p) => pattern(p).is_none_or(|re| re.find(s).is_some()),
        RuleKind::IanaTimeZone => s.parse::<chrono_tz::Tz>().is_ok(),
        RuleKind::Base64 => crate::SecretText::from_base64(s).is_some(),
        RuleKind::Decoded(inner) => {
            crate::SecretText::from_base64(s).is_none_or(|text| string_ok(*inner, text.expose()))
        }
        RuleKind::NoRuns(n) => !has_run(s, n),
        _ => true,
    }
}

/// Whether `s` has `n` characters in a row that are all the same or each one code point above
/// the one before.
fn has_run(s: &str, n: u64) -> bool {
    let chars: Vec<u32> = s.chars().map(u32::from).collect();
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    n >= 2
        && chars
            .windows(n)
            .any(|w| w.windows(2).all(|p| p[1] == p[0]) || w.windows(2).all(|p| p[1] == p[0] + 1))
}

/// Compiled patterns, built once. build.rs refuses a spec whose patterns do not compile, so
/// only a hand-made [`Rule`] can reach the `None` (skipped) case.
fn pattern(p: &'static str) -> Option<&'static regress::Regex> {
    type Compiled = Vec<(&'static str, Option<&'static regress::Regex>)>;
    static CACHE: OnceLock<std::sync::Mutex<Compiled>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, re)) = cache.iter().find(|(q, _)| *q == p) {
        return *re;
    }
    // Leaked once per distinct pattern of the spec: a small, fixed set.
    let re = regress::Regex::new(p)
        .ok()
        .map(|re| &*Box::leak(Box::new(re)));
    cache.push((p, re));
    re
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collect_names_array_items_by_index() {
        let body = serde_json::json!({"a": [{"b": "x"}, {"b": "y"}], "c": {"d": 1}});
        let mut out = Vec::new();
        collect(&body, "a[].b", String::new(), &mut out);
        let names: Vec<_> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a[0].b", "a[1].b"]);
        let mut out = Vec::new();
        collect(&body, "c.d", String::new(), &mut out);
        assert_eq!(out[0].0, "c.d");
    }

    #[test]
    fn runs_repeat_or_count_up() {
        for bad in ["aaa1", "xabc9", "pass123w", "Zz999"] {
            assert!(has_run(bad, 3), "{bad}");
        }
        // Counting down, or two in a row, is no run of three.
        for good in ["cba321", "aab12", "Passw0rd1357"] {
            assert!(!has_run(good, 3), "{good}");
        }
        assert!(has_run("ab", 2) && !has_run("ab", 3));
    }

    #[test]
    fn path_values_align_from_the_end() {
        assert_eq!(
            path_value(
                "/partners/customers/{domainId}",
                "/v1.0/partners/customers/42",
                "domainId"
            )
            .as_deref(),
            Some("42")
        );
        assert_eq!(path_value("/a/{x}/b", "/b", "x"), None);
    }
}
