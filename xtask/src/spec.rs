//! Loading the OpenAPI document and looking at it the way `diff` and `regen` need:
//! operations in document order, and schemas with local `$ref`s and `allOf` folded in.

use serde_json::{Map, Value};
use std::path::Path;

/// The spec as a JSON value; YAML is read with key order preserved.
pub struct Spec {
    pub root: Value,
}

/// One operation, with the path-level parameters it inherits.
pub struct SpecOp<'a> {
    pub method: String,
    pub path: &'a str,
    pub op: &'a Map<String, Value>,
    pub path_params: &'a [Value],
}

/// An operation's upstream pages by slug (`x-doc-pages`, see docs/ARCHITECTURE.md).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DocPages {
    pub ja: Option<String>,
    pub en: Option<String>,
    pub legacy: Vec<String>,
    pub fadeout: Option<String>,
}

impl DocPages {
    pub fn of(op: &Map<String, Value>) -> DocPages {
        let x = op.get("x-doc-pages");
        let one = |k: &str| {
            x.and_then(|x| x.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        DocPages {
            ja: one("ja"),
            en: one("en"),
            legacy: x
                .and_then(|x| x.get("legacy"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            fadeout: one("fadeout"),
        }
    }
}

pub const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Spec {
    pub fn load(path: &Path) -> Result<Spec, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read spec {}: {e}", path.display()))?;
        Spec::parse(&text).map_err(|e| format!("cannot parse spec {}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Spec, String> {
        let root: Value = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
        if !root.is_object() {
            return Err("the document is not a mapping".into());
        }
        Ok(Spec { root })
    }

    pub fn operations(&self) -> Vec<SpecOp<'_>> {
        let mut out = Vec::new();
        let Some(paths) = self.root.get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            let path_params = item
                .get("parameters")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            for (method, op) in item {
                if let (true, Some(op)) = (HTTP_METHODS.contains(&method.as_str()), op.as_object())
                {
                    out.push(SpecOp {
                        method: method.to_ascii_uppercase(),
                        path,
                        op,
                        path_params,
                    });
                }
            }
        }
        out
    }

    /// The operation's `x-doc-pages` (empty when it has none or the operation is unknown).
    pub fn doc_pages(&self, method: &str, path: &str) -> DocPages {
        let norm = |p: &str| p.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        self.operations()
            .iter()
            .find(|o| o.method == method && norm(o.path) == norm(path))
            .map(|o| DocPages::of(o.op))
            .unwrap_or_default()
    }

    /// Follows a local `$ref` (`#/components/...`); `None` for remote or broken references.
    pub fn lookup(&self, reference: &str) -> Option<&Value> {
        let pointer = reference.strip_prefix('#')?;
        self.root.pointer(pointer)
    }

    /// Follows `$ref` chains on a non-schema object (parameter, requestBody, response).
    pub fn deref<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        for _ in 0..16 {
            match v
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| self.lookup(r))
            {
                Some(t) => v = t,
                None => break,
            }
        }
        v
    }

    /// A schema with `$ref` and `allOf` folded into one map: `properties` merged, `required`
    /// unioned, keys beside a `$ref` (such as `x-upstream-*` or `description`) winning over the
    /// target's. A `oneOf`/`anyOf` of one schema and `{type: 'null'}` is read as that schema,
    /// nullable.
    pub fn flatten(&self, v: &Value) -> Map<String, Value> {
        self.flatten_depth(v, 0)
    }

    /// The property names of every object the spec describes, keyed by the name of the
    /// property holding it and by its component name, for attributing a markdown page's
    /// unnamed nested tables.
    pub fn object_hints(&self) -> crate::docs::Hints {
        let mut hints = crate::docs::Hints::default();
        let names = |s: &Map<String, Value>| {
            s.get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default()
        };
        let schemas = self
            .root
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        for (name, schema) in schemas.into_iter().flatten() {
            hints.add(name, names(&self.flatten(schema)));
        }
        let mut stack = vec![&self.root];
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(m) => {
                    for (holder, sv) in m
                        .get("properties")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        let s = self.flatten(sv);
                        let object = match s.get("items") {
                            Some(items) => self.flatten(items),
                            None => s,
                        };
                        hints.add(holder, names(&object));
                    }
                    stack.extend(m.values());
                }
                Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
        hints
    }

    fn flatten_depth(&self, v: &Value, depth: usize) -> Map<String, Value> {
        let Some(obj) = v.as_object() else {
            return Map::new();
        };
        if depth > 32 {
            return obj.clone();
        }
        let mut out = Map::new();
        if let Some(target) = obj
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| self.lookup(r))
        {
            out = self.flatten_depth(target, depth + 1);
        }
        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            for member in all {
                let m = self.flatten_depth(member, depth + 1);
                merge_schema(&mut out, m, false);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alts) = obj.get(key).and_then(Value::as_array) {
                let (nulls, others): (Vec<&Value>, Vec<&Value>) = alts
                    .iter()
                    .partition(|a| a.get("type").and_then(Value::as_str) == Some("null"));
                if !nulls.is_empty() && others.len() == 1 {
                    let m = self.flatten_depth(others[0], depth + 1);
                    merge_schema(&mut out, m, false);
                    out.insert("nullable".into(), Value::Bool(true));
                }
            }
        }
        let own: Map<String, Value> = obj
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "$ref" | "allOf"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        merge_schema(&mut out, own, true);
        out
    }
}

/// Merges `from` into `into`: properties and required lists are combined; for other keys the
/// value in `from` wins when `override_keys`, else the first one seen stays.
fn merge_schema(into: &mut Map<String, Value>, from: Map<String, Value>, override_keys: bool) {
    for (k, v) in from {
        match (k.as_str(), into.get_mut(&k)) {
            ("properties", Some(Value::Object(existing))) => {
                if let Value::Object(props) = v {
                    for (pk, pv) in props {
                        existing.insert(pk, pv);
                    }
                }
            }
            ("required", Some(Value::Array(existing))) => {
                if let Value::Array(req) = v {
                    for r in req {
                        if !existing.contains(&r) {
                            existing.push(r);
                        }
                    }
                }
            }
            (_, Some(slot)) => {
                if override_keys {
                    *slot = v;
                }
            }
            (_, None) => {
                into.insert(k, v);
            }
        }
    }
}

/// The schema's type, with `null` taken out of a 3.1 type list and inferred from `properties`
/// / `items` when absent.
pub fn schema_type(s: &Map<String, Value>) -> Option<String> {
    match s.get("type") {
        Some(Value::String(t)) => Some(t.clone()),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .map(str::to_string),
        _ if s.contains_key("properties") => Some("object".into()),
        _ if s.contains_key("items") => Some("array".into()),
        _ => None,
    }
}

/// Nullable as 3.0 (`nullable: true`) or 3.1 (`type: [X, 'null']`, or `null` in the enum).
pub fn schema_nullable(s: &Map<String, Value>) -> bool {
    s.get("nullable").and_then(Value::as_bool).unwrap_or(false)
        || s.get("type")
            .and_then(Value::as_array)
            .is_some_and(|ts| ts.iter().any(|t| t.as_str() == Some("null")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_siblings_and_all_of() {
        let spec = Spec::parse(
            r##"
components:
  schemas:
    Base:
      type: object
      required: [a]
      properties:
        a: {type: string}
    Thing:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [b]
          properties:
            b: {type: [integer, 'null']}
      description: thing
"##,
        )
        .unwrap();
        let v: Value =
            serde_json::json!({"$ref": "#/components/schemas/Thing", "x-upstream-type": "array"});
        let f = spec.flatten(&v);
        assert_eq!(schema_type(&f).as_deref(), Some("object"));
        assert_eq!(f["required"], serde_json::json!(["a", "b"]));
        assert_eq!(f["x-upstream-type"], "array");
        let b = f["properties"]["b"].as_object().unwrap();
        assert!(schema_nullable(b));
        assert_eq!(schema_type(b).as_deref(), Some("integer"));
    }
}
