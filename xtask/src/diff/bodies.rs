//! Request and response bodies: which exist, and their properties level by level.

use super::*;

impl Cx<'_> {
    /// The JSON schema of a request body or response: `application/json`, else the first.
    fn content_schema(&self, holder: &Map<String, Value>) -> Option<Map<String, Value>> {
        let content = holder.get("content")?.as_object()?;
        let media = content
            .get("application/json")
            .or_else(|| content.values().next())?;
        media.get("schema").map(|s| self.spec.flatten(s))
    }

    pub(super) fn request(&mut self, d: &DocOp, o: &SpecOp) {
        let body =
            o.op.get("requestBody")
                .map(|b| self.spec.deref(b))
                .and_then(Value::as_object);
        let schema = body.and_then(|b| self.content_schema(b));
        match (&d.request, body) {
            (None, None) => {}
            (Some(props), None) => self.push(
                "request",
                "-",
                "body",
                format!("body ({} properties)", props.len()),
                "no body".into(),
                false,
            ),
            (None, Some(b)) => {
                let accepted = has_inferred(&[o.op, b]);
                self.push(
                    "request",
                    "-",
                    "body",
                    "no body".into(),
                    "body".into(),
                    accepted,
                )
            }
            (Some(props), Some(b)) => {
                let schema = schema.unwrap_or_default();
                let inferred = has_inferred(&[o.op, b, &schema]);
                self.props("request", "", props, &schema, inferred, Side::Request);
            }
        }
    }

    pub(super) fn responses(&mut self, d: &DocOp, o: &SpecOp) {
        let spec_responses: Vec<(u16, &Map<String, Value>)> =
            o.op.get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| {
                    let code = if k.eq_ignore_ascii_case("2XX") {
                        200
                    } else {
                        k.parse().ok()?
                    };
                    Some((code, self.spec.deref(v).as_object()?))
                })
                .filter(|(c, _)| (200..300).contains(c))
                .collect();
        let docs_ok: Vec<&DocResponse> = d
            .responses
            .iter()
            .filter(|r| (200..300).contains(&r.status) || r.status == UNSTATED)
            .collect();
        if docs_ok.is_empty() {
            return; // the page shows no success status (cut off): nothing to compare
        }
        // A success line that names no status states nothing about the status.
        let stated: Vec<&&DocResponse> = docs_ok.iter().filter(|r| r.status != UNSTATED).collect();
        if !stated.is_empty() {
            let dc = canon_list(stated.iter().map(|r| r.status.to_string()));
            let sc = canon_list(spec_responses.iter().map(|r| r.0.to_string()));
            self.fact(
                "status",
                "-",
                "status",
                dc.clone(),
                sc.clone(),
                (format!("status {dc}"), format!("status {sc}")),
                &[o.op],
            );
        }
        for r in docs_ok {
            // Same status, else the only success response (the first for an unstated one): a
            // changed status is one finding, and the bodies are still compared.
            let sr = spec_responses.iter().find(|(c, _)| *c == r.status).or(
                if spec_responses.len() == 1 || r.status == UNSTATED {
                    spec_responses.first()
                } else {
                    None
                },
            );
            let Some((code, sr)) = sr else { continue };
            let location = format!(
                "response {}",
                if r.status == UNSTATED {
                    *code
                } else {
                    r.status
                }
            );
            let schema = self.content_schema(sr);
            let has_props = |s: &Map<String, Value>| {
                s.get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty())
                    || s.contains_key("items")
            };
            match (&r.body, schema) {
                (Some(props), Some(schema)) => {
                    let inferred = has_inferred(&[o.op, sr, &schema]);
                    self.props(&location, "", props, &schema, inferred, Side::Response);
                }
                (Some(props), None) => self.push(
                    &location,
                    "-",
                    "body",
                    format!("body ({} properties)", props.len()),
                    "no body".into(),
                    false,
                ),
                (None, Some(schema)) if has_props(&schema) => {
                    let accepted = has_inferred(&[o.op, sr, &schema]);
                    self.push(
                        &location,
                        "-",
                        "body",
                        "no body".into(),
                        "body".into(),
                        accepted,
                    )
                }
                (None, _) => {}
            }
        }
    }

    /// Compares one level of properties, then recurses into nested objects and arrays.
    fn props(
        &mut self,
        location: &str,
        prefix: &str,
        docs: &[DocProp],
        schema: &Map<String, Value>,
        inferred: bool,
        side: Side,
    ) {
        let empty = Map::new();
        let spec_props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for p in docs {
            let target = format!("{prefix}{}", p.name);
            let Some(sv) = spec_props.get(&p.name) else {
                self.push(
                    location,
                    &target,
                    "property",
                    format!("property ({})", p.ty),
                    "missing".into(),
                    false,
                );
                continue;
            };
            let s = self.spec.flatten(sv);
            let req = required.contains(&p.name.as_str());
            self.prop_facts(location, &target, p, &s, req, &[&s]);
            let Some(children) = &p.children else {
                continue;
            };
            let child_inferred = inferred || s.contains_key("x-inferred");
            if p.ty == "array" {
                let items = s
                    .get("items")
                    .map(|i| self.spec.flatten(i))
                    .unwrap_or_default();
                let inf = child_inferred || items.contains_key("x-inferred");
                self.props(
                    location,
                    &format!("{target}[]."),
                    children,
                    &items,
                    inf,
                    side,
                );
            } else {
                self.props(
                    location,
                    &format!("{target}."),
                    children,
                    &s,
                    child_inferred,
                    side,
                );
            }
        }
        for (name, sv) in spec_props {
            if docs.iter().any(|p| &p.name == name) || self.unread.contains(name) {
                continue;
            }
            let s = self.spec.flatten(sv);
            // readOnly properties are never sent, writeOnly ones never returned.
            let skip = match side {
                Side::Request => s.get("readOnly") == Some(&Value::Bool(true)),
                Side::Response => s.get("writeOnly") == Some(&Value::Bool(true)),
            };
            if skip {
                continue;
            }
            let ty = schema_type(&s).unwrap_or_else(|| "?".into());
            let accepted = inferred || s.contains_key("x-inferred");
            self.push(
                location,
                &format!("{prefix}{name}"),
                "property",
                "missing".into(),
                format!("property ({ty})"),
                accepted,
            );
        }
    }
}
