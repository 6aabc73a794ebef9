//! What the generated types must not enforce: nullable request fields, lenient responses,
//! no defaults or closed objects.

use super::*;

/// Names of the component schemas a request body can reach.
pub fn request_schemas(spec: &Value) -> Vec<String> {
    fn visit(spec: &Value, schema: &Value, out: &mut Vec<String>, depth: u32) {
        if depth > 12 {
            return;
        }
        if let Some(name) = ref_name(schema) {
            if out.contains(&name) {
                return;
            }
            out.push(name);
        }
        let schema = resolve(spec, schema);
        for (_, p) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            visit(spec, p, out, depth + 1);
        }
        if let Some(items) = schema.get("items") {
            visit(spec, items, out, depth + 1);
        }
    }
    let mut out = Vec::new();
    for (_, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            if let Some(body) = item.pointer(&format!(
                "/{method}/requestBody/content/application~1json/schema"
            )) {
                visit(spec, body, &mut out, 0);
            }
        }
    }
    out
}

/// The Rust type typify would give a scalar schema (or a named enum).
pub(super) fn scalar_rust_type(spec: &Value, schema: &Value) -> Option<String> {
    if let Some(name) = ref_name(schema) {
        return is_string_enum(resolve(spec, schema))
            .then(|| format!("crate::generated::enums::{name}"));
    }
    let format = schema.get("format").and_then(Value::as_str);
    Some(
        match (schema.get("type").and_then(Value::as_str)?, format) {
            ("integer", Some("int32")) => "i32",
            ("integer", _) => "i64",
            ("number", _) => "f64",
            ("boolean", _) => "bool",
            ("string", Some("date")) => "::chrono::NaiveDate",
            ("string", Some("date-time")) => "::chrono::DateTime<::chrono::offset::Utc>",
            ("string", _) => "::std::string::String",
            _ => return None,
        }
        .to_string(),
    )
}

/// A nullable field of a request body is one the API lets the caller clear with an explicit
/// `null`; `Option<T>` cannot say that. Each such property points to a placeholder component
/// that build.rs replaces with `crate::Nullable<T>`, so the field reads
/// `Option<Nullable<T>>`: absent, `null`, or a value.
pub(super) fn nullable_request_fields(spec: &mut Value) -> Vec<(String, String)> {
    let mut replacements = Vec::new();
    for name in request_schemas(spec) {
        let pointer = format!("/components/schemas/{name}/properties");
        let Some(props) = spec.pointer(&pointer).and_then(Value::as_object).cloned() else {
            continue;
        };
        for (prop, schema) in props {
            if schema.get("nullable").and_then(Value::as_bool) != Some(true) {
                continue;
            }
            let Some(rust) = scalar_rust_type(spec, &schema) else {
                continue;
            };
            let placeholder = format!("{name}{}Nullable", prop.to_upper_camel_case());
            let mut reference = Map::new();
            reference.insert(
                "$ref".into(),
                Value::String(format!("#/components/schemas/{placeholder}")),
            );
            for key in ["description", "example"] {
                if let Some(v) = schema.get(key) {
                    reference.insert(key.into(), v.clone());
                }
            }
            // A $ref with siblings is ignored by typify beyond docs; keep only the reference.
            let reference =
                Value::Object(reference.into_iter().filter(|(k, _)| k == "$ref").collect());
            if let Some(slot) = spec.pointer_mut(&format!("{pointer}/{prop}")) {
                *slot = reference;
            }
            let schemas = spec
                .pointer_mut("/components/schemas")
                .and_then(Value::as_object_mut)
                .expect("checked in prepare");
            schemas.insert(placeholder.clone(), serde_json::json!({"type": "string"}));
            replacements.push((placeholder, rust));
        }
    }
    replacements
}

/// A `format: byte` property of a component is Base64 on the wire; the Rust type holds the
/// text itself and encodes it (`crate::SecretText`, whose `Debug` never shows it). Each such
/// property points to a placeholder component build.rs replaces with that type. Only secrets
/// (`writeOnly: true`) have such a type: any other `format: byte` property fails the build.
pub(super) fn secret_byte_fields(spec: &mut Value) -> Result<Vec<String>, String> {
    let mut placeholders = Vec::new();
    let names: Vec<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    for name in names {
        let pointer = format!("/components/schemas/{name}/properties");
        let Some(props) = spec.pointer(&pointer).and_then(Value::as_object).cloned() else {
            continue;
        };
        for (prop, schema) in props {
            if schema.get("format").and_then(Value::as_str) != Some("byte") {
                continue;
            }
            if schema.get("writeOnly").and_then(Value::as_bool) != Some(true) {
                return Err(format!(
                    "{name}.{prop}: `format: byte` has a Rust type only for a secret \
                     (`writeOnly: true`)"
                ));
            }
            let placeholder = format!("{name}{}Secret", prop.to_upper_camel_case());
            if let Some(slot) = spec.pointer_mut(&format!("{pointer}/{prop}")) {
                *slot = serde_json::json!({"$ref": format!("#/components/schemas/{placeholder}")});
            }
            spec.pointer_mut("/components/schemas")
                .and_then(Value::as_object_mut)
                .expect("listed above")
                .insert(placeholder.clone(), serde_json::json!({"type": "string"}));
            placeholders.push(placeholder);
        }
    }
    Ok(placeholders)
}

/// Nullable properties become optional ones (`Option<T>` reads `null` and absence alike), so a
/// `null` where the docs promised a value, or a nullable enum, never fails a response.
pub(super) fn relax(spec: &mut Value) {
    let nullable_components: Vec<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, s)| s.get("nullable").and_then(Value::as_bool) == Some(true))
        .map(|(name, _)| name.clone())
        .collect();
    let is_nullable_ref = |s: &Value| {
        ref_name(s).is_some_and(|n| nullable_components.contains(&n))
            || (s.get("$ref").is_none()
                && s.get("allOf").is_some()
                && s.get("nullable") == Some(&Value::Bool(true)))
    };
    walk_schemas(spec, &mut |schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let mut optional = Vec::new();
        if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
            for (name, p) in props.iter_mut() {
                let nullable = p.get("nullable").and_then(Value::as_bool) == Some(true);
                if nullable || is_nullable_ref(p) {
                    optional.push(name.clone());
                }
                if let Some(inner) = p.as_object_mut() {
                    inner.remove("nullable");
                    // A `$ref` must stand alone for typify; `allOf: [$ref]` wrappers served
                    // only to carry `nullable`.
                    let lone_ref = match inner.get("allOf") {
                        Some(Value::Array(list)) => match list.as_slice() {
                            [only] if only.get("$ref").is_some() => Some(only.clone()),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(only) = lone_ref {
                        *p = only;
                    }
                }
            }
        }
        if let Some(required) = obj.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|r| !optional.iter().any(|o| r == o));
        }
    });
}

/// Removes what typify would enforce while *reading* responses: lengths, patterns, ranges,
/// defaults (a PATCH must not send a value the caller did not set), closed objects.
pub(super) fn strip_strictness(spec: &mut Value) {
    walk_schemas(spec, &mut |schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        for key in [
            "maxLength",
            "minLength",
            "pattern",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minItems",
            "maxItems",
            "default",
            "x-max-bytes",
            "nullable",
        ] {
            obj.remove(key);
        }
        if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
            obj.remove("additionalProperties");
        }
    });
}
