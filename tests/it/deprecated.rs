//! `deprecated: true` in the spec reaches the Rust API as `#[deprecated]`: every deprecated
//! property of a component schema, on the field of its generated type, and nothing else.

use serde_json::Value;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/progenitor.rs"));
const SPEC: &str = include_str!("../../openapi/partner.yaml");

/// The field declarations of `pub struct NAME { ... }` in the generated types, with the
/// attributes before each, as text.
fn struct_body(name: &str) -> &'static str {
    let head = format!("pub struct {name} {{");
    let start = GENERATED
        .find(&head)
        .unwrap_or_else(|| panic!("no generated struct {name}"));
    let body = &GENERATED[start + head.len()..];
    &body[..body.find("\n    }").expect("struct closes")]
}

#[test]
fn deprecated_properties_are_deprecated_fields() {
    let spec: Value = serde_saphyr::from_str(SPEC).unwrap();
    let mut expected = 0;
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        let Some(props) = schema["properties"].as_object() else {
            continue;
        };
        for (prop, p) in props {
            if p["deprecated"] != Value::Bool(true) {
                continue;
            }
            expected += 1;
            let body = struct_body(name);
            let rename = format!("rename = \"{prop}\"");
            let at = body
                .find(&rename)
                .unwrap_or_else(|| panic!("{name}.{prop} not generated"));
            let field = &body[at..body[at..].find("pub ").map(|i| at + i).unwrap()];
            assert!(
                field.contains("#[deprecated(") && field.contains(&format!("`{name}.{prop}`")),
                "{name}.{prop}: {field}"
            );
        }
    }
    assert!(expected > 0, "the spec marks properties deprecated");
    // Only those fields: typify's builders and everything else stay unmarked.
    assert_eq!(GENERATED.matches("#[deprecated(").count(), expected);
}
