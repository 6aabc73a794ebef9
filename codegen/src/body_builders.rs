//! The ways to build a request body, made to agree (generic over every request type):
//!
//! - `X::builder()`: a typestate builder (`bon`) whose `build()` compiles only once every
//!   required field is set, and whose compile error names the missing field;
//! - typify's builder (`types::builder::X`, what a request builder's `body_map` edits): its
//!   setters are rewritten to take what the typestate builder's and `new()`'s setters take
//!   ([`setter_argument`]), so `.license_count(10)` works in all three.
//!
//! typify's own `X::builder()` (returning its builder) is removed from request types: the name
//! is the typestate builder's; typify's is still reached as `types::builder::X::default()`.

use crate::docs;
use crate::types_ext::{Shape, TypeIndex, argument, shape};
use serde_json::Value;

/// typify's `types::builder` module, given the `types` module's items.
pub fn builder_module(items: &mut [syn::Item]) -> Result<&mut Vec<syn::Item>, String> {
    items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|c| &mut c.1),
            _ => None,
        })
        .ok_or_else(|| "progenitor output has no types::builder module".to_string())
}

/// The one rule for what a setter of a field of type `ty` takes, shared by `new()`'s setters,
/// the typestate builder (`X::builder()`) and typify's builder (`body_map`): an optional field
/// takes its value, not an `Option`; `impl Into<String>` for strings; `impl Into<Nullable<T>>`
/// for clearable fields (a plain value, or `Nullable::Null` for an explicit `null`); the type
/// itself otherwise. Returns the argument's type and the expression storing `value`.
pub fn setter_argument(ty: &syn::Type) -> (proc_macro2::TokenStream, proc_macro2::TokenStream) {
    match shape(ty) {
        Shape::Option(inner) => {
            let (arg_ty, convert) = argument(inner);
            (
                arg_ty,
                quote::quote!(::std::option::Option::Some(value #convert)),
            )
        }
        _ => {
            let (arg_ty, convert) = argument(ty);
            (arg_ty, quote::quote!(value #convert))
        }
    }
}

/// Whether [`setter_argument`] takes `impl Into<..>` for this field (bon's `#[builder(into)]`):
/// read from [`argument`]'s conversion, so a new kind of field cannot be `into` in one builder
/// and not in the other.
pub fn setter_into(ty: &syn::Type) -> bool {
    let ty = match shape(ty) {
        Shape::Option(inner) => inner,
        _ => ty,
    };
    !argument(ty).1.is_empty()
}

/// The last path segment of an impl's self type.
fn self_name(imp: &syn::ItemImpl) -> Option<String> {
    let syn::Type::Path(tp) = &*imp.self_ty else {
        return None;
    };
    Some(tp.path.segments.last()?.ident.to_string())
}

/// Applies the above to progenitor's `types` module (`items`), after `types_ext::extend`.
pub fn apply(
    items: &mut Vec<syn::Item>,
    index: &TypeIndex,
    original: &Value,
) -> Result<(), String> {
    let request = |name: &str| index.structs.get(name).filter(|i| i.constructor);
    for item in items.iter_mut() {
        match item {
            syn::Item::Struct(s) => {
                let name = s.ident.to_string();
                let Some(info) = request(&name) else { continue };
                let builder_doc = format!(
                    "Typestate builder of [`{name}`], from [`{name}::builder()`]: one setter per \
                     field, named like it; `build()` compiles only once every required field \
                     is set, and the compiler names a missing one. Optional fields also have \
                     a `maybe_` setter taking an `Option`."
                );
                s.attrs.push(syn::parse_quote!(#[derive(::bon::Builder)]));
                s.attrs.push(syn::parse_quote!(
                    #[builder(builder_type(doc { #[doc = #builder_doc] }))]
                ));
                let syn::Fields::Named(named) = &mut s.fields else {
                    continue;
                };
                for field in named.named.iter_mut() {
                    let Some(ident) = &field.ident else { continue };
                    match info.fields.iter().find(|f| f.ident == *ident) {
                        Some(f) if setter_into(&f.ty) => {
                            field.attrs.push(syn::parse_quote!(#[builder(into)]));
                        }
                        Some(_) => {}
                        // Not a wire field (a flattened map): starts empty.
                        None => field.attrs.push(syn::parse_quote!(#[builder(default)])),
                    }
                }
            }
            syn::Item::Impl(imp)
                if imp.trait_.is_none()
                    && self_name(imp).is_some_and(|n| request(&n).is_some()) =>
            {
                imp.items
                    .retain(|it| !matches!(it, syn::ImplItem::Fn(f) if f.sig.ident == "builder"));
            }
            _ => {}
        }
    }
    items.retain(|item| !matches!(item, syn::Item::Impl(imp) if imp.trait_.is_none() && imp.items.is_empty()));
    let builder = builder_module(items)?;
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let Some(name) = self_name(imp) else { continue };
        let Some(info) = request(&name) else { continue };
        let component = original
            .pointer(&format!("/components/schemas/{name}"))
            .ok_or_else(|| format!("{name}: a request type without a component"))?;
        let mut setters = Vec::new();
        for it in &imp.items {
            let syn::ImplItem::Fn(f) = it else {
                setters.push(it.clone());
                continue;
            };
            let ident = &f.sig.ident;
            let Some(field) = info.fields.iter().find(|x| x.ident == *ident) else {
                // Not a setter of a wire field: kept as typify wrote it.
                setters.push(it.clone());
                continue;
            };
            let doc = docs::property(original, component, &field.json, true);
            // The field's type as written in `types`, seen from `types::builder`.
            let mut ty = field.ty.clone();
            syn::visit_mut::VisitMut::visit_type_mut(&mut Super { index }, &mut ty);
            let (arg_ty, store) = setter_argument(&ty);
            setters.push(syn::parse_quote! {
                #[doc = #doc]
                pub fn #ident(mut self, value: #arg_ty) -> Self {
                    self.#ident = ::std::result::Result::Ok(#store);
                    self
                }
            });
        }
        imp.items = setters;
    }
    Ok(())
}

/// Prefixes `super::` to the bare names of generated types (as written in `types`), for use in
/// `types::builder`, where a bare name is the builder of the same name.
struct Super<'a> {
    index: &'a TypeIndex,
}

impl syn::visit_mut::VisitMut for Super<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_none() && path.segments.len() == 1 {
            let name = path.segments[0].ident.to_string();
            if self.index.structs.contains_key(&name) || self.index.enums.contains_key(&name) {
                path.segments.insert(0, syn::parse_quote!(super));
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// The suffix of typify's builders (`types::builder::X` becomes `types::builder::XDraft`), so
/// that rustdoc never shows a builder under the name of the type it builds (`body_map`'s
/// closure reads `FnOnce(CustomerCreateRequestDraft) -> CustomerCreateRequestDraft`).
pub const DRAFT: &str = "Draft";

/// Renames typify's builder structs (`types::builder::X` to `XDraft`) and every path to them in
/// progenitor's output; then the doc of each says what it is.
pub fn rename_drafts(file: &mut syn::File) -> Result<(), String> {
    let types = crate::types_ext::types_module(file)?;
    let module = builder_module(types)?;
    let names: std::collections::BTreeSet<String> = module
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    for item in module.iter_mut() {
        if let syn::Item::Struct(s) = item {
            let target = s.ident.to_string();
            s.ident = syn::Ident::new(&format!("{target}{DRAFT}"), s.ident.span());
            s.attrs.retain(|a| !a.path().is_ident("doc"));
            let doc = format!(
                "[`{target}`](super::{target}) being filled in field by field (what a request \
                 builder's `body_map` edits): the setters take what \
                 [`{target}::builder()`](super::{target}::builder)'s take, and turning it into a \
                 [`{target}`](super::{target}) (`TryFrom`, or `send()`) names every required \
                 field left unset."
            );
            s.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
        }
    }
    for item in module.iter_mut() {
        syn::visit_mut::VisitMut::visit_item_mut(&mut BareRename { names: &names }, item);
    }
    let mut rename = Rename { names: &names };
    syn::visit_mut::VisitMut::visit_file_mut(&mut rename, file);
    Ok(())
}

struct Rename<'a> {
    names: &'a std::collections::BTreeSet<String>,
}

impl syn::visit_mut::VisitMut for Rename<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let n = path.segments.len();
        if n >= 2 && path.segments[n - 2].ident == "builder" {
            let last = &mut path.segments[n - 1].ident;
            if self.names.contains(&last.to_string()) {
                *last = syn::Ident::new(&format!("{last}{DRAFT}"), last.span());
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// Renames single-segment paths naming a builder (inside `types::builder`).
struct BareRename<'a> {
    names: &'a std::collections::BTreeSet<String>,
}

impl syn::visit_mut::VisitMut for BareRename<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_none() && path.segments.len() == 1 {
            let last = &mut path.segments[0].ident;
            if self.names.contains(&last.to_string()) {
                *last = syn::Ident::new(&format!("{last}{DRAFT}"), last.span());
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}
