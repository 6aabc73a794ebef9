//! `diff` end to end on the fictional gadget pages (`testdata/pages/{plain,markdown}`) and
//! their spec (`testdata/gadget.yaml`): the untouched pages give no finding, and each kind of
//! change, applied to one page, gives exactly one finding, in both layouts.

mod changes;
mod cli;
mod live;
mod markdown_cases;
mod overviews;
mod pages;
mod upstream;

use super::*;

const SPEC: &str = include_str!("../../testdata/gadget.yaml");
const PLAIN_PATCH: &str = include_str!("../../testdata/pages/plain/gadget-patch.txt");
const PLAIN_DELETE: &str = include_str!("../../testdata/pages/plain/gadget-delete.txt");
const PLAIN_GET: &str = include_str!("../../testdata/pages/plain/gadget-get.txt");
const MD_PATCH: &str = include_str!("../../testdata/pages/markdown/gadget-patch.txt");
const MD_DELETE: &str = include_str!("../../testdata/pages/markdown/gadget-delete.txt");
const MD_GET: &str = include_str!("../../testdata/pages/markdown/gadget-get.txt");

/// The same pages with Japanese descriptions (labels stay English, as on the real pages);
/// `testdata/pages-ja/ja.tsv` is the translation, checked against the files below.
const JA_TSV: &str = include_str!("../../testdata/pages-ja/ja.tsv");
const JA_PAGES: [(&str, &str, &str); 6] = [
    (
        PLAIN_PATCH,
        "plain/gadget-patch",
        include_str!("../../testdata/pages-ja/plain/gadget-patch.txt"),
    ),
    (
        PLAIN_DELETE,
        "plain/gadget-delete",
        include_str!("../../testdata/pages-ja/plain/gadget-delete.txt"),
    ),
    (
        PLAIN_GET,
        "plain/gadget-get",
        include_str!("../../testdata/pages-ja/plain/gadget-get.txt"),
    ),
    (
        MD_PATCH,
        "markdown/gadget-patch",
        include_str!("../../testdata/pages-ja/markdown/gadget-patch.txt"),
    ),
    (
        MD_DELETE,
        "markdown/gadget-delete",
        include_str!("../../testdata/pages-ja/markdown/gadget-delete.txt"),
    ),
    (
        MD_GET,
        "markdown/gadget-get",
        include_str!("../../testdata/pages-ja/markdown/gadget-get.txt"),
    ),
];

/// English descriptions replaced by Japanese ones, longest phrases first as listed.
fn ja(text: &str) -> String {
    JA_TSV
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .fold(text.to_string(), |t, (en, ja)| t.replace(en, ja))
}

/// The Japanese twin of an English test page.
fn ja_page(en: &str) -> &'static str {
    JA_PAGES
        .iter()
        .find(|(e, _, _)| *e == en)
        .map(|(_, _, j)| *j)
        .expect("every English test page has a Japanese twin")
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Lang {
    En,
    Ja,
}

#[derive(Clone, Copy, Debug)]
enum Layout {
    Plain,
    Markdown,
}

fn pages(layout: Layout) -> (&'static str, &'static str) {
    match layout {
        Layout::Plain => (PLAIN_PATCH, PLAIN_DELETE),
        Layout::Markdown => (MD_PATCH, MD_DELETE),
    }
}

fn get_page(layout: Layout) -> &'static str {
    match layout {
        Layout::Plain => PLAIN_GET,
        Layout::Markdown => MD_GET,
    }
}

/// Every test page of a layout.
fn all_pages(layout: Layout) -> [&'static str; 3] {
    let (patch, delete) = pages(layout);
    [patch, delete, get_page(layout)]
}

/// `diff` as the command runs it: pages read with the spec's hints.
fn compare(pages: &[&str], spec: &str) -> diff::Report {
    let spec = spec::Spec::parse(spec).unwrap();
    let hints = spec.object_hints();
    let ops: Vec<docs::DocOp> = pages
        .iter()
        .map(|p| docs::parse_page_with(p, &hints).unwrap())
        .collect();
    diff::compare(&ops.iter().collect::<Vec<_>>(), &spec)
}

fn lines(r: &diff::Report) -> Vec<String> {
    r.findings.iter().map(diff::Finding::line).collect()
}

#[test]
fn japanese_pages_are_the_english_ones_translated() {
    for (en, name, ja_text) in JA_PAGES {
        assert_eq!(ja(en), ja_text, "testdata/pages-ja/{name}.txt is stale");
        assert_ne!(en, ja_text, "{name}: nothing was translated");
    }
}

#[test]
fn untouched_pages_match_the_spec() {
    for layout in [Layout::Plain, Layout::Markdown] {
        let pages = all_pages(layout).map(ja_page);
        let r = compare(&pages, SPEC);
        assert!(r.findings.is_empty(), "ja {layout:?}: {:#?}", lines(&r));
    }
    for layout in [Layout::Plain, Layout::Markdown] {
        let r = compare(&all_pages(layout), SPEC);
        assert!(r.findings.is_empty(), "{layout:?}: {:#?}", lines(&r));
        assert_eq!(r.compared, 3);
        assert!(r.notes.is_empty());
    }
    // Without the NBSP markers real plain pages carry, the plain pages still read the same.
    let bare_patch = PLAIN_PATCH.replace('\u{a0}', " ");
    let bare_get = PLAIN_GET.replace('\u{a0}', " ");
    let r = compare(&[&bare_patch, PLAIN_DELETE, &bare_get], SPEC);
    assert!(r.findings.is_empty(), "{:#?}", lines(&r));
}

#[test]
fn pages_read_nested_objects_arrays_and_split_lists() {
    for layout in [Layout::Plain, Layout::Markdown] {
        let (patch, delete) = pages(layout);
        let op = docs::parse_page(patch).unwrap();
        let outline = docs::outline(&op);
        for want in [
            "scopes: widget, widget.write",
            "param path | widgetId | integer required",
            "param query | mode | string enum=[FAST,SAFE]",
            "request | color | string enum=[RED,GREEN,BLUE,YELLOW]",
            "request | parts[].kind | string enum=[BOLT,NUT]",
            "request | owner.visible | boolean default=true",
            "status 201",
            "response 201 | parts[].partId | string required",
            "response 201 | labels | array (string)",
            "status 400",
        ] {
            assert!(outline.contains(want), "{layout:?}: {want}\n{outline}");
        }
        let del = docs::parse_page(delete).unwrap();
        assert_eq!(del.responses.len(), 1, "{layout:?}");
        assert_eq!(del.responses[0].status, 204);
        assert!(del.responses[0].body.is_none());
    }
}
