//! `cargo xtask dist`: what a release ships (`--plan`), one target's archive of the two
//! programs with its checksum (the default), and the installer scripts (`--installers`).
//!
//! The release workflow (`.github/workflows/release.yml`) runs these on each runner; its build
//! matrix must list exactly the targets of [`TARGETS`], which `--plan` checks. How the parts
//! fit is told in `docs/RELEASING.md`.

use crate::dist_archive;
use crate::dist_installer;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The prefix of every archive and of the folder inside it.
pub const NAME: &str = "lineworks-partner";

/// The package whose version names a release (tag `v<version>`).
pub const VERSION_PACKAGE: &str = "lineworks-partner-cli";

/// The programs in every archive: (package, binary).
pub const BINARIES: [(&str, &str); 2] = [
    ("lineworks-partner-cli", "lineworks-partner"),
    ("lineworks-partner-sandbox", "lineworks-partner-sandbox"),
];

/// The release workflow, whose build matrix must agree with [`TARGETS`].
pub const WORKFLOW: &str = ".github/workflows/release.yml";

/// Spec files attached to a release as they are at its tag.
pub const SPEC_FILES: [&str; 2] = ["openapi/partner.yaml", "openapi/partner.json"];

/// One build of the release: a Rust target and the GitHub runner that builds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub triple: &'static str,
    pub runner: &'static str,
}

/// What a release builds. Both macOS targets build on the arm64 runner (Apple's toolchain
/// compiles for either); glibc targets build on the oldest supported Ubuntu so the binaries
/// run on older distributions too.
pub const TARGETS: [Target; 5] = [
    Target {
        triple: "x86_64-unknown-linux-gnu",
        runner: "ubuntu-22.04",
    },
    Target {
        triple: "aarch64-unknown-linux-gnu",
        runner: "ubuntu-22.04-arm",
    },
    Target {
        triple: "x86_64-apple-darwin",
        runner: "macos-14",
    },
    Target {
        triple: "aarch64-apple-darwin",
        runner: "macos-14",
    },
    Target {
        triple: "x86_64-pc-windows-msvc",
        runner: "windows-2022",
    },
];

impl Target {
    pub fn find(triple: &str) -> Option<Target> {
        TARGETS.iter().copied().find(|t| t.triple == triple)
    }

    pub fn windows(self) -> bool {
        self.triple.contains("-windows-")
    }

    /// `lineworks-partner-<triple>.tar.gz`, or `.zip` for Windows (what Explorer opens).
    pub fn archive(self) -> String {
        let ext = if self.windows() { "zip" } else { "tar.gz" };
        format!("{NAME}-{}.{ext}", self.triple)
    }

    /// The folder the archive unpacks into.
    pub fn folder(self) -> String {
        format!("{NAME}-{}", self.triple)
    }

    pub fn exe(self, bin: &str) -> String {
        if self.windows() {
            format!("{bin}.exe")
        } else {
            bin.to_owned()
        }
    }
}

/// What the workflow uploads to the release, in order.
pub fn uploads() -> Vec<String> {
    let mut files = Vec::new();
    for t in TARGETS {
        files.push(t.archive());
        files.push(format!("{}.sha256", t.archive()));
    }
    files.extend(dist_installer::FILES.iter().map(|f| (*f).to_owned()));
    files.extend(
        SPEC_FILES
            .iter()
            .map(|f| f.rsplit('/').next().unwrap_or(f).to_owned()),
    );
    files
}

/// The version and repository of the release's package, and the target folder.
pub struct Workspace {
    pub version: String,
    pub repository: String,
    pub target_dir: PathBuf,
}

impl Workspace {
    pub fn load(root: &Path) -> Result<Workspace, String> {
        let out = Command::new(cargo())
            .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
            .current_dir(root)
            .output()
            .map_err(|e| format!("cargo metadata: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let meta: Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
        Workspace::from_metadata(&meta)
    }

    fn from_metadata(meta: &Value) -> Result<Workspace, String> {
        let package = meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == VERSION_PACKAGE)
            .ok_or_else(|| format!("no package {VERSION_PACKAGE} in the workspace"))?;
        let text = |v: &Value, what: &str| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("{VERSION_PACKAGE} has no {what}"))
        };
        Ok(Workspace {
            version: text(&package["version"], "version")?,
            repository: text(&package["repository"], "repository")?
                .trim_end_matches('/')
                .to_owned(),
            target_dir: PathBuf::from(text(&meta["target_directory"], "target directory")?),
        })
    }

    pub fn tag(&self) -> String {
        format!("v{}", self.version)
    }

    /// Where the installers fetch the archives of this version from.
    pub fn download_url(&self) -> String {
        format!("{}/releases/download/{}", self.repository, self.tag())
    }
}

pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// `(triple, runner)` of each entry of the workflow's `jobs.build.strategy.matrix.include`.
pub fn workflow_targets(yaml: &str) -> Result<Vec<(String, String)>, String> {
    let doc: Value = serde_saphyr::from_str(yaml).map_err(|e| format!("{WORKFLOW}: {e}"))?;
    let include = doc
        .pointer("/jobs/build/strategy/matrix/include")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{WORKFLOW}: no jobs.build.strategy.matrix.include list"))?;
    include
        .iter()
        .map(|entry| {
            let field = |k: &str| {
                entry[k]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{WORKFLOW}: a matrix entry has no `{k}`: {entry}"))
            };
            Ok((field("target")?, field("runner")?))
        })
        .collect()
}

/// Every way the workflow's matrix differs from [`TARGETS`]; empty when they agree.
pub fn compare_with_workflow(found: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    for t in TARGETS {
        match found
            .iter()
            .filter(|(triple, _)| triple == t.triple)
            .count()
        {
            0 => problems.push(format!("{WORKFLOW} does not build {}", t.triple)),
            1 => {}
            n => problems.push(format!("{WORKFLOW} builds {} {n} times", t.triple)),
        }
        if let Some((_, runner)) = found.iter().find(|(triple, _)| triple == t.triple)
            && runner != t.runner
        {
            problems.push(format!(
                "{WORKFLOW} builds {} on {runner}, the plan on {}",
                t.triple, t.runner
            ));
        }
    }
    for (triple, _) in found {
        if Target::find(triple).is_none() {
            problems.push(format!(
                "{WORKFLOW} builds {triple}, which the plan (xtask/src/dist.rs) does not ship"
            ));
        }
    }
    problems
}

#[derive(Debug, Default, PartialEq)]
struct Options {
    mode: Mode,
    tag: Option<String>,
    target: Option<String>,
    release: bool,
    out: Option<PathBuf>,
}

#[derive(Debug, Default, PartialEq)]
enum Mode {
    #[default]
    Archive,
    Plan,
    Installers,
}

const USAGE: &str = "dist takes: --plan [--tag TAG] | [--target TRIPLE] [--profile release|dev] \
                     [--out DIR] | --installers [--tag TAG] [--out DIR]";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        release: true,
        ..Options::default()
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{a} needs a value"))
        };
        match a.as_str() {
            "--plan" => o.mode = Mode::Plan,
            "--installers" => o.mode = Mode::Installers,
            "--tag" => o.tag = Some(value()?),
            "--target" => o.target = Some(value()?),
            "--out" => o.out = Some(value()?.into()),
            "--profile" => {
                o.release = match value()?.as_str() {
                    "release" => true,
                    "dev" => false,
                    p => return Err(format!("--profile is release or dev, not `{p}`")),
                }
            }
            _ => return Err(format!("unknown argument `{a}`; {USAGE}")),
        }
    }
    if o.mode != Mode::Archive && (o.target.is_some() || !o.release) {
        return Err(format!("--target and --profile build an archive; {USAGE}"));
    }
    Ok(o)
}

pub fn run(root: &Path, args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let result = parse(args).and_then(|o| {
        let ws = Workspace::load(root)?;
        if let Some(tag) = &o.tag
            && *tag != ws.tag()
        {
            return Err(format!(
                "tag {tag} does not name this version: {VERSION_PACKAGE} is {} (tag {})",
                ws.version,
                ws.tag()
            ));
        }
        let dist = o.out.clone().unwrap_or_else(|| ws.target_dir.join("dist"));
        match o.mode {
            Mode::Plan => plan(root, &ws, out),
            Mode::Installers => dist_installer::write(&dist, &ws, out),
            Mode::Archive => {
                let triple = match &o.target {
                    Some(t) => t.clone(),
                    None => host_triple()?,
                };
                let target = Target::find(&triple).ok_or_else(|| {
                    format!("{triple} is not a release target (see cargo xtask dist --plan)")
                })?;
                let explicit = o.target.is_some();
                dist_archive::build(root, &ws, target, explicit, o.release, &dist, out)
            }
        }
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            1
        }
    }
}

/// Prints what the release builds and uploads, after checking the workflow agrees.
fn plan(root: &Path, ws: &Workspace, out: &mut dyn Write) -> Result<(), String> {
    let yaml =
        std::fs::read_to_string(root.join(WORKFLOW)).map_err(|e| format!("{WORKFLOW}: {e}"))?;
    let problems = compare_with_workflow(&workflow_targets(&yaml)?);
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let w = |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(|e| e.to_string());
    w(
        out,
        format!("release {} ({VERSION_PACKAGE} {})", ws.tag(), ws.version),
    )?;
    let bins: Vec<&str> = BINARIES.iter().map(|(_, b)| *b).collect();
    w(out, format!("programs: {}", bins.join(", ")))?;
    for t in TARGETS {
        w(
            out,
            format!(
                "build {:<26} on {:<17} -> {}",
                t.triple,
                t.runner,
                t.archive()
            ),
        )?;
    }
    w(out, format!("upload to {}:", ws.download_url()))?;
    for f in uploads() {
        w(out, format!("  {f}"))?;
    }
    w(out, format!("{WORKFLOW} builds the same targets"))
}

/// The triple `rustc` builds for by default.
pub fn host_triple() -> Result<String, String> {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("rustc -vV: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "rustc -vV names no host".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn the_workflow_builds_exactly_the_planned_targets() {
        let yaml = std::fs::read_to_string(crate::workspace_root().join(WORKFLOW)).unwrap();
        let found = workflow_targets(&yaml).unwrap();
        assert_eq!(compare_with_workflow(&found), Vec::<String>::new());
        assert_eq!(found.len(), TARGETS.len());
    }

    #[test]
    fn a_workflow_that_differs_is_named_target_by_target() {
        let yaml = "jobs:\n  build:\n    strategy:\n      matrix:\n        include:\n\
            \x20         - { target: x86_64-unknown-linux-gnu, runner: ubuntu-latest }\n\
            \x20         - { target: riscv64gc-unknown-linux-gnu, runner: ubuntu-22.04 }\n";
        let problems = compare_with_workflow(&workflow_targets(yaml).unwrap());
        let text = problems.join("\n");
        assert!(
            text.contains("on ubuntu-latest, the plan on ubuntu-22.04"),
            "{text}"
        );
        assert!(
            text.contains("riscv64gc-unknown-linux-gnu, which the plan"),
            "{text}"
        );
        for t in &TARGETS[1..] {
            assert!(
                text.contains(&format!("does not build {}", t.triple)),
                "{text}"
            );
        }
        assert_eq!(problems.len(), 2 + TARGETS.len() - 1);
        assert!(workflow_targets("jobs: {}").is_err());
    }

    #[test]
    fn the_plan_covers_every_platform_the_issue_names() {
        let triples: Vec<&str> = TARGETS.iter().map(|t| t.triple).collect();
        for want in [
            "x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
            "x86_64-pc-windows-msvc",
        ] {
            assert!(triples.contains(&want), "{want}");
        }
        let up = uploads();
        assert!(up.contains(&"lineworks-partner-x86_64-pc-windows-msvc.zip".to_owned()));
        assert!(up.contains(&"lineworks-partner-aarch64-apple-darwin.tar.gz.sha256".to_owned()));
        for f in ["partner.yaml", "partner.json"]
            .into_iter()
            .chain(dist_installer::FILES)
        {
            assert!(up.iter().any(|u| u == f), "{f}");
        }
        let mut sorted = up.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), up.len(), "no name uploaded twice");
    }

    #[test]
    fn options() {
        let o = parse(&args("--profile dev --out d")).unwrap();
        assert!(!o.release && o.mode == Mode::Archive && o.out == Some("d".into()));
        assert_eq!(
            parse(&args("--plan --tag v1.2.3")).unwrap().tag.as_deref(),
            Some("v1.2.3")
        );
        assert!(parse(&args("--plan --target x")).is_err());
        assert!(parse(&args("--profile fast")).unwrap_err().contains("fast"));
        assert!(parse(&args("--tag")).unwrap_err().contains("needs a value"));
    }

    #[test]
    fn version_and_download_url_come_from_the_cli_package() {
        let meta = serde_json::json!({
            "target_directory": "/t",
            "packages": [
                {"name": "lineworks-partner", "version": "9.9.9", "repository": "x"},
                {"name": VERSION_PACKAGE, "version": "0.3.1",
                 "repository": "https://github.com/o/r/"},
            ],
        });
        let ws = Workspace::from_metadata(&meta).unwrap();
        assert_eq!(ws.tag(), "v0.3.1");
        assert_eq!(
            ws.download_url(),
            "https://github.com/o/r/releases/download/v0.3.1"
        );
    }
}
