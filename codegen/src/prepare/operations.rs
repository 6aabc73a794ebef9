//! Each operation's parameters, rules, success status and pagination.

use super::*;

pub(super) fn collect_operations(
    original: &Value,
    prepared: &Value,
) -> Result<Vec<Operation>, String> {
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
            let replaced_by = replaced_by(&id, op)?;
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
                deprecated: op.get("deprecated").and_then(Value::as_bool) == Some(true),
                replaced_by,
            });
        }
    }
    Ok(ops)
}

/// `x-replaced-by`: one operationId or a list of them.
fn replaced_by(id: &str, op: &Value) -> Result<Vec<String>, String> {
    let bad = || format!("{id}: x-replaced-by must be an operationId or a list of them");
    match op.get("x-replaced-by") {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(list)) if !list.is_empty() => list
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(bad))
            .collect(),
        Some(_) => Err(bad()),
    }
}

/// A replacement is a current operation of the spec, and only a deprecated operation names
/// one: a typo or a chain of deprecations would send a migration to a dead end.
pub(super) fn check_replacements(ops: &[Operation]) -> Result<(), String> {
    for op in ops {
        if !op.replaced_by.is_empty() && !op.deprecated {
            return Err(format!(
                "{}: x-replaced-by on an operation that is not deprecated",
                op.id
            ));
        }
        for r in &op.replaced_by {
            match ops.iter().find(|o| &o.id == r) {
                None => return Err(format!("{}: x-replaced-by names no operation {r}", op.id)),
                Some(o) if o.deprecated => {
                    return Err(format!(
                        "{}: x-replaced-by names {r}, which is deprecated itself",
                        op.id
                    ));
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

/// The success status an operation is expected to answer: `x-expected-status` where the spec
/// lists several (it must be one of them), else the only 2xx it lists.
pub(super) fn expected_status(
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
pub(super) fn collapse_success_statuses(spec: &mut Value, ops: &[Operation]) {
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

pub(super) fn pagination(
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
