//! Rules the published spec keeps so that other languages' generators and strict validators
//! read it as the API behaves (issue-level regressions: each would come back unnoticed).

use crate::support::{self, resolve};
use serde_json::Value;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn operations() -> Vec<(&'static str, &'static str, &'static Value)> {
    let mut out = Vec::new();
    for (path, item) in support::spec()["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((path.as_str(), method, op));
            }
        }
    }
    out
}

/// Calls `f` on every schema object below `node` (following no `$ref`).
fn each_schema(node: &Value, f: &mut dyn FnMut(&Value)) {
    match node {
        Value::Object(map) => {
            f(node);
            for v in map.values() {
                each_schema(v, f);
            }
        }
        Value::Array(list) => list.iter().for_each(|v| each_schema(v, f)),
        _ => {}
    }
}

/// Component schemas a schema reaches through `$ref`s.
fn reached(schema: &Value, out: &mut Vec<String>) {
    each_schema(schema, &mut |s| {
        if let Some(name) = s
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            && !out.iter().any(|n| n == name)
        {
            out.push(name.to_string());
            reached(&support::spec()["components"]["schemas"][name], out);
        }
    });
}

#[test]
fn no_patch_body_has_a_default_that_generators_would_send() {
    for (path, method, op) in operations().into_iter().filter(|(_, m, _)| *m == "patch") {
        let Some(body) = op.pointer("/requestBody/content/application~1json/schema") else {
            continue;
        };
        let mut names = Vec::new();
        reached(body, &mut names);
        let mut roots = vec![body];
        roots.extend(
            names
                .iter()
                .map(|n| &support::spec()["components"]["schemas"][n]),
        );
        for root in roots {
            each_schema(root, &mut |s| {
                assert!(
                    s.get("default").is_none(),
                    "{method} {path}: a default in a PATCH body: {s}"
                );
            });
        }
    }
}

#[test]
fn each_security_scheme_has_one_flow_and_every_operation_offers_both() {
    let schemes = support::spec()["components"]["securitySchemes"]
        .as_object()
        .unwrap();
    for (name, scheme) in schemes {
        let flows = scheme["flows"].as_object().map_or(0, |f| f.len());
        assert_eq!(
            flows, 1,
            "{name}: one flow per scheme (openapi-generator python)"
        );
    }
    for (path, method, op) in operations() {
        let mut by_scheme: Vec<(String, Vec<String>)> = Vec::new();
        for requirement in op["security"].as_array().unwrap() {
            for (scheme, scopes) in requirement.as_object().unwrap() {
                assert!(schemes.contains_key(scheme), "{method} {path}: {scheme}");
                let scopes: Vec<String> = scopes
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect();
                match by_scheme.iter_mut().find(|(s, _)| s == scheme) {
                    Some((_, all)) => all.extend(scopes),
                    None => by_scheme.push((scheme.clone(), scopes)),
                }
            }
        }
        assert_eq!(
            by_scheme.len(),
            schemes.len(),
            "{method} {path}: every scheme"
        );
        assert!(
            by_scheme.windows(2).all(|w| w[0].1 == w[1].1),
            "{method} {path}: the same scopes whichever token flow: {by_scheme:?}"
        );
    }
}

#[test]
fn every_response_documents_the_rate_limit_headers() {
    let wanted = [
        "rateLimit-limit",
        "rateLimit-remaining",
        "rateLimit-reset",
        "rateLimit-used",
    ];
    for (path, method, op) in operations() {
        for (status, response) in op["responses"].as_object().unwrap() {
            let headers = resolve(response)["headers"].as_object();
            for name in wanted {
                assert!(
                    headers.is_some_and(|h| h.contains_key(name)),
                    "{method} {path} {status}: no {name}"
                );
            }
        }
    }
}

#[test]
fn error_examples_with_an_undocumented_code_are_marked_inferred() {
    // The only codes the reference documents; every other one is our example.
    let documented = ["TOO_MANY_REQUESTS", "UNAUTHORIZED"];
    for (name, response) in support::spec()["components"]["responses"]
        .as_object()
        .unwrap()
    {
        let media = &response["content"]["application/json"];
        let code = media["example"]["code"].as_str().unwrap_or_default();
        if !documented.contains(&code) {
            assert!(
                media.get("x-inferred").is_some(),
                "{name}: example code {code} is not documented upstream"
            );
        }
    }
}

#[test]
fn operations_on_one_path_share_a_tag() {
    for (path, item) in support::spec()["paths"].as_object().unwrap() {
        // Deleting a customer is filed with the other ways a contract ends.
        let tags: Vec<&Value> = METHODS
            .iter()
            .filter_map(|m| item.get(*m))
            .filter(|op| op["tags"][0] != "cancellation")
            .map(|op| &op["tags"])
            .collect();
        assert!(tags.windows(2).all(|w| w[0] == w[1]), "{path}: {tags:?}");
    }
}

/// Each value a request example sends, under its key, somewhere in the answer's example.
fn shows(request: &Value, response: &Value) -> Vec<String> {
    fn find(key: &str, value: &Value, within: &Value) -> bool {
        match within {
            Value::Object(map) => map
                .iter()
                .any(|(k, v)| (k == key && v == value) || find(key, value, v)),
            Value::Array(list) => list.iter().any(|v| find(key, value, v)),
            _ => false,
        }
    }
    let mut missing = Vec::new();
    for (key, value) in request.as_object().into_iter().flatten() {
        if !value.is_object() && !find(key, value, response) {
            missing.push(format!("{key}: {value}"));
        }
    }
    missing
}

#[test]
fn an_update_answer_shows_the_update() {
    for (path, method, op) in operations()
        .into_iter()
        .filter(|(_, m, _)| matches!(*m, "patch" | "put"))
    {
        let Some(request) = op
            .pointer("/requestBody/content/application~1json")
            .and_then(support::example)
        else {
            continue;
        };
        let expected = op
            .get("x-expected-status")
            .map(|s| s.to_string())
            .unwrap_or_else(|| "200".into());
        let Some(response) = op["responses"]
            .get(expected.as_str())
            .and_then(|r| resolve(r).pointer("/content/application~1json"))
            .and_then(support::example)
        else {
            continue;
        };
        // Adding units sends the increment; the answer shows the new total.
        if op["operationId"] == "add_option_product_quantity"
            || op["operationId"] == "add_legacy_license_count"
        {
            continue;
        }
        let missing = shows(&request, &response);
        assert!(
            missing.is_empty(),
            "{method} {path}: the answer does not show {missing:?}"
        );
    }
}
