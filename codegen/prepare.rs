//! Turns the published spec into the document progenitor generates from.
//!
//! The published spec stays faithful to the upstream docs. Rust needs a few changes that would
//! be wrong to publish: open enums, lenient response parsing, PATCH bodies that never send a
//! default. Every change is made here, on a copy, and every rule removed from the types is kept
//! in [`Operation::rules`] so requests are still checked before they are sent.

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

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
}

pub struct Prepared {
    pub spec: Value,
    pub enums: Vec<EnumDef>,
    pub operations: Vec<Operation>,
    /// Placeholder components to replace with `crate::Nullable<T>`: (component, Rust type of T).
    pub nullables: Vec<(String, String)>,
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

    let enums = collect_enums(&spec);
    let operations = collect_operations(original, &spec)?;
    check_patterns(&operations)?;

    let nullables = nullable_request_fields(&mut spec);
    collapse_success_statuses(&mut spec, &operations);
    relax(&mut spec);
    strip_strictness(&mut spec);
    Ok(Prepared {
        nullables,
        spec,
        enums,
        operations,
    })
}

fn is_string_enum(schema: &Value) -> bool {
    schema.get("enum").is_some() && schema.get("type").and_then(Value::as_str) == Some("string")
}

/// Replaces inline enums below `schema` by `$ref`s to new components named after their place.
fn hoist_in_schema(
    schema: &mut Value,
    name: &str,
    out: &mut BTreeMap<String, Value>,
    is_component: bool,
) {
    if is_string_enum(schema) {
        if is_component {
            return;
        }
        let nullable = schema.get("nullable").cloned();
        let mut def = schema.clone();
        if let Some(obj) = def.as_object_mut() {
            obj.remove("nullable");
            obj.remove("example");
            obj.remove("default");
        }
        let mut unique = name.to_string();
        while out.get(&unique).is_some_and(|existing| existing != &def) {
            unique.push('_');
        }
        out.insert(unique.clone(), def);
        let mut reference = Map::new();
        reference.insert(
            "$ref".into(),
            Value::String(format!("#/components/schemas/{unique}")),
        );
        if let Some(n) = nullable {
            reference.insert("nullable".into(), n);
        }
        *schema = Value::Object(reference);
        return;
    }
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (prop, s) in props.iter_mut() {
            hoist_in_schema(
                s,
                &format!("{name}{}", prop.to_upper_camel_case()),
                out,
                false,
            );
        }
    }
    if let Some(items) = schema.get_mut("items") {
        hoist_in_schema(items, &format!("{name}Item"), out, false);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = schema.get_mut(key).and_then(Value::as_array_mut) {
            for s in list {
                hoist_in_schema(s, name, out, false);
            }
        }
    }
}

fn collect_enums(spec: &Value) -> Vec<EnumDef> {
    let mut enums = Vec::new();
    if let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            if is_string_enum(schema) {
                let values = schema["enum"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                let description = schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                enums.push(EnumDef {
                    name: name.clone(),
                    values,
                    description,
                });
            }
        }
    }
    enums
}

/// Follows local `$ref`s (and single-element `allOf` wrappers) to the schema they name.
pub fn resolve<'a>(spec: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let pointer = r.trim_start_matches('#');
            match spec.pointer(pointer) {
                Some(target) => schema = target,
                None => return schema,
            }
        } else if let Some([only]) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            schema = only;
        } else {
            break;
        }
    }
    schema
}

fn ref_name(schema: &Value) -> Option<String> {
    let s = schema.get("$ref").or_else(|| {
        schema
            .get("allOf")
            .and_then(|a| a.get(0))
            .and_then(|s| s.get("$ref"))
    })?;
    s.as_str()?.rsplit('/').next().map(str::to_string)
}

fn schema_rules(
    spec: &Value,
    schema: &Value,
    field: &str,
    location: &'static str,
    out: &mut Vec<Rule>,
    depth: u32,
) {
    if depth > 12 {
        return;
    }
    let schema = resolve(spec, schema);
    let mut push = |kind| {
        out.push(Rule {
            location,
            field: field.to_string(),
            kind,
        })
    };
    let num = |k: &str| schema.get(k).and_then(Value::as_f64);
    let int = |k: &str| schema.get(k).and_then(Value::as_u64);
    if let Some(n) = int("maxLength") {
        push(RuleKind::MaxLength(n));
    }
    if let Some(n) = int("minLength") {
        push(RuleKind::MinLength(n));
    }
    if let Some(n) = int("x-max-bytes") {
        push(RuleKind::MaxBytes(n));
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        push(RuleKind::Pattern(p.to_string()));
    }
    // OpenAPI 3.0: `exclusiveMinimum`/`exclusiveMaximum` are flags on `minimum`/`maximum`.
    let exclusive = |k: &str| schema.get(k).and_then(Value::as_bool) == Some(true);
    if let Some(n) = num("minimum") {
        push(if exclusive("exclusiveMinimum") {
            RuleKind::ExclusiveMinimum(n)
        } else {
            RuleKind::Minimum(n)
        });
    }
    if let Some(n) = num("maximum") {
        push(if exclusive("exclusiveMaximum") {
            RuleKind::ExclusiveMaximum(n)
        } else {
            RuleKind::Maximum(n)
        });
    }
    if let Some(n) = int("minProperties") {
        push(RuleKind::MinProperties(n));
    }
    if let Some(n) = int("minItems") {
        push(RuleKind::MinItems(n));
    }
    if let Some(n) = int("maxItems") {
        push(RuleKind::MaxItems(n));
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, s) in props {
            let path = if field.is_empty() {
                name.clone()
            } else {
                format!("{field}.{name}")
            };
            schema_rules(spec, s, &path, location, out, depth + 1);
        }
    }
    if let Some(items) = schema.get("items") {
        schema_rules(spec, items, &format!("{field}[]"), location, out, depth + 1);
    }
    if let Some(list) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .filter(|l| l.len() > 1)
    {
        for s in list {
            schema_rules(spec, s, field, location, out, depth + 1);
        }
    }
}

/// A `pattern` the request check could not compile would silently check nothing; refuse
/// it here, with the field that carries it. `regress` is the engine `validate` uses.
fn check_patterns(ops: &[Operation]) -> Result<(), String> {
    for op in ops {
        for rule in &op.rules {
            if let RuleKind::Pattern(p) = &rule.kind {
                regress::Regex::new(p).map_err(|e| {
                    format!(
                        "{}: the pattern of {} `{}` does not compile ({e}): {p}",
                        op.id, rule.location, rule.field
                    )
                })?;
            }
        }
    }
    Ok(())
}

fn collect_operations(original: &Value, prepared: &Value) -> Result<Vec<Operation>, String> {
    let mut ops = Vec::new();
    let paths = original
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("no paths")?;
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let prepared_op = &prepared["paths"][path][method];
            let id = op["operationId"]
                .as_str()
                .ok_or("missing operationId")?
                .to_string();
            let text = |k: &str| {
                op.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .trim()
                    .to_string()
            };
            let mut scopes = Vec::new();
            for requirement in op
                .get("security")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                for (_, list) in requirement.as_object().into_iter().flatten() {
                    for s in list
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        if !scopes.iter().any(|x| x == s) {
                            scopes.push(s.to_string());
                        }
                    }
                }
            }
            let mut rules = Vec::new();
            let mut params = Vec::new();
            let all_params = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                );
            for p in all_params {
                let p = resolve(original, p);
                let name = p["name"].as_str().unwrap_or_default().to_string();
                let location = p["in"].as_str().unwrap_or_default().to_string();
                if location == "header" {
                    continue;
                }
                if let Some(s) = p.get("schema") {
                    let loc = if location == "path" { "path" } else { "query" };
                    schema_rules(original, s, &name, loc, &mut rules, 0);
                }
                let example = p
                    .get("example")
                    .or_else(|| {
                        p.get("schema")
                            .map(|s| resolve(original, s))
                            .and_then(|s| s.get("example"))
                    })
                    .cloned();
                let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
                params.push(Param {
                    name,
                    required,
                    example,
                });
            }
            let body_schema = op.pointer("/requestBody/content/application~1json/schema");
            if let Some(s) = body_schema {
                schema_rules(original, s, "", "body", &mut rules, 0);
            }
            let body_type = prepared_op
                .pointer("/requestBody/content/application~1json/schema")
                .and_then(ref_name);
            let successes: Vec<(&String, &Value)> = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(status, _)| status.starts_with('2'))
                .collect();
            let expected = expected_status(&id, op, &successes)?;
            let (success_status, success_schema) = successes
                .iter()
                .find(|(status, _)| **status == expected)
                .map(|(status, r)| {
                    (
                        (*status).clone(),
                        resolve(original, r).pointer("/content/application~1json/schema"),
                    )
                })
                .ok_or_else(|| format!("{id} has no success response"))?;
            let success_type = success_schema.and_then(ref_name).or_else(|| {
                success_schema
                    .map(|_| format!("{}Response{success_status}", id.to_upper_camel_case()))
            });
            let pagination = match op.get("x-pagination") {
                Some(x) => Some(pagination(original, &id, x, success_schema, op)?),
                None => None,
            };
            ops.push(Operation {
                id,
                method: method.to_uppercase(),
                path: path.clone(),
                summary: text("summary"),
                description: text("description"),
                scopes,
                docs_url: op
                    .pointer("/externalDocs/url")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                params,
                body_type,
                success_type,
                lenient_success: successes.len() > 1,
                rules,
                pagination,
            });
        }
    }
    Ok(ops)
}

/// The success status an operation is expected to answer: `x-expected-status` where the spec
/// lists several (it must be one of them), else the only 2xx it lists.
fn expected_status(
    id: &str,
    op: &Value,
    successes: &[(&String, &Value)],
) -> Result<String, String> {
    let listed = |s: &str| successes.iter().any(|(status, _)| status.as_str() == s);
    match op.get("x-expected-status") {
        Some(v) => {
            let s = match v {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                _ => return Err(format!("{id}: x-expected-status must be a status code")),
            };
            if listed(&s) {
                Ok(s)
            } else {
                Err(format!(
                    "{id}: x-expected-status {s} is not one of its responses"
                ))
            }
        }
        None => match successes {
            [(only, _)] => Ok((*only).clone()),
            [] => Err(format!("{id} has no success response")),
            _ => Err(format!(
                "{id} lists several success statuses: mark the expected one with x-expected-status"
            )),
        },
    }
}

/// progenitor matches statuses exactly and cannot return different bodies for different
/// codes. Where the spec accepts several success statuses, they become one `2XX` response
/// that progenitor hands over unparsed; the public `send()` parses it
/// (`crate::lenient::optional_body`), so an empty body is `None` instead of an error.
fn collapse_success_statuses(spec: &mut Value, ops: &[Operation]) {
    for op in ops.iter().filter(|op| op.lenient_success) {
        let pointer = format!(
            "/paths/{}/{}/responses",
            op.path.replace('~', "~0").replace('/', "~1"),
            op.method.to_lowercase()
        );
        let Some(responses) = spec.pointer_mut(&pointer).and_then(Value::as_object_mut) else {
            continue;
        };
        responses.retain(|status, _| !status.starts_with('2'));
        let mut success = serde_json::json!({
            "description": "Any success status; the body, if any, is parsed by the caller."
        });
        if op.success_type.is_some() {
            success["content"] = serde_json::json!({
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            });
        }
        responses.insert("2XX".into(), success);
    }
}

fn pagination(
    spec: &Value,
    id: &str,
    x: &Value,
    page: Option<&Value>,
    op: &Value,
) -> Result<Pagination, String> {
    let field = |k: &str| {
        x.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("{id}: x-pagination has no {k}"))
    };
    let items_field = field("itemsField")?;
    let cursor_param = field("cursorParam")?;
    let count_param = field("countParam")?;
    let next_field = field("nextCursorField")?;
    let page =
        page.ok_or_else(|| format!("{id}: x-pagination on an operation without a JSON response"))?;
    let page_type =
        ref_name(page).ok_or_else(|| format!("{id}: the paged response must be a named schema"))?;
    let page_schema = resolve(spec, page);
    let items = page_schema
        .pointer(&format!("/properties/{items_field}"))
        .map(|s| resolve(spec, s))
        .ok_or_else(|| format!("{id}: the page has no property {items_field}"))?;
    let items_type = items
        .get("items")
        .and_then(ref_name)
        .ok_or_else(|| format!("{id}: {items_field} must be an array of a named schema"))?;
    let optional = |schema: &Value, prop: &str| {
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|v| v == prop));
        let nullable = schema
            .pointer(&format!("/properties/{prop}/nullable"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        !required || nullable
    };
    let mut next_cursor = Vec::new();
    let mut at = page_schema;
    for step in next_field.split('.') {
        next_cursor.push((step.to_string(), optional(at, step)));
        at = at
            .pointer(&format!("/properties/{step}"))
            .map(|s| resolve(spec, s))
            .ok_or_else(|| format!("{id}: nextCursorField step {step} not found"))?;
    }
    let count_max = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve(spec, p))
        .find(|p| p["name"] == count_param.as_str())
        .and_then(|p| p.get("schema"))
        .map(|s| resolve(spec, s))
        .and_then(|s| s.get("maximum"))
        .and_then(Value::as_i64);
    Ok(Pagination {
        items_field,
        items_type,
        page_type,
        cursor_param,
        next_cursor,
        count_max,
    })
}

/// Names of the component schemas a request body can reach.
pub fn request_schemas(spec: &Value) -> Vec<String> {
    fn visit(spec: &Value, schema: &Value, out: &mut Vec<String>, depth: u32) {
        if depth > 12 {
            return;
        }
        if let Some(name) = ref_name(schema) {
            if out.contains(&name) {
                return;
            }
            out.push(name);
        }
        let schema = resolve(spec, schema);
        for (_, p) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            visit(spec, p, out, depth + 1);
        }
        if let Some(items) = schema.get("items") {
            visit(spec, items, out, depth + 1);
        }
    }
    let mut out = Vec::new();
    for (_, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            if let Some(body) = item.pointer(&format!(
                "/{method}/requestBody/content/application~1json/schema"
            )) {
                visit(spec, body, &mut out, 0);
            }
        }
    }
    out
}

/// The Rust type typify would give a scalar schema (or a named enum).
fn scalar_rust_type(spec: &Value, schema: &Value) -> Option<String> {
    if let Some(name) = ref_name(schema) {
        return is_string_enum(resolve(spec, schema))
            .then(|| format!("crate::generated::enums::{name}"));
    }
    let format = schema.get("format").and_then(Value::as_str);
    Some(
        match (schema.get("type").and_then(Value::as_str)?, format) {
            ("integer", Some("int32")) => "i32",
            ("integer", _) => "i64",
            ("number", _) => "f64",
            ("boolean", _) => "bool",
            ("string", Some("date")) => "::chrono::NaiveDate",
            ("string", Some("date-time")) => "::chrono::DateTime<::chrono::offset::Utc>",
            ("string", _) => "::std::string::String",
            _ => return None,
        }
        .to_string(),
    )
}

/// A nullable field of a request body is one the API lets the caller clear with an explicit
/// `null`; `Option<T>` cannot say that. Each such property points to a placeholder component
/// that build.rs replaces with `crate::Nullable<T>`, so the field reads
/// `Option<Nullable<T>>`: absent, `null`, or a value.
fn nullable_request_fields(spec: &mut Value) -> Vec<(String, String)> {
    let mut replacements = Vec::new();
    for name in request_schemas(spec) {
        let pointer = format!("/components/schemas/{name}/properties");
        let Some(props) = spec.pointer(&pointer).and_then(Value::as_object).cloned() else {
            continue;
        };
        for (prop, schema) in props {
            if schema.get("nullable").and_then(Value::as_bool) != Some(true) {
                continue;
            }
            let Some(rust) = scalar_rust_type(spec, &schema) else {
                continue;
            };
            let placeholder = format!("{name}{}Nullable", prop.to_upper_camel_case());
            let mut reference = Map::new();
            reference.insert(
                "$ref".into(),
                Value::String(format!("#/components/schemas/{placeholder}")),
            );
            for key in ["description", "example"] {
                if let Some(v) = schema.get(key) {
                    reference.insert(key.into(), v.clone());
                }
            }
            // A $ref with siblings is ignored by typify beyond docs; keep only the reference.
            let reference =
                Value::Object(reference.into_iter().filter(|(k, _)| k == "$ref").collect());
            if let Some(slot) = spec.pointer_mut(&format!("{pointer}/{prop}")) {
                *slot = reference;
            }
            let schemas = spec
                .pointer_mut("/components/schemas")
                .and_then(Value::as_object_mut)
                .expect("checked in prepare");
            schemas.insert(placeholder.clone(), serde_json::json!({"type": "string"}));
            replacements.push((placeholder, rust));
        }
    }
    replacements
}

/// Nullable properties become optional ones (`Option<T>` reads `null` and absence alike), so a
/// `null` where the docs promised a value, or a nullable enum, never fails a response.
fn relax(spec: &mut Value) {
    let nullable_components: Vec<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, s)| s.get("nullable").and_then(Value::as_bool) == Some(true))
        .map(|(name, _)| name.clone())
        .collect();
    let is_nullable_ref = |s: &Value| {
        ref_name(s).is_some_and(|n| nullable_components.contains(&n))
            || (s.get("$ref").is_none()
                && s.get("allOf").is_some()
                && s.get("nullable") == Some(&Value::Bool(true)))
    };
    walk_schemas(spec, &mut |schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let mut optional = Vec::new();
        if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
            for (name, p) in props.iter_mut() {
                let nullable = p.get("nullable").and_then(Value::as_bool) == Some(true);
                if nullable || is_nullable_ref(p) {
                    optional.push(name.clone());
                }
                if let Some(inner) = p.as_object_mut() {
                    inner.remove("nullable");
                    // A `$ref` must stand alone for typify; `allOf: [$ref]` wrappers served
                    // only to carry `nullable`.
                    let lone_ref = match inner.get("allOf") {
                        Some(Value::Array(list)) => match list.as_slice() {
                            [only] if only.get("$ref").is_some() => Some(only.clone()),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(only) = lone_ref {
                        *p = only;
                    }
                }
            }
        }
        if let Some(required) = obj.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|r| !optional.iter().any(|o| r == o));
        }
    });
}

/// Removes what typify would enforce while *reading* responses: lengths, patterns, ranges,
/// defaults (a PATCH must not send a value the caller did not set), closed objects.
fn strip_strictness(spec: &mut Value) {
    walk_schemas(spec, &mut |schema| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        for key in [
            "maxLength",
            "minLength",
            "pattern",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minItems",
            "maxItems",
            "default",
            "x-max-bytes",
            "nullable",
        ] {
            obj.remove(key);
        }
        if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
            obj.remove("additionalProperties");
        }
    });
}

/// Calls `f` on `schema` and every schema below it.
fn walk(schema: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    f(schema);
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (_, s) in props.iter_mut() {
            walk(s, f);
        }
    }
    if let Some(items) = schema.get_mut("items") {
        walk(items, f);
    }
    if let Some(ap) = schema
        .get_mut("additionalProperties")
        .filter(|v| v.is_object())
    {
        walk(ap, f);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = schema.get_mut(key).and_then(Value::as_array_mut) {
            for s in list {
                walk(s, f);
            }
        }
    }
}

/// Calls `f` on every schema object of the document (components, parameters, bodies,
/// responses), below and including each root.
fn walk_schemas(spec: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (_, s) in schemas.iter_mut() {
            walk(s, f);
        }
    }
    for pointer in [
        "/components/parameters",
        "/components/requestBodies",
        "/components/responses",
    ] {
        if let Some(map) = spec.pointer_mut(pointer).and_then(Value::as_object_mut) {
            for (_, v) in map.iter_mut() {
                walk_container(v, f);
            }
        }
    }
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for (_, item) in paths.iter_mut() {
            if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
                for p in params {
                    walk_container(p, f);
                }
            }
            for method in METHODS {
                let Some(op) = item.get_mut(method) else {
                    continue;
                };
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    for p in params {
                        walk_container(p, f);
                    }
                }
                if let Some(b) = op.get_mut("requestBody") {
                    walk_container(b, f);
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for (_, r) in responses.iter_mut() {
                        walk_container(r, f);
                    }
                }
            }
        }
    }
}

/// A parameter, request body or response: its schema sits under `schema` or
/// `content.<type>.schema`.
fn walk_container(v: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(s) = v.get_mut("schema") {
        walk(s, f);
    }
    if let Some(content) = v.get_mut("content").and_then(Value::as_object_mut) {
        for (_, media) in content.iter_mut() {
            if let Some(s) = media.get_mut("schema") {
                walk(s, f);
            }
        }
    }
    if let Some(headers) = v.get_mut("headers").and_then(Value::as_object_mut) {
        for (_, h) in headers.iter_mut() {
            if let Some(s) = h.get_mut("schema") {
                walk(s, f);
            }
        }
    }
}
