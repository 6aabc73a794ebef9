//! Which fields of an answer become columns (`cli.rs`): the table's default columns, the csv
//! header, and the columns of a nested list's items (`--explode`). Decided from the
//! item schema by rules, never per command, so a new list gets sensible columns on its own.

use super::kind_of;
use crate::prepare::resolve;
use serde_json::Value;

/// The success answer's schema of an operation.
pub fn success_schema(raw: &Value) -> Option<&Value> {
    raw.get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .find(|(status, _)| status.starts_with('2'))
        .and_then(|(_, r)| r.pointer("/content/application~1json/schema"))
}

/// The schema of one row: the items of `items_field`, or the whole answer.
fn row_schema<'a>(spec: &'a Value, raw: &'a Value, items_field: Option<&str>) -> Option<&'a Value> {
    let answer = resolve(spec, success_schema(raw)?);
    match items_field {
        Some(field) => answer
            .pointer(&format!("/properties/{field}/items"))
            .map(|items| resolve(spec, items)),
        None => Some(answer),
    }
}

fn properties(schema: &Value) -> impl Iterator<Item = (&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// Every name the spec's paths use as a key (`{domainId}`, `{subscriptionId}`, ...).
fn path_keys(spec: &Value) -> Vec<String> {
    let mut keys = Vec::new();
    for path in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(p, _)| p)
    {
        for part in path.split('{').skip(1) {
            let key = part.split('}').next().unwrap_or_default().to_string();
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

fn deprecated(prop: &Value, resolved: &Value) -> bool {
    [prop, resolved]
        .iter()
        .any(|p| p.get("deprecated").and_then(Value::as_bool) == Some(true))
}

/// A string that names the row's subject: `companyName`, or a description that calls it a
/// name (`domain`: "Domain or group name of the tenant"). Enums are kinds, not names.
fn names_something(name: &str, resolved: &Value) -> bool {
    if resolved.get("enum").is_some()
        || resolved.get("type").and_then(Value::as_str) != Some("string")
    {
        return false;
    }
    let first = resolved
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split([';', '.', ','])
        .next()
        .unwrap_or_default()
        .to_lowercase();
    name.ends_with("Name") || first.contains(" name")
}

fn is_status(name: &str, spec: &Value, prop: &Value) -> bool {
    (name == "status" || name.ends_with("Status")) && kind_of(spec, prop) == Some("Enum")
}

/// The table's default columns: the fields people read, in spec order.
///
/// Left out everywhere: deprecated fields, identifiers no path uses as a key (`tenantId`
/// beside `domainId`), booleans, arrays. A row that has a key and names its subject (a
/// customer: `domainId`, `domain`, `companyName`) shows that identity and its statuses
/// (`partnership.status`); its other settings are for `get-*` or `--fields`. Other rows
/// (subscriptions, usages, invoices: records, not named things) show every remaining scalar,
/// then the status fields of nested objects.
pub fn table_columns(spec: &Value, raw: &Value, items_field: Option<&str>) -> Vec<String> {
    let Some(row) = row_schema(spec, raw, items_field) else {
        return Vec::new();
    };
    let keys = path_keys(spec);
    let is_key = |name: &str| keys.iter().any(|k| k == name);
    let (mut identity, mut scalars, mut statuses) = (Vec::new(), Vec::new(), Vec::new());
    let mut named = false;
    let mut keyed = false;
    for (name, prop) in properties(row) {
        let resolved = resolve(spec, prop);
        if deprecated(prop, resolved) {
            continue;
        }
        match kind_of(spec, prop) {
            Some("Boolean") => {}
            Some(_)
                if name.ends_with("Id") && !is_key(name) && kind_of(spec, prop) != Some("Enum") => {
            }
            Some(_) => {
                if is_key(name) {
                    keyed = true;
                    identity.push(name.clone());
                } else if names_something(name, resolved) {
                    named = true;
                    identity.push(name.clone());
                } else if is_status(name, spec, prop) {
                    identity.push(name.clone());
                }
                scalars.push(name.clone());
            }
            None => {
                for (child, c) in properties(resolved) {
                    if is_status(child, spec, c) {
                        statuses.push(format!("{name}.{child}"));
                    }
                }
            }
        }
    }
    let mut columns = if keyed && named { identity } else { scalars };
    columns.extend(statuses);
    columns
}

/// Every column a csv row can have: all properties of the row schema in spec order, nested
/// objects flattened with dots as the output flattens them, arrays (and objects without
/// declared properties) as one column. The header cannot then depend on which row came first.
pub fn csv_columns(spec: &Value, raw: &Value, items_field: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(row) = row_schema(spec, raw, items_field) {
        walk(spec, row, "", 0, &mut out);
    }
    out
}

fn walk(spec: &Value, schema: &Value, prefix: &str, depth: usize, out: &mut Vec<String>) {
    for (name, prop) in properties(schema) {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let prop = resolve(spec, prop);
        if prop.get("properties").is_some() && depth < 8 {
            walk(spec, prop, &key, depth + 1, out);
        } else {
            out.push(key);
        }
    }
}

/// The row's arrays of objects (`settlementItems` of an invoice detail) with their items'
/// columns, for `--explode FIELD`: one row per item, its fields as `FIELD.name`.
pub fn nested_lists(
    spec: &Value,
    raw: &Value,
    items_field: Option<&str>,
) -> Vec<(String, Vec<String>)> {
    let Some(row) = row_schema(spec, raw, items_field) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, prop) in properties(row) {
        let prop = resolve(spec, prop);
        let Some(items) = prop.get("items").map(|i| resolve(spec, i)) else {
            continue;
        };
        if items.get("properties").is_some() {
            let mut columns = Vec::new();
            walk(spec, items, name, 1, &mut columns);
            out.push((name.clone(), columns));
        }
    }
    out
}
