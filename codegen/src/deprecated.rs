//! The spec's `deprecated: true`, carried into the generated Rust API as `#[deprecated]`.

use crate::emit::field_ident;
use crate::prepare::Operation;
use heck::ToUpperCamelCase;

/// Carries the spec's `deprecated: true` into the Rust API as `#[deprecated]`, so users see it
/// at compile time: on the fields of generated types (properties of component schemas) and on
/// the `Client` methods of deprecated operations. A field's note is its own description; a
/// method's names the replacement (`x-replaced-by`) as code to write, so a migration is the
/// list of the compiler's warnings.
pub fn mark_deprecated(
    spec: &serde_json::Value,
    ops: &[Operation],
    raw: &mut syn::File,
    api: &mut syn::File,
) {
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
    let methods: Vec<(String, String)> = ops
        .iter()
        .filter(|op| op.deprecated)
        .map(|op| (op.id.clone(), method_note(op)))
        .collect();
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

/// The `#[deprecated]` note of a deprecated operation's `Client` method.
pub fn method_note(op: &Operation) -> String {
    let calls: Vec<String> = op
        .replaced_by
        .iter()
        .map(|r| format!("client.{r}()"))
        .collect();
    let id = &op.id;
    match calls.as_slice() {
        [] => format!(
            "`{id}` is being withdrawn from the Partner API and has no replacement; see its docs"
        ),
        [one] => format!("`{id}` is being withdrawn from the Partner API: use {one} instead"),
        [init @ .., last] => format!(
            "`{id}` is being withdrawn from the Partner API: use {} or {last} instead, \
             whichever covers your change (see its docs)",
            init.join(", ")
        ),
    }
}
