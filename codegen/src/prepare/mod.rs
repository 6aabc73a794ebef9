//! Turns the published spec into the document progenitor generates from.
//!
//! The published spec stays faithful to the upstream docs. Rust needs a few changes that would
//! be wrong to publish: open enums, lenient response parsing, PATCH bodies that never send a
//! default. Every change is made here, on a copy, and every rule removed from the types is kept
//! in [`Operation::rules`] so requests are still checked before they are sent.

mod enums;
mod operations;
mod relax;
mod rules;
mod truncated;
mod walk;
mod x_rules;

pub use relax::request_schemas;
pub use walk::resolve;

use enums::*;
use heck::ToUpperCamelCase;
use operations::*;
use relax::*;
use rules::*;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use walk::*;

/// An enum schema that becomes an open enum (known variants plus `Unknown(String)`).
pub struct EnumDef {
    pub name: String,
    pub values: Vec<String>,
    pub description: Option<String>,
}

/// A request rule the generated types no longer enforce.
#[derive(Clone)]
pub struct Rule {
    /// `query`, `path` or `body`.
    pub location: &'static str,
    /// Dotted JSON path in the body, `[]` for array items; the parameter name otherwise.
    pub field: String,
    pub kind: RuleKind,
}

#[derive(Clone)]
pub enum RuleKind {
    MaxLength(u64),
    MinLength(u64),
    MaxBytes(u64),
    Pattern(String),
    Minimum(f64),
    Maximum(f64),
    MinItems(u64),
    MaxItems(u64),
    ExclusiveMinimum(f64),
    ExclusiveMaximum(f64),
    MinProperties(u64),
    /// `x-rules: [iana-time-zone]`.
    IanaTimeZone,
    /// `x-rules: [{base64: ...}]`: standard Base64 of UTF-8 text.
    Base64,
    /// A rule on the Base64-decoded text (`x-rules: [{base64: {minLength: 8, ...}}]`).
    Decoded(Box<RuleKind>),
    /// `noRuns: N` under `base64`: no N characters in a row that repeat or count up.
    NoRuns(u64),
    /// `x-rules` on an object: `target` set (not null) when `when` is one of `values`.
    RequiredIf {
        target: String,
        when: String,
        values: Vec<String>,
    },
    /// `x-rules` on an object: `target` absent or null when `when` is one of `values`.
    ForbiddenIf {
        target: String,
        when: String,
        values: Vec<String>,
    },
    /// `x-rules` on an object: at least one of `targets` set when `when` is one of `values`.
    AnyOfIf {
        targets: Vec<String>,
        when: String,
        values: Vec<String>,
    },
}

pub struct Pagination {
    pub items_field: String,
    pub items_type: String,
    pub page_type: String,
    pub cursor_param: String,
    /// Path to the next cursor in the page, with whether each step is optional in Rust.
    pub next_cursor: Vec<(String, bool)>,
    pub count_max: Option<i64>,
}

pub struct Param {
    pub name: String,
    pub required: bool,
    pub example: Option<Value>,
}

pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub scopes: Vec<String>,
    pub docs_url: Option<String>,
    pub params: Vec<Param>,
    pub body_type: Option<String>,
    pub success_type: Option<String>,
    /// The spec accepts several success statuses (a guess, see `x-expected-status`): the call
    /// succeeds on any 2xx, and one with a body returns `Option<T>` (`None`: empty body).
    pub lenient_success: bool,
    pub rules: Vec<Rule>,
    pub pagination: Option<Pagination>,
    /// `deprecated: true`: the upstream reference schedules the operation's removal.
    pub deprecated: bool,
    /// `x-replaced-by`: the current operations to use instead (empty: none named).
    pub replaced_by: Vec<String>,
}

pub struct Prepared {
    pub spec: Value,
    pub enums: Vec<EnumDef>,
    pub operations: Vec<Operation>,
    /// Placeholder components to replace with `crate::Nullable<T>`: (component, Rust type of T).
    pub nullables: Vec<(String, String)>,
    /// Placeholder components to replace with `crate::SecretText` (`format: byte` secrets).
    pub secrets: Vec<String>,
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub fn prepare(original: &Value) -> Result<Prepared, String> {
    let mut spec = original.clone();
    let mut hoisted: BTreeMap<String, Value> = BTreeMap::new();

    // Hoist inline enums (and walk inline objects) so every enum is a named component.
    {
        let schemas = spec
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .ok_or("the spec has no components.schemas")?;
        let names: Vec<String> = schemas.keys().cloned().collect();
        for name in names {
            let schema = schemas.get_mut(&name).expect("listed above");
            hoist_in_schema(schema, &name, &mut hoisted, true);
        }
    }
    let paths = spec
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .ok_or("the spec has no paths")?;
    for (_, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(op) = item.get_mut(method) else {
                continue;
            };
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or("an operation has no operationId")?
                .to_upper_camel_case();
            if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                for p in params {
                    let pname = p
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_upper_camel_case();
                    if let Some(s) = p.get_mut("schema") {
                        hoist_in_schema(s, &format!("{id}{pname}"), &mut hoisted, false);
                    }
                }
            }
            if let Some(s) = op.pointer_mut("/requestBody/content/application~1json/schema") {
                hoist_in_schema(s, &format!("{id}Body"), &mut hoisted, false);
            }
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                for (status, r) in responses.iter_mut() {
                    if let Some(s) = r.pointer_mut("/content/application~1json/schema") {
                        hoist_in_schema(s, &format!("{id}Response{status}"), &mut hoisted, false);
                    }
                }
            }
        }
    }
    {
        let schemas = spec
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .expect("checked above");
        for (name, schema) in hoisted {
            if schemas.contains_key(&name) {
                return Err(format!(
                    "hoisted enum name {name} collides with a component"
                ));
            }
            schemas.insert(name, schema);
        }
    }

    x_rules::check_x_rules(original)?;
    let enums = collect_enums(&spec);
    let operations = collect_operations(original, &spec)?;
    check_patterns(&operations)?;
    check_replacements(&operations)?;

    let secrets = secret_byte_fields(&mut spec)?;
    let nullables = nullable_request_fields(&mut spec);
    collapse_success_statuses(&mut spec, &operations);
    relax(&mut spec);
    strip_strictness(&mut spec);
    truncated::keep_unknown_fields(&mut spec)?;
    Ok(Prepared {
        nullables,
        secrets,
        spec,
        enums,
        operations,
    })
}
