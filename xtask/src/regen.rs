//! `cargo xtask regen [--check]`: rewrites what is derived from the spec and checked in, so
//! that a reviewer sees generated changes in the same commit as the spec change, and CI (or a
//! plain `cargo test --workspace`) catches a commit that forgot to regenerate.

use crate::spec::{Spec, SpecOp};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const SPEC_YAML: &str = "openapi/partner.yaml";
pub const SPEC_JSON: &str = "openapi/partner.json";
/// The copy the `lineworks-partner-codegen` package ships (its `SPEC_YAML`), from which the
/// packaged CLI and sandbox are built: byte for byte the spec.
pub const SPEC_COPY: &str = "codegen/spec/partner.yaml";
pub const README: &str = "README.md";
pub const BEGIN: &str = "<!-- operations:begin -->";
pub const END: &str = "<!-- operations:end -->";
const FIX: &str = "cargo xtask regen";

/// One derived file: where it goes and what it should contain, or why it cannot be made.
struct Artifact {
    rel: &'static str,
    want: Result<String, String>,
}

/// The spec as JSON: same document, key order kept, 2-space indent, trailing newline.
pub fn spec_json(spec: &Spec) -> String {
    let mut s = serde_json::to_string_pretty(&spec.root).expect("a JSON value always serializes");
    s.push('\n');
    s
}

/// The README operation table, sorted by tag (in the order of the spec's `tags`), then path,
/// then method.
pub fn operations_table(spec: &Spec) -> String {
    let tag_order: Vec<&str> = spec
        .root
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("name").and_then(Value::as_str))
        .collect();
    let method_rank = |m: &str| {
        ["GET", "POST", "PUT", "PATCH", "DELETE"]
            .iter()
            .position(|x| *x == m)
            .unwrap_or(9)
    };
    let mut ops = spec.operations();
    let tag = |o: &SpecOp| -> String {
        o.op.get("tags")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    ops.sort_by(|a, b| {
        let (ta, tb) = (tag(a), tag(b));
        let rank = |t: &str| tag_order.iter().position(|x| *x == t).unwrap_or(usize::MAX);
        (rank(&ta), ta, a.path, method_rank(&a.method)).cmp(&(
            rank(&tb),
            tb,
            b.path,
            method_rank(&b.method),
        ))
    });
    let root_security = spec.root.get("security");
    let mut out = String::from(
        "| Operation | Path | Scope | Method | Rust method |\n|---|---|---|---|---|\n",
    );
    for o in &ops {
        let id = o.op.get("operationId").and_then(Value::as_str);
        let summary =
            o.op.get("summary")
                .and_then(Value::as_str)
                .or(id)
                .unwrap_or("—");
        let mut scopes: Vec<String> = Vec::new();
        let security = o.op.get("security").or(root_security);
        for req in security.and_then(Value::as_array).into_iter().flatten() {
            for (_, list) in req.as_object().into_iter().flatten() {
                for s in list
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    let s = format!("`{s}`");
                    if !scopes.contains(&s) {
                        scopes.push(s);
                    }
                }
            }
        }
        let scope = if scopes.is_empty() {
            "—".to_string()
        } else {
            scopes.join(", ")
        };
        let mut method = id.map_or_else(|| "—".to_string(), |id| format!("`client.{id}()`"));
        if o.op.get("deprecated").and_then(Value::as_bool) == Some(true) {
            // `x-replaced-by`: one operationId or a list of them.
            let replaced: Vec<String> = match o.op.get("x-replaced-by") {
                Some(Value::String(r)) => vec![format!("`client.{r}()`")],
                Some(Value::Array(list)) => list
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|r| format!("`client.{r}()`"))
                    .collect(),
                _ => Vec::new(),
            };
            method = if replaced.is_empty() {
                format!("{method} (deprecated, no replacement)")
            } else {
                format!("{method} (deprecated: {})", replaced.join(" / "))
            };
        }
        out += &format!(
            // Method after path and scope: the row reads as a fact table, not as the docs' lines.
            "| {} | `{}` | {} | {} | {} |\n",
            cell(summary),
            o.path,
            scope,
            o.method,
            method
        );
    }
    out
}

fn cell(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// Puts `table` between the markers; an error says what is missing.
pub fn splice(readme: &str, table: &str) -> Result<String, String> {
    let b = readme
        .find(BEGIN)
        .ok_or_else(|| format!("{README} has no `{BEGIN}` marker"))?
        + BEGIN.len();
    let e = readme[b..]
        .find(END)
        .map(|i| i + b)
        .ok_or_else(|| format!("{README} has no `{END}` marker after `{BEGIN}`"))?;
    Ok(format!("{}\n{}{}", &readme[..b], table, &readme[e..]))
}

fn artifacts(root: &Path, spec: &Spec) -> Vec<Artifact> {
    let copy = std::fs::read_to_string(root.join(SPEC_YAML))
        .map_err(|e| format!("cannot read {SPEC_YAML}: {e}"));
    let readme = match std::fs::read_to_string(root.join(README)) {
        Ok(text) => splice(&text, &operations_table(spec)),
        Err(_) => Err(format!(
            "{README} not found: operations table not generated"
        )),
    };
    vec![
        Artifact {
            rel: SPEC_JSON,
            want: Ok(spec_json(spec)),
        },
        Artifact {
            rel: README,
            want: readme,
        },
        Artifact {
            rel: SPEC_COPY,
            want: copy,
        },
    ]
}

/// Runs regen (or the check) on the workspace at `root`; returns the exit code.
pub fn run(root: &Path, check: bool, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let start = Instant::now();
    let spec = match Spec::load(&root.join(SPEC_YAML)) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    };
    let (mut stale, mut missing) = (0, 0);
    for a in artifacts(root, &spec) {
        let path: PathBuf = root.join(a.rel);
        let want = match a.want {
            Ok(w) => w,
            Err(e) => {
                if check {
                    let _ = writeln!(err, "error: {e} (add `{BEGIN}` and `{END}`)");
                    missing += 1;
                } else {
                    let _ = writeln!(err, "warning: {e}");
                }
                continue;
            }
        };
        let current = std::fs::read_to_string(&path).ok();
        let fresh = current.as_deref() == Some(want.as_str());
        if check {
            if !fresh {
                let _ = writeln!(err, "stale: {} (run `{FIX}`)", a.rel);
                stale += 1;
            }
        } else if fresh {
            let _ = writeln!(out, "unchanged {}", a.rel);
        } else if let Err(e) = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, want))
        {
            let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
            return 2;
        } else {
            let _ = writeln!(out, "wrote {}", a.rel);
        }
    }
    // The changelog entry needs the npm diff tool, so regen checks its stamp in both modes.
    let changelog_stale = match crate::changelog::check(root, &spec) {
        Some(Err(e)) => {
            let _ = writeln!(err, "{e}");
            1
        }
        _ => 0,
    };
    let ms = start.elapsed().as_secs_f64() * 1e3;
    if check {
        if stale + missing + changelog_stale == 0 {
            let _ = writeln!(out, "regen --check: up to date ({ms:.1} ms)");
            0
        } else {
            let fix = if stale > 0 {
                format!("; run `{FIX}`")
            } else {
                String::new()
            };
            let stale = stale + changelog_stale;
            let _ = writeln!(err, "regen --check: {stale} stale, {missing} missing{fix}");
            1
        }
    } else {
        let _ = writeln!(out, "regen: generated in {ms:.1} ms");
        changelog_stale
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const SPEC: &str = r#"openapi: 3.1.0
info: {title: t, version: '1'}
tags:
  - name: widgets
  - name: admin
security:
  - oauth: [widget]
paths:
  /widgets/{id}:
    delete:
      operationId: delete_widget
      tags: [widgets]
      summary: Delete a widget
      responses: {'204': {description: gone}}
    get:
      operationId: get_widget
      tags: [widgets]
      summary: Get a | widget
      security: [{oauth: [widget, widget.read]}]
      responses: {'200': {description: ok}}
  /admin/reset:
    post:
      operationId: reset
      tags: [admin]
      summary: Reset
      responses: {'202': {description: later}}
"#;

    fn temp_root(files: &[(&str, &str)]) -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xtask-regen-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("openapi")).unwrap();
        for (rel, text) in files {
            std::fs::write(dir.join(rel), text).unwrap();
        }
        dir
    }

    fn run_capture(root: &Path, check: bool) -> (i32, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(root, check, &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    /// The check logic end to end on a scratch workspace: stale → regen → fresh → stale again.
    fn check_cycle(spec: &str, readme: &str) {
        let root = temp_root(&[(SPEC_YAML, spec), (README, readme)]);
        let (code, _, err) = run_capture(&root, true);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains("stale: openapi/partner.json (run `cargo xtask regen`)"),
            "{err}"
        );
        assert!(err.contains("stale: README.md"), "{err}");
        assert!(err.contains("stale: codegen/spec/partner.yaml"), "{err}");
        let before = std::fs::read_to_string(root.join(README)).unwrap();
        assert!(!root.join(SPEC_JSON).exists(), "--check writes nothing");
        assert_eq!(std::fs::read_to_string(root.join(README)).unwrap(), before);

        let (code, out, _) = run_capture(&root, false);
        assert_eq!(code, 0);
        assert!(
            out.contains("wrote openapi/partner.json") && out.contains("generated in"),
            "{out}"
        );
        let (code, out, err) = run_capture(&root, true);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("up to date"));
        let (_, out, _) = run_capture(&root, false);
        assert!(out.contains("unchanged README.md"), "idempotent: {out}");

        // Editing the spec makes both artifacts stale again.
        let edited = std::fs::read_to_string(root.join(SPEC_YAML)).unwrap() + "x-edited: true\n";
        std::fs::write(root.join(SPEC_YAML), edited).unwrap();
        let (code, _, err) = run_capture(&root, true);
        assert_eq!(code, 1);
        assert!(err.contains("stale: openapi/partner.json"), "{err}");
        assert!(err.contains("stale: codegen/spec/partner.yaml"), "{err}");
        run_capture(&root, false);
        assert_eq!(
            std::fs::read(root.join(SPEC_COPY)).unwrap(),
            std::fs::read(root.join(SPEC_YAML)).unwrap(),
            "the packaged copy is the spec byte for byte"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn check_detects_stale_and_regen_fixes() {
        check_cycle(SPEC, &format!("# T\n\n{BEGIN}\nold\n{END}\n\nmore\n"));
    }

    #[test]
    fn json_keeps_key_order_and_format() {
        let spec = Spec::parse("zeta: 1\nalpha:\n  b: [1, 2]\n  a: x\n").unwrap();
        assert_eq!(
            spec_json(&spec),
            "{\n  \"zeta\": 1,\n  \"alpha\": {\n    \"b\": [\n      1,\n      2\n    ],\n    \"a\": \"x\"\n  }\n}\n"
        );
    }

    #[test]
    fn table_is_sorted_by_tag_then_path() {
        let table = operations_table(&Spec::parse(SPEC).unwrap());
        let rows: Vec<&str> = table.lines().skip(2).collect();
        assert_eq!(
            rows,
            [
                "| Get a \\| widget | `/widgets/{id}` | `widget`, `widget.read` | GET | `client.get_widget()` |",
                "| Delete a widget | `/widgets/{id}` | `widget` | DELETE | `client.delete_widget()` |",
                "| Reset | `/admin/reset` | `widget` | POST | `client.reset()` |",
            ]
        );
    }

    #[test]
    fn missing_readme_or_markers_is_reported() {
        let root = temp_root(&[(SPEC_YAML, SPEC)]);
        let (code, _, err) = run_capture(&root, true);
        assert_eq!(code, 1);
        assert!(err.contains("README.md not found"), "{err}");
        let (code, _, err) = run_capture(&root, false);
        assert_eq!(code, 0, "regen still writes partner.json");
        assert!(err.contains("warning: README.md not found"), "{err}");

        std::fs::write(root.join(README), "# no markers\n").unwrap();
        let (code, _, err) = run_capture(&root, true);
        assert_eq!(code, 1);
        assert!(
            err.contains("no `<!-- operations:begin -->` marker"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(
            run_capture(&temp_root(&[]), true).0,
            2,
            "no spec: cannot run"
        );
    }

    /// Guards the checked-in artifacts: fails when `openapi/partner.json` or the README table
    /// is stale. Until the spec and the README (with markers) are on this branch, the same
    /// check runs on a scratch copy of whatever exists, so the test is never vacuous.
    #[test]
    fn workspace_artifacts_are_fresh() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let spec = std::fs::read_to_string(root.join(SPEC_YAML)).ok();
        let readme = std::fs::read_to_string(root.join(README)).ok();
        let has_markers = readme
            .as_deref()
            .is_some_and(|r| r.contains(BEGIN) && r.contains(END));
        match (&spec, has_markers) {
            (Some(_), true) => {
                let (code, out, err) = run_capture(root, true);
                assert_eq!(code, 0, "{out}{err}");
            }
            _ => {
                if spec.is_some() {
                    let want = spec_json(&Spec::load(&root.join(SPEC_YAML)).unwrap());
                    let have = std::fs::read_to_string(root.join(SPEC_JSON)).unwrap_or_default();
                    assert!(have == want, "stale: {SPEC_JSON} (run `{FIX}`)");
                }
                let readme = match readme {
                    Some(r) if has_markers => r,
                    Some(r) => format!("{r}\n{BEGIN}\n{END}\n"),
                    None => format!("# README\n\n{BEGIN}\n{END}\n"),
                };
                check_cycle(spec.as_deref().unwrap_or(SPEC), &readme);
            }
        }
    }
}
