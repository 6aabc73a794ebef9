//! `x-rules`: rules the reference states in prose, written on the spec so the request check
//! (client, command line and sandbox alike) runs them.
//!
//! On a property: `x-rules: [iana-time-zone]`, or on a `format: byte` one
//! `x-rules: [{base64: {minLength, maxLength, pattern, noRuns}}]` (the value is standard Base64;
//! the limits hold for the decoded text). On an object schema, conditions between its
//! fields, each `{if: {FIELD: [VALUES]}, THEN}` where THEN is `require: F` (set, not null),
//! `forbid: F` (absent or null) or `requireAnyOf: [F, ...]` (at least one set).

use super::*;

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// A property's `x-rules` entry as its rules, or why it is not one.
fn property_kinds(entry: &Value) -> Result<Vec<RuleKind>, String> {
    if entry.as_str() == Some("iana-time-zone") {
        return Ok(vec![RuleKind::IanaTimeZone]);
    }
    let decoded = entry
        .get("base64")
        .and_then(Value::as_object)
        .filter(|_| entry.as_object().is_some_and(|o| o.len() == 1))
        .ok_or("a property's rule is `iana-time-zone` or `{base64: {...}}`")?;
    let mut out = vec![RuleKind::Base64];
    for (key, value) in decoded {
        let count = || {
            value
                .as_u64()
                .ok_or(format!("base64.{key} must be a whole number"))
        };
        let rule = match key.as_str() {
            "minLength" => RuleKind::MinLength(count()?),
            "maxLength" => RuleKind::MaxLength(count()?),
            "noRuns" => match count()? {
                n @ 2.. => RuleKind::NoRuns(n),
                _ => return Err("base64.noRuns must be 2 or more".into()),
            },
            "pattern" => RuleKind::Pattern(
                value
                    .as_str()
                    .ok_or("base64.pattern must be a string")?
                    .to_string(),
            ),
            other => return Err(format!("base64 does not know `{other}`")),
        };
        out.push(RuleKind::Decoded(Box::new(rule)));
    }
    Ok(out)
}

/// One `x-rules` entry of an object schema as a rule kind, or why it is not one.
fn kind(entry: &Value) -> Result<RuleKind, String> {
    if entry.as_str() == Some("iana-time-zone") {
        return Ok(RuleKind::IanaTimeZone);
    }
    if entry.get("base64").is_some() {
        return Err("`base64` is a rule of a property, not of an object".into());
    }
    let condition = entry
        .get("if")
        .and_then(Value::as_object)
        .filter(|c| c.len() == 1)
        .ok_or("an object rule needs `if: {FIELD: [VALUES]}` with one field")?;
    let (when, values) = condition.iter().next().expect("one entry");
    let values = strings(Some(values)).ok_or("`if` values must be a list of strings")?;
    let when = when.clone();
    let target = |k: &str| entry.get(k).and_then(Value::as_str).map(str::to_string);
    if let Some(target) = target("require") {
        Ok(RuleKind::RequiredIf {
            target,
            when,
            values,
        })
    } else if let Some(target) = target("forbid") {
        Ok(RuleKind::ForbiddenIf {
            target,
            when,
            values,
        })
    } else if let Some(targets) = strings(entry.get("requireAnyOf")) {
        Ok(RuleKind::AnyOfIf {
            targets,
            when,
            values,
        })
    } else {
        Err("a rule needs `require`, `forbid` or `requireAnyOf`".into())
    }
}

/// The `x-rules` of `schema` as rules on `field`; entries that are not rules are skipped here
/// and refused by [`check_x_rules`].
pub(super) fn x_rules(schema: &Value) -> Vec<RuleKind> {
    let entries = || {
        schema
            .get("x-rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    };
    if schema.get("properties").is_some() {
        entries().filter_map(|e| kind(e).ok()).collect()
    } else {
        entries()
            .filter_map(|e| property_kinds(e).ok())
            .flatten()
            .collect()
    }
}

/// Every `x-rules` entry of the spec is one this code understands, and names fields its
/// object has: a rule that checked nothing would be worse than none.
pub(super) fn check_x_rules(spec: &Value) -> Result<(), String> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("the spec has no components.schemas")?;
    for (name, schema) in schemas {
        let props = schema.get("properties").and_then(Value::as_object);
        let has = |f: &str| props.is_some_and(|p| p.contains_key(f));
        for entry in schema
            .get("x-rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let k = kind(entry).map_err(|e| format!("{name}: x-rules: {e}"))?;
            let named: Vec<&String> = match &k {
                RuleKind::RequiredIf { target, when, .. }
                | RuleKind::ForbiddenIf { target, when, .. } => vec![target, when],
                RuleKind::AnyOfIf { targets, when, .. } => {
                    targets.iter().chain(std::iter::once(when)).collect()
                }
                _ => Vec::new(),
            };
            if let Some(missing) = named.into_iter().find(|f| !has(f)) {
                return Err(format!(
                    "{name}: x-rules names `{missing}`, not a property of it"
                ));
            }
        }
        for (prop, p) in props.into_iter().flatten() {
            for entry in p
                .get("x-rules")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let kinds = property_kinds(entry).map_err(|e| format!("{name}.{prop}: {e}"))?;
                let byte = p.get("format").and_then(Value::as_str) == Some("byte");
                if matches!(kinds.first(), Some(RuleKind::Base64)) && !byte {
                    return Err(format!(
                        "{name}.{prop}: a `base64` rule needs `format: byte` on the property"
                    ));
                }
            }
        }
    }
    Ok(())
}
