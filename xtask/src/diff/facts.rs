//! The facts of one property or parameter: type, flags, constraints, enum.

use super::languages;
use super::*;

impl Cx<'_> {
    /// The per-property facts, shared by body properties and parameters.
    pub(super) fn prop_facts(
        &mut self,
        loc: &str,
        target: &str,
        p: &DocProp,
        s: &Map<String, Value>,
        spec_required: bool,
        annos: &Annos,
    ) {
        let spec_ty = schema_type(s).unwrap_or_else(|| "none".into());
        self.fact(
            loc,
            target,
            "type",
            p.ty.clone(),
            spec_ty.clone(),
            (format!("type {}", p.ty), format!("type {spec_ty}")),
            annos,
        );
        // Constraints of an array of primitives are stated on the array and apply to items.
        let items = if p.ty == "array" && spec_ty == "array" {
            s.get("items").map(|i| self.spec.flatten(i))
        } else {
            None
        };
        if let (Some(it), Some(dty)) = (&items, p.primitive_items()) {
            let ity = schema_type(it).unwrap_or_else(|| "none".into());
            self.fact(
                loc,
                &format!("{target}[]"),
                "type",
                dty.to_string(),
                ity.clone(),
                (format!("type {dty}"), format!("type {ity}")),
                &[it],
            );
        }
        let vs = items.as_ref().unwrap_or(s);
        let mut with_items: Vec<&Map<String, Value>> = annos.to_vec();
        with_items.extend(items.as_ref());
        let annos: &Annos = &with_items;
        let bools = [
            (
                "required",
                p.required,
                spec_required,
                "required",
                "optional",
            ),
            (
                "nullable",
                p.nullable,
                schema_nullable(s),
                "nullable",
                "not nullable",
            ),
            (
                "readOnly",
                p.read_only,
                s.get("readOnly").and_then(Value::as_bool).unwrap_or(false),
                "readOnly",
                "not readOnly",
            ),
            (
                "deprecated",
                p.deprecated,
                annos
                    .iter()
                    .any(|a| a.get("deprecated") == Some(&Value::Bool(true))),
                "deprecated",
                "not deprecated",
            ),
        ];
        // A page cut off inside a property shows no `required` or `nullable` mark, which then
        // states nothing: the property's own `x-inferred` accepts the spec's `true`.
        let silent = |fact: &str, d: bool, sp: bool| {
            matches!(fact, "required" | "nullable") && !d && sp && s.contains_key("x-inferred")
        };
        for (fact, d, sp, yes, no) in bools {
            let docs_canon = if silent(fact, d, sp) {
                "none".to_string()
            } else {
                d.to_string()
            };
            self.fact(
                loc,
                target,
                fact,
                docs_canon,
                sp.to_string(),
                (flag(d, yes, no), flag(sp, yes, no)),
                annos,
            );
        }
        let values: [(&'static str, Option<&str>, &Map<String, Value>); 6] = [
            ("format", p.format.as_deref(), vs),
            ("maxLength", p.max_length.as_deref(), vs),
            ("minLength", p.min_length.as_deref(), vs),
            ("minimum", p.minimum.as_deref(), vs),
            ("maximum", p.maximum.as_deref(), vs),
            ("default", p.default.as_deref(), s),
        ];
        for (fact, d, holder) in values {
            let dc = opt_canon(d);
            let sc = holder
                .get(fact)
                .map_or_else(|| "none".into(), |v| canon(v, false));
            // `int32`/`int64` only size an integer the docs leave unsized: not a difference.
            if fact == "format" && dc == "none" && matches!(sc.as_str(), "int32" | "int64") {
                continue;
            }
            self.fact(
                loc,
                target,
                fact,
                dc.clone(),
                sc.clone(),
                (format!("{fact} {dc}"), format!("{fact} {sc}")),
                annos,
            );
        }
        // Enum: a null member only says "nullable", which is compared above.
        let spec_enum: Option<Vec<String>> = vs.get("enum").and_then(Value::as_array).map(|e| {
            e.iter()
                .filter(|v| !v.is_null())
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => canon(other, false),
                })
                .collect()
        });
        // A value this page leaves out and another page of the operation lists is not
        // removed: that page was cut off or lists a subset.
        let elsewhere = self
            .listed_elsewhere
            .get(&(languages::side(loc).to_string(), target.to_string()));
        let page_enum: Option<Vec<String>> = p.enum_values.as_ref().map(|e| {
            let mut all = e.clone();
            for v in spec_enum.iter().flatten() {
                if !all.contains(v) && elsewhere.is_some_and(|o| o.contains(v)) {
                    all.push(v.clone());
                }
            }
            all
        });
        let p_enum = &page_enum;
        let dc = p_enum
            .as_ref()
            .map_or_else(|| "none".into(), |e| canon_list(e.iter()));
        let sc = spec_enum
            .as_ref()
            .map_or_else(|| "none".into(), |e| canon_list(e.iter()));
        if dc != sc {
            let dset: BTreeSet<&str> = p_enum.iter().flatten().map(String::as_str).collect();
            let sset: BTreeSet<&str> = spec_enum.iter().flatten().map(String::as_str).collect();
            let added: Vec<&str> = sset.difference(&dset).copied().collect();
            let removed: Vec<&str> = dset.difference(&sset).copied().collect();
            let mut change = Vec::new();
            if !added.is_empty() && !dset.is_empty() {
                change.push(format!("adds {}", added.join(", ")));
            }
            if !removed.is_empty() && !sset.is_empty() {
                change.push(format!("drops {}", removed.join(", ")));
            }
            let list = |e: &Option<Vec<String>>| {
                e.as_ref()
                    .map_or_else(|| "none".into(), |e| format!("[{}]", e.join(", ")))
            };
            let spec_shown = if change.is_empty() {
                format!("enum {}", list(&spec_enum))
            } else {
                format!("enum {} ({})", list(&spec_enum), change.join("; "))
            };
            self.fact(
                loc,
                target,
                "enum",
                dc,
                sc,
                (format!("enum {}", list(&p.enum_values)), spec_shown),
                annos,
            );
        }
    }
}
