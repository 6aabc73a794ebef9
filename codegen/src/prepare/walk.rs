//! Following `$ref`s and visiting every schema of the document.

use super::*;

/// Follows local `$ref`s (and single-element `allOf` wrappers) to the schema they name.
pub fn resolve<'a>(spec: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let pointer = r.trim_start_matches('#');
            match spec.pointer(pointer) {
                Some(target) => schema = target,
                None => return schema,
            }
        } else if let Some([only]) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            schema = only;
        } else {
            break;
        }
    }
    schema
}

pub(super) fn ref_name(schema: &Value) -> Option<String> {
    let s = schema.get("$ref").or_else(|| {
        schema
            .get("allOf")
            .and_then(|a| a.get(0))
            .and_then(|s| s.get("$ref"))
    })?;
    s.as_str()?.rsplit('/').next().map(str::to_string)
}

/// Calls `f` on `schema` and every schema below it.
pub(super) fn walk(schema: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    f(schema);
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (_, s) in props.iter_mut() {
            walk(s, f);
        }
    }
    if let Some(items) = schema.get_mut("items") {
        walk(items, f);
    }
    if let Some(ap) = schema
        .get_mut("additionalProperties")
        .filter(|v| v.is_object())
    {
        walk(ap, f);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = schema.get_mut(key).and_then(Value::as_array_mut) {
            for s in list {
                walk(s, f);
            }
        }
    }
}

/// Calls `f` on every schema object of the document (components, parameters, bodies,
/// responses), below and including each root.
pub(super) fn walk_schemas(spec: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (_, s) in schemas.iter_mut() {
            walk(s, f);
        }
    }
    for pointer in [
        "/components/parameters",
        "/components/requestBodies",
        "/components/responses",
    ] {
        if let Some(map) = spec.pointer_mut(pointer).and_then(Value::as_object_mut) {
            for (_, v) in map.iter_mut() {
                walk_container(v, f);
            }
        }
    }
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for (_, item) in paths.iter_mut() {
            if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
                for p in params {
                    walk_container(p, f);
                }
            }
            for method in METHODS {
                let Some(op) = item.get_mut(method) else {
                    continue;
                };
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    for p in params {
                        walk_container(p, f);
                    }
                }
                if let Some(b) = op.get_mut("requestBody") {
                    walk_container(b, f);
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for (_, r) in responses.iter_mut() {
                        walk_container(r, f);
                    }
                }
            }
        }
    }
}

/// A parameter, request body or response: its schema sits under `schema` or
/// `content.<type>.schema`.
pub(super) fn walk_container(v: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(s) = v.get_mut("schema") {
        walk(s, f);
    }
    if let Some(content) = v.get_mut("content").and_then(Value::as_object_mut) {
        for (_, media) in content.iter_mut() {
            if let Some(s) = media.get_mut("schema") {
                walk(s, f);
            }
        }
    }
    if let Some(headers) = v.get_mut("headers").and_then(Value::as_object_mut) {
        for (_, h) in headers.iter_mut() {
            if let Some(s) = h.get_mut("schema") {
                walk(s, f);
            }
        }
    }
}
