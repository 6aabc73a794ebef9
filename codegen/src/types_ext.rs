//! Additions to typify's types, made on progenitor's output before it is written:
//! field docs that carry what the spec says (description, required, limits, allowed values),
//! constructors from the required fields with setters for the optional ones on every request
//! type, and a problem report on their builders so a request lists every missing field.

use crate::body_builders::{builder_module, setter_argument};
use crate::docs;
use crate::prepare::{EnumDef, resolve};
use serde_json::Value;
use std::collections::BTreeMap;

/// Appended to the doc of a type whose schema is `x-truncated`.
const TRUNCATED_TYPE_DOC: &str = "\n\n**Fields the spec cannot name are kept.** The reference pages stop inside \
this object, so the API may send fields after the ones above. They are not dropped: \
[`extra`](Self::extra) holds each of them by its JSON name, exactly as sent, and `Serialize` \
writes them back next to the known fields. To read whole answers as sent instead, every call \
has `send_json()` and every listing `pages_json()`.";

/// The doc of the `extra` field of an `x-truncated` type.
const EXTRA_FIELD_DOC: &str = "Fields the API sent that the spec does not name (its pages are cut off \
inside this object), by JSON name, values as sent; empty when there were none. Flattened: \
`Serialize` writes them beside the known fields, so nothing the API sent is lost on a round trip.";

/// The object rules of a schema's `x-rules`, as a doc paragraph.
fn object_rules_doc(schema: &Value) -> Option<String> {
    let quote = |v: &Value| -> String {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let lines: Vec<String> = schema
        .get("x-rules")?
        .as_array()?
        .iter()
        .filter_map(|rule| {
            let (when, values) = rule.get("if")?.as_object()?.iter().next()?;
            let cond = format!("when `{when}` is one of {}", quote(values));
            if let Some(t) = rule.get("require").and_then(Value::as_str) {
                Some(format!("- `{t}` is required {cond}"))
            } else if let Some(t) = rule.get("forbid").and_then(Value::as_str) {
                Some(format!("- `{t}` must be left out (or null) {cond}"))
            } else {
                let any = quote(rule.get("requireAnyOf")?);
                Some(format!("- at least one of {any} must be set {cond}"))
            }
        })
        .collect();
    (!lines.is_empty()).then(|| {
        format!(
            "\n\n**Checked before sending** (the spec's `x-rules`; the sandbox checks the same):\n\n{}",
            lines.join("\n")
        )
    })
}

/// One field of a generated struct.
pub struct Field {
    pub ident: syn::Ident,
    pub json: String,
    pub ty: syn::Type,
}

/// A generated struct of the `types` module, and whether it carries `new`.
pub struct StructInfo {
    pub fields: Vec<Field>,
    /// JSON names of the fields `new` takes, in the spec's `required` order.
    pub required: Vec<String>,
    pub constructor: bool,
}

/// What the example and constructor code needs to know about the generated types.
pub struct TypeIndex {
    pub structs: BTreeMap<String, StructInfo>,
    pub enums: BTreeMap<String, (Vec<String>, Vec<syn::Ident>)>,
}

pub fn types_module(file: &mut syn::File) -> Result<&mut Vec<syn::Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|c| &mut c.1),
            _ => None,
        })
        .ok_or_else(|| "progenitor output has no types module".to_string())
}

/// The JSON name serde uses for a field: its `rename`, else the Rust name.
fn json_name(field: &syn::Field) -> Option<String> {
    let mut rename = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                rename = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    rename.or_else(|| field.ident.as_ref().map(ToString::to_string))
}

/// Adds the docs, constructors and builder reports to progenitor's `types` module, and returns
/// the index the client code uses for its examples.
pub fn extend(
    file: &mut syn::File,
    original: &Value,
    prepared: &Value,
    enums: &[EnumDef],
    request_schemas: &[String],
) -> Result<TypeIndex, String> {
    let items = types_module(file)?;
    let mut index = TypeIndex {
        structs: BTreeMap::new(),
        enums: enums
            .iter()
            .map(|e| {
                (
                    e.name.clone(),
                    (e.values.clone(), crate::emit::variant_names(&e.values)),
                )
            })
            .collect(),
    };
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(named) = &mut s.fields else {
            continue;
        };
        let name = s.ident.to_string();
        let spec_name = crate::schema_name(&name);
        let component = original.pointer(&format!("/components/schemas/{spec_name}"));
        let is_request = request_schemas.iter().any(|r| r == spec_name);
        let truncated = component
            .and_then(|c| c.get("x-truncated"))
            .and_then(Value::as_bool)
            == Some(true);
        if truncated {
            s.attrs
                .push(syn::parse_quote!(#[doc = #TRUNCATED_TYPE_DOC]));
        }
        if let Some(text) = component.and_then(object_rules_doc) {
            s.attrs.push(syn::parse_quote!(#[doc = #text]));
        }
        let mut fields = Vec::new();
        for field in named.named.iter_mut() {
            let (Some(ident), Some(json)) = (field.ident.clone(), json_name(field)) else {
                continue;
            };
            if truncated && ident == "extra" {
                // typify's flattened map of `additionalProperties` (`prepare/truncated.rs`):
                // not a wire field, so no constructor argument or example value.
                field.attrs.retain(|a| !a.path().is_ident("doc"));
                field
                    .attrs
                    .insert(0, syn::parse_quote!(#[doc = #EXTRA_FIELD_DOC]));
                continue;
            }
            if let Some(schema) = component {
                let text = docs::property(original, schema, &json, is_request);
                if !text.is_empty() {
                    field.attrs.retain(|a| !a.path().is_ident("doc"));
                    field.attrs.insert(0, syn::parse_quote!(#[doc = #text]));
                }
            }
            fields.push(Field {
                ident,
                json,
                ty: field.ty.clone(),
            });
        }
        let required = prepared
            .pointer(&format!("/components/schemas/{name}/required"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|r| fields.iter().any(|f| f.json == *r))
            .map(str::to_string)
            .collect();
        index.structs.insert(
            name,
            StructInfo {
                fields,
                required,
                constructor: is_request && component.is_some(),
            },
        );
    }
    let mut added: Vec<syn::Item> = Vec::new();
    let mut reports: Vec<syn::Item> = Vec::new();
    for (name, info) in &index.structs {
        if !info.constructor {
            continue;
        }
        let component = original
            .pointer(&format!("/components/schemas/{name}"))
            .expect("constructor only for components");
        added.push(constructor(name, info, original, component)?);
        reports.push(report(name, info));
    }
    items.extend(added);
    let builder = builder_module(items)?;
    builder.extend(reports);
    Ok(index)
}

pub enum Shape<'a> {
    Str,
    Secret,
    Option(&'a syn::Type),
    Nullable(&'a syn::Type),
    Other,
}

/// The last path segment of a type and its first generic argument.
pub fn head(ty: &syn::Type) -> Option<(String, Option<&syn::Type>)> {
    let syn::Type::Path(tp) = ty else { return None };
    let last = tp.path.segments.last()?;
    let arg = match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    };
    Some((last.ident.to_string(), arg))
}

pub fn shape(ty: &syn::Type) -> Shape<'_> {
    match head(ty) {
        Some((h, _)) if h == "String" => Shape::Str,
        Some((h, _)) if h == "SecretText" => Shape::Secret,
        Some((h, Some(inner))) if h == "Option" => Shape::Option(inner),
        Some((h, Some(inner))) if h == "Nullable" => Shape::Nullable(inner),
        _ => Shape::Other,
    }
}

/// `impl Into<String>` for strings, `impl Into<Nullable<T>>` for clearable fields (so a plain
/// value works), the field's own type otherwise; and how to store the argument.
pub fn argument(ty: &syn::Type) -> (proc_macro2::TokenStream, proc_macro2::TokenStream) {
    match shape(ty) {
        Shape::Str => (
            quote::quote!(impl ::std::convert::Into<::std::string::String>),
            quote::quote!(.into()),
        ),
        Shape::Nullable(inner) => (
            quote::quote!(impl ::std::convert::Into<crate::Nullable<#inner>>),
            quote::quote!(.into()),
        ),
        Shape::Secret => (
            quote::quote!(impl ::std::convert::Into<crate::SecretText>),
            quote::quote!(.into()),
        ),
        _ => (quote::quote!(#ty), quote::quote!()),
    }
}

fn constructor(
    name: &str,
    info: &StructInfo,
    original: &Value,
    component: &Value,
) -> Result<syn::Item, String> {
    let ty = syn::Ident::new(name, proc_macro2::Span::call_site());
    let by_json = |j: &str| info.fields.iter().find(|f| f.json == j);
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut arg_docs = Vec::new();
    for r in &info.required {
        let f = by_json(r).expect("filtered on fields");
        let ident = &f.ident;
        let (arg_ty, convert) = argument(&f.ty);
        params.push(quote::quote!(#ident: #arg_ty));
        inits.push(quote::quote!(#ident: #ident #convert));
        arg_docs.push(format!("`{ident}`"));
    }
    let mut setters = Vec::new();
    for f in info
        .fields
        .iter()
        .filter(|f| !info.required.contains(&f.json))
    {
        let ident = &f.ident;
        inits.push(quote::quote!(#ident: ::std::default::Default::default()));
        if ident == "new" || ident == "builder" {
            return Err(format!(
                "{name}.{ident}: a field name the constructor needs"
            ));
        }
        let doc = docs::property(original, component, &f.json, true);
        let (value_ty, store) = setter_argument(&f.ty);
        setters.push(quote::quote! {
            #[doc = #doc]
            pub fn #ident(mut self, value: #value_ty) -> Self {
                self.#ident = #store;
                self
            }
        });
    }
    let doc = if arg_docs.is_empty() {
        "Creates the value with every field unset (left out of the request); the setters of the same names fill them.".to_string()
    } else {
        format!(
            "Creates the value from its required fields ({}); every optional field starts unset \
             (left out of the request), and the setters of the same names fill them.",
            arg_docs.join(", ")
        )
    };
    // Positional required fields are easy to swap; the typestate builder names each one.
    let deprecation = (!params.is_empty()).then(|| {
        let note = format!(
            "required fields by position are easy to swap: use `{name}::builder()`, which names \
             each one and does not compile until every required field is set"
        );
        quote::quote!(#[deprecated(note = #note)])
    });
    let item: syn::Item = syn::parse_quote! {
        impl #ty {
            #[doc = #doc]
            #deprecation
            #[allow(clippy::too_many_arguments, clippy::new_without_default)]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
            #(#setters)*
        }
    };
    Ok(item)
}

/// `problems()` on typify's builder: the fields holding no value or a failed conversion, by
/// JSON name, so `send()` reports them all at once.
fn report(name: &str, info: &StructInfo) -> syn::Item {
    let ty = syn::Ident::new(name, proc_macro2::Span::call_site());
    // Required fields first, in the spec's order, so the error reads like the spec.
    let mut fields: Vec<&Field> = info
        .required
        .iter()
        .filter_map(|r| info.fields.iter().find(|f| f.json == *r))
        .collect();
    fields.extend(
        info.fields
            .iter()
            .filter(|f| !info.required.contains(&f.json)),
    );
    let checks = fields.into_iter().map(|f| {
        let ident = &f.ident;
        let json = &f.json;
        quote::quote! {
            if let Err(e) = &self.#ident {
                out.push((#json, e.as_str()));
            }
        }
    });
    syn::parse_quote! {
        impl #ty {
            pub(crate) fn problems(&self) -> ::std::vec::Vec<(&'static str, &str)> {
                let mut out = ::std::vec::Vec::new();
                #(#checks)*
                out
            }
        }
    }
}

/// A Rust expression (as text, for doc examples) of type `ty` with the value `example`,
/// written with the constructors and setters above. `None` when the type is one it cannot
/// write (the caller then leaves the value out or uses `Default`).
pub fn expression(
    index: &TypeIndex,
    original: &Value,
    ty: &syn::Type,
    example: Option<&Value>,
    depth: u32,
) -> Option<String> {
    if depth > 6 {
        return None;
    }
    let (h, arg) = head(ty)?;
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    Some(match h.as_str() {
        "String" => format!("{:?}", text(example).unwrap_or_else(|| "example".into())),
        // The spec's example is the wire form; the constructor takes the text itself.
        "SecretText" => format!("{:?}", docs::base64_text(&text(example)?)?),
        "i32" | "i64" | "u64" | "f64" => example
            .filter(|v| v.is_number())
            .map_or_else(|| "1".into(), ToString::to_string),
        "bool" => example.and_then(Value::as_bool).unwrap_or(true).to_string(),
        "NaiveDate" => {
            let date = text(example).unwrap_or_else(|| "2025-01-01".into());
            let parts: Vec<u32> = date.split('-').filter_map(|p| p.parse().ok()).collect();
            let [y, m, d] = parts.as_slice() else {
                return None;
            };
            format!("chrono::NaiveDate::from_ymd_opt({y}, {m}, {d}).expect(\"a valid date\")")
        }
        "Vec" => {
            let first = example.and_then(Value::as_array).and_then(|a| a.first());
            format!(
                "vec![{}]",
                expression(index, original, arg?, first, depth + 1)?
            )
        }
        "Nullable" | "Option" => expression(index, original, arg?, example, depth + 1)?,
        name => {
            if let Some((values, variants)) = index.enums.get(name) {
                let at = text(example)
                    .and_then(|v| values.iter().position(|x| *x == v))
                    .unwrap_or(0);
                format!("types::{name}::{}", variants.get(at)?)
            } else {
                let info = index.structs.get(name).filter(|i| i.constructor)?;
                struct_expression(index, original, name, info, example, depth)?
            }
        }
    })
}

/// `types::Name::builder()` with a setter call for each required field and each optional field
/// the example sets, then `.build()` (`types::Name::new()` and setters when none is required).
fn struct_expression(
    index: &TypeIndex,
    original: &Value,
    name: &str,
    info: &StructInfo,
    example: Option<&Value>,
    depth: u32,
) -> Option<String> {
    let component = original.pointer(&format!("/components/schemas/{name}"))?;
    let example = example
        .filter(|e| e.is_object())
        .or_else(|| component.get("example"));
    let value_of = |json: &str| -> Option<&Value> {
        example.and_then(|e| e.get(json)).or_else(|| {
            let p = component.pointer(&format!("/properties/{json}"))?;
            p.get("example")
                .or_else(|| resolve(original, p).get("example"))
        })
    };
    // No required field: `new()`, else the typestate builder, which names each one.
    let indent = "    ".repeat(depth as usize + 2);
    let mut out = if info.required.is_empty() {
        format!("types::{name}::new()")
    } else {
        format!("types::{name}::builder()")
    };
    for r in &info.required {
        let f = info.fields.iter().find(|f| f.json == *r)?;
        let arg = expression(index, original, &f.ty, value_of(r), depth + 1)?;
        out.push_str(&format!("\n{indent}.{}({arg})", f.ident));
    }
    for f in info
        .fields
        .iter()
        .filter(|f| !info.required.contains(&f.json))
    {
        let Some(value) = example.and_then(|e| e.get(&f.json)) else {
            continue;
        };
        let setter = f.ident.to_string();
        if value.is_null() {
            if matches!(shape(&f.ty), Shape::Option(inner) if matches!(shape(inner), Shape::Nullable(_)))
            {
                out.push_str(&format!(
                    "\n{indent}.{setter}(lineworks_partner::Nullable::Null)"
                ));
            }
            continue;
        }
        if let Some(expr) = expression(index, original, &f.ty, Some(value), depth + 1) {
            out.push_str(&format!("\n{indent}.{setter}({expr})"));
        }
    }
    if !info.required.is_empty() {
        out.push_str(&format!("\n{indent}.build()"));
    }
    Some(out)
}
