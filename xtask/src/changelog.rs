//! The changelog step of `regen`. The current entry of `openapi/CHANGELOG.md` is the
//! compatibility report of `.ci/spec-compat --update`, which needs an npm diff tool that xtask
//! does not have; so regen does not write it, it checks it. The entry carries a stamp, the
//! spec's `info.version` and the SHA-256 of `openapi/partner.yaml` it was made from, and any
//! edit of the spec without a fresh, reviewed entry makes `regen --check` (and so
//! `cargo test --workspace`) fail.

use crate::regen::SPEC_YAML;
use crate::spec::Spec;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

pub const CHANGELOG: &str = "openapi/CHANGELOG.md";
/// The last released spec; a workspace without it (a scratch test root) has no changelog step.
pub const RELEASED: &str = "openapi/released/partner.yaml";
pub const FIX: &str = "bash .ci/spec-compat --update";

/// The stamp line `.ci/spec-compat` writes into the entry (it hashes with `sha256sum`).
pub fn stamp(version: &str, spec_bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, spec_bytes);
    let mut hex = String::with_capacity(64);
    for b in digest.as_ref() {
        let _ = write!(hex, "{b:02x}");
    }
    format!("<!-- spec: version {version}, sha256 {hex} -->")
}

/// `None` when there is no released spec to be compatible with; else whether the changelog's
/// stamp matches the spec on disk, with the reason when it does not.
pub fn check(root: &Path, spec: &Spec) -> Option<Result<(), String>> {
    if !root.join(RELEASED).is_file() {
        return None;
    }
    Some(check_stamp(root, spec))
}

fn check_stamp(root: &Path, spec: &Spec) -> Result<(), String> {
    let version = spec
        .root
        .pointer("/info/version")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{SPEC_YAML} has no info.version"))?;
    let bytes =
        std::fs::read(root.join(SPEC_YAML)).map_err(|e| format!("cannot read {SPEC_YAML}: {e}"))?;
    let text = std::fs::read_to_string(root.join(CHANGELOG))
        .map_err(|_| format!("{CHANGELOG} not found (run `{FIX}`)"))?;
    let want = stamp(version, &bytes);
    let found = text.lines().find(|l| l.starts_with("<!-- spec: version "));
    match found {
        Some(line) if line.trim_end() == want => Ok(()),
        Some(line) => Err(format!(
            "stale: {CHANGELOG} was written for another spec ({}; the spec is version {version}, \
             edited since): run `{FIX}` and review the entry",
            line.trim_start_matches("<!-- spec: ")
                .trim_end_matches(" -->")
        )),
        None => Err(format!(
            "{CHANGELOG} has no `<!-- spec: version ... -->` stamp (run `{FIX}`)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: 1.2.3}\npaths: {}\n";

    fn root_with(files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-changelog-{}-{}",
            std::process::id(),
            files.len()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("openapi/released")).unwrap();
        for (rel, text) in files {
            std::fs::write(dir.join(rel), text).unwrap();
        }
        dir
    }

    #[test]
    fn stamp_is_sha256_of_the_bytes() {
        // The SHA-256 of "abc" (FIPS 180-2 test vector), as `sha256sum` prints it.
        assert_eq!(
            stamp("1.0.0", b"abc"),
            "<!-- spec: version 1.0.0, sha256 \
             ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad -->"
        );
    }

    #[test]
    fn fresh_stale_and_missing_changelog() {
        let log = format!(
            "# Changes\n\n{}\n## 1.2.3\n",
            stamp("1.2.3", SPEC.as_bytes())
        );
        let root = root_with(&[(SPEC_YAML, SPEC), (RELEASED, SPEC), (CHANGELOG, &log)]);
        let spec = Spec::parse(SPEC).unwrap();
        assert_eq!(check(&root, &spec), Some(Ok(())));

        // An edit of the spec after the entry was written, even one the diff tool cannot see.
        let edited = format!("{SPEC}x-note: changed\n");
        std::fs::write(root.join(SPEC_YAML), &edited).unwrap();
        let err = check(&root, &Spec::parse(&edited).unwrap())
            .unwrap()
            .unwrap_err();
        assert!(
            err.contains("stale: openapi/CHANGELOG.md") && err.contains(FIX),
            "{err}"
        );

        std::fs::remove_file(root.join(CHANGELOG)).unwrap();
        let err = check(&root, &spec).unwrap().unwrap_err();
        assert!(err.contains("not found"), "{err}");

        // No released spec: nothing to be compatible with, no changelog step.
        std::fs::remove_file(root.join(RELEASED)).unwrap();
        assert_eq!(check(&root, &spec), None);
        let _ = std::fs::remove_dir_all(&root);
    }
}
