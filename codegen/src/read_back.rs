//! `x-read-back`: `send_and_read_back()` for writes whose answer may come without a body.
//!
//! The extension on such a write names the read that shows its result and how the write's key
//! fields (`path.NAME`, a path parameter; `body.FIELD`, a body field) become that read's
//! parameters; a read that is a listing also names its array (`items`) and the fields an item
//! must share with the write (`match`). `proves: creation` says the write creates that item,
//! so the CLI's resume may take a found item as applied and a missing one as not sent
//! ([`creation_checks`]). Everything is checked against the spec here, so a typo fails the
//! build rather than a call.

use crate::api;
use crate::docs;
use crate::emit::{field_ident, ident};
use crate::prepare::Operation;
use crate::types_ext::TypeIndex;
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// One operation's `x-read-back`, checked.
pub struct ReadBack<'a> {
    pub(crate) write: &'a Operation,
    pub(crate) read: &'a Operation,
    /// (read parameter, source)
    pub(crate) params: Vec<(String, Source)>,
    pub(crate) items: Option<String>,
    /// (item field, source)
    pub(crate) matches: Vec<(String, Source)>,
    /// `proves: creation`: the matching item exists only once the write created it.
    pub(crate) proves_creation: bool,
    inferred: Option<String>,
}

/// `proves`, checked: only `creation`, and only on a listing (`items` and `match`), where
/// finding the item is the evidence.
fn proves_creation(ext: &Value, items: Option<&String>) -> Result<bool, String> {
    let Some(v) = ext.get("proves") else {
        return Ok(false);
    };
    match v.as_str() {
        Some("creation") if items.is_some() => Ok(true),
        Some("creation") => Err(
            "`proves: creation` needs a listing (`items` and `match`): finding the created item is the evidence"
                .into(),
        ),
        _ => Err(format!(
            "`proves` must be `creation` (the write creates the item `match` finds), not {v}"
        )),
    }
}

/// Where a read's parameter or a match value comes from in the write: `path.NAME` (a path
/// parameter) or `body.FIELD` (a body field). Parsed once here; the SDK's read-back and the
/// CLI's table are both generated from it.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Source {
    Path(String),
    Body(String),
}

impl Source {
    fn parse(text: &str) -> Result<Source, String> {
        match text.split_once('.') {
            Some(("path", name)) if !name.is_empty() => Ok(Source::Path(name.to_string())),
            Some(("body", field)) if !field.is_empty() => Ok(Source::Body(field.to_string())),
            _ => Err(format!("`{text}`: a source is path.NAME or body.FIELD")),
        }
    }

    /// As the spec writes it: the key of the generated read-back's source map.
    pub(crate) fn key(&self) -> String {
        match self {
            Source::Path(name) => format!("path.{name}"),
            Source::Body(field) => format!("body.{field}"),
        }
    }
}

fn pairs(v: Option<&Value>, what: &str) -> Result<Vec<(String, Source)>, String> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let map = v
        .as_object()
        .ok_or_else(|| format!("`{what}` must be a map"))?;
    map.iter()
        .map(|(k, v)| match v.as_str() {
            Some(s) => Ok((k.clone(), Source::parse(s)?)),
            None => Err(format!("`{what}.{k}` must be a source such as body.domain")),
        })
        .collect()
}

/// Follows `$ref`s to the schema itself.
fn resolve<'a>(spec: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(r) = schema.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match r.strip_prefix('#').and_then(|p| spec.pointer(p)) {
            Some(s) => schema = s,
            None => break,
        }
    }
    schema
}

fn has_property(spec: &Value, schema: Option<&Value>, name: &str) -> bool {
    schema
        .map(|s| resolve(spec, s))
        .and_then(|s| s.get("properties"))
        .and_then(|p| p.get(name))
        .is_some()
}

fn check_source(spec: &Value, write: &Operation, source: &Source) -> Result<(), String> {
    let key = source.key();
    match source {
        Source::Path(name) if write.path.contains(&format!("{{{name}}}")) => Ok(()),
        Source::Path(name) => Err(format!(
            "`{key}`: {} has no path parameter {name}",
            write.id
        )),
        Source::Body(field) => {
            let body = docs::operation(spec, &write.id)
                .and_then(|o| o.pointer("/requestBody/content/application~1json/schema"));
            if has_property(spec, body, field) {
                Ok(())
            } else {
                Err(format!(
                    "`{key}`: the body of {} has no field {field}",
                    write.id
                ))
            }
        }
    }
}

/// Every `x-read-back` of the spec, checked against the operations.
pub fn collect<'a>(spec: &Value, ops: &'a [Operation]) -> Result<Vec<ReadBack<'a>>, String> {
    let mut out = Vec::new();
    for write in ops {
        let Some(ext) = docs::operation(spec, &write.id).and_then(|o| o.get("x-read-back")) else {
            continue;
        };
        let fail = |why: String| format!("x-read-back of {}: {why}", write.id);
        if !(write.lenient_success && write.success_type.is_some()) {
            return Err(fail(
                "only a write whose answer may be empty (several success statuses, a body type) is read back".into(),
            ));
        }
        let read_id = ext
            .get("operation")
            .and_then(Value::as_str)
            .ok_or_else(|| fail("`operation` (the read's operationId) is missing".into()))?;
        let read = ops
            .iter()
            .find(|o| o.id == read_id)
            .filter(|o| o.method.eq_ignore_ascii_case("get"))
            .ok_or_else(|| fail(format!("`{read_id}` is not a GET operation of the spec")))?;
        let params = pairs(ext.get("parameters"), "parameters").map_err(&fail)?;
        for (param, source) in &params {
            if !read.params.iter().any(|p| p.name == *param) {
                return Err(fail(format!("{read_id} has no parameter {param}")));
            }
            check_source(spec, write, source).map_err(&fail)?;
        }
        for p in read.params.iter().filter(|p| p.required) {
            if !params.iter().any(|(name, _)| *name == p.name) {
                return Err(fail(format!(
                    "{read_id}'s required parameter {} has no source",
                    p.name
                )));
            }
        }
        let items = ext.get("items").and_then(Value::as_str).map(str::to_string);
        let matches = pairs(ext.get("match"), "match").map_err(&fail)?;
        let answer = docs::operation(spec, read_id)
            .and_then(|o| o.pointer("/responses/200/content/application~1json/schema"));
        match &items {
            Some(items) => {
                let list = answer
                    .map(|a| resolve(spec, a))
                    .and_then(|a| a.pointer(&format!("/properties/{items}")))
                    .filter(|l| l.get("type").and_then(Value::as_str) == Some("array"))
                    .ok_or_else(|| fail(format!("{read_id}'s answer has no array {items}")))?;
                if matches.is_empty() {
                    return Err(fail(
                        "a listing needs `match`: which item is the write's".into(),
                    ));
                }
                for (field, source) in &matches {
                    if !has_property(spec, list.get("items"), field) {
                        return Err(fail(format!("the items of {items} have no field {field}")));
                    }
                    check_source(spec, write, source).map_err(&fail)?;
                }
            }
            None if !matches.is_empty() => {
                return Err(fail("`match` needs `items`, the listing's array".into()));
            }
            None => {}
        }
        let proves_creation = proves_creation(ext, items.as_ref()).map_err(&fail)?;
        let inferred = ext
            .get("x-inferred")
            .and_then(Value::as_str)
            .map(str::to_string);
        out.push(ReadBack {
            write,
            read,
            params,
            items,
            matches,
            proves_creation,
            inferred,
        });
    }
    Ok(out)
}

/// The `x-read-back`s with `proves: creation`, by write: what the CLI's resume reads before
/// it sends a create whose outcome is unknown.
pub fn creation_checks<'a>(
    spec: &Value,
    ops: &'a [Operation],
) -> Result<Vec<ReadBack<'a>>, String> {
    Ok(collect(spec, ops)?
        .into_iter()
        .filter(|rb| rb.proves_creation)
        .collect())
}

/// The type `T` of a raw builder setter `fn NAME<V>(..) where V: TryInto<T>`.
fn setter_type(raw: &syn::File, builder: &str, setter: &str) -> Result<syn::Type, String> {
    for item in api::builder_module(raw)? {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(tp) = &*imp.self_ty else {
            continue;
        };
        if tp.path.segments.last().is_none_or(|s| s.ident != builder) {
            continue;
        }
        for it in &imp.items {
            let syn::ImplItem::Fn(f) = it else { continue };
            if f.sig.ident != setter {
                continue;
            }
            let predicates = f
                .sig
                .generics
                .where_clause
                .iter()
                .flat_map(|w| &w.predicates);
            for p in predicates {
                let syn::WherePredicate::Type(t) = p else {
                    continue;
                };
                for bound in &t.bounds {
                    let syn::TypeParamBound::Trait(tb) = bound else {
                        continue;
                    };
                    let Some(last) = tb.path.segments.last() else {
                        continue;
                    };
                    if last.ident != "TryInto" {
                        continue;
                    }
                    if let syn::PathArguments::AngleBracketed(args) = &last.arguments
                        && let Some(syn::GenericArgument::Type(ty)) = args.args.first()
                    {
                        return Ok(ty.clone());
                    }
                }
            }
        }
    }
    Err(format!(
        "no setter {builder}::{setter} of the form V: TryInto<T>"
    ))
}

fn module_items<'f>(file: &'f mut syn::File, name: &str) -> Result<&'f mut Vec<syn::Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|c| &mut c.1),
            _ => None,
        })
        .ok_or_else(|| format!("generated code has no module {name}"))
}

/// Adds `send_and_read_back()` to the builder of every write with an `x-read-back`, the raw
/// builder accessors it needs, and a section on reading back to the write's `Client` method.
pub fn apply(
    spec: &Value,
    ops: &[Operation],
    index: &TypeIndex,
    raw: &mut syn::File,
    api_file: &mut syn::File,
) -> Result<(), String> {
    let all = collect(spec, ops)?;
    let mut raw_items = Vec::new();
    let mut api_items = Vec::new();
    for rb in &all {
        let write_builder = ident(&rb.write.id.to_upper_camel_case());
        let read_builder = ident(&rb.read.id.to_upper_camel_case());
        let read_method = ident(&rb.read.id);
        let success = ident(rb.write.success_type.as_deref().unwrap_or_default());
        // The path parameters the write's raw builder holds, as sources.
        let path_sources: Vec<TokenStream> = rb
            .params
            .iter()
            .map(|(_, s)| s)
            .chain(rb.matches.iter().map(|(_, s)| s))
            .filter_map(|s| match s {
                Source::Path(name) => Some(name.as_str()),
                Source::Body(_) => None,
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|name| {
                let field = ident(&name.to_snake_case());
                let key = format!("path.{name}");
                quote! {
                    if let Ok(v) = &self.#field
                        && let Ok(v) = ::serde_json::to_value(v)
                    {
                        sources.insert(#key.to_string(), v);
                    }
                }
            })
            .collect();
        raw_items.push(quote! {
            impl<'a> #write_builder<'a> {
                pub(crate) fn read_back_client(&self) -> &'a super::Client {
                    self.client
                }
                pub(crate) fn read_back_sources(&self) -> crate::read_back::Sources {
                    #[allow(unused_mut)]
                    let mut sources = crate::read_back::Sources::new();
                    #(#path_sources)*
                    sources
                }
            }
        });
        let body_fields: Vec<String> = rb
            .params
            .iter()
            .map(|(_, s)| s)
            .chain(rb.matches.iter().map(|(_, s)| s))
            .filter_map(|s| match s {
                Source::Body(field) => Some(field.clone()),
                Source::Path(_) => None,
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let body_sources = match (&rb.write.body_type, body_fields.is_empty()) {
            (Some(body), false) => {
                let body = ident(body);
                quote! {
                    if let Ok(body) = types::#body::try_from(self.body.clone()) {
                        crate::read_back::add_body(&mut sources, &body, &[#(#body_fields),*]);
                    }
                }
            }
            _ => quote!(),
        };
        let mut setters = Vec::new();
        for (param, source) in &rb.params {
            let setter = param.to_snake_case();
            let ty = setter_type(raw, &read_builder.to_string(), &setter)?;
            let setter = field_ident(param);
            let source = source.key();
            setters.push(quote! {
                if let Some(v) = crate::read_back::param::<#ty>(&sources, #source) {
                    read = read.#setter(v);
                }
            });
        }
        let pages = if rb.read.pagination.is_some() {
            quote!(read.pages_json())
        } else {
            quote!(::futures_util::stream::once(read.send_json()))
        };
        let write_id = &rb.write.id;
        let read_id = &rb.read.id;
        let items = match &rb.items {
            Some(i) => quote!(Some(#i)),
            None => quote!(None),
        };
        let match_pairs = rb.matches.iter().map(|(f, s)| {
            let s = s.key();
            quote!((#f, #s))
        });
        let doc = send_doc(rb, spec, index)?;
        api_items.push(quote! {
            impl<'a> #write_builder<'a> {
                #[doc = #doc]
                #[allow(deprecated)]
                pub async fn send_and_read_back(self) -> ::std::result::Result<crate::Written<types::#success>, crate::Error> {
                    static READ_BACK: crate::read_back::ReadBackSpec = crate::read_back::ReadBackSpec {
                        write: #write_id,
                        read: #read_id,
                        items: #items,
                        matches: &[#(#match_pairs),*],
                    };
                    let client = self.inner.read_back_client();
                    #[allow(unused_mut)]
                    let mut sources = self.inner.read_back_sources();
                    #body_sources
                    if let Some(object) = self.send().await? {
                        return Ok(crate::Written::Answered(object));
                    }
                    #[allow(unused_mut)]
                    let mut read = #read_builder::new(client.#read_method());
                    #(#setters)*
                    Ok(crate::read_back::identify(&READ_BACK, &sources, #pages).await)
                }
            }
        });
    }
    module_items(raw, "builder")?.extend(
        raw_items
            .into_iter()
            .map(|t| syn::parse2::<syn::Item>(t).map_err(|e| format!("read_back raw: {e}")))
            .collect::<Result<Vec<_>, _>>()?,
    );
    module_items(api_file, "builder")?.extend(
        api_items
            .into_iter()
            .map(|t| syn::parse2::<syn::Item>(t).map_err(|e| format!("read_back api: {e}")))
            .collect::<Result<Vec<_>, _>>()?,
    );
    // The write's `Client` method says the answer may be empty and what to call instead.
    for item in &mut api_file.items {
        let syn::Item::Impl(imp) = item else { continue };
        for member in &mut imp.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if let Some(rb) = all.iter().find(|rb| f.sig.ident == rb.write.id.as_str()) {
                let text = method_section(rb);
                f.attrs.push(syn::parse_quote!(#[doc = #text]));
            }
        }
    }
    Ok(())
}

/// How the keys reach the read, in words: "`domain` = the body's `domain`".
fn describe(rb: &ReadBack<'_>) -> String {
    let source = |s: &Source| match s {
        Source::Path(n) => format!("the path's `{n}`"),
        Source::Body(f) => format!("the body's `{f}`"),
    };
    let params: Vec<String> = rb
        .params
        .iter()
        .map(|(p, s)| format!("`{p}` from {}", source(s)))
        .collect();
    let mut text = format!("[`Client::{0}`](crate::Client::{0})", rb.read.id);
    if !params.is_empty() {
        text.push_str(&format!(" with {}", params.join(", ")));
    }
    if let Some(items) = &rb.items {
        let fields: Vec<String> = rb
            .matches
            .iter()
            .map(|(f, s)| format!("`{f}` equal to {}", source(s)))
            .collect();
        text.push_str(&format!(
            ", taking the one item of `{items}` (all pages) with {}",
            fields.join(" and ")
        ));
    }
    text
}

fn method_section(rb: &ReadBack<'_>) -> String {
    format!(
        "\n\n# An answer without a body\n\n\
         The API may answer this write without a body, and then `send()` returns `None`. \
         [`send_and_read_back()`](builder::{}::send_and_read_back) sends the same request and, \
         on an empty answer, reads the result with {}.",
        rb.write.id.to_upper_camel_case(),
        describe(rb)
    )
}

fn send_doc(rb: &ReadBack<'_>, spec: &Value, index: &TypeIndex) -> Result<String, String> {
    let write = rb.write;
    let mut doc = format!(
        "Sends the request as [`send`](Self::send) does, once; when the answer has no body, \
         reads the object back with {} (the spec's `x-read-back`).\n\n\
         [`Written::Answered`](crate::Written::Answered) or \
         [`Written::ReadBack`](crate::Written::ReadBack) hold the object. When the read finds \
         none, several, or fails, the outcome is [`Written::Unidentified`](crate::Written::Unidentified): \
         the write succeeded all the same, so it is never sent again and no error is returned. \
         An `Err` is the write's own error, exactly as from `send()`.",
        describe(rb)
    );
    if let Some(why) = &rb.inferred {
        doc.push_str(&format!("\n\nInferred (`x-inferred`): {why}"));
    }
    // Compiled, not run: the spec's example values are not all valid against the demo seed's
    // state (tests/it/read_back.rs runs both paths against the sandbox).
    doc.push_str("\n\n# Example\n\n```no_run\n");
    if write.deprecated {
        doc.push_str("# #![allow(deprecated)]\n");
    }
    doc.push_str(
        "# #[tokio::main(flavor = \"current_thread\")]\n\
         # async fn main() -> Result<(), Box<dyn std::error::Error>> {\n\
         use lineworks_partner::{Client, Credentials, Written};\n",
    );
    if write.body_type.is_some() {
        doc.push_str("use lineworks_partner::types;\n");
    }
    doc.push_str(
        "use lineworks_partner_sandbox::{Sandbox, Seed};\n\n\
         let sandbox = Sandbox::builder().seed(Seed::demo()).start().await?;\n\
         let client = Client::builder()\n    .base_url(sandbox.base_url())\n    \
         .credentials(Credentials::access_token(\"test\"))\n    .build()?;\n",
    );
    doc.push_str(&format!(
        "// The next answer comes without a body, as the API may send it.\n\
         sandbox.answer_empty_next(\"{}\", 1)?;\n",
        write.id
    ));
    doc.push_str(&format!("let outcome = client\n    .{}()\n", write.id));
    for p in write.params.iter().filter(|p| p.required) {
        let value = p
            .example
            .as_ref()
            .and_then(api::example_literal)
            .ok_or_else(|| format!("{}: parameter {} has no example", write.id, p.name))?;
        doc.push_str(&format!("    .{}({value})\n", p.name.to_snake_case()));
    }
    if let Some(body) = api::example_body(write, index, spec)? {
        doc.push_str(&format!(
            "    .body(\n        {}\n    )\n",
            body.replace('\n', "\n    ")
        ));
    }
    doc.push_str(
        "    .send_and_read_back()\n    .await?;\n\
         match outcome {\n    \
         Written::ReadBack(object) => println!(\"read back: {object:?}\"),\n    \
         other => panic!(\"expected a read-back, got {other:?}\"),\n}\n\
         # Ok(()) }\n```\n",
    );
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped spec with `create_customer`'s `x-read-back` changed by `edit`, collected.
    fn collect_with(
        edit: impl FnOnce(&mut serde_json::Map<String, Value>),
    ) -> Result<Vec<(String, bool)>, String> {
        let mut spec = crate::spec()?;
        let ext = spec
            .pointer_mut("/paths/~1partners~1customers/post/x-read-back")
            .and_then(Value::as_object_mut)
            .expect("create_customer has an x-read-back");
        edit(ext);
        let prepared = crate::prepare::prepare(&spec)?;
        let all = collect(&spec, &prepared.operations)?;
        Ok(all
            .iter()
            .map(|rb| (rb.write.id.clone(), rb.proves_creation))
            .collect())
    }

    #[test]
    fn proves_creation_is_read_where_the_spec_says_it() {
        let all = collect_with(|_| {}).unwrap();
        let creations: Vec<&str> = all
            .iter()
            .filter(|(_, c)| *c)
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(
            creations,
            [
                "create_customer",
                "transfer_potential_customer",
                "create_subscription"
            ]
        );
        // An add-* write changes an item that exists before it: finding it proves nothing.
        assert!(
            all.iter()
                .any(|(id, c)| id == "add_option_product_quantity" && !c)
        );
    }

    #[test]
    fn an_unknown_proves_value_is_a_build_error() {
        let err = collect_with(|ext| {
            ext.insert("proves".into(), Value::String("existence".into()));
        })
        .expect_err("refused");
        assert!(err.contains("x-read-back of create_customer"), "{err}");
        assert!(err.contains("`proves` must be `creation`"), "{err}");
        assert!(err.contains("existence"), "{err}");
    }

    #[test]
    fn proves_creation_needs_a_listing() {
        let err = collect_with(|ext| {
            ext.insert("operation".into(), Value::String("get_customer".into()));
            ext.insert(
                "parameters".into(),
                serde_json::json!({"domainId": "body.domain"}),
            );
            ext.remove("items");
            ext.remove("match");
        })
        .expect_err("refused");
        assert!(err.contains("`proves: creation` needs a listing"), "{err}");
    }
}
