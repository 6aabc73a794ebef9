//! Inline string enums hoisted into named components, and the list of every enum that becomes
//! an open enum.

use super::*;

pub(super) fn is_string_enum(schema: &Value) -> bool {
    schema.get("enum").is_some() && schema.get("type").and_then(Value::as_str) == Some("string")
}

/// Replaces inline enums below `schema` by `$ref`s to new components named after their place.
pub(super) fn hoist_in_schema(
    schema: &mut Value,
    name: &str,
    out: &mut BTreeMap<String, Value>,
    is_component: bool,
) {
    if is_string_enum(schema) {
        if is_component {
            return;
        }
        let nullable = schema.get("nullable").cloned();
        let mut def = schema.clone();
        if let Some(obj) = def.as_object_mut() {
            obj.remove("nullable");
            obj.remove("example");
            obj.remove("default");
        }
        let mut unique = name.to_string();
        while out.get(&unique).is_some_and(|existing| existing != &def) {
            unique.push('_');
        }
        out.insert(unique.clone(), def);
        let mut reference = Map::new();
        reference.insert(
            "$ref".into(),
            Value::String(format!("#/components/schemas/{unique}")),
        );
        if let Some(n) = nullable {
            reference.insert("nullable".into(), n);
        }
        *schema = Value::Object(reference);
        return;
    }
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (prop, s) in props.iter_mut() {
            hoist_in_schema(
                s,
                &format!("{name}{}", prop.to_upper_camel_case()),
                out,
                false,
            );
        }
    }
    if let Some(items) = schema.get_mut("items") {
        hoist_in_schema(items, &format!("{name}Item"), out, false);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = schema.get_mut(key).and_then(Value::as_array_mut) {
            for s in list {
                hoist_in_schema(s, name, out, false);
            }
        }
    }
}

pub(super) fn collect_enums(spec: &Value) -> Vec<EnumDef> {
    let mut enums = Vec::new();
    if let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            if is_string_enum(schema) {
                let values = schema["enum"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                let description = schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                enums.push(EnumDef {
                    name: name.clone(),
                    values,
                    description,
                });
            }
        }
    }
    enums
}
