//! The spec against the Japanese reference facts (`upstream-docs/ja/` and `ja-legacy/`, JSON):
//! every operation a page documents is in the spec, every value a page lists is accepted,
//! and success statuses, `required` and `nullable` marks are as stated or recorded in
//! `x-upstream-*`. A list cut off (`enum_truncated`) only ever adds values: the spec may list
//! more than a page. `cargo xtask diff` reads the rendered pages; this reads the facts
//! themselves, so the legacy pages (which have no rendering) are checked too.
//!
//! The facts live outside the repository (`../shared/upstream-docs`, or `LW_UPSTREAM_DOCS`);
//! without them only the fixture tests run.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// Pages of operations another change adds (deprecated operations): tolerated while the
/// spec lacks them, checked as soon as it has them.
const PENDING: &[&str] = &["partner-customer-subscriptions-set-license-assign-type"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn upstream() -> Option<PathBuf> {
    let dir = std::env::var_os("LW_UPSTREAM_DOCS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/upstream-docs"));
    dir.join("ja").is_dir().then_some(dir)
}

type Map = serde_json::Map<String, Value>;

struct Spec<'a>(&'a Value);

impl Spec<'_> {
    fn resolve<'v>(&'v self, v: &'v Value) -> &'v Value {
        let mut cur = v;
        while let Some(r) = cur.get("$ref").and_then(Value::as_str) {
            cur = self
                .0
                .pointer(r.trim_start_matches('#'))
                .unwrap_or(&Value::Null);
        }
        cur
    }

    /// Follows `$ref`s and single-element `allOf` wrappers, keeping the wrapper's own keys.
    fn flat(&self, v: &Value) -> Map {
        let v = self.resolve(v);
        let mut out = Map::new();
        if let Some([inner]) = v.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            out = self.flat(inner);
        }
        if let Some(o) = v.as_object() {
            for (k, x) in o {
                if k != "allOf" {
                    out.insert(k.clone(), x.clone());
                }
            }
        }
        out
    }

    /// Properties and required names of an object schema (through arrays and `allOf`).
    fn props(&self, v: &Value) -> (Map, Vec<String>) {
        let s = self.flat(v);
        if s.get("type").and_then(Value::as_str) == Some("array")
            && let Some(items) = s.get("items")
        {
            return self.props(items);
        }
        let props = s
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let req = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        (props, req)
    }
}

fn norm(path: &str) -> String {
    let mut out = String::new();
    let mut skip = false;
    for ch in path.chars() {
        match ch {
            '{' => {
                skip = true;
                out.push('{');
            }
            '}' => {
                skip = false;
                out.push('}');
            }
            _ if skip => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether an `x-upstream-<fact>` value records `docs` (a list of lists: any one of them).
fn recorded(el: &Map, fact: &str, docs: &Value) -> bool {
    match el.get(&format!("x-upstream-{fact}")) {
        Some(v) if v == docs => true,
        Some(Value::Array(list)) => list.iter().any(|x| x == docs),
        _ => false,
    }
}

/// Compares one page's facts with the spec; returns one line per unaccepted difference.
fn check_page(spec_doc: &Value, page: &Value, slug: &str) -> Vec<String> {
    let spec = Spec(spec_doc);
    let mut out = Vec::new();
    let (Some(method), Some(path)) = (
        page.get("method").and_then(Value::as_str),
        page.get("path").and_then(Value::as_str),
    ) else {
        return out; // an overview page
    };
    let want = norm(path);
    let found = spec_doc["paths"].as_object().and_then(|paths| {
        paths.iter().find_map(|(p, item)| {
            (norm(p) == want)
                .then(|| item.get(method.to_ascii_lowercase()).map(|op| (item, op)))
                .flatten()
        })
    });
    let Some((item, op)) = found else {
        if !PENDING.contains(&slug) {
            out.push(format!("{slug}: {method} {path} is not in the spec"));
        }
        return out;
    };
    // Success statuses.
    let spec_ok: Vec<&String> = op["responses"]
        .as_object()
        .map(|r| r.keys().filter(|k| k.starts_with('2')).collect())
        .unwrap_or_default();
    if let Some(responses) = page.get("responses").and_then(Value::as_object) {
        for status in responses.keys().filter(|k| k.starts_with('2')) {
            let exact = spec_ok.len() == 1 && spec_ok[0] == status;
            let opmap = op.as_object().cloned().unwrap_or_default();
            let as_int = Value::from(status.parse::<i64>().unwrap_or(0));
            if !exact
                && !recorded(&opmap, "status", &as_int)
                && !recorded(&opmap, "status", &Value::from(status.as_str()))
            {
                out.push(format!(
                    "{slug}: status {status} stated, spec has {spec_ok:?}"
                ));
            }
        }
    }
    // Parameters.
    let params: Vec<Map> = item
        .get("parameters")
        .into_iter()
        .chain(op.get("parameters"))
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| spec.flat(p))
        .collect();
    for (kind, loc) in [("path_params", "path"), ("query_params", "query")] {
        let mut props = serde_json::Map::new();
        let mut required = Vec::new();
        for p in params
            .iter()
            .filter(|p| p.get("in").and_then(Value::as_str) == Some(loc))
        {
            let name = p["name"].as_str().unwrap_or_default().to_string();
            let mut schema = p.get("schema").map(|s| spec.flat(s)).unwrap_or_default();
            for (k, v) in p {
                if k.starts_with("x-") {
                    schema.insert(k.clone(), v.clone());
                }
            }
            if p.get("required") == Some(&Value::Bool(true)) {
                required.push(name.clone());
            }
            props.insert(name, Value::Object(schema));
        }
        if let Some(list) = page.get(kind).and_then(Value::as_array) {
            compare(
                &spec,
                slug,
                loc,
                list,
                &Value::Null,
                &props,
                &required,
                &mut out,
                0,
            );
        }
    }
    // Bodies.
    if let Some(body) = page
        .get("request_body")
        .filter(|b| b.get("properties").is_some())
    {
        match op.pointer("/requestBody/content/application~1json/schema") {
            None => out.push(format!("{slug}: request body stated, spec has none")),
            Some(schema) => {
                let (props, req) = spec.props(schema);
                let list = body["properties"].as_array().cloned().unwrap_or_default();
                compare(
                    &spec,
                    slug,
                    "request",
                    &list,
                    &body["objects"],
                    &props,
                    &req,
                    &mut out,
                    0,
                );
            }
        }
    }
    if let Some(responses) = page.get("responses").and_then(Value::as_object) {
        for (status, r) in responses {
            let Some(list) = r.get("properties").and_then(Value::as_array) else {
                continue;
            };
            let Some(resp) = op["responses"].get(status).map(|r| spec.flat(r)) else {
                continue; // an error status the spec shares through a component
            };
            if let Some(schema) = resp
                .get("content")
                .and_then(|c| c.pointer("/application~1json/schema"))
            {
                let (props, req) = spec.props(schema);
                let loc = format!("response {status}");
                compare(
                    &spec,
                    slug,
                    &loc,
                    list,
                    &r["objects"],
                    &props,
                    &req,
                    &mut out,
                    0,
                );
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn compare(
    spec: &Spec,
    slug: &str,
    loc: &str,
    docs: &[Value],
    objects: &Value,
    props: &Map,
    required: &[String],
    out: &mut Vec<String>,
    depth: u32,
) {
    for d in docs {
        let name = d["name"].as_str().unwrap_or_default();
        let Some(raw) = props.get(name) else {
            out.push(format!("{slug}: {loc} {name} stated, not in the spec"));
            continue;
        };
        let mut el = spec.flat(raw);
        // An array of enum values: the values are its items'.
        if el.get("type").and_then(Value::as_str) == Some("array")
            && let Some(items) = el.get("items").cloned()
        {
            let items = spec.flat(&items);
            if let Some(values) = items.get("enum") {
                el.insert("enum".into(), values.clone());
            }
        }
        if let Some(values) = d.get("enum").and_then(Value::as_array) {
            // A plain string accepts every value; an enum must list each stated one.
            if let Some(listed) = el.get("enum").and_then(Value::as_array) {
                let missing: Vec<&str> = values
                    .iter()
                    .filter(|v| !listed.contains(v))
                    .filter_map(Value::as_str)
                    .collect();
                if !missing.is_empty() {
                    out.push(format!("{slug}: {loc} {name} lacks {}", missing.join(", ")));
                }
            }
        }
        let inferred = el.contains_key("x-inferred");
        if let Some(req) = d.get("required").and_then(Value::as_bool) {
            let spec_req = required.iter().any(|r| r == name);
            if req != spec_req
                && (req || !inferred)
                && !recorded(&el, "required", &Value::Bool(req))
            {
                out.push(format!(
                    "{slug}: {loc} {name} required {req}, spec {spec_req}"
                ));
            }
        }
        if let Some(nullable) = d.get("nullable").and_then(Value::as_bool) {
            let spec_null = el.get("nullable") == Some(&Value::Bool(true));
            if nullable != spec_null && !recorded(&el, "nullable", &Value::Bool(nullable)) {
                out.push(format!(
                    "{slug}: {loc} {name} nullable {nullable}, spec {spec_null}"
                ));
            }
        }
        for fact in ["minimum", "maximum", "minLength", "maxLength"] {
            if let Some(v) = d.get(fact)
                && el.get(fact) != Some(v)
                && !recorded(&el, fact, v)
            {
                out.push(format!(
                    "{slug}: {loc} {name} {fact} {v}, spec {:?}",
                    el.get(fact)
                ));
            }
        }
        // A nested object the page names: compare its table with the property's schema.
        let ty = d["type"].as_str().unwrap_or_default();
        if let Some(inner) = ty
            .strip_prefix("object (")
            .or_else(|| ty.strip_prefix("array ("))
            .and_then(|t| t.strip_suffix(')'))
            && let Some(list) = objects.get(inner).and_then(Value::as_array)
            && depth < 6
        {
            let (sub, sub_req) = spec.props(&Value::Object(spec.flat(raw)));
            compare(
                spec,
                slug,
                loc,
                list,
                objects,
                &sub,
                &sub_req,
                out,
                depth + 1,
            );
        }
    }
}

fn check_dir(spec: &Value, dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("facts directory readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            let page: Value = serde_json::from_str(&std::fs::read_to_string(f).expect("readable"))
                .expect("facts are JSON");
            let slug = f.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            check_page(spec, &page, slug)
        })
        .collect()
}

fn repo_spec() -> Value {
    let text = std::fs::read_to_string(root().join("openapi/partner.json")).expect("partner.json");
    serde_json::from_str(&text).expect("partner.json parses")
}

#[test]
fn spec_follows_the_japanese_reference() {
    let Some(docs) = upstream() else {
        eprintln!("upstream-docs not found (../shared or LW_UPSTREAM_DOCS): skipped");
        return;
    };
    let spec = repo_spec();
    let found = check_dir(&spec, &docs.join("ja"));
    assert!(
        found.is_empty(),
        "{} difference(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn spec_follows_the_legacy_japanese_pages() {
    let Some(docs) = upstream() else {
        eprintln!("upstream-docs not found (../shared or LW_UPSTREAM_DOCS): skipped");
        return;
    };
    let spec = repo_spec();
    let found = check_dir(&spec, &docs.join("ja-legacy"));
    assert!(
        found.is_empty(),
        "{} difference(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

// The checker itself, on fixtures (no ../shared needed).

fn fixture_spec() -> Value {
    serde_json::json!({
      "paths": {"/widgets/{widgetId}": {
        "parameters": [{"name": "widgetId", "in": "path", "required": true, "schema": {"type": "integer"}}],
        "get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}}}},
        "delete": {"responses": {"200": {}, "204": {}}, "x-upstream-status": 202}
      }},
      "components": {"schemas": {
        "Color": {"type": "string", "enum": ["RED", "GREEN", "BLUE"]},
        "Widget": {"type": "object", "required": ["color"], "properties": {
          "color": {"allOf": [{"$ref": "#/components/schemas/Color"}]},
          "size": {"type": "integer", "nullable": true, "x-upstream-nullable": false},
          "label": {"type": "string"}
        }}
      }}
    })
}

fn page(extra: Value) -> Value {
    let mut p = serde_json::json!({"method": "GET", "path": "/widgets/{id}"});
    for (k, v) in extra.as_object().unwrap() {
        p[k] = v.clone();
    }
    p
}

fn props(list: Value) -> Value {
    serde_json::json!({"responses": {"200": {"properties": list}}})
}

#[test]
fn a_stated_value_the_spec_lacks_is_a_difference_and_a_subset_is_not() {
    let spec = fixture_spec();
    let subset = props(
        serde_json::json!([{"name": "color", "enum": ["RED"], "enum_truncated": true, "required": true}]),
    );
    assert_eq!(check_page(&spec, &page(subset), "p"), Vec::<String>::new());
    let more = props(serde_json::json!([{"name": "color", "enum": ["RED", "PINK"]}]));
    assert_eq!(
        check_page(&spec, &page(more), "p"),
        ["p: response 200 color lacks PINK"]
    );
    // A plain string accepts any value.
    let free = props(serde_json::json!([{"name": "label", "enum": ["ANY"]}]));
    assert!(check_page(&spec, &page(free), "p").is_empty());
}

#[test]
fn marks_and_statuses_are_as_stated_or_recorded() {
    let spec = fixture_spec();
    let marks = props(serde_json::json!([
        {"name": "color", "required": false},
        {"name": "size", "nullable": false},
        {"name": "label", "nullable": true},
        {"name": "weight"}
    ]));
    assert_eq!(
        check_page(&spec, &page(marks), "p"),
        [
            "p: response 200 color required false, spec true",
            "p: response 200 label nullable true, spec false",
            "p: response 200 weight stated, not in the spec",
        ]
    );
    let del = |status: &str| serde_json::json!({"method": "DELETE", "path": "/widgets/{id}", "responses": {status: {}}});
    assert_eq!(
        check_page(&spec, &del("204"), "d"),
        ["d: status 204 stated, spec has [\"200\", \"204\"]"]
    );
    assert!(check_page(&spec, &del("202"), "d").is_empty(), "recorded");
}

#[test]
fn a_missing_operation_is_a_difference_unless_pending() {
    let spec = fixture_spec();
    let other = serde_json::json!({"method": "PUT", "path": "/widgets/{id}"});
    assert_eq!(
        check_page(&spec, &other, "put-widget"),
        ["put-widget: PUT /widgets/{id} is not in the spec"]
    );
    assert!(check_page(&spec, &other, PENDING[0]).is_empty());
    // An overview page (no method) has nothing to compare.
    assert!(check_page(&spec, &serde_json::json!({"facts": []}), "partner").is_empty());
}
