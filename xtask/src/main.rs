//! `cargo xtask`: repository chores that need the spec, kept out of the published crate.
//!
//! - `diff`: compares `openapi/partner.yaml` with the upstream reference pages, so that every
//!   difference is either fixed or recorded on purpose (`x-upstream-*`).
//! - `regen`: rewrites the artifacts derived from the spec; `--check` fails when they are stale.
//! - `parse`: shows what the page parser reads from pages, to review it on a new page.
//! - `render-markdown`: renders plain-layout pages in the markdown-table layout, to check that
//!   both readers read the same facts.
//! - `dist`: the release's plan, one target's archive with its checksum, the installers.
//! - `public-api`: the public Rust API snapshot and its semver gate (`public_api`).

mod changelog;
mod diff;
mod dist;
mod dist_archive;
mod dist_installer;
mod docs;
mod fetch;
mod html;
mod overview;
mod public_api;
mod regen;
mod spec;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask <command>

  diff [--docs [ja=|en=]DIR]... [--save DIR] [--base URL] [--spec FILE] [--format text|json]
        compare the spec with the upstream reference pages: the *.txt pages in each DIR (of the
        language given), or (without --docs) every page each operation's x-doc-pages names,
        fetched from --base (the public site by default), each URL form in turn, and kept
        byte for byte in --save DIR. Exit 0: no unaccepted finding; 1: findings; 2: could
        not run.
  regen [--check]
        rewrite openapi/partner.json and the README operation table from the spec; --check
        writes nothing and fails when either is stale.
  public-api [--check | --release | --compare OLD NEW]
        write the public Rust API of lineworks-partner to api/lineworks-partner.txt (nightly
        rustdoc JSON, every feature); --check writes nothing and fails when that file is stale
        or when the change since api/released/ needs a bigger version step than Cargo.toml
        took; --release makes the current snapshot the released one; --compare applies the
        version gate to two snapshot files.
  parse FILE...
        print what the page parser reads from upstream pages.
  render-markdown IN_DIR OUT_DIR
        write each *.txt page of IN_DIR again in the docs' markdown-table layout.
  dist [--target TRIPLE] [--profile release|dev] [--out DIR]
        build the CLI and the sandbox for TRIPLE (the host's without it; without --target a
        dev build reuses what cargo test built) and write the release archive and its
        .sha256 into DIR (target/dist by default).
  dist --plan [--tag TAG]
        print what the release workflow builds and uploads; fails when the workflow's build
        matrix and the plan differ, or TAG does not name the CLI's version.
  dist --installers [--tag TAG] [--out DIR]
        write the shell and PowerShell installers of this version into DIR.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let code = run(&args, &mut out, &mut err);
    let _ = out.flush();
    ExitCode::from(code as u8)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match args.first().map(String::as_str) {
        Some("diff") => match DiffOptions::parse(&args[1..]) {
            Ok(opts) => run_diff(&opts, out, err),
            Err(e) => usage_error(err, &e),
        },
        Some("regen") => match &args[1..] {
            [] => regen::run(&workspace_root(), false, out, err),
            [flag] if flag == "--check" => regen::run(&workspace_root(), true, out, err),
            _ => usage_error(err, "regen takes only --check"),
        },
        Some("public-api") => public_api::run(&workspace_root(), &args[1..], out, err),
        Some("parse") if args.len() > 1 => {
            // The repository's spec, when there is one, helps attribute unnamed tables.
            let hints = spec::Spec::load(&workspace_root().join(regen::SPEC_YAML))
                .map(|s| s.object_hints())
                .unwrap_or_default();
            let mut code = 0;
            for file in &args[1..] {
                match read_page(Path::new(file), &hints) {
                    Ok(op) => {
                        let _ = writeln!(out, "# {file}\n{}", docs::outline(&op));
                    }
                    Err(e) => {
                        let _ = writeln!(err, "error: {file}: {e}");
                        code = 2;
                    }
                }
            }
            code
        }
        Some("render-markdown") => match &args[1..] {
            [from, to] => render_markdown(Path::new(from), Path::new(to), err),
            _ => usage_error(err, "render-markdown takes IN_DIR OUT_DIR"),
        },
        Some("dist") => dist::run(&workspace_root(), &args[1..], out, err),
        Some("help" | "-h" | "--help") => {
            let _ = writeln!(out, "{USAGE}");
            0
        }
        Some(other) => usage_error(err, &format!("unknown command `{other}`")),
        None => usage_error(err, "no command"),
    }
}

fn usage_error(err: &mut dyn Write, msg: &str) -> i32 {
    let _ = writeln!(err, "error: {msg}\n\n{USAGE}");
    2
}

#[derive(Debug, Default)]
struct DiffOptions {
    /// Page directories, each with the language of its pages when given (`ja=DIR`).
    docs: Vec<(Option<Lang>, PathBuf)>,
    save: Option<PathBuf>,
    base: Option<String>,
    /// Overview files: `en=`, `ja=` (current overviews) or `fadeout=` (the fading list).
    overviews: Vec<(overview::Kind, PathBuf)>,
    spec: Option<PathBuf>,
    json: bool,
}

impl DiffOptions {
    fn parse(args: &[String]) -> Result<DiffOptions, String> {
        let mut o = DiffOptions::default();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let (flag, inline) = match a.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
                _ => (a.as_str(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| it.next().cloned())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag {
                "--docs" => {
                    let v = value()?;
                    o.docs.push(match v.split_once('=') {
                        Some(("ja", dir)) => (Some(Lang::Ja), dir.into()),
                        Some(("en", dir)) => (Some(Lang::En), dir.into()),
                        _ => (None, v.into()),
                    });
                }
                "--save" => o.save = Some(value()?.into()),
                "--base" => o.base = Some(value()?),
                "--overview" => {
                    let v = value()?;
                    let (kind, file) = match v.split_once('=') {
                        Some(("en", f)) => (overview::Kind::Current(Lang::En), f),
                        Some(("ja", f)) => (overview::Kind::Current(Lang::Ja), f),
                        Some(("fadeout", f)) => (overview::Kind::Fading, f),
                        _ => {
                            return Err(format!(
                                "--overview takes en=FILE, ja=FILE or fadeout=FILE, not `{v}`"
                            ));
                        }
                    };
                    o.overviews.push((kind, file.into()));
                }
                "--spec" => o.spec = Some(value()?.into()),
                "--format" => {
                    o.json = match value()?.as_str() {
                        "json" => true,
                        "text" => false,
                        f => return Err(format!("unknown format `{f}` (text or json)")),
                    }
                }
                _ => return Err(format!("unknown argument `{a}`")),
            }
        }
        if !o.docs.is_empty() && o.save.is_some() {
            return Err("--save keeps fetched pages; it does not go with --docs".into());
        }
        Ok(o)
    }
}

/// Why a page could not be used: the message names the file.
type PageResult = Result<docs::DocOp, String>;

fn read_page(path: &Path, hints: &docs::Hints) -> PageResult {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    docs::parse_page_with(&text, hints).map_err(|e| e.to_string())
}

/// The `*.txt` files of `dir`, sorted by name.
fn page_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no *.txt pages in {}", dir.display()));
    }
    Ok(files)
}

/// The language of a page directory or of a fetched page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Ja,
    En,
}

/// One page read: its file name, the language it was given in, and what it says.
struct Page {
    name: String,
    lang: Option<Lang>,
    result: PageResult,
}

/// Reads every `*.txt` page in `dir`, sorted by file name.
fn load_dir(dir: &Path, lang: Option<Lang>, hints: &docs::Hints) -> Result<Vec<Page>, String> {
    Ok(page_files(dir)?
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            Page {
                name,
                lang,
                result: read_page(p, hints),
            }
        })
        .collect())
}

/// Which page of its operation a page is, from its slug (the file name) and the operation's
/// `x-doc-pages`: a legacy or fading-list page by its slug, else the language it was given
/// in, else the language whose slug it is (when only one is).
fn source_of(spec: &spec::Spec, page: &Page, op: &docs::DocOp) -> diff::Source {
    let slug = page.name.strip_suffix(".txt").unwrap_or(&page.name);
    let pages = spec.doc_pages(&op.method, &op.path);
    if pages.legacy.iter().any(|l| l == slug) {
        return diff::Source::JaLegacy;
    }
    if pages.fadeout.as_deref() == Some(slug) {
        return diff::Source::Fadeout;
    }
    match page.lang {
        Some(Lang::Ja) => diff::Source::Ja,
        Some(Lang::En) => diff::Source::En,
        None => match (
            pages.ja.as_deref() == Some(slug),
            pages.en.as_deref() == Some(slug),
        ) {
            (true, false) => diff::Source::Ja,
            (false, true) => diff::Source::En,
            _ => diff::Source::Unknown,
        },
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so
/// that a reader never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Renders every page of `from` in the markdown-table layout into `to` (same file names).
fn render_markdown(from: &Path, to: &Path, err: &mut dyn Write) -> i32 {
    let files = match page_files(from) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    };
    if let Err(e) = std::fs::create_dir_all(to) {
        let _ = writeln!(err, "error: cannot create {}: {e}", to.display());
        return 2;
    }
    let mut code = 0;
    for file in &files {
        let name = file.file_name().unwrap_or_default();
        let written = read_page(file, &docs::Hints::default()).and_then(|op| {
            std::fs::write(to.join(name), docs::render::markdown(&op)).map_err(|e| e.to_string())
        });
        if let Err(e) = written {
            let _ = writeln!(err, "error: {}: {e}", file.display());
            code = 2;
        }
    }
    let _ = writeln!(
        err,
        "render-markdown: {} pages written to {}",
        files.len(),
        to.display()
    );
    code
}

/// `https://host/en/docs/partner-customer-get?lang=en` → `partner-customer-get`.
pub(crate) fn page_slug(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("page");
    let last = last.strip_suffix(".html").unwrap_or(last);
    let slug: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if slug.is_empty() { "page".into() } else { slug }
}

fn run_diff(opts: &DiffOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let start = Instant::now();
    let spec_path = opts
        .spec
        .clone()
        .unwrap_or_else(|| workspace_root().join(regen::SPEC_YAML));
    let spec = match spec::Spec::load(&spec_path) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    };
    let hints = spec.object_hints();
    let mut fetch_findings = Vec::new();
    let mut fetch_log = Vec::new();
    let mut overviews = Vec::new();
    for (kind, file) in &opts.overviews {
        let read = std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|t| overview::read(*kind, &t));
        match read {
            Ok(o) => overviews.push(o),
            Err(e) => {
                let _ = writeln!(err, "error: {}: {e}", file.display());
                return 2;
            }
        }
    }
    let pages = if opts.docs.is_empty() {
        let base = opts.base.as_deref().unwrap_or(fetch::DEFAULT_BASE);
        fetch::Fetcher::new(opts.save.as_deref()).and_then(|f| {
            if opts.overviews.is_empty() {
                overviews = fetch::fetch_overviews(base, &f, &mut fetch_log, &mut fetch_findings);
            }
            fetch::fetch_pages(&spec, base, &f, &mut fetch_log, &mut fetch_findings)
        })
    } else {
        opts.docs
            .iter()
            .map(|(lang, dir)| load_dir(dir, *lang, &hints))
            .collect::<Result<Vec<_>, _>>()
            .map(|v| v.into_iter().flatten().collect::<Vec<Page>>())
    };
    let pages = match pages {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    };
    let mut ops = Vec::new();
    let mut bad = 0;
    for page in &pages {
        match &page.result {
            Ok(op) => ops.push((op, source_of(&spec, page, op))),
            Err(e) => {
                let _ = writeln!(err, "error: {}: cannot parse page: {e}", page.name);
                bad += 1;
            }
        }
    }
    for l in &fetch_log {
        let _ = writeln!(err, "{l}");
    }
    let mut report = diff::compare_pages(&ops, &spec);
    // Overview findings first: a new or withdrawn operation matters most.
    let mut first = overview::compare(&overviews, &spec);
    first.extend(fetch_findings);
    report.findings.splice(0..0, first);
    let ms = start.elapsed().as_secs_f64() * 1e3;
    let summary = format!(
        "diff: {} pages, {} operations compared, {} findings, {} accepted, {} ja/en differences, {} notes{} in {ms:.1} ms",
        pages.len(),
        report.compared,
        report.unaccepted(),
        report.accepted(),
        report.languages.len(),
        report.notes.len(),
        if bad > 0 {
            format!(", {bad} unparseable pages")
        } else {
            String::new()
        },
    );
    if opts.json {
        let errors: Vec<serde_json::Value> = pages
            .iter()
            .filter_map(|p| {
                p.result
                    .as_ref()
                    .err()
                    .map(|e| serde_json::json!({"file": p.name, "error": e}))
            })
            .collect();
        let doc = serde_json::json!({
            "findings": report.findings.iter().map(diff::Finding::to_json).collect::<Vec<_>>(),
            "notes": report.notes,
            "languages": report.languages,
            "errors": errors,
            "summary": {
                "pages": pages.len(),
                "operations_compared": report.compared,
                "findings": report.unaccepted(),
                "accepted": report.accepted(),
                "languages": report.languages.len(),
                "notes": report.notes.len(),
                "unparseable": bad,
                "elapsed_ms": (ms * 10.0).round() / 10.0,
            },
        });
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        let _ = writeln!(out, "{text}");
    } else {
        for f in &report.findings {
            let _ = writeln!(out, "{}", f.line());
        }
        for l in &report.languages {
            let _ = writeln!(out, "languages: {l}");
        }
        for n in &report.notes {
            let _ = writeln!(out, "{n}");
        }
    }
    let _ = writeln!(err, "{summary}");
    if bad > 0 {
        2
    } else if report.unaccepted() > 0 {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests;
