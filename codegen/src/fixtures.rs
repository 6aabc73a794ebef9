//! `example()` fixtures for response types, from the spec's examples.

use crate::prepare::resolve;
use crate::types_ext::{TypeIndex, types_module};
use serde_json::Value;

/// The spec's example of component `name`: the first operation response example typed as it,
/// else the schema's own `example`, completed from the property examples where a required
/// field is missing. `None` when a required field has no example anywhere.
fn example_of(spec: &Value, name: &str, depth: u32) -> Option<Value> {
    if depth > 6 {
        return None;
    }
    let target = format!("#/components/schemas/{name}");
    let from_responses = spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()))
        .filter_map(|op| op.get("responses").and_then(Value::as_object))
        .flat_map(|r| r.values())
        .filter_map(|r| r.pointer("/content/application~1json"))
        .find(|media| media.pointer("/schema/$ref").and_then(Value::as_str) == Some(&target))
        .and_then(|media| media.get("example"))
        .cloned();
    let schema = spec.pointer(&format!("/components/schemas/{name}"))?;
    let mut example = from_responses
        .or_else(|| schema.get("example").cloned())
        .filter(Value::is_object)
        .unwrap_or_else(|| Value::Object(Default::default()));
    let required = schema
        .get("required")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for r in required.iter().filter_map(Value::as_str) {
        if example.get(r).is_some() {
            continue;
        }
        let p = schema.pointer(&format!("/properties/{r}"))?;
        let value = p
            .get("example")
            .or_else(|| resolve(spec, p).get("example"))
            .cloned()
            .or_else(|| {
                let nested = p
                    .get("$ref")
                    .or_else(|| p.pointer("/allOf/0/$ref"))
                    .and_then(Value::as_str)?
                    .rsplit('/')
                    .next()?
                    .to_string();
                example_of(spec, &nested, depth + 1)
            })?;
        example[r] = value;
    }
    Some(example)
}

/// `example()` on every response-side struct the spec has an example for: test fixtures that
/// state only what a test is about (`Customer { company_name: .., ..Customer::example() }`).
/// Behind the `httpmock` feature, with a unit test that each one parses.
pub fn fixtures(file: &mut syn::File, spec: &Value, index: &TypeIndex) -> Result<(), String> {
    let items = types_module(file)?;
    let mut names = Vec::new();
    for (name, info) in &index.structs {
        let spec_name = crate::schema_name(name);
        if info.constructor
            || spec
                .pointer(&format!("/components/schemas/{spec_name}"))
                .is_none()
        {
            continue;
        }
        let Some(example) = example_of(spec, spec_name, 0) else {
            continue;
        };
        let text = serde_json::to_string(&example).map_err(|e| e.to_string())?;
        let ty = syn::Ident::new(name, proc_macro2::Span::call_site());
        let doc = format!(
            "The spec's example of a `{name}` (test fixture): set the fields a test is about and \
             take the rest from here with `..{name}::example()`."
        );
        items.push(syn::parse_quote! {
            #[cfg(feature = "httpmock")]
            impl #ty {
                #[doc = #doc]
                pub fn example() -> Self {
                    // The text is the spec's own example; `every_example_parses` proves it fits.
                    ::serde_json::from_str(#text).expect("the spec's example fits its type")
                }
            }
        });
        names.push(ty);
    }
    items.push(syn::parse_quote! {
        #[cfg(all(test, feature = "httpmock"))]
        mod example_tests {
            #[test]
            fn every_example_parses() {
                #( let _ = super::#names::example(); )*
            }
        }
    });
    Ok(())
}
