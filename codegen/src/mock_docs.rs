//! Docs for progenitor's typed httpmock helpers, which it writes without any: what each
//! matcher requires (notably that `None` means "the request sends no such parameter", not
//! "any value") and what each answer sends.

use syn::visit_mut::VisitMut;

/// Adds a doc to every undocumented method of the `When`/`Then` wrappers and of
/// `MockServerExt`.
pub fn document(file: &mut syn::File) {
    Docs.visit_file_mut(file);
}

struct Docs;

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

/// The first string literal after `call(` in `body`, e.g. the parameter of `query_param("x"`.
fn literal_after<'a>(body: &'a str, call: &str) -> Option<&'a str> {
    let rest = &body[body.find(call)? + call.len()..];
    let start = rest.find('"')? + 1;
    let len = rest[start..].find('"')?;
    Some(&rest[start..start + len])
}

/// The `N` of `.status(Nu16)`.
fn status(body: &str) -> Option<u16> {
    let rest = &body[body.find("status (")? + "status (".len()..];
    rest.split("u16").next()?.trim().parse().ok()
}

fn method_doc(owner: &str, name: &str, body: &str) -> String {
    let when = owner.ends_with("When");
    match name {
        "new" if when => {
            "Matches this operation's method and path (from httpmock's `When`); the other \
             methods add conditions."
                .into()
        }
        "new" => "Wraps httpmock's `Then` for this operation's answers.".into(),
        "into_inner" => format!(
            "httpmock's own `{}`, for what these typed methods do not cover.",
            if when { "When" } else { "Then" }
        ),
        _ if when => match (
            literal_after(body, "query_param_missing ("),
            literal_after(body, "query_param ("),
        ) {
            (Some(p), _) => format!(
                "Requires the query parameter `{p}`: a value (or `Some(value)`) requires \
                 `{p}=value`; `None` requires that the request sends no `{p}` at all (it does \
                 not mean \"any value\": leave the method out for that)."
            ),
            (None, Some(p)) => format!("Requires the query parameter `{p}` to be this value."),
            _ if body.contains("path_matches") => {
                format!("Requires this value as the `{name}` segment of the path.")
            }
            _ if body.contains("json_body") => {
                "Requires the JSON body to equal this value, as it serialises (fields left \
                 out of the value must be absent from the request)."
                    .into()
            }
            _ => String::new(),
        },
        _ => match (status(body), body.contains("json_body")) {
            (Some(n), true) => format!("Answers HTTP {n} with this value as the JSON body."),
            (Some(n), false) => format!("Answers HTTP {n} without a body."),
            (None, true) => "Answers with this 2xx status and JSON body (the spec does not \
                             say which status; panics outside 2xx)."
                .into(),
            (None, false) => "Answers with this 2xx status and no body (the spec does not say \
                              which status; panics outside 2xx)."
                .into(),
        },
    }
}

impl VisitMut for Docs {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let owner = quote::ToTokens::to_token_stream(&item.self_ty).to_string();
        for member in &mut item.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if has_doc(&f.attrs) {
                continue;
            }
            let body = quote::ToTokens::to_token_stream(&f.block).to_string();
            let doc = method_doc(&owner, &f.sig.ident.to_string(), &body);
            if !doc.is_empty() {
                f.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
            }
        }
    }

    fn visit_item_trait_mut(&mut self, item: &mut syn::ItemTrait) {
        for member in &mut item.items {
            let syn::TraitItem::Fn(f) = member else {
                continue;
            };
            if has_doc(&f.attrs) {
                continue;
            }
            let doc = format!(
                "Mocks `{}`: `config_fn` gets its request matcher (`When`) and its answer \
                 (`Then`); returns the mock, whose `calls()` counts the matching requests.",
                f.sig.ident
            );
            f.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
        }
    }
}
