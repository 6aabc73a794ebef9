//! `cargo xtask public-api`: the public Rust API of `lineworks-partner` as a committed text
//! snapshot (`api/lineworks-partner.txt`), and the semver gate against the last released one
//! (`api/released/lineworks-partner.txt`). The crate's Rust API is versioned on its own, apart
//! from the spec's `info.version`; docs/VERSIONING.md describes the procedure.
//!
//! The snapshot is read from nightly rustdoc JSON (the only machine-readable form of a crate's
//! API), parsed with `rustdoc-types`, whose version must match the nightly's JSON format.

mod render;
pub mod semver_gate;

use semver_gate::{Snapshot, gate};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const CRATE: &str = "lineworks-partner";
pub const SNAPSHOT: &str = "api/lineworks-partner.txt";
pub const RELEASED: &str = "api/released/lineworks-partner.txt";

pub fn run(root: &Path, args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let result = match args {
        [] => update(root, out),
        [flag] if flag == "--check" => check(root, out),
        [flag] if flag == "--release" => release(root, out),
        [flag, old, new] if flag == "--compare" => {
            compare(&read(Path::new(old)), &read(Path::new(new)), out)
        }
        _ => {
            let _ = writeln!(
                err,
                "error: public-api takes --check, --release or --compare OLD NEW"
            );
            return 2;
        }
    };
    match result {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(e) => {
            let _ = writeln!(err, "error: public-api: {e}");
            2
        }
    }
}

fn read(path: &Path) -> Result<Snapshot, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    Snapshot::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Prints the gate between two snapshots; true when the version step suffices.
fn compare(
    base: &Result<Snapshot, String>,
    current: &Result<Snapshot, String>,
    out: &mut dyn Write,
) -> Result<bool, String> {
    let (base, current) = (base.as_ref()?, current.as_ref()?);
    let (changes, verdict) = gate(base, current);
    let _ = write!(out, "{}", changes.report());
    match verdict {
        Ok(msg) => {
            let _ = writeln!(out, "public-api: {msg}");
            Ok(true)
        }
        Err(msg) => {
            let _ = writeln!(
                out,
                "public-api: {msg}: raise `version` in Cargo.toml (and add the CHANGELOG.md entry)"
            );
            Ok(false)
        }
    }
}

/// The gate against the released snapshot, when there is one.
fn against_released(root: &Path, current: &Snapshot, out: &mut dyn Write) -> Result<bool, String> {
    let released = root.join(RELEASED);
    if !released.exists() {
        let _ = writeln!(
            out,
            "public-api: no release yet ({RELEASED} is absent): no version step is asked before the first release"
        );
        return Ok(true);
    }
    compare(&read(&released), &Ok(current.clone()), out)
}

fn update(root: &Path, out: &mut dyn Write) -> Result<bool, String> {
    let current = generate(root)?;
    let path = root.join(SNAPSHOT);
    std::fs::create_dir_all(path.parent().unwrap_or(root)).map_err(|e| e.to_string())?;
    std::fs::write(&path, current.render()).map_err(|e| format!("{}: {e}", path.display()))?;
    let _ = writeln!(
        out,
        "public-api: wrote {SNAPSHOT} ({} items, version {})",
        current.items.len(),
        current.version
    );
    against_released(root, &current, out)
}

fn check(root: &Path, out: &mut dyn Write) -> Result<bool, String> {
    let current = generate(root)?;
    let committed = read(&root.join(SNAPSHOT))?;
    let mut ok = true;
    if committed != current {
        let changes = semver_gate::diff(&committed.items, &current.items);
        let _ = write!(out, "{}", changes.report());
        if committed.version != current.version {
            let _ = writeln!(
                out,
                "  version: {} in the snapshot, {} in Cargo.toml",
                committed.version, current.version
            );
        }
        let _ = writeln!(
            out,
            "public-api: {SNAPSHOT} is stale: run `cargo xtask public-api` and commit it"
        );
        ok = false;
    }
    Ok(against_released(root, &current, out)? && ok)
}

fn release(root: &Path, out: &mut dyn Write) -> Result<bool, String> {
    let current = read(&root.join(SNAPSHOT))?;
    let path = root.join(RELEASED);
    std::fs::create_dir_all(path.parent().unwrap_or(root)).map_err(|e| e.to_string())?;
    std::fs::write(&path, current.render()).map_err(|e| format!("{}: {e}", path.display()))?;
    let _ = writeln!(
        out,
        "public-api: {RELEASED} is now version {}",
        current.version
    );
    Ok(true)
}

/// The directory of the nightly build, shared with .ci/docs-rs (the same dependencies).
fn target_dir(root: &Path) -> PathBuf {
    root.join("target").join("nightly")
}

fn generate(root: &Path) -> Result<Snapshot, String> {
    let target = target_dir(root);
    // `rustup run nightly` rather than `cargo +nightly`: `cargo xtask` runs under the stable
    // toolchain's environment, which the `+` form would not override everywhere.
    let status = Command::new("rustup")
        .args([
            "run", "nightly", "cargo", "rustdoc", "--quiet", "--locked", "--lib",
        ])
        .args(["-p", CRATE, "--all-features"])
        .args(["--", "-Z", "unstable-options", "--output-format", "json"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTDOCFLAGS")
        .env_remove("RUSTUP_TOOLCHAIN")
        .status()
        .map_err(|e| format!("running rustup (the nightly toolchain is needed): {e}"))?;
    if !status.success() {
        return Err(format!(
            "nightly rustdoc JSON of {CRATE} failed ({status}); is the nightly toolchain installed?"
        ));
    }
    let json_path = target
        .join("doc")
        .join(format!("{}.json", CRATE.replace('-', "_")));
    let text = std::fs::read_to_string(&json_path)
        .map_err(|e| format!("reading {}: {e}", json_path.display()))?;
    snapshot_from_json(&text)
}

fn snapshot_from_json(text: &str) -> Result<Snapshot, String> {
    // The format version first, so a nightly newer than `rustdoc-types` says so plainly.
    let head: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("rustdoc JSON: {e}"))?;
    let format = head["format_version"].as_u64();
    if format != Some(u64::from(rustdoc_types::FORMAT_VERSION)) {
        return Err(format!(
            "the nightly writes rustdoc JSON format {format:?}, xtask reads format {}: move the \
             `rustdoc-types` dependency of xtask to the version of that format",
            rustdoc_types::FORMAT_VERSION
        ));
    }
    let krate: rustdoc_types::Crate =
        serde_json::from_str(text).map_err(|e| format!("rustdoc JSON: {e}"))?;
    let version = krate
        .crate_version
        .as_deref()
        .ok_or("rustdoc JSON names no crate version")?;
    Ok(Snapshot {
        krate: CRATE.to_string(),
        version: semver::Version::parse(version).map_err(|e| format!("version {version}: {e}"))?,
        items: render::lines(&krate)?,
    })
}
