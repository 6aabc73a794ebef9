//! The rules of the spec's `x-rules` extension: rules the reference states in prose (a field
//! needed or not allowed depending on another, an IANA time zone), in a form the client, the
//! command line and the sandbox all check the same way.

use super::RuleKind;
use serde_json::{Map, Value};

/// Whether `object` sets `when` to one of `values`.
fn applies(object: &Map<String, Value>, when: &str, values: &[&str]) -> bool {
    object
        .get(when)
        .and_then(Value::as_str)
        .is_some_and(|v| values.contains(&v))
}

/// Set, and not `null`.
fn set(object: &Map<String, Value>, field: &str) -> bool {
    object.get(field).is_some_and(|v| !v.is_null())
}

/// `Some(ok)` for a rule of this module, `None` for any other.
pub(super) fn check(kind: RuleKind, value: &Value) -> Option<bool> {
    Some(match (kind, value) {
        (RuleKind::IanaTimeZone, Value::String(s)) => s.parse::<chrono_tz::Tz>().is_ok(),
        (
            RuleKind::RequiredIf {
                target,
                when,
                values,
            },
            Value::Object(o),
        ) => !applies(o, when, values) || set(o, target),
        (
            RuleKind::ForbiddenIf {
                target,
                when,
                values,
            },
            Value::Object(o),
        ) => !applies(o, when, values) || !set(o, target),
        (
            RuleKind::AnyOfIf {
                targets,
                when,
                values,
            },
            Value::Object(o),
        ) => !applies(o, when, values) || targets.iter().any(|t| set(o, t)),
        (
            RuleKind::IanaTimeZone
            | RuleKind::RequiredIf { .. }
            | RuleKind::ForbiddenIf { .. }
            | RuleKind::AnyOfIf { .. },
            _,
        ) => true,
        _ => return None,
    })
}

/// The field a broken rule is reported on: the field it names, under the object's path.
pub(super) fn reported_field(kind: RuleKind, object: &str) -> Option<String> {
    let name = match kind {
        RuleKind::RequiredIf { target, .. } | RuleKind::ForbiddenIf { target, .. } => target,
        RuleKind::AnyOfIf { when, .. } => when,
        _ => return None,
    };
    Some(if object.is_empty() {
        name.to_string()
    } else {
        format!("{object}.{name}")
    })
}

/// `A`, `A or B`, `A, B or C`.
pub(super) fn either(values: &[&str]) -> String {
    match values {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [rest @ .., last] => format!(
            "{} or `{last}`",
            rest.iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
