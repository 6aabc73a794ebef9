//! Objects whose reference pages stop inside them (`x-truncated: true`): the API may send
//! fields the spec cannot name there, so their Rust types keep them instead of dropping them.

use super::*;

/// Component schemas marked `x-truncated: true`.
fn truncated_schemas(spec: &Value) -> Vec<String> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, s)| s.get("x-truncated").and_then(Value::as_bool) == Some(true))
        .map(|(name, _)| name.clone())
        .collect()
}

/// Gives each truncated object a permissive `additionalProperties: {}`, which typify turns into
/// a flattened map of the fields it does not know (kept on reading, written back by
/// `Serialize`). `true` would not do: typify reads it as "ignore them".
pub(super) fn keep_unknown_fields(spec: &mut Value) -> Result<(), String> {
    for name in truncated_schemas(spec) {
        let schema = spec
            .pointer_mut(&format!("/components/schemas/{name}"))
            .and_then(Value::as_object_mut)
            .expect("listed above");
        if schema.get("type").and_then(Value::as_str) != Some("object") {
            return Err(format!(
                "{name}: x-truncated is only meaningful on an object schema"
            ));
        }
        schema.insert("additionalProperties".into(), Value::Object(Map::new()));
    }
    Ok(())
}
