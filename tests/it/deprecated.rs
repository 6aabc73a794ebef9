//! `deprecated: true` in the spec reaches the Rust API as `#[deprecated]`: every deprecated
//! property of a component schema, on the field of its generated type, and nothing else but the
//! positional constructors the body builders replace; every deprecated operation, on its
//! `Client` method, with a note naming the replacement.

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
    // Only those fields and the positional constructors (`new(a, b, ..)`, superseded by the
    // typestate `builder()`): typify's builders and everything else stay unmarked.
    let positional = GENERATED
        .matches("required fields by position are easy to swap")
        .count();
    assert!(positional > 0, "positional constructors are deprecated");
    assert_eq!(
        GENERATED.matches("#[deprecated(").count(),
        expected + positional
    );
}

/// The deprecated operations and their replacements (`x-replaced-by`), from the spec.
fn deprecated_operations() -> Vec<(String, Vec<String>)> {
    let spec: Value = serde_saphyr::from_str(SPEC).unwrap();
    let mut out = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if op["deprecated"] != Value::Bool(true) {
                continue;
            }
            let replaced = match &op["x-replaced-by"] {
                Value::String(r) => vec![r.clone()],
                Value::Array(list) => list
                    .iter()
                    .map(|r| r.as_str().unwrap().to_string())
                    .collect(),
                _ => Vec::new(),
            };
            out.push((op["operationId"].as_str().unwrap().to_string(), replaced));
        }
    }
    out
}

/// The crate's rlib this test was built with (the newest in the test binary's `deps`).
fn crate_rlib(deps: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(deps)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("liblineworks_partner-") && name.ends_with(".rlib")
        })
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .expect("the crate's rlib next to the test binary")
}

/// A migration is a list of compiler warnings: code calling a deprecated operation compiles,
/// with a warning that names the call to write instead. Compiled for real with rustc against
/// the crate, so a missing `#[deprecated]` or a note without the replacement fails.
#[test]
fn calling_a_deprecated_operation_warns_with_its_replacement() {
    let ops = deprecated_operations();
    assert!(ops.len() >= 12, "the spec has the fading operations");
    let calls: String = ops
        .iter()
        .map(|(id, _)| format!("    let _ = client.{id}();\n"))
        .collect();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("deprecated-warnings");
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("migration.rs");
    std::fs::write(
        &src,
        format!("pub fn migrate(client: &lineworks_partner::Client) {{\n{calls}}}\n"),
    )
    .unwrap();
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = std::process::Command::new(rustc)
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "lib",
            "--crate-name",
            "migration",
        ])
        .args(["--emit", "metadata", "--error-format", "json"])
        .arg("--out-dir")
        .arg(&dir)
        .arg("-L")
        .arg(format!("dependency={}", deps.display()))
        .arg("--extern")
        .arg(format!("lineworks_partner={}", crate_rlib(deps).display()))
        .arg(&src)
        .output()
        .expect("rustc runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "a deprecated call still compiles:\n{stderr}"
    );
    let warnings: Vec<String> = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|d| d["level"] == "warning")
        .filter_map(|d| d["message"].as_str().map(str::to_string))
        .collect();
    for (id, replaced) in &ops {
        // rustc names the method through the module of its impl block.
        let tail = format!("lineworks_partner::Client>::{id}`: ");
        let warning = warnings
            .iter()
            .find(|w| w.starts_with("use of deprecated method `") && w.contains(&tail))
            .unwrap_or_else(|| panic!("no deprecation warning for {id}: {warnings:#?}"));
        if replaced.is_empty() {
            assert!(warning.contains("no replacement"), "{warning}");
        }
        for r in replaced {
            assert!(
                warning.contains(&format!("client.{r}()")),
                "the warning for {id} names client.{r}(): {warning}"
            );
        }
    }
    let deprecations = warnings
        .iter()
        .filter(|w| w.starts_with("use of deprecated"))
        .count();
    assert_eq!(deprecations, ops.len(), "{warnings:#?}");
}
