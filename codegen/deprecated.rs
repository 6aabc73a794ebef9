//! The spec's `deprecated: true`, carried into the generated Rust API as `#[deprecated]`.

use crate::codegen::emit::field_ident;
use heck::ToUpperCamelCase;

/// Carries the spec's `deprecated: true` into the Rust API as `#[deprecated]`, so users see it
/// at compile time: on the fields of generated types (properties of component schemas) and on
/// the `Client` methods of deprecated operations. The note is the element's own description.
pub fn mark_deprecated(spec: &serde_json::Value, raw: &mut syn::File, api: &mut syn::File) {
    use serde_json::Value;
    let note = |v: &Value, what: &str| {
        let why = v
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("see the API reference");
        format!("deprecated in the Partner API ({what}): {why}")
    };
    // (type name, JSON property name, note)
    let mut fields: Vec<(String, String, String)> = Vec::new();
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let parts = std::iter::once(schema).chain(
            schema
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
        for part in parts {
            let props = part.get("properties").and_then(Value::as_object);
            for (prop, p) in props.into_iter().flatten() {
                if p.get("deprecated") == Some(&Value::Bool(true)) {
                    let n = note(p, &format!("`{name}.{prop}`"));
                    fields.push((name.to_upper_camel_case(), prop.clone(), n));
                }
            }
        }
    }
    let mut methods: Vec<(String, String)> = Vec::new();
    for item in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for op in item.1.as_object().into_iter().flatten().map(|(_, o)| o) {
            let id = op.get("operationId").and_then(Value::as_str);
            if let (Some(id), Some(true)) = (id, op.get("deprecated").and_then(Value::as_bool)) {
                methods.push((id.to_string(), note(op, &format!("`{id}`"))));
            }
        }
    }
    fn in_items(items: &mut [syn::Item], fields: &[(String, String, String)]) {
        for item in items {
            match item {
                // typify's `builder` module mirrors the types with private fields: skip it.
                syn::Item::Mod(m) if m.ident != "builder" => {
                    if let Some((_, inner)) = m.content.as_mut() {
                        in_items(inner, fields);
                    }
                }
                syn::Item::Struct(s) => {
                    let type_name = s.ident.to_string();
                    for f in s.fields.iter_mut() {
                        let Some(ident) = f.ident.as_ref().map(|i| i.to_string()) else {
                            continue;
                        };
                        let renamed = |prop: &str| {
                            f.attrs.iter().any(|a| {
                                a.path().is_ident("serde")
                                    && quote::ToTokens::to_token_stream(a)
                                        .to_string()
                                        .contains(&format!("rename = \"{prop}\""))
                            })
                        };
                        let hit = fields.iter().find(|(t, prop, _)| {
                            *t == type_name
                                && (renamed(prop) || field_ident(prop) == ident.as_str())
                        });
                        if let Some((_, _, n)) = hit {
                            f.attrs.push(syn::parse_quote!(#[deprecated(note = #n)]));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    in_items(&mut raw.items, &fields);
    for item in &mut api.items {
        let syn::Item::Impl(imp) = item else { continue };
        for member in &mut imp.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if let Some((_, n)) = methods.iter().find(|(id, _)| f.sig.ident == id.as_str()) {
                f.attrs.push(syn::parse_quote!(#[deprecated(note = #n)]));
            }
        }
    }
}
