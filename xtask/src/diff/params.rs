//! Parameters: the path, query and header parameters a page lists, against the spec's.

use super::*;

impl Cx<'_> {
    pub(super) fn parameters(&mut self, d: &DocOp, o: &SpecOp) {
        // Operation-level parameters override path-level ones with the same name and place.
        let mut params: Vec<&Map<String, Value>> = Vec::new();
        let op_params = o.op.get("parameters").and_then(Value::as_array);
        for p in op_params.into_iter().flatten().chain(o.path_params) {
            let Some(p) = self.spec.deref(p).as_object() else {
                continue;
            };
            let key = |m: &Map<String, Value>| (m.get("name").cloned(), m.get("in").cloned());
            if !params.iter().any(|q| key(q) == key(p)) {
                params.push(p);
            }
        }
        let relevant = |dp: &&DocParam| {
            dp.location != ParamIn::Header
                || !IMPLIED_HEADERS.contains(&dp.prop.name.to_ascii_lowercase().as_str())
        };
        let docs_params: Vec<&DocParam> = d.params.iter().filter(relevant).collect();
        for dp in &docs_params {
            let name = &dp.prop.name;
            let sp = params.iter().find(|p| {
                let n = p.get("name").and_then(Value::as_str).unwrap_or_default();
                if dp.location == ParamIn::Header {
                    n.eq_ignore_ascii_case(name)
                } else {
                    n == name
                }
            });
            let Some(sp) = sp else {
                self.push(
                    "parameter",
                    name,
                    "parameter",
                    format!("{} parameter ({})", dp.location.as_str(), dp.prop.ty),
                    "missing".into(),
                    false,
                );
                continue;
            };
            let schema = sp
                .get("schema")
                .map(|s| self.spec.flatten(s))
                .unwrap_or_default();
            let annos: &Annos = &[sp, &schema];
            let sin = sp.get("in").and_then(Value::as_str).unwrap_or("?");
            if sin != dp.location.as_str() {
                self.push(
                    "parameter",
                    name,
                    "in",
                    format!("in {}", dp.location.as_str()),
                    format!("in {sin}"),
                    false,
                );
            }
            let required = sp.get("required").and_then(Value::as_bool).unwrap_or(false);
            self.prop_facts("parameter", name, &dp.prop, &schema, required, annos);
        }
        for sp in params {
            let name = sp.get("name").and_then(Value::as_str).unwrap_or("?");
            let sin = sp.get("in").and_then(Value::as_str).unwrap_or("?");
            if sin == "cookie" {
                continue;
            }
            let in_docs = docs_params.iter().any(|dp| {
                dp.prop.name == name || (sin == "header" && dp.prop.name.eq_ignore_ascii_case(name))
            });
            let implied =
                sin == "header" && IMPLIED_HEADERS.contains(&name.to_ascii_lowercase().as_str());
            if !in_docs && !implied && !self.unread.iter().any(|u| u == name) {
                let schema = sp
                    .get("schema")
                    .map(|s| self.spec.flatten(s))
                    .unwrap_or_default();
                let accepted = has_inferred(&[sp, &schema, o.op]);
                let ty = schema_type(&schema).unwrap_or_else(|| "?".into());
                self.push(
                    "parameter",
                    name,
                    "parameter",
                    "missing".into(),
                    format!("{sin} parameter ({ty})"),
                    accepted,
                );
            }
        }
    }
}
