//! Build-time description of the command line ([`crate::build_cli`], for `cli/build.rs`): one
//! command per operation of the prepared spec, as static data for the hand-written machinery,
//! plus a typed dispatch that drives the crate's public request builders.
//!
//! Only `prepare/` is shared with the client's generation: the CLI sees the same operations,
//! enum names and body types the crate was generated with.

use crate::prepare::{Operation, Prepared, resolve};
use crate::read_back::{ReadBack, Source, creation_checks};
use heck::{ToKebabCase, ToSnakeCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

mod columns;
use columns::{csv_columns, nested_lists, success_schema, table_columns};

/// Flags of the global machinery; a spec parameter or body field with one of these names could
/// not get its own flag.
const RESERVED: &[&str] = &[
    "output",
    "all",
    "profile",
    "sandbox",
    "dry-run",
    "yes",
    "debug",
    "body",
    "clear",
    "error-format",
    "each-customer",
    "domain-ids",
    "concurrency",
    "rate-limit",
    "help",
    "version",
    "base-url",
    "quiet",
    "fields",
    "jq",
    "explode",
    "bom",
];

/// The scalar kinds a flag can carry. Nested objects and arrays go through `--body`.
fn kind_of(spec: &Value, schema: &Value) -> Option<&'static str> {
    let s = resolve(spec, schema);
    if s.get("enum").is_some() {
        return Some("Enum");
    }
    match s.get("type").and_then(Value::as_str)? {
        "string" => Some("String"),
        "integer" => Some("Integer"),
        "number" => Some("Number"),
        "boolean" => Some("Boolean"),
        _ => None,
    }
}

fn enum_values(spec: &Value, schema: &Value) -> Vec<String> {
    resolve(spec, schema)
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn opt_str(v: Option<String>) -> TokenStream {
    match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

/// Help text names operations as the commands do: `create_pre_order` (the spec's
/// `operationId`) becomes `create-pre-order`; other words stay as they are.
fn kebab_ops(text: &str, ids: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if ids.iter().any(|id| id == word.as_str()) {
            out.push_str(&word.to_kebab_case());
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The Rust type a parameter's builder method takes, from the prepared (hoisted) schema.
fn param_rust_type(prepared: &Value, schema: &Value) -> Result<TokenStream, String> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        let target = resolve(prepared, schema);
        if target.get("enum").is_some() {
            let ident = Ident::new(name, Span::call_site());
            return Ok(quote!(lineworks_partner::types::#ident));
        }
        return param_rust_type(prepared, target);
    }
    let format = schema.get("format").and_then(Value::as_str);
    match (schema.get("type").and_then(Value::as_str), format) {
        (Some("integer"), Some("int32")) => Ok(quote!(i32)),
        (Some("integer"), _) => Ok(quote!(i64)),
        (Some("number"), _) => Ok(quote!(f64)),
        (Some("boolean"), _) => Ok(quote!(bool)),
        (Some("string"), _) => Ok(quote!(String)),
        other => Err(format!(
            "parameter schema of type {other:?} has no flag type"
        )),
    }
}

fn params_of<'a>(item: &'a Value, op: &'a Value) -> impl Iterator<Item = &'a Value> {
    let list = |v: &'a Value| {
        v.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    };
    list(item).chain(list(op))
}

/// A list that is not paged (`{"usages": [...]}`): its one array property, so that ndjson, csv
/// and table output have rows.
fn sole_array(spec: &Value, raw: &Value) -> Option<String> {
    let schema = resolve(spec, success_schema(raw)?);
    let arrays: Vec<&String> = schema
        .get("properties")
        .and_then(Value::as_object)?
        .iter()
        .filter(|(_, p)| resolve(spec, p).get("type").and_then(Value::as_str) == Some("array"))
        .map(|(k, _)| k)
        .collect();
    match arrays.as_slice() {
        [one] => Some((*one).clone()),
        _ => None,
    }
}

/// Whether a body field schedules a cancellation, from the spec's words: an enum with a
/// `CANCEL` value (for that value), or a field whose description's first clause is about
/// cancelling (`Day to cancel the contract, or null to drop ...`: any non-null value).
fn cancellation(description: &str, values: &[String]) -> TokenStream {
    let cancel: Vec<&String> = values.iter().filter(|v| v.as_str() == "CANCEL").collect();
    if !cancel.is_empty() {
        return quote!(Cancels::Values(&[#(#cancel),*]));
    }
    let first = description
        .split(['.', ',', ';'])
        .next()
        .unwrap_or_default()
        .to_lowercase();
    if first.contains("cancel") || first.contains("withdraw") {
        quote!(Cancels::AnyValue)
    } else {
        quote!(Cancels::No)
    }
}

struct Built {
    spec: TokenStream,
    dispatch: TokenStream,
}

/// A source of `x-read-back` as a `Source` of the table.
fn source_tokens(source: &Source) -> TokenStream {
    match source {
        Source::Path(name) => quote!(Source::Path(#name)),
        Source::Body(field) => quote!(Source::Body(#field)),
    }
}

/// `creation_check` of a write whose `x-read-back` proves creation: the listing to read on a
/// resume, how its parameters come from the row, and which item is the row's.
fn creation_check(rb: Option<&ReadBack<'_>>) -> Result<TokenStream, String> {
    let Some(rb) = rb else {
        return Ok(quote!(None));
    };
    let read = &rb.read.id;
    let items = rb
        .items
        .as_deref()
        .ok_or_else(|| format!("{}: a creation read-back without items", rb.write.id))?;
    let pair = |(name, source): &(String, Source)| {
        let source = source_tokens(source);
        quote!((#name, #source))
    };
    let params = rb.params.iter().map(pair);
    let matches = rb.matches.iter().map(pair);
    Ok(
        quote!(Some(CreationCheck { read: #read, params: &[#(#params),*], items: #items,
        matches: &[#(#matches),*] })),
    )
}

fn command(
    original: &Value,
    prepared: &Value,
    op: &Operation,
    ids: &[String],
    creation: Option<&ReadBack<'_>>,
) -> Result<Built, String> {
    let method_lc = op.method.to_lowercase();
    let item = &original["paths"][&op.path];
    let raw = &item[&method_lc];
    let prepared_item = &prepared["paths"][&op.path];
    let prepared_op = &prepared_item[&method_lc];
    let id = &op.id;
    let name = id.to_kebab_case();
    let builder = Ident::new(&id.to_snake_case(), Span::call_site());
    let mut flags: Vec<String> = Vec::new();
    let mut claim = |flag: &str| -> Result<(), String> {
        if RESERVED.contains(&flag) || flags.iter().any(|f| f == flag) {
            return Err(format!(
                "{id}: flag --{flag} is taken; rename it in codegen/src/cli.rs (RESERVED)"
            ));
        }
        flags.push(flag.to_string());
        Ok(())
    };

    let mut param_specs = Vec::new();
    let mut param_calls = Vec::new();
    let mut example = format!("lineworks-partner {name}");
    for p in params_of(item, raw) {
        let p = resolve(original, p);
        let location = p["in"].as_str().unwrap_or_default();
        if location == "header" {
            continue;
        }
        let wire = p["name"].as_str().unwrap_or_default();
        let flag = wire.to_kebab_case();
        claim(&flag)?;
        let schema = p.get("schema").cloned().unwrap_or(Value::Null);
        let kind =
            kind_of(original, &schema).ok_or_else(|| format!("{id}: {wire} is not scalar"))?;
        let kind = Ident::new(kind, Span::call_site());
        let values = enum_values(original, &schema);
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let description = kebab_ops(
            &one_line(
                p.get("description")
                    .or_else(|| resolve(original, &schema).get("description"))
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            ),
            ids,
        );
        let default = opt_str(
            resolve(original, &schema)
                .get("default")
                .and_then(scalar_text),
        );
        let loc = Ident::new(
            if location == "path" { "Path" } else { "Query" },
            Span::call_site(),
        );
        let prepared_param = params_of(prepared_item, prepared_op)
            .map(|q| resolve(prepared, q))
            .find(|q| q["name"] == p["name"])
            .ok_or_else(|| format!("{id}: {wire} missing from the prepared spec"))?;
        let ty = param_rust_type(prepared, &prepared_param["schema"])?;
        let setter = Ident::new(&wire.to_snake_case(), Span::call_site());
        param_calls.push(quote! {
            if let Some(v) = req.param::<#ty>(#wire)? { b = b.#setter(v); }
        });
        if required {
            let shown = op
                .params
                .iter()
                .find(|x| x.name == wire)
                .and_then(|x| x.example.as_ref())
                .and_then(scalar_text)
                .unwrap_or_else(|| "VALUE".into());
            example.push_str(&format!(" --{flag} {shown}"));
        }
        param_specs.push(quote! {
            ParamSpec { wire: #wire, flag: #flag, location: Location::#loc, kind: Kind::#kind,
                required: #required, default: #default, values: &[#(#values),*],
                description: #description }
        });
    }

    let body_spec;
    let body_call;
    match &op.body_type {
        Some(body_type) => {
            let body_required = raw
                .pointer("/requestBody/required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let schema = raw
                .pointer("/requestBody/content/application~1json/schema")
                .map(|s| resolve(original, s))
                .unwrap_or(&Value::Null);
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut fields = Vec::new();
            for (wire, prop) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let resolved = resolve(original, prop);
                let read_only = resolved.get("readOnly").and_then(Value::as_bool) == Some(true);
                let Some(kind) = kind_of(original, prop).filter(|_| !read_only) else {
                    continue;
                };
                let flag = wire.to_kebab_case();
                claim(&flag)?;
                let kind = Ident::new(kind, Span::call_site());
                let values = enum_values(original, prop);
                let nullable = resolved.get("nullable").and_then(Value::as_bool) == Some(true)
                    || prop.get("nullable").and_then(Value::as_bool) == Some(true);
                let is_required = required.contains(&wire.as_str());
                let description = kebab_ops(
                    &one_line(
                        prop.get("description")
                            .or_else(|| resolved.get("description"))
                            .and_then(Value::as_str)
                            .unwrap_or_default(),
                    ),
                    ids,
                );
                if is_required {
                    let shown = resolved
                        .get("example")
                        .and_then(scalar_text)
                        .or_else(|| values.first().cloned())
                        .unwrap_or_else(|| "VALUE".into());
                    let shown = if shown.contains(' ') {
                        format!("'{shown}'")
                    } else {
                        shown
                    };
                    example.push_str(&format!(" --{flag} {shown}"));
                }
                let cancels = cancellation(&description, &values);
                fields.push(quote! {
                    FieldSpec { wire: #wire, flag: #flag, kind: Kind::#kind, nullable: #nullable,
                        required: #is_required, values: &[#(#values),*], description: #description,
                        cancels: #cancels }
                });
            }
            // Every top-level property, scalar or not: a name outside them is a typo unless
            // the user opts in (`--allow-unknown-values`).
            let properties: Vec<&str> = schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, _)| k.as_str())
                .collect();
            body_spec = quote!(Some(BodySpec { required: #body_required, fields: &[#(#fields),*],
                properties: &[#(#properties),*] }));
            let ty = Ident::new(body_type, Span::call_site());
            body_call = quote! {
                if let Some(v) = req.body::<lineworks_partner::types::#ty>()? { b = b.body(v); }
            };
        }
        None => {
            body_spec = quote!(None);
            body_call = quote!();
        }
    }

    let method = &op.method;
    let path = &op.path;
    let summary = kebab_ops(&one_line(&op.summary), ids);
    let description = kebab_ops(op.description.trim(), ids);
    let tag = raw
        .pointer("/tags/0")
        .and_then(Value::as_str)
        .unwrap_or("other")
        .to_string();
    // From the spec, not the command's name: a DELETE, or an operation the spec sums up as
    // a cancellation. Fields that schedule one are `FieldSpec::cancels`.
    let destructive = op.method == "DELETE" || summary.to_lowercase().starts_with("cancel");
    let docs_url = opt_str(op.docs_url.clone());
    let paged = op.pagination.is_some();
    let items_field_name = op
        .pagination
        .as_ref()
        .map(|p| p.items_field.clone())
        .or_else(|| sole_array(original, raw));
    // `--all` asks for the largest page the spec allows: fewer calls against a quota.
    let count_param = opt_str(
        raw.pointer("/x-pagination/countParam")
            .and_then(Value::as_str)
            .map(str::to_string),
    );
    // Where a page names the next one (`/responseMetaData/nextCursor`): without `--all`, a
    // page that has a next one is said to be partial.
    let next_cursor = opt_str(
        raw.pointer("/x-pagination/nextCursorField")
            .and_then(Value::as_str)
            .map(|f| f.split('.').map(|s| format!("/{s}")).collect()),
    );
    let count_max = match op.pagination.as_ref().and_then(|p| p.count_max) {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    };
    let columns = table_columns(original, raw, items_field_name.as_deref());
    let csv_columns = csv_columns(original, raw, items_field_name.as_deref());
    let lists: Vec<TokenStream> = nested_lists(original, raw, items_field_name.as_deref())
        .into_iter()
        .map(|(field, cols)| quote!((#field, &[#(#cols),*])))
        .collect();
    let items_field = opt_str(items_field_name);
    let all_arm = if op.pagination.is_some() {
        quote! {
            Mode::All => Ok(Outcome::Pages(Box::pin(futures_util::StreamExt::map(
                b.pages_json(),
                move |page| page.map_err(|e| client_error(e, op)),
            )))),
        }
    } else {
        quote!(Mode::All => Ok(Outcome::One(b.send_json().await.map_err(|e| client_error(e, op))?)),)
    };
    let creation_check = creation_check(creation)?;
    let deprecated = op.deprecated;
    let replaced_by: Vec<String> = op.replaced_by.iter().map(|r| r.to_kebab_case()).collect();
    let spec = quote! {
        CommandSpec {
            id: #id, name: #name, tag: #tag, method: #method, path: #path,
            deprecated: #deprecated, replaced_by: &[#(#replaced_by),*],
            summary: #summary, description: #description, example: #example, docs_url: #docs_url,
            params: &[#(#param_specs),*], body: #body_spec, items_field: #items_field,
            destructive: #destructive, paged: #paged, count_param: #count_param,
            count_max: #count_max, next_cursor: #next_cursor, columns: &[#(#columns),*],
            csv_columns: &[#(#csv_columns),*], lists: &[#(#lists),*],
            creation_check: #creation_check,
        }
    };
    let dispatch = quote! {
        #id => {
            #[allow(unused_mut)]
            let mut b = client.#builder();
            #(#param_calls)*
            #body_call
            match mode {
                Mode::Check => Ok(Outcome::Checked),
                Mode::One => Ok(Outcome::One(b.send_json().await.map_err(|e| client_error(e, op))?)),
                #all_arm
            }
        }
    };
    Ok(Built { spec, dispatch })
}

/// `COMMANDS` (one [`CommandSpec`] per operation, in spec order) and `dispatch`, for
/// `include!` in `cli/src/generated.rs`, which brings the spec types and helpers into scope.
pub fn commands(original: &Value, prepared: &Prepared) -> Result<TokenStream, String> {
    let mut specs = Vec::new();
    let mut arms = Vec::new();
    let ids: Vec<String> = prepared.operations.iter().map(|o| o.id.clone()).collect();
    let creations = creation_checks(original, &prepared.operations)?;
    for op in &prepared.operations {
        let creation = creations.iter().find(|rb| rb.write.id == op.id);
        let built = command(original, &prepared.spec, op, &ids, creation)?;
        specs.push(built.spec);
        arms.push(built.dispatch);
    }
    let version = original
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    Ok(quote! {
        /// `info.version` of the spec the commands were generated from.
        pub const SPEC_VERSION: &str = #version;

        /// Every operation of the spec, in spec order.
        pub static COMMANDS: &[CommandSpec] = &[#(#specs),*];

        /// Builds the typed request of `op` from `req` and, depending on `mode`,
        /// stops there, sends it once, or streams every page.
        pub async fn dispatch<'a>(
            client: &'a lineworks_partner::Client,
            op: &'static CommandSpec,
            req: &Request,
            mode: Mode,
        ) -> Result<Outcome<'a>, CliError> {
            match op.id {
                #(#arms)*
                other => Err(CliError::usage(format!("unknown operation {other}"))),
            }
        }
    })
}
