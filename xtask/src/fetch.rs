//! The live fetch: every page of every operation (`x-doc-pages`) and the overviews, read the
//! way the site serves them. Each page is tried in its documented URL forms, in order; the
//! first that answers with reference content is used and named. A page that answers with no
//! reference content (a script shell, a login wall, an error page, a redirect to a login page)
//! is a finding naming every URL tried. `--save DIR` keeps every answer's bytes as received.

use crate::{Lang, Page, docs, html, overview, spec};
use std::path::Path;
use std::time::Duration;

/// The public reference.
pub const DEFAULT_BASE: &str = "https://developers.worksmobile.com";
/// A page larger than this is not a reference page (and is not read further).
const MAX_BODY: u64 = 8 << 20;
const MAX_REDIRECTS: usize = 5;

/// A page to fetch: its slug, language and the URLs it may be served at, in order.
pub struct Target {
    pub lang: Option<Lang>,
    pub slug: String,
    pub urls: Vec<String>,
}

/// The documented URL forms of a page: the rendered page, then its static form.
pub fn forms(base: &str, lang: Lang, slug: &str) -> Vec<String> {
    let base = base.trim_end_matches('/');
    match lang {
        Lang::Ja => vec![
            format!("{base}/jp/docs/{slug}"),
            format!("{base}/jp/doc_html/jp/{slug}.html"),
        ],
        Lang::En => vec![
            format!("{base}/en/docs/{slug}"),
            format!("{base}/en/doc_html/en/{slug}.html"),
        ],
    }
}

/// Every operation page the spec names, Japanese first; `externalDocs.url` for an operation
/// with no `x-doc-pages` entry.
pub fn targets(spec: &spec::Spec, base: &str) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    let mut add = |t: Target| {
        if !out.iter().any(|o| o.lang == t.lang && o.slug == t.slug) {
            out.push(t);
        }
    };
    for o in spec.operations() {
        let pages = spec::DocPages::of(o.op);
        let mut ja: Vec<&String> = pages.ja.iter().collect();
        ja.extend(&pages.legacy);
        ja.extend(&pages.fadeout);
        let any = !ja.is_empty() || pages.en.is_some();
        for slug in ja {
            add(Target {
                lang: Some(Lang::Ja),
                slug: slug.clone(),
                urls: forms(base, Lang::Ja, slug),
            });
        }
        if let Some(slug) = &pages.en {
            add(Target {
                lang: Some(Lang::En),
                slug: slug.clone(),
                urls: forms(base, Lang::En, slug),
            });
        }
        let external =
            o.op.get("externalDocs")
                .and_then(|d| d.get("url"))
                .and_then(|u| u.as_str());
        if let (false, Some(url)) = (any, external) {
            add(Target {
                lang: None,
                slug: crate::page_slug(url),
                urls: vec![url.to_string()],
            });
        }
    }
    out
}

/// Why one URL gave no reference content.
#[derive(Debug, PartialEq)]
pub enum Miss {
    /// No answer at all (connection refused, timeout, TLS).
    Transport(String),
    Status(u16),
    /// A redirect to a login (or sign-in) page.
    Login(String),
    /// An answer without the page's content: a script shell, a login form, an error page.
    Empty(String),
}

impl std::fmt::Display for Miss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Miss::Transport(e) => write!(f, "no answer: {e}"),
            Miss::Status(s) => write!(f, "HTTP {s}"),
            Miss::Login(to) => write!(f, "redirects to a login page ({to})"),
            Miss::Empty(what) => write!(f, "{what}"),
        }
    }
}

pub struct Fetcher<'a> {
    agent: ureq::Agent,
    save: Option<&'a Path>,
}

/// The page's text when it holds reference content, else why not.
pub type Answer = Result<String, Miss>;

impl<'a> Fetcher<'a> {
    pub fn new(save: Option<&'a Path>) -> Result<Fetcher<'a>, String> {
        if let Some(dir) = save {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        // Redirects are followed here, one by one, so that a login wall is seen for what it
        // is; nothing with credentials is ever sent.
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .max_redirects(0)
            .http_status_as_error(false)
            .build()
            .into();
        Ok(Fetcher { agent, save })
    }

    /// Fetches `url` (following plain redirects) and keeps the bytes in `--save` as `name`.
    fn get(&self, url: &str, name: &str) -> Result<Vec<u8>, Miss> {
        let mut url = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            let mut resp = self
                .agent
                .get(&url)
                .call()
                .map_err(|e| Miss::Transport(e.to_string()))?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status) {
                let to = resp
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .map(|l| resolve(&url, l))
                    .ok_or(Miss::Status(status))?;
                if is_login(&to) {
                    return Err(Miss::Login(to));
                }
                url = to;
                continue;
            }
            let body = resp
                .body_mut()
                .with_config()
                .limit(MAX_BODY)
                .read_to_vec()
                .map_err(|e| Miss::Transport(e.to_string()))?;
            if let Some(dir) = self.save {
                crate::write_atomically(&dir.join(name), &body)
                    .map_err(|e| Miss::Transport(format!("cannot save {name}: {e}")))?;
            }
            if !(200..300).contains(&status) {
                return Err(Miss::Status(status));
            }
            return Ok(body);
        }
        Err(Miss::Empty(format!("more than {MAX_REDIRECTS} redirects")))
    }

    /// One URL: its text when `is_content` accepts it, else why it holds none.
    pub fn try_url(&self, url: &str, name: &str, is_content: &dyn Fn(&str) -> bool) -> Answer {
        let body = self.get(url, name)?;
        let page = String::from_utf8_lossy(&body);
        let text = html::html_to_text(&page);
        if is_content(&text) {
            return Ok(text);
        }
        let shape = html::shape(&page);
        let title = shape.title.trim();
        let what = if shape.password_inputs > 0 || title.to_ascii_lowercase().contains("login") {
            format!("a login page (title {title:?})")
        } else if shape.scripts > 0 && text.split_whitespace().count() < 40 {
            format!(
                "a script shell ({} scripts, no reference text)",
                shape.scripts
            )
        } else {
            format!("no reference content (title {title:?})")
        };
        Err(Miss::Empty(what))
    }

    /// The URL forms in order: the first with content, or every URL with why it failed.
    pub fn first(
        &self,
        urls: &[String],
        name: &str,
        is_content: &dyn Fn(&str) -> bool,
    ) -> Result<(String, String), Vec<(String, Miss)>> {
        let mut misses = Vec::new();
        for (i, url) in urls.iter().enumerate() {
            let file = format!("{name}.{i}.html");
            match self.try_url(url, &file, is_content) {
                Ok(text) => return Ok((url.clone(), text)),
                Err(m) => misses.push((url.clone(), m)),
            }
        }
        Err(misses)
    }
}

/// An operation page holds reference content when it reads as one: its `METHOD/path` line
/// and at least one parameter, body or status.
pub fn is_reference_page(text: &str) -> bool {
    docs::parse_page_with(text, &docs::Hints::default())
        .is_ok_and(|op| !op.params.is_empty() || op.request.is_some() || !op.responses.is_empty())
}

fn is_login(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    ["login", "signin", "sign-in", "sso"]
        .iter()
        .any(|w| path.contains(w))
}

/// A `Location` against the URL that sent it.
fn resolve(from: &str, location: &str) -> String {
    if location.starts_with("http://") || location.starts_with("https://") {
        return location.to_string();
    }
    let scheme_end = from.find("://").map_or(0, |i| i + 3);
    let host_end = from[scheme_end..]
        .find('/')
        .map_or(from.len(), |i| scheme_end + i);
    if location.starts_with('/') {
        format!("{}{location}", &from[..host_end])
    } else {
        let dir = from
            .rfind('/')
            .filter(|&i| i >= host_end)
            .unwrap_or(host_end);
        format!("{}/{location}", &from[..dir])
    }
}

/// Fetches every operation page; a page with no content is a finding, not a failure. Fails
/// only when nothing answered at all (no network).
pub fn fetch_pages(
    spec: &spec::Spec,
    base: &str,
    fetcher: &Fetcher,
    log: &mut Vec<String>,
    findings: &mut Vec<crate::diff::Finding>,
) -> Result<Vec<Page>, String> {
    let targets = targets(spec, base);
    if targets.is_empty() {
        return Err(
            "no operation names a page (x-doc-pages, externalDocs.url); use --docs DIR".into(),
        );
    }
    let hints = spec.object_hints();
    let mut pages = Vec::new();
    let mut first_transport: Option<String> = None;
    let mut answered = false;
    for t in &targets {
        let lang = match t.lang {
            Some(Lang::Ja) => "ja",
            Some(Lang::En) => "en",
            None => "page",
        };
        let name = format!("{lang}-{}", t.slug);
        match fetcher.first(&t.urls, &name, &is_reference_page) {
            Ok((url, text)) => {
                answered = true;
                log.push(format!("fetch: {lang} {}: {url} answered", t.slug));
                pages.push(Page {
                    name: format!("{}.txt", t.slug),
                    lang: t.lang,
                    result: docs::parse_page_with(&text, &hints).map_err(|e| e.to_string()),
                });
            }
            Err(misses) => {
                for (url, m) in &misses {
                    match m {
                        Miss::Transport(e) => {
                            first_transport
                                .get_or_insert_with(|| format!("cannot fetch {url}: {e}"));
                        }
                        _ => answered = true,
                    }
                }
                let (method, path) = spec
                    .operations()
                    .iter()
                    .find(|o| {
                        let p = spec::DocPages::of(o.op);
                        p.ja.as_deref() == Some(&t.slug)
                            || p.en.as_deref() == Some(&t.slug)
                            || p.legacy.contains(&t.slug)
                            || p.fadeout.as_deref() == Some(&t.slug)
                            || crate::page_slug(
                                o.op.get("externalDocs")
                                    .and_then(|d| d.get("url"))
                                    .and_then(|u| u.as_str())
                                    .unwrap_or_default(),
                            ) == t.slug
                    })
                    .map(|o| (o.method.clone(), o.path.to_string()))
                    .unwrap_or_else(|| ("-".into(), "-".into()));
                let tried: Vec<String> = misses.iter().map(|(u, m)| format!("{u}: {m}")).collect();
                findings.push(crate::diff::Finding {
                    method,
                    path,
                    location: "page".into(),
                    target: format!("{lang} {}", t.slug),
                    fact: "page",
                    docs: format!("no reference content ({})", tried.join("; ")),
                    spec: "-".into(),
                    accepted: false,
                    sources: Vec::new(),
                });
            }
        }
    }
    if !answered && let Some(e) = first_transport {
        return Err(format!("{e} (use --docs DIR for a saved snapshot)"));
    }
    Ok(pages)
}

/// The overviews and the fading list, each in its URL forms; one that cannot be read is a
/// finding naming the URLs.
pub fn fetch_overviews(
    base: &str,
    fetcher: &Fetcher,
    log: &mut Vec<String>,
    findings: &mut Vec<crate::diff::Finding>,
) -> Vec<overview::Overview> {
    let mut out = Vec::new();
    for (kind, lang, slug) in [
        (overview::Kind::Current(Lang::Ja), Lang::Ja, "partner"),
        (overview::Kind::Current(Lang::En), Lang::En, "partner"),
        (overview::Kind::Fading, Lang::Ja, "partner_fadeout"),
    ] {
        let name = format!("{}-{slug}", if lang == Lang::Ja { "ja" } else { "en" });
        let lists_ops = |t: &str| !overview::parse_text(t).is_empty();
        match fetcher.first(&forms(base, lang, slug), &name, &lists_ops) {
            Ok((url, text)) => {
                log.push(format!("fetch: {}: {url} answered", kind.label()));
                out.extend(overview::read(kind, &text).ok());
            }
            Err(misses) => {
                let tried: Vec<String> = misses.iter().map(|(u, m)| format!("{u}: {m}")).collect();
                findings.push(crate::diff::Finding {
                    method: "-".into(),
                    path: "-".into(),
                    location: kind.label().into(),
                    target: "-".into(),
                    fact: "page",
                    docs: format!("no reference content ({})", tried.join("; ")),
                    spec: "-".into(),
                    accepted: false,
                    sources: Vec::new(),
                });
            }
        }
    }
    out
}
