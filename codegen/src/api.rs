//! Emits the public client methods and request builders around progenitor's raw client, and
//! the page streams.

use crate::docs;
use crate::emit::{field_ident, ident};
use crate::prepare::{Operation, Pagination};
use crate::types_ext::{self, TypeIndex};
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use serde_json::Value;

/// A progenitor builder method we forward.
struct Setter {
    sig: syn::Signature,
    attrs: Vec<syn::Attribute>,
}

struct RawBuilder {
    name: String,
    setters: Vec<Setter>,
    success: syn::Type,
}

/// The items of progenitor's `builder` module.
pub fn builder_module(file: &syn::File) -> Result<&[syn::Item], String> {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .map(|(_, items)| items.as_slice())
        .ok_or_else(|| "progenitor output has no builder module".to_string())
}

fn collect_builders(file: &syn::File) -> Result<Vec<RawBuilder>, String> {
    let mut builders = Vec::new();
    for item in builder_module(file)? {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(tp) = &*imp.self_ty else {
            continue;
        };
        let name = tp
            .path
            .segments
            .last()
            .ok_or("empty path")?
            .ident
            .to_string();
        let mut setters = Vec::new();
        let mut success = None;
        for it in &imp.items {
            let syn::ImplItem::Fn(f) = it else { continue };
            match f.sig.ident.to_string().as_str() {
                "new" => {}
                "send" => success = Some(success_type(&f.sig)?),
                _ => {
                    let attrs = f
                        .attrs
                        .iter()
                        .filter(|a| a.path().is_ident("doc"))
                        .cloned()
                        .collect();
                    setters.push(Setter {
                        sig: f.sig.clone(),
                        attrs,
                    });
                }
            }
        }
        let success = success.ok_or_else(|| format!("builder {name} has no send()"))?;
        builders.push(RawBuilder {
            name,
            setters,
            success,
        });
    }
    Ok(builders)
}

/// `Result<ResponseValue<T>, Error<E>>` -> `T`.
fn success_type(sig: &syn::Signature) -> Result<syn::Type, String> {
    let err = || format!("unexpected send() signature in {}", sig.ident);
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return Err(err());
    };
    let first_generic = |ty: &syn::Type| -> Option<syn::Type> {
        let syn::Type::Path(tp) = ty else { return None };
        let syn::PathArguments::AngleBracketed(args) = &tp.path.segments.last()?.arguments else {
            return None;
        };
        match args.args.first()? {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }
    };
    let response_value = first_generic(ty).ok_or_else(err)?;
    first_generic(&response_value).ok_or_else(err)
}

pub fn example_literal(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) => Some(format!("{s:?}")),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The body of an operation's example: `types::X::new(...)` with the spec's example values.
pub fn example_body(
    op: &Operation,
    index: &TypeIndex,
    spec: &Value,
) -> Result<Option<String>, String> {
    let Some(body) = &op.body_type else {
        return Ok(None);
    };
    let ty: syn::Type = syn::parse_str(body).map_err(|e| format!("{}: body type: {e}", op.id))?;
    let example = docs::operation(spec, &op.id)
        .and_then(|o| o.pointer("/requestBody/content/application~1json/example"));
    types_ext::expression(index, spec, &ty, example, 0)
        .map(Some)
        .ok_or_else(|| format!("{}: no example can be written for the body {body}", op.id))
}

fn method_docs(op: &Operation, body: Option<&str>) -> String {
    let mut doc = String::new();
    if !op.summary.is_empty() {
        doc.push_str(op.summary.trim_end_matches('.'));
        doc.push_str(".\n\n");
    }
    if !op.description.is_empty() && op.description != op.summary {
        doc.push_str(&op.description);
        doc.push_str("\n\n");
    }
    if op.deprecated {
        let links: Vec<String> = op
            .replaced_by
            .iter()
            .map(|r| format!("[`{r}`](Self::{r})"))
            .collect();
        doc.push_str(&if links.is_empty() {
            "**Deprecated** upstream, with no replacement: the operation will be withdrawn.\n\n"
                .to_string()
        } else {
            format!(
                "**Deprecated** upstream and to be withdrawn; use {} instead.\n\n",
                links.join(" / ")
            )
        });
    }
    doc.push_str(&format!("`{} {}`", op.method, op.path));
    if !op.scopes.is_empty() {
        let scopes: Vec<String> = op.scopes.iter().map(|s| format!("`{s}`")).collect();
        doc.push_str(&format!(" · scope {}", scopes.join(" or ")));
    }
    if let Some(url) = &op.docs_url {
        doc.push_str(&format!(" · [upstream reference]({url})"));
    }
    let required: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| format!("`.{}()`", p.name.to_snake_case()))
        .chain(
            op.body_type
                .iter()
                .map(|b| format!("`.body(types::{b}::builder()..build())`")),
        )
        .collect();
    if !required.is_empty() {
        doc.push_str(&format!(
            "\n\nRequired before `send()`: {}; the builder's setters document each value.",
            required.join(", ")
        ));
    }
    doc.push_str("\n\n# Example\n\n```no_run\n");
    if op.deprecated {
        doc.push_str("# #![allow(deprecated)]\n");
    }
    doc.push_str("# async fn example(client: &lineworks_partner::Client) -> Result<(), lineworks_partner::Error> {\n");
    if body.is_some() {
        doc.push_str("use lineworks_partner::types;\n");
    }
    let binding = if op.success_type.is_some() {
        "let response = "
    } else {
        ""
    };
    doc.push_str(&format!("{binding}client\n    .{}()\n", op.id));
    for p in op.params.iter().filter(|p| p.required) {
        let value = p
            .example
            .as_ref()
            .and_then(example_literal)
            .unwrap_or_else(|| "Default::default()".into());
        doc.push_str(&format!("    .{}({value})\n", p.name.to_snake_case()));
    }
    if let Some(body) = body {
        doc.push_str(&format!(
            "    .body(\n        {}\n    )\n",
            body.replace('\n', "\n    ")
        ));
    }
    doc.push_str("    .send()\n    .await?;\n");
    if op.success_type.is_some() {
        doc.push_str("println!(\"{response:?}\");\n");
    }
    doc.push_str("# Ok(())\n# }\n```\n");
    doc
}

/// The docs of `body` and `body_map` on an operation's builder.
fn body_setter_docs(body: &str, index: &TypeIndex) -> (String, String) {
    let required: Vec<String> = index
        .structs
        .get(body)
        .map(|s| s.required.iter().map(|r| format!("`{r}`")).collect())
        .unwrap_or_default();
    let required = if required.is_empty() {
        "it has no required fields".to_string()
    } else {
        format!("its required fields are {}", required.join(", "))
    };
    (
        format!(
            "Sets the request body, a [`types::{body}`](crate::types::{body}); \
             [`types::{body}::builder()`](crate::types::{body}::builder) names every field and \
             its `build()` compiles only once the required ones are set ({required})."
        ),
        format!(
            "Edits the body field by field with typify's builder ([`types::builder::{body}Draft`](crate::types::builder::{body}Draft)), \
             whose setters take the same values as the typestate builder's (a plain value for an \
             optional or clearable field, `Nullable::Null` for an explicit `null`); {required}. \
             A required field left unset fails `send()` before anything is sent, and the error \
             lists every one."
        ),
    )
}

pub fn client_api(
    file: &syn::File,
    ops: &[Operation],
    index: &TypeIndex,
    spec: &Value,
) -> Result<TokenStream, String> {
    let builders = collect_builders(file)?;
    let mut builder_items = Vec::new();
    let mut client_methods = Vec::new();
    let mut page_items = Vec::new();
    let mut answer_arms = Vec::new();
    for (op_index, op) in ops.iter().enumerate() {
        let builder_name = op.id.to_upper_camel_case();
        let raw = builders
            .iter()
            .find(|b| b.name == builder_name)
            .ok_or_else(|| format!("no progenitor builder {builder_name} for {}", op.id))?;
        let name = ident(&builder_name);
        let method = ident(&op.id);
        let raw_success = &raw.success;
        if let Some(arm) = answer_arm(op, raw_success) {
            answer_arms.push(arm);
        }
        // Several success statuses (a guess): any 2xx succeeds, an empty body is `None`.
        let (success, send_call) = match (&op.success_type, op.lenient_success) {
            (Some(body), true) => {
                let body = ident(body);
                (
                    quote!(::std::option::Option<types::#body>),
                    quote!(crate::lenient::optional_body(&crate::generated::OPERATIONS[#op_index], self.options, inner.send()).await),
                )
            }
            _ => (
                quote!(#raw_success),
                quote!(crate::hooks::call(&crate::generated::OPERATIONS[#op_index], self.options, inner.send()).await),
            ),
        };
        let param_docs = docs::parameters(spec, &op.id);
        let body_ty = op.body_type.as_deref().map(ident);
        let mut setters = Vec::new();
        for s in &raw.setters {
            let setter_name = s.sig.ident.to_string();
            if setter_name == "body" || setter_name == "body_map" {
                let (Some(body), Some(body_ty)) = (op.body_type.as_deref(), &body_ty) else {
                    return Err(format!("{}: a body setter but no named body schema", op.id));
                };
                let (body_doc, map_doc) = body_setter_docs(body, index);
                let draft = ident(&format!("{body}{}", crate::body_builders::DRAFT));
                setters.push(if setter_name == "body" {
                    quote! {
                        #[doc = #body_doc]
                        pub fn body(mut self, value: types::#body_ty) -> Self {
                            self.body = ::std::convert::From::from(value);
                            self
                        }
                    }
                } else {
                    quote! {
                        #[doc = #map_doc]
                        pub fn body_map(mut self, f: impl ::std::ops::FnOnce(types::builder::#draft) -> types::builder::#draft) -> Self {
                            self.body = f(self.body);
                            self
                        }
                    }
                });
                continue;
            }
            let mut sig = s.sig.clone();
            let mut args = Vec::new();
            for input in sig.inputs.iter_mut() {
                match input {
                    syn::FnArg::Receiver(r) => r.mutability = Some(Default::default()),
                    syn::FnArg::Typed(t) => {
                        if let syn::Pat::Ident(pi) = &*t.pat {
                            args.push(pi.ident.clone());
                        }
                    }
                }
            }
            let setter = &sig.ident;
            let doc = param_docs
                .iter()
                .find(|(n, _)| n.to_snake_case() == setter_name)
                .map(|(_, d)| {
                    let d = d.clone();
                    quote!(#[doc = #d])
                })
                .unwrap_or_else(|| {
                    let attrs = &s.attrs;
                    quote!(#(#attrs)*)
                });
            setters.push(quote! {
                #doc
                pub #sig {
                    self.inner = self.inner.#setter(#(#args),*);
                    self
                }
            });
        }
        let struct_doc = format!(
            "Request builder for [`Client::{}`](crate::Client::{}).",
            op.id, op.id
        );
        let mut send_doc = format!(
            "Checks the request against the spec's rules, sends it (with the client's authentication, retries and rate limit) and parses the `{} {}` response.",
            op.method, op.path
        );
        if op.lenient_success {
            send_doc.push_str(if op.success_type.is_some() {
                "\n\nNo upstream page states this operation's success status, so any 2xx succeeds; an answer without a body is `None`."
            } else {
                "\n\nNo upstream page states this operation's success status, so any 2xx succeeds."
            });
        }
        let (body_field, body_init, body_send) = match &body_ty {
            Some(b) => (
                {
                    let draft = ident(&format!("{b}{}", crate::body_builders::DRAFT));
                    quote!(body: types::builder::#draft,)
                },
                quote!(body: ::std::default::Default::default(),),
                quote! {
                    let op = &crate::generated::OPERATIONS[#op_index];
                    if let Some(e) = crate::validate::body_problems(op, &self.body.problems()) {
                        return Err(e.into());
                    }
                    let body = match types::#b::try_from(self.body) {
                        Ok(body) => body,
                        Err(e) => {
                            let message = e.to_string();
                            let e = crate::validate::body_problems(op, &[("", message.as_str())]);
                            return Err(e.expect("one problem").into());
                        }
                    };
                    let inner = self.inner.body(body);
                },
            ),
            None => (quote!(), quote!(), quote!(let inner = self.inner;)),
        };
        builder_items.push(quote! {
            #[doc = #struct_doc]
            #[derive(Debug, Clone)]
            #[must_use = "a request builder does nothing until `send` is awaited"]
            pub struct #name<'a> {
                inner: crate::generated::raw::builder::#name<'a>,
                #body_field
                options: crate::hooks::CallOptions,
            }
            impl<'a> #name<'a> {
                pub(crate) fn new(inner: crate::generated::raw::builder::#name<'a>) -> Self {
                    Self { inner, #body_init options: ::std::default::Default::default() }
                }
                #(#setters)*
                /// Uses this retry policy for this call instead of the client's, e.g. to allow
                /// replaying a POST that is known to be idempotent.
                pub fn retry_policy(mut self, policy: crate::RetryPolicy) -> Self {
                    self.options.retry = Some(policy);
                    self
                }
                #[doc = #send_doc]
                pub async fn send(self) -> ::std::result::Result<#success, crate::Error> {
                    #body_send
                    #send_call
                }
                /// Sends the request as [`send`](Self::send) does (same checks, authentication,
                /// retries, errors) and returns the answer's JSON as the API sent it: fields this
                /// crate does not know, `null`s and empty lists included, and not read as the
                /// operation's type. `null` when the answer has no body; any 2xx succeeds. See
                /// the crate docs' "Answers as sent".
                pub async fn send_json(self) -> ::std::result::Result<::serde_json::Value, crate::Error> {
                    #body_send
                    crate::hooks::call_json(&crate::generated::OPERATIONS[#op_index], self.options, inner.send()).await
                }
            }
        });
        let body_example = example_body(op, index, spec)?;
        let docs = method_docs(op, body_example.as_deref());
        client_methods.push(quote! {
            #[doc = #docs]
            pub fn #method(&self) -> builder::#name<'_> {
                builder::#name::new(self.raw().#method())
            }
        });
        if let Some(p) = &op.pagination {
            page_items.push(pagination(&name, p, &op.id));
        }
    }
    Ok(quote! {
        /// Request builders, one per operation: set parameters, then `send().await`.
        pub mod builder {
            #[allow(unused_imports)]
            use crate::types;
            #(#builder_items)*
            #(#page_items)*
        }
        impl crate::Client {
            #(#client_methods)*
        }
        /// Each operation's success answer parsed from bytes as `send()` parses it, with the JSON
        /// path of a mismatch: for error messages, the property tests and fuzz targets.
        pub(crate) mod answers {
            #[allow(unused_imports)]
            use crate::types;
            /// `None` for an operation without a JSON success body (or not in the spec).
            pub(crate) fn parse(operation_id: &str, body: &[u8]) -> ::std::option::Option<::std::result::Result<(), crate::answer_path::Mismatch>> {
                match operation_id {
                    #(#answer_arms)*
                    _ => None,
                }
            }
        }
    })
}

/// The `answers::parse` arm of `op`: its success type read with serde as progenitor does, or
/// leniently where the success status is a guess. None when the answer has no JSON body.
fn answer_arm(op: &Operation, raw_success: &syn::Type) -> Option<TokenStream> {
    let id = &op.id;
    match (&op.success_type, op.lenient_success) {
        (Some(body), true) => {
            let body = ident(body);
            Some(quote!(#id => Some(crate::answer_path::lenient::<types::#body>(body)),))
        }
        _ => {
            let text = quote!(#raw_success).to_string().replace(' ', "");
            if text == "()" || text.ends_with("ByteStream") {
                return None;
            }
            Some(quote!(#id => Some(crate::answer_path::strict::<#raw_success>(body)),))
        }
    }
}

fn pagination(builder: &Ident, p: &Pagination, operation_id: &str) -> TokenStream {
    let page = ident(&p.page_type);
    let item = ident(&p.items_type);
    let items_field = field_ident(&p.items_field);
    let cursor = field_ident(&p.cursor_param);
    let mut steps = p.next_cursor.iter();
    let (first, first_optional) = steps.next().expect("nextCursorField has at least one step");
    let first = field_ident(first);
    let mut next = if *first_optional {
        quote!(page.#first.as_ref())
    } else {
        quote!(Some(&page.#first))
    };
    for (step, optional) in steps {
        let f = field_ident(step);
        next = if *optional {
            quote!(#next.and_then(|v| v.#f.as_ref()))
        } else {
            quote!(#next.map(|v| &v.#f))
        };
    }
    let max = match p.count_max {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    };
    let cursor_pointer: String = p
        .next_cursor
        .iter()
        .map(|(step, _)| format!("/{}", step.replace('~', "~0").replace('/', "~1")))
        .collect();
    let items_wire = &p.items_field;
    quote! {
        impl<'a> crate::paginate::JsonPaginated<'a> for #builder<'a> {
            const NEXT_CURSOR: &'static str = #cursor_pointer;
            const ITEMS: &'static str = #items_wire;
            fn send_json_page(self) -> impl ::std::future::Future<Output = ::std::result::Result<::serde_json::Value, crate::Error>> + Send + 'a {
                self.send_json()
            }
        }
        impl<'a> crate::paginate::Paginated<'a> for #builder<'a> {
            type Page = types::#page;
            type Item = types::#item;
            const MAX_PAGE_SIZE: Option<i64> = #max;
            const OPERATION_ID: &'static str = #operation_id;
            fn with_cursor(self, cursor: ::std::string::String) -> Self {
                self.#cursor(cursor)
            }
            fn send_page(self) -> impl ::std::future::Future<Output = ::std::result::Result<Self::Page, crate::Error>> + Send + 'a {
                self.send()
            }
            fn next_cursor(page: &Self::Page) -> Option<&str> {
                #next.map(|cursor| cursor.as_str())
            }
            fn into_items(page: Self::Page) -> ::std::vec::Vec<Self::Item> {
                page.#items_field
            }
        }
        impl<'a> #builder<'a> {
            /// Streams every item of every page, lazily: the next page is requested only when
            /// the current one is used up, and never after the last (no `nextCursor`).
            pub fn stream(self) -> impl ::futures_core::Stream<Item = ::std::result::Result<types::#item, crate::Error>> + Send + 'a {
                crate::paginate::items(self)
            }
            /// Streams whole pages, lazily, following `nextCursor`.
            pub fn pages(self) -> impl ::futures_core::Stream<Item = ::std::result::Result<types::#page, crate::Error>> + Send + 'a {
                crate::paginate::pages(self)
            }
            /// Streams whole pages as the API sent them (see [`send_json`](Self::send_json)),
            /// following `nextCursor`, with the same guards against a server that loops.
            pub fn pages_json(self) -> impl ::futures_core::Stream<Item = ::std::result::Result<::serde_json::Value, crate::Error>> + Send + 'a {
                crate::paginate::pages(crate::paginate::JsonPages(self))
            }
            /// Collects every item of every page into one `Vec`.
            pub async fn collect_all(self) -> ::std::result::Result<::std::vec::Vec<types::#item>, crate::Error> {
                crate::paginate::collect(self).await
            }
        }
    }
}
