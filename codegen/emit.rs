//! Emits the Rust that sits on top of progenitor's output: open enums, the operation table
//! (with the request rules), the public client methods and request builders, and page streams.

use crate::codegen::prepare::{EnumDef, Operation, Pagination, RuleKind};
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeSet;

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// Rust field name typify gives a JSON property.
fn field_ident(name: &str) -> Ident {
    let snake = name.to_snake_case();
    match snake.as_str() {
        "type" | "ref" | "self" | "super" | "crate" | "move" | "match" | "mod" | "use"
        | "where" | "loop" | "impl" | "in" | "fn" | "enum" | "struct" | "trait" | "static"
        | "const" | "as" | "box" => {
            format_ident!("{}_", snake)
        }
        _ => ident(&snake),
    }
}

fn variant_names(values: &[String]) -> Vec<Ident> {
    let mut seen = BTreeSet::new();
    values
        .iter()
        .map(|v| {
            let mut name: String = v
                .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                .to_upper_camel_case();
            if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                name = format!("V{name}");
            }
            if name == "Unknown" {
                name = "UnknownValue".into();
            }
            while !seen.insert(name.clone()) {
                name.push('_');
            }
            ident(&name)
        })
        .collect()
}

pub fn open_enums(enums: &[EnumDef]) -> TokenStream {
    let items = enums.iter().map(|e| {
        let name = ident(&e.name);
        let variants = variant_names(&e.values);
        let values = &e.values;
        let doc = e.description.clone().unwrap_or_else(|| format!("Values of `{}`.", e.name));
        let variant_docs = values.iter().map(|v| format!("`{v}`"));
        quote! {
            #[doc = #doc]
            ///
            /// Open: a value this version of the crate does not know is kept in `Unknown` and
            /// sent back unchanged, so a new plan, option or status never fails a call.
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #variant_docs] #variants, )*
                /// A value not listed in the spec this crate was built from.
                Unknown(::std::string::String),
            }
            impl #name {
                /// Every value listed in the spec, in its order.
                pub const KNOWN: &'static [&'static str] = &[#(#values),*];
                /// The value as it appears on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#variants => #values, )*
                        Self::Unknown(other) => other.as_str(),
                    }
                }
                /// Whether the value is one the spec does not list.
                pub fn is_unknown(&self) -> bool {
                    matches!(self, Self::Unknown(_))
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    Ok(match value {
                        #( #values => Self::#variants, )*
                        other => Self::Unknown(other.to_string()),
                    })
                }
            }
            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value.parse() {
                        Ok(v) => v,
                        Err(never) => match never {},
                    }
                }
            }
            impl ::std::convert::From<::std::string::String> for #name {
                fn from(value: ::std::string::String) -> Self {
                    match value.as_str() {
                        #( #values => Self::#variants, )*
                        _ => Self::Unknown(value),
                    }
                }
            }
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                    Ok(Self::from(value))
                }
            }
        }
    });
    quote! { #(#items)* }
}

fn rule_tokens(kind: &RuleKind) -> TokenStream {
    match kind {
        RuleKind::MaxLength(n) => quote!(crate::validate::RuleKind::MaxLength(#n)),
        RuleKind::MinLength(n) => quote!(crate::validate::RuleKind::MinLength(#n)),
        RuleKind::MaxBytes(n) => quote!(crate::validate::RuleKind::MaxBytes(#n)),
        RuleKind::Pattern(p) => quote!(crate::validate::RuleKind::Pattern(#p)),
        RuleKind::Minimum(n) => quote!(crate::validate::RuleKind::Minimum(#n)),
        RuleKind::Maximum(n) => quote!(crate::validate::RuleKind::Maximum(#n)),
        RuleKind::MinItems(n) => quote!(crate::validate::RuleKind::MinItems(#n)),
        RuleKind::MaxItems(n) => quote!(crate::validate::RuleKind::MaxItems(#n)),
    }
}

pub fn operations_table(ops: &[Operation]) -> TokenStream {
    let entries = ops.iter().map(|op| {
        let id = &op.id;
        let method = &op.method;
        let path = &op.path;
        let scopes = &op.scopes;
        let paginated = op.pagination.is_some();
        let rules = op.rules.iter().map(|r| {
            let location = match r.location {
                "query" => quote!(crate::validate::Location::Query),
                "path" => quote!(crate::validate::Location::Path),
                _ => quote!(crate::validate::Location::Body),
            };
            let field = &r.field;
            let kind = rule_tokens(&r.kind);
            quote!(crate::validate::Rule { location: #location, field: #field, kind: #kind })
        });
        quote! {
            crate::validate::OperationSpec {
                id: #id,
                method: #method,
                path: #path,
                scopes: &[#(#scopes),*],
                paginated: #paginated,
                rules: &[#(#rules),*],
            }
        }
    });
    let count = ops.len();
    quote! {
        /// Every operation of the spec, in spec order, with the request rules the types do not enforce.
        pub static OPERATIONS: [crate::validate::OperationSpec; #count] = [#(#entries),*];
    }
}

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

fn collect_builders(file: &syn::File) -> Result<Vec<RawBuilder>, String> {
    let module = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .ok_or("progenitor output has no builder module")?;
    let mut builders = Vec::new();
    for item in &module.1 {
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

fn example_literal(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) => Some(format!("{s:?}")),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn method_docs(op: &Operation) -> String {
    let mut doc = String::new();
    if !op.summary.is_empty() {
        doc.push_str(op.summary.trim_end_matches('.'));
        doc.push_str(".\n\n");
    }
    if !op.description.is_empty() && op.description != op.summary {
        doc.push_str(&op.description);
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("`{} {}`", op.method, op.path));
    if !op.scopes.is_empty() {
        let scopes: Vec<String> = op.scopes.iter().map(|s| format!("`{s}`")).collect();
        doc.push_str(&format!(" · scope {}", scopes.join(" or ")));
    }
    if let Some(url) = &op.docs_url {
        doc.push_str(&format!(" · [upstream reference]({url})"));
    }
    doc.push_str("\n\n# Example\n\n```no_run\n");
    doc.push_str("# async fn example(client: &lineworks_partner::Client) -> Result<(), lineworks_partner::Error> {\n");
    if let Some(body) = &op.body_type {
        doc.push_str(&format!(
            "# let body: lineworks_partner::types::{body} = unimplemented!(\"build the request body\");\n"
        ));
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
    if op.body_type.is_some() {
        doc.push_str("    .body(body)\n");
    }
    doc.push_str("    .send()\n    .await?;\n");
    if op.success_type.is_some() {
        doc.push_str("println!(\"{response:?}\");\n");
    }
    doc.push_str("# Ok(())\n# }\n```\n");
    doc
}

pub fn client_api(file: &syn::File, ops: &[Operation]) -> Result<TokenStream, String> {
    let builders = collect_builders(file)?;
    let mut builder_items = Vec::new();
    let mut client_methods = Vec::new();
    let mut page_items = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        let builder_name = op.id.to_upper_camel_case();
        let raw = builders
            .iter()
            .find(|b| b.name == builder_name)
            .ok_or_else(|| format!("no progenitor builder {builder_name} for {}", op.id))?;
        let name = ident(&builder_name);
        let method = ident(&op.id);
        let raw_success = &raw.success;
        // Several success statuses (a guess): any 2xx succeeds, an empty body is `None`.
        let (success, send_body) = match (&op.success_type, op.lenient_success) {
            (Some(body), true) => {
                let body = ident(body);
                (
                    quote!(::std::option::Option<types::#body>),
                    quote!(crate::lenient::optional_body(&crate::generated::OPERATIONS[#index], self.options, self.inner.send()).await),
                )
            }
            _ => (
                quote!(#raw_success),
                quote!(crate::hooks::call(&crate::generated::OPERATIONS[#index], self.options, self.inner.send()).await),
            ),
        };
        let setters = raw.setters.iter().map(|s| {
            let mut sig = s.sig.clone();
            let mut args = Vec::new();
            for input in sig.inputs.iter_mut() {
                match input {
                    syn::FnArg::Receiver(r) => r.mutability = None,
                    syn::FnArg::Typed(t) => {
                        if let syn::Pat::Ident(pi) = &*t.pat {
                            args.push(pi.ident.clone());
                        }
                    }
                }
            }
            let setter = &sig.ident;
            let attrs = &s.attrs;
            let doc = if attrs.is_empty() {
                let text = format!("Sets `{setter}`; checked when the request is sent.");
                quote!(#[doc = #text])
            } else {
                quote!(#(#attrs)*)
            };
            quote! {
                #doc
                pub #sig {
                    Self { inner: self.inner.#setter(#(#args),*), options: self.options }
                }
            }
        });
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
        builder_items.push(quote! {
            #[doc = #struct_doc]
            #[derive(Debug, Clone)]
            #[must_use = "a request builder does nothing until `send` is awaited"]
            pub struct #name<'a> {
                inner: crate::generated::raw::builder::#name<'a>,
                options: crate::hooks::CallOptions,
            }
            impl<'a> #name<'a> {
                pub(crate) fn new(inner: crate::generated::raw::builder::#name<'a>) -> Self {
                    Self { inner, options: ::std::default::Default::default() }
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
                    #send_body
                }
            }
        });
        let docs = method_docs(op);
        client_methods.push(quote! {
            #[doc = #docs]
            pub fn #method(&self) -> builder::#name<'_> {
                builder::#name::new(self.raw().#method())
            }
        });
        if let Some(p) = &op.pagination {
            page_items.push(pagination(&name, p));
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
    })
}

fn pagination(builder: &Ident, p: &Pagination) -> TokenStream {
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
    quote! {
        impl<'a> crate::paginate::Paginated<'a> for #builder<'a> {
            type Page = types::#page;
            type Item = types::#item;
            const MAX_PAGE_SIZE: Option<i64> = #max;
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
            /// Collects every item of every page into one `Vec`.
            pub async fn collect_all(self) -> ::std::result::Result<::std::vec::Vec<types::#item>, crate::Error> {
                crate::paginate::collect(self).await
            }
        }
    }
}
