//! Doc text written from the spec's facts: description, required or optional, limits,
//! allowed values, format, default, example. Shared by field, setter and parameter docs.

use crate::prepare::resolve;
use serde_json::Value;

/// Looks a key up on a property and then on the schema its `$ref`/`allOf` names.
fn get<'a>(spec: &'a Value, schema: &'a Value, key: &str) -> Option<&'a Value> {
    schema.get(key).or_else(|| resolve(spec, schema).get(key))
}

fn number(v: &Value) -> String {
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        _ => v.to_string(),
    }
}

fn literal(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// The rule sentences of one schema, e.g. "At most 40 characters.", "One of `MONTHLY`, ...".
pub fn facts(spec: &Value, schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let values = |key: &str| get(spec, schema, key);
    let exclusive = |k: &str| values(k).and_then(Value::as_bool) == Some(true);
    match (values("minLength"), values("maxLength")) {
        (Some(min), Some(max)) => {
            out.push(format!("{} to {} characters.", number(min), number(max)))
        }
        (None, Some(max)) => out.push(format!("At most {} characters.", number(max))),
        (Some(min), None) => out.push(format!("At least {} characters.", number(min))),
        (None, None) => {}
    }
    if let Some(n) = values("x-max-bytes") {
        out.push(format!("At most {} bytes in UTF-8.", number(n)));
    }
    if let Some(p) = values("pattern").and_then(Value::as_str) {
        out.push(format!("Must match `{p}`."));
    }
    let bound = |key: &str, flag: &str, inclusive: &str, strict: &str| {
        values(key).map(|n| {
            let word = if exclusive(flag) { strict } else { inclusive };
            format!("{word} {}", number(n))
        })
    };
    let low = bound("minimum", "exclusiveMinimum", "at least", "greater than");
    let high = bound("maximum", "exclusiveMaximum", "at most", "less than");
    match (low, high) {
        (Some(l), Some(h)) => out.push(format!("{}{}, {h}.", l[..1].to_uppercase(), &l[1..])),
        (Some(x), None) | (None, Some(x)) => {
            out.push(format!("{}{}.", x[..1].to_uppercase(), &x[1..]))
        }
        (None, None) => {}
    }
    if values("x-rules")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|e| e == "iana-time-zone"))
    {
        out.push("A time zone name of the IANA database (`Asia/Tokyo`).".into());
    }
    if let Some(n) = values("minItems") {
        out.push(format!("At least {} items.", number(n)));
    }
    if let Some(n) = values("maxItems") {
        out.push(format!("At most {} items.", number(n)));
    }
    if let Some(n) = values("minProperties") {
        out.push(format!("Sets at least {} field(s).", number(n)));
    }
    let target = resolve(spec, schema);
    if let Some(list) = target.get("enum").and_then(Value::as_array) {
        let list: Vec<String> = list.iter().map(literal).collect();
        out.push(format!("One of {}.", list.join(", ")));
    }
    if let Some(items) = target.get("items") {
        let item = resolve(spec, items);
        if let Some(list) = item.get("enum").and_then(Value::as_array) {
            let list: Vec<String> = list.iter().map(literal).collect();
            out.push(format!("Each item is one of {}.", list.join(", ")));
        }
    }
    let format = values("format").and_then(Value::as_str);
    match format {
        Some("date") => out.push("A date, `YYYY-MM-DD`.".into()),
        Some("date-time") => out.push("A point in time, RFC 3339.".into()),
        Some("byte") => out.push(
            "Give the text itself: the client sends it Base64-encoded, and neither `Debug` nor \
             the request log shows it."
                .into(),
        ),
        _ => {}
    }
    for rule in target
        .get("x-rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(decoded) = rule.get("base64") {
            let n = |k: &str| decoded.get(k).map(number);
            if let (Some(min), Some(max)) = (n("minLength"), n("maxLength")) {
                out.push(format!("The text is {min} to {max} characters."));
            }
            if let Some(p) = decoded.get("pattern").and_then(Value::as_str) {
                out.push(format!("The text must match `{p}`."));
            }
            if let Some(runs) = n("noRuns") {
                out.push(format!(
                    "No {runs} characters in a row that repeat or count up (`aaa`, `abc`, `123`)."
                ));
            }
        }
    }
    if let Some(d) = values("default") {
        out.push(format!(
            "The API assumes {} when it is left out.",
            literal(d)
        ));
    }
    if let Some(e) = values("example").filter(|e| !e.is_object() && !e.is_array()) {
        match (format, e.as_str()) {
            (Some("byte"), Some(wire)) => {
                if let Some(text) = base64_text(wire) {
                    out.push(format!("Example: `{text}` (sent as `{wire}`)."));
                }
            }
            _ => out.push(format!("Example: {}.", literal(e))),
        }
    }
    if values("deprecated").and_then(Value::as_bool) == Some(true) {
        out.push("Deprecated by the API.".into());
    }
    if let Some(why) = schema.get("x-inferred").and_then(Value::as_str) {
        out.push(format!(
            "(Inferred, not stated by the upstream docs: {why})"
        ));
    }
    out
}

/// The doc of property `json` of `parent`: its description, then whether it is required,
/// whether `null` may be sent (requests) or read (responses), then its rules.
pub fn property(spec: &Value, parent: &Value, json: &str, request: bool) -> String {
    let parent = resolve(spec, parent);
    let Some(schema) = parent.pointer(&format!(
        "/properties/{}",
        json.replace('~', "~0").replace('/', "~1")
    )) else {
        return String::new();
    };
    let mut doc = get(spec, schema, "description")
        .and_then(Value::as_str)
        .map(|d| d.trim().to_string())
        .unwrap_or_default();
    let required = parent
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|v| v == json));
    let nullable = get(spec, schema, "nullable").and_then(Value::as_bool) == Some(true);
    let mut line = vec![if required { "Required." } else { "Optional." }.to_string()];
    if nullable {
        line.push(if request {
            "`Nullable::Null` sends `null`, which the API reads as \"clear this setting\".".into()
        } else {
            "The API may send `null`, read as `None`.".into()
        });
    }
    if get(spec, schema, "readOnly").and_then(Value::as_bool) == Some(true) {
        line.push("Set by the API (read-only).".into());
    }
    line.extend(facts(spec, schema));
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&line.join(" "));
    doc
}

/// The operation with this `operationId`.
pub fn operation<'a>(spec: &'a Value, id: &str) -> Option<&'a Value> {
    let paths = spec.get("paths")?.as_object()?;
    paths.values().find_map(|item| {
        ["get", "post", "put", "patch", "delete"]
            .iter()
            .filter_map(|m| item.get(*m))
            .find(|op| op.get("operationId").and_then(Value::as_str) == Some(id))
    })
}

/// Docs of an operation's path and query parameters, by the spec's name.
pub fn parameters(spec: &Value, id: &str) -> Vec<(String, String)> {
    let Some(op) = operation(spec, id) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let p = resolve(spec, p);
        let (Some(name), Some(place)) = (
            p.get("name").and_then(Value::as_str),
            p.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        if place == "header" {
            continue;
        }
        let mut doc = p
            .get("description")
            .and_then(Value::as_str)
            .map(|d| format!("{}\n\n", d.trim()))
            .unwrap_or_default();
        let required = p.get("required").and_then(Value::as_bool) == Some(true);
        let mut line = vec![format!(
            "{} {place} parameter `{name}`.",
            if required { "Required" } else { "Optional" }
        )];
        if let Some(schema) = p.get("schema") {
            line.extend(facts(spec, schema));
        }
        let stated = line.iter().any(|l| l.starts_with("Example:"));
        if let Some(e) = p.get("example").filter(|e| !e.is_object() && !stated) {
            line.push(format!("Example: {}.", literal(e)));
        }
        line.push(
            "A value that does not convert to the parameter's type, or breaks a rule above, \
             fails `send()` before anything is sent."
                .into(),
        );
        doc.push_str(&line.join(" "));
        out.push((name.to_string(), doc));
    }
    out
}

/// The text a standard-Base64 example stands for (`None` when it is not Base64 of UTF-8).
pub fn base64_text(wire: &str) -> Option<String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(wire)
        .ok()?;
    String::from_utf8(bytes).ok()
}
