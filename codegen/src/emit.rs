//! Emits the open enums and the operation table (with the request rules). The client methods
//! and request builders are in `api.rs`.

use crate::prepare::{EnumDef, Operation, RuleKind};
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeSet;

pub fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// Rust field name typify gives a JSON property.
pub fn field_ident(name: &str) -> Ident {
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

pub fn variant_names(values: &[String]) -> Vec<Ident> {
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
        let name_str = &e.name;
        let doc = e.description.clone().unwrap_or_else(|| format!("Values of `{}`.", e.name));
        let variant_docs = values.iter().map(|v| format!("`{v}`"));
        quote! {
            #[doc = #doc]
            ///
            /// Open: a value this version of the crate does not know is kept in `Unknown` and
            /// sent back unchanged, so a new plan, option or status never fails a call.
            /// Requests are strict: text becomes a value through `parse`/`try_from`, which
            /// refuse a value the spec does not list (a typo fails before anything is sent);
            /// only an `Unknown(..)` built on purpose sends another value.
            #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
            /// Shows the wire value (`"ja_JP"`), which is what logs and docs talk about;
            /// a value the spec does not list shows as `Unknown("...")`.
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        Self::Unknown(other) => f.debug_tuple("Unknown").field(other).finish(),
                        known => ::std::fmt::Debug::fmt(known.as_str(), f),
                    }
                }
            }
            impl #name {
                /// Reads a value as the server sends it: a value the spec does not list is
                /// kept in `Unknown`. For values a caller writes, use `parse` or `try_from`,
                /// which refuse a typo.
                pub fn from_wire(value: impl ::std::convert::Into<::std::string::String>) -> Self {
                    let value = value.into();
                    match value.as_str() {
                        #( #values => Self::#variants, )*
                        _ => Self::Unknown(value),
                    }
                }
            }
            /// Strict: only the values the spec lists. Build `Unknown(..)` to send another
            /// value on purpose.
            impl ::std::str::FromStr for #name {
                type Err = crate::UnknownValue;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    match value {
                        #( #values => Ok(Self::#variants), )*
                        other => Err(crate::UnknownValue::new(#name_str, other, Self::KNOWN)),
                    }
                }
            }
            impl ::std::convert::TryFrom<&str> for #name {
                type Error = crate::UnknownValue;
                fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                    value.parse()
                }
            }
            impl ::std::convert::TryFrom<::std::string::String> for #name {
                type Error = crate::UnknownValue;
                fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                    value.parse()
                }
            }
            impl ::std::convert::TryFrom<&::std::string::String> for #name {
                type Error = crate::UnknownValue;
                fn try_from(value: &::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                    value.parse()
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
                    Ok(Self::from_wire(value))
                }
            }
        }
    });
    let names = enums.iter().map(|e| e.name.as_str());
    let types = enums.iter().map(|e| ident(&e.name));
    quote! {
        #(#items)*
        /// The values the spec lists for the enum of this name; validation names them when
        /// a query or path value does not convert.
        pub(crate) fn known_values(name: &str) -> Option<&'static [&'static str]> {
            match name {
                #( #names => Some(#types::KNOWN), )*
                _ => None,
            }
        }
    }
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
        RuleKind::ExclusiveMinimum(n) => quote!(crate::validate::RuleKind::ExclusiveMinimum(#n)),
        RuleKind::ExclusiveMaximum(n) => quote!(crate::validate::RuleKind::ExclusiveMaximum(#n)),
        RuleKind::MinProperties(n) => quote!(crate::validate::RuleKind::MinProperties(#n)),
        RuleKind::IanaTimeZone => quote!(crate::validate::RuleKind::IanaTimeZone),
        RuleKind::Base64 => quote!(crate::validate::RuleKind::Base64),
        RuleKind::NoRuns(n) => quote!(crate::validate::RuleKind::NoRuns(#n)),
        RuleKind::Decoded(inner) => {
            let inner = rule_tokens(inner);
            quote!(crate::validate::RuleKind::Decoded(&#inner))
        }
        RuleKind::RequiredIf {
            target,
            when,
            values,
        } => quote!(crate::validate::RuleKind::RequiredIf {
            target: #target,
            when: #when,
            values: &[#(#values),*],
        }),
        RuleKind::ForbiddenIf {
            target,
            when,
            values,
        } => quote!(crate::validate::RuleKind::ForbiddenIf {
            target: #target,
            when: #when,
            values: &[#(#values),*],
        }),
        RuleKind::AnyOfIf {
            targets,
            when,
            values,
        } => quote!(crate::validate::RuleKind::AnyOfIf {
            targets: &[#(#targets),*],
            when: #when,
            values: &[#(#values),*],
        }),
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
