//! The spec as the sandbox reads it: routes, parameter and body schemas, documented statuses.
//!
//! Routes and rules come from `lineworks_partner::validate` (what the client was generated
//! from); the structure of parameters and bodies (types, `required`, `enum`, `nullable`,
//! formats) comes from the same YAML document, embedded at build time. Both are keyed by
//! `operationId`, so the sandbox follows the spec without a hand-written copy of it.

use lineworks_partner::validate::{self, OperationSpec};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

// Written by build.rs from `lineworks_partner_codegen::SPEC_YAML`, the spec the client was
// generated from (`cargo xtask regen --check` keeps the copy identical).
const SPEC_YAML: &str = include_str!(concat!(env!("OUT_DIR"), "/partner.yaml"));

/// Where a parameter lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum In {
    Path,
    Query,
}

#[derive(Debug)]
pub(crate) struct Param {
    pub name: String,
    pub location: In,
    pub required: bool,
    pub schema: Value,
}

#[derive(Debug)]
pub(crate) struct Operation {
    pub rules: &'static OperationSpec,
    /// Path template split on `/`, without the leading empty segment.
    pub segments: Vec<&'static str>,
    pub params: Vec<Param>,
    /// The request body schema and whether the body is required.
    pub body: Option<(Value, bool)>,
    /// Documented response statuses.
    pub statuses: Vec<u16>,
    /// The JSON schema of each documented answer that has a body, by status.
    pub answers: HashMap<u16, Value>,
    /// `x-expected-status`: where the spec accepts several success statuses, the one the
    /// sandbox answers.
    pub expected: Option<u16>,
}

impl Operation {
    pub fn id(&self) -> &'static str {
        self.rules.id
    }
    pub fn method(&self) -> &'static str {
        self.rules.method
    }
    /// Whether the spec lists `status` for this operation.
    pub fn documents(&self, status: u16) -> bool {
        self.statuses.contains(&status)
    }
}

/// Path parameter names with their decoded values.
pub(crate) type PathParams = Vec<(&'static str, String)>;

pub(crate) struct Spec {
    pub operations: Vec<Operation>,
    schemas: Map<String, Value>,
}

/// The parsed spec, built once per process.
pub(crate) fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| Spec::load(SPEC_YAML))
}

impl Spec {
    fn load(text: &str) -> Spec {
        // The document is compiled in and checked by the tests; failing here is a build defect.
        let doc: Value = serde_saphyr::from_str(text).expect("openapi/partner.yaml parses");
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let shared_params = doc
            .pointer("/components/parameters")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut by_id: HashMap<&str, &Value> = HashMap::new();
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for item in paths.values() {
                for op in item.as_object().into_iter().flat_map(|o| o.values()) {
                    if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                        by_id.insert(id, op);
                    }
                }
            }
        }
        let operations = validate::operations()
            .iter()
            .map(|rules| {
                let op = by_id.get(rules.id).copied().unwrap_or(&Value::Null);
                let params = op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|p| {
                        let p = match p.get("$ref").and_then(Value::as_str) {
                            Some(r) => shared_params.get(r.rsplit('/').next()?)?,
                            None => p,
                        };
                        let location = match p.get("in")?.as_str()? {
                            "path" => In::Path,
                            "query" => In::Query,
                            _ => return None,
                        };
                        Some(Param {
                            name: p.get("name")?.as_str()?.to_string(),
                            location,
                            required: p.get("required").and_then(Value::as_bool) == Some(true),
                            schema: p.get("schema").cloned().unwrap_or(Value::Null),
                        })
                    })
                    .collect();
                let body = op.get("requestBody").map(|b| {
                    (
                        b.pointer("/content/application~1json/schema")
                            .cloned()
                            .unwrap_or(Value::Null),
                        b.get("required").and_then(Value::as_bool) == Some(true),
                    )
                });
                let statuses = op
                    .get("responses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|r| r.keys())
                    .filter_map(|k| k.parse().ok())
                    .collect();
                let answers = op
                    .get("responses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .filter_map(|(k, r)| {
                        let schema = r.pointer("/content/application~1json/schema")?;
                        Some((k.parse().ok()?, schema.clone()))
                    })
                    .collect();
                let expected = op
                    .get("x-expected-status")
                    .and_then(Value::as_u64)
                    .and_then(|s| u16::try_from(s).ok());
                Operation {
                    rules,
                    segments: rules.path.trim_start_matches('/').split('/').collect(),
                    params,
                    body,
                    statuses,
                    answers,
                    expected,
                }
            })
            .collect();
        Spec {
            operations,
            schemas,
        }
    }

    /// The operation for `method` and `path` (relative to the base path), with its path
    /// parameters; `Err(allowed methods)` when the path exists but not with this method.
    pub fn route(
        &self,
        method: &str,
        path: &str,
    ) -> Result<(&Operation, PathParams), Vec<&'static str>> {
        let actual: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        // Every template the path fits, with its number of literal segments.
        let mut fits = Vec::new();
        for op in &self.operations {
            if op.segments.len() != actual.len() {
                continue;
            }
            let mut params = Vec::new();
            let mut literal = 0;
            let matched = op.segments.iter().zip(&actual).all(|(t, a)| {
                if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    params.push((
                        name,
                        percent_encoding::percent_decode_str(a)
                            .decode_utf8_lossy()
                            .into_owned(),
                    ));
                    !a.is_empty()
                } else {
                    literal += 1;
                    t == a
                }
            });
            if matched {
                fits.push((literal, op, params));
            }
        }
        // A literal segment beats a placeholder: `/subscriptions/pre-orders` is not a
        // subscription with the ID "pre-orders", and does not take its methods either.
        let best = fits.iter().map(|(l, _, _)| *l).max().unwrap_or(0);
        fits.retain(|(l, _, _)| *l == best);
        let allowed: Vec<&'static str> = fits.iter().map(|(_, op, _)| op.method()).collect();
        match fits.into_iter().find(|(_, op, _)| op.method() == method) {
            Some((_, op, params)) => Ok((op, params)),
            None => {
                let mut allowed = allowed;
                allowed.sort_unstable();
                allowed.dedup();
                Err(allowed)
            }
        }
    }

    /// Checks `value` against `schema` (OpenAPI 3.0 subset the spec uses): types, formats,
    /// `required`, `enum`, `nullable`, `minProperties`. Length, pattern and range rules are
    /// left to `validate::check`. Returns the dotted path of the first offending field.
    pub fn check_value(&self, schema: &Value, value: &Value, at: &str) -> Result<(), Invalid> {
        let schema = self.resolve(schema);
        if value.is_null() {
            return if self.nullable(schema) {
                Ok(())
            } else {
                Err(Invalid::new(at, "must not be null"))
            };
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.check_value(part, value, at)?;
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            let list: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
            return Err(Invalid::new(
                at,
                format!("must be one of {}", list.join(", ")),
            ));
        }
        let format = schema.get("format").and_then(Value::as_str);
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => {
                let Some(object) = value.as_object() else {
                    return Err(Invalid::new(at, "must be a JSON object"));
                };
                if let Some(min) = schema.get("minProperties").and_then(Value::as_u64)
                    && (object.len() as u64) < min
                {
                    return Err(Invalid::new(
                        at,
                        format!("must have at least {min} field(s)"),
                    ));
                }
                for name in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    if !object.contains_key(name) {
                        return Err(Invalid::new(&join(at, name), "is required"));
                    }
                }
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    for (name, sub) in props {
                        if let Some(v) = object.get(name) {
                            self.check_value(sub, v, &join(at, name))?;
                        }
                    }
                }
            }
            Some("array") => {
                let Some(items) = value.as_array() else {
                    return Err(Invalid::new(at, "must be an array"));
                };
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check_value(item_schema, item, &format!("{at}[{i}]"))?;
                    }
                }
            }
            Some("string") => {
                let Some(s) = value.as_str() else {
                    return Err(Invalid::new(at, "must be a string"));
                };
                check_format(format, s).map_err(|why| Invalid::new(at, why))?;
            }
            Some("integer") => {
                let ok = match format {
                    Some("int32") => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
                    _ => value.as_i64().is_some(),
                };
                if !ok {
                    let what = if format == Some("int32") {
                        "must be a 32-bit integer"
                    } else {
                        "must be a 64-bit integer"
                    };
                    return Err(Invalid::new(at, what));
                }
            }
            Some("number") if !value.is_number() => {
                return Err(Invalid::new(at, "must be a number"));
            }
            Some("boolean") if !value.is_boolean() => {
                return Err(Invalid::new(at, "must be true or false"));
            }
            _ => {}
        }
        Ok(())
    }

    /// The dotted paths of the fields of `value` that `schema` does not declare (the API
    /// most plausibly ignores them; the sandbox tells the test author, or refuses them in
    /// strict mode).
    pub fn unknown_fields(&self, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
        let schema = self.resolve(schema);
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            // Fields any part declares are known; look into each part for nested objects.
            let mut merged = Map::new();
            for part in parts {
                if let Some(props) = self
                    .resolve(part)
                    .get("properties")
                    .and_then(Value::as_object)
                {
                    merged.extend(props.clone());
                }
            }
            let joined = serde_json::json!({"type": "object", "properties": merged});
            return self.unknown_fields(&joined, value, at, out);
        }
        match value {
            Value::Object(object) => {
                let Some(props) = schema.get("properties").and_then(Value::as_object) else {
                    return;
                };
                if schema
                    .get("additionalProperties")
                    .is_some_and(|a| a != false)
                {
                    return;
                }
                for (name, v) in object {
                    match props.get(name) {
                        Some(sub) => self.unknown_fields(sub, v, &join(at, name), out),
                        None => out.push(join(at, name)),
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.unknown_fields(item_schema, item, &format!("{at}[{i}]"), out);
                    }
                }
            }
            _ => {}
        }
    }

    /// Puts `[]` where `schema` declares an array that `value` leaves out: the generated
    /// types skip empty lists, and the API answers them as empty arrays.
    pub fn fill_empty_arrays(&self, schema: &Value, value: &mut Value) {
        let schema = self.resolve(schema);
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.fill_empty_arrays(part, value);
            }
        }
        match value {
            Value::Object(object) => {
                let Some(props) = schema.get("properties").and_then(Value::as_object) else {
                    return;
                };
                for (name, sub) in props {
                    let resolved = self.resolve(sub);
                    match object.get_mut(name) {
                        Some(v) => self.fill_empty_arrays(sub, v),
                        None if resolved.get("type").and_then(Value::as_str) == Some("array") => {
                            object.insert(name.clone(), Value::Array(Vec::new()));
                        }
                        None => {}
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for item in items {
                        self.fill_empty_arrays(item_schema, item);
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether the named component schema's `enum` lists `value` (so an answer never uses a
    /// value the published spec does not allow).
    pub fn enum_allows(&self, schema: &str, value: &str) -> bool {
        self.schemas
            .get(schema)
            .and_then(|s| s.get("enum"))
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().any(|v| v == value))
    }

    /// The contract types product group `group` takes, from the `Plan` schema's
    /// `x-plans-by-product-group`; `None` for a group the spec gives no list for (any value).
    pub fn plans_of_group(&self, group: &str) -> Option<Vec<&str>> {
        let list = self
            .schemas
            .get("Plan")?
            .get("x-plans-by-product-group")?
            .get(group)?
            .as_array()?;
        Some(list.iter().filter_map(Value::as_str).collect())
    }

    /// The most units one order of `option` may carry (`OptionProductId`'s `x-max-quantity`).
    pub fn max_quantity(&self, option: &str) -> Option<i64> {
        self.schemas
            .get("OptionProductId")?
            .get("x-max-quantity")?
            .get(option)?
            .as_i64()
    }

    /// Converts a query or path value to JSON according to its schema, then checks it.
    pub fn check_param(&self, param: &Param, raw: &str) -> Result<Value, Invalid> {
        let schema = self.resolve(&param.schema);
        let value = match schema.get("type").and_then(Value::as_str) {
            Some("integer") => {
                let digits = raw.strip_prefix('-').unwrap_or(raw);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Invalid::new(&param.name, "must be an integer"));
                }
                raw.parse::<i64>()
                    .map(Value::from)
                    .map_err(|_| Invalid::new(&param.name, "must be a 64-bit integer"))?
            }
            Some("boolean") => match raw {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(Invalid::new(&param.name, "must be true or false")),
            },
            _ => Value::String(raw.to_string()),
        };
        self.check_value(&param.schema, &value, &param.name)?;
        Ok(value)
    }

    pub(crate) fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut schema = schema;
        // `$ref` chains are short; the bound only guards against a cyclic document.
        for _ in 0..8 {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.rsplit('/').next().and_then(|n| self.schemas.get(n)) {
                    Some(s) => schema = s,
                    None => break,
                },
                None => break,
            }
        }
        schema
    }

    fn nullable(&self, schema: &Value) -> bool {
        schema.get("nullable").and_then(Value::as_bool) == Some(true)
    }
}

/// A value that breaks the spec, and where.
#[derive(Debug)]
pub(crate) struct Invalid {
    pub field: String,
    pub why: String,
}

impl Invalid {
    fn new(field: &str, why: impl Into<String>) -> Self {
        Invalid {
            field: if field.is_empty() {
                "body".into()
            } else {
                field.into()
            },
            why: why.into(),
        }
    }
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_string()
    } else {
        format!("{at}.{name}")
    }
}

fn check_format(format: Option<&str>, s: &str) -> Result<(), String> {
    match format {
        Some("date") => parse_date(s)
            .map(|_| ())
            .ok_or_else(|| "must be a date (YYYY-MM-DD)".into()),
        Some("date-time") => chrono::DateTime::parse_from_rfc3339(s)
            .map(|_| ())
            .map_err(|_| "must be an RFC 3339 date-time".into()),
        // The API takes such a field Base64-encoded: text sent as it is never reaches the rules
        // on the decoded text.
        Some("byte") => lineworks_partner::SecretText::from_base64(s)
            .map(|_| ())
            .ok_or_else(|| {
                "must be standard Base64 (with padding) of UTF-8 text: the API takes it encoded"
                    .into()
            }),
        Some("email") => {
            let ok = s.rsplit_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && !domain.is_empty() && !s.chars().any(char::is_whitespace)
            });
            if ok {
                Ok(())
            } else {
                Err("must be an e-mail address".into())
            }
        }
        _ => Ok(()),
    }
}

/// A strict `YYYY-MM-DD` date (chrono alone would accept unpadded fields).
pub(crate) fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_its_spec_entry() {
        let spec = spec();
        assert_eq!(spec.operations.len(), validate::operations().len());
        for op in &spec.operations {
            assert!(!op.statuses.is_empty(), "{} has no responses", op.id());
            if let Some(expected) = op.expected {
                assert!(op.documents(expected), "{}: {expected} is listed", op.id());
            }
            for seg in &op.segments {
                if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    assert!(
                        op.params
                            .iter()
                            .any(|p| p.name == name && p.location == In::Path),
                        "{}: path parameter {name} not declared",
                        op.id()
                    );
                }
            }
        }
    }

    #[test]
    fn literal_segments_win_over_placeholders() {
        let (op, params) = spec()
            .route("GET", "/partners/customers/1/subscriptions/pre-orders")
            .unwrap();
        assert_eq!(op.id(), "list_pre_orders");
        assert_eq!(params, vec![("domainId", "1".to_string())]);
        let (op, _) = spec()
            .route("POST", "/partners/customers/verify-domain")
            .unwrap();
        assert_eq!(op.id(), "verify_domain");
        assert_eq!(
            spec().route("PUT", "/partners/invoices").unwrap_err(),
            vec!["GET"]
        );
        assert_eq!(
            spec()
                .route("OPTIONS", "/partners/customers/1/subscriptions/pre-orders")
                .unwrap_err(),
            vec!["GET", "POST"]
        );
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2025-02-15").is_some());
        assert!(parse_date("2025-2-15").is_none());
        assert!(parse_date("2025-02-30").is_none());
    }
}
