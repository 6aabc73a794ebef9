//! The request rules (lengths, patterns, ranges, ...) kept for the request check.

use super::*;

pub(super) fn schema_rules(
    spec: &Value,
    schema: &Value,
    field: &str,
    location: &'static str,
    out: &mut Vec<Rule>,
    depth: u32,
) {
    if depth > 12 {
        return;
    }
    let schema = resolve(spec, schema);
    let mut push = |kind| {
        out.push(Rule {
            location,
            field: field.to_string(),
            kind,
        })
    };
    let num = |k: &str| schema.get(k).and_then(Value::as_f64);
    let int = |k: &str| schema.get(k).and_then(Value::as_u64);
    if let Some(n) = int("maxLength") {
        push(RuleKind::MaxLength(n));
    }
    if let Some(n) = int("minLength") {
        push(RuleKind::MinLength(n));
    }
    if let Some(n) = int("x-max-bytes") {
        push(RuleKind::MaxBytes(n));
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        push(RuleKind::Pattern(p.to_string()));
    }
    // OpenAPI 3.0: `exclusiveMinimum`/`exclusiveMaximum` are flags on `minimum`/`maximum`.
    let exclusive = |k: &str| schema.get(k).and_then(Value::as_bool) == Some(true);
    if let Some(n) = num("minimum") {
        push(if exclusive("exclusiveMinimum") {
            RuleKind::ExclusiveMinimum(n)
        } else {
            RuleKind::Minimum(n)
        });
    }
    if let Some(n) = num("maximum") {
        push(if exclusive("exclusiveMaximum") {
            RuleKind::ExclusiveMaximum(n)
        } else {
            RuleKind::Maximum(n)
        });
    }
    if let Some(n) = int("minProperties") {
        push(RuleKind::MinProperties(n));
    }
    if let Some(n) = int("minItems") {
        push(RuleKind::MinItems(n));
    }
    if let Some(n) = int("maxItems") {
        push(RuleKind::MaxItems(n));
    }
    for kind in super::x_rules::x_rules(schema) {
        push(kind);
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, s) in props {
            let path = if field.is_empty() {
                name.clone()
            } else {
                format!("{field}.{name}")
            };
            schema_rules(spec, s, &path, location, out, depth + 1);
        }
    }
    if let Some(items) = schema.get("items") {
        schema_rules(spec, items, &format!("{field}[]"), location, out, depth + 1);
    }
    if let Some(list) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .filter(|l| l.len() > 1)
    {
        for s in list {
            schema_rules(spec, s, field, location, out, depth + 1);
        }
    }
}

/// A `pattern` the request check could not compile would silently check nothing; refuse
/// it here, with the field that carries it. `regress` is the engine `validate` uses.
pub(super) fn check_patterns(ops: &[Operation]) -> Result<(), String> {
    for op in ops {
        for rule in &op.rules {
            let kind = match &rule.kind {
                RuleKind::Decoded(inner) => inner,
                kind => kind,
            };
            if let RuleKind::Pattern(p) = kind {
                regress::Regex::new(p).map_err(|e| {
                    format!(
                        "{}: the pattern of {} `{}` does not compile ({e}): {p}",
                        op.id, rule.location, rule.field
                    )
                })?;
            }
        }
    }
    Ok(())
}
