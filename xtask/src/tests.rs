//! `diff` end to end on the fictional gadget pages (`testdata/pages/{plain,markdown}`) and
//! their spec (`testdata/gadget.yaml`): the untouched pages give no finding, and each kind of
//! change, applied to one page, gives exactly one finding, in both layouts.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

const SPEC: &str = include_str!("../testdata/gadget.yaml");
const PLAIN_PATCH: &str = include_str!("../testdata/pages/plain/gadget-patch.txt");
const PLAIN_DELETE: &str = include_str!("../testdata/pages/plain/gadget-delete.txt");
const MD_PATCH: &str = include_str!("../testdata/pages/markdown/gadget-patch.txt");
const MD_DELETE: &str = include_str!("../testdata/pages/markdown/gadget-delete.txt");

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

fn compare(pages: &[&str], spec: &str) -> diff::Report {
    let spec = spec::Spec::parse(spec).unwrap();
    let ops: Vec<docs::DocOp> = pages.iter().map(|p| docs::parse_page(p).unwrap()).collect();
    diff::compare(&ops.iter().collect::<Vec<_>>(), &spec)
}

fn lines(r: &diff::Report) -> Vec<String> {
    r.findings.iter().map(diff::Finding::line).collect()
}

#[test]
fn untouched_pages_match_the_spec() {
    for layout in [Layout::Plain, Layout::Markdown] {
        let (patch, delete) = pages(layout);
        let r = compare(&[patch, delete], SPEC);
        assert!(r.findings.is_empty(), "{layout:?}: {:#?}", lines(&r));
        assert_eq!(r.compared, 2);
        assert!(r.notes.is_empty());
    }
    // Without the NBSP markers real plain pages carry, the plain page still reads the same.
    let bare = PLAIN_PATCH.replace('\u{a0}', " ");
    let r = compare(&[&bare, PLAIN_DELETE], SPEC);
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

/// One kind of change: the text to replace on the page, per layout, and the finding expected.
struct Change {
    kind: &'static str,
    page: fn(Layout) -> &'static str,
    plain: (&'static str, &'static str),
    markdown: (&'static str, &'static str),
    expect: &'static str,
}

fn patch_page(l: Layout) -> &'static str {
    pages(l).0
}
fn delete_page(l: Layout) -> &'static str {
    pages(l).1
}

fn changes() -> Vec<Change> {
    let c = |kind, page, plain, markdown, expect| Change {
        kind,
        page,
        plain,
        markdown,
        expect,
    };
    let p = patch_page as fn(Layout) -> &'static str;
    vec![
        c(
            "operation missing from the spec",
            p,
            (
                "PATCH/widgets/{widgetId}/gadgets/",
                "PATCH/widgets/{widgetId}/gizmos/",
            ),
            (
                "PATCH/widgets/{widgetId}/gadgets/",
                "PATCH/widgets/{widgetId}/gizmos/",
            ),
            "PATCH /widgets/{widgetId}/gizmos/{gadgetId} | operation | - | docs: documented | spec: missing",
        ),
        c(
            "scopes",
            p,
            ("widget\nwidget.write\n", "widget\n"),
            ("widget\nwidget.write\n", "widget\n"),
            "| operation | - | docs: scopes widget | spec: scopes widget, widget.write",
        ),
        c(
            "success status",
            p,
            ("HTTP 201\n\nCreated", "HTTP 200\n\nOK"),
            ("\nCreated\n", "\nOK\n"),
            "| status | - | docs: status 200 | spec: status 201",
        ),
        c(
            "success status (204)",
            delete_page,
            ("HTTP 204\n\nNo Content", "HTTP 202\n\nAccepted"),
            ("No Content", "Accepted"),
            "DELETE /widgets/{widgetId}/gadgets/{gadgetId} | status | - | docs: status 202 | spec: status 204",
        ),
        c(
            "parameter missing from the spec",
            p,
            (
                "Allowed values : FAST, SAFE\u{a0}\n",
                "Allowed values : FAST, SAFE\u{a0}\nlimit\u{a0}integer\u{a0}\n\nPage size\n\n\u{a0}\n",
            ),
            (
                "Allowed values : FAST, SAFE |\n",
                "Allowed values : FAST, SAFE |\n| limit | integer | Page size |\n",
            ),
            "| parameter | limit | docs: query parameter (integer) | spec: missing",
        ),
        c(
            "parameter only in the spec",
            p,
            (
                "dryRun\u{a0}boolean\u{a0}\n\nValidate only\n\n\ndefault : false\u{a0}\n",
                "",
            ),
            ("| dryRun | boolean | Validate only default : false |\n", ""),
            "| parameter | dryRun | docs: missing | spec: query parameter (boolean)",
        ),
        c(
            "parameter enum",
            p,
            ("FAST, SAFE", "FAST, SAFE, TURBO"),
            ("FAST, SAFE", "FAST, SAFE, TURBO"),
            "| parameter | mode | docs: enum [FAST, SAFE, TURBO] | spec: enum [FAST, SAFE] (drops TURBO)",
        ),
        c(
            "property missing from the spec",
            p,
            (
                "default : true\u{a0}\n",
                "default : true\u{a0}\nemail\u{a0}string\u{a0}\n\nEmail\n\n\u{a0}\n",
            ),
            (
                "default : true |\n",
                "default : true |\n| email | string | Email |\n",
            ),
            "| request | owner.email | docs: property (string) | spec: missing",
        ),
        c(
            "property only in the spec",
            p,
            ("labels\u{a0}array (string)\u{a0}\n\nLabels\n\n\u{a0}\n", ""),
            ("| labels | array (string) | Labels |\n", ""),
            "| response 201 | labels | docs: missing | spec: property (array)",
        ),
        c(
            "type",
            p,
            ("size\u{a0}integer", "size\u{a0}number"),
            ("| size | integer |", "| size | number |"),
            "| request | size | docs: type number | spec: type integer",
        ),
        c(
            "array item type",
            p,
            ("labels\u{a0}array (string)", "labels\u{a0}array (integer)"),
            (
                "| labels | array (string) |",
                "| labels | array (integer) |",
            ),
            "| response 201 | labels[] | docs: type integer | spec: type string",
        ),
        c(
            "required added",
            p,
            (
                "Nickname\n\n\nmaxLength",
                "Nickname\n\n\nrequired\nmaxLength",
            ),
            ("Nickname maxLength", "Nickname required maxLength"),
            "| request | owner.nickname | docs: required | spec: optional",
        ),
        c(
            "required removed (array of objects)",
            p,
            (
                "Fitted part ID\n\n\nrequired\u{a0}",
                "Fitted part ID\n\n\u{a0}",
            ),
            ("Fitted part ID required |", "Fitted part ID |"),
            "| response 201 | parts[].partId | docs: optional | spec: required",
        ),
        c(
            "nullable",
            p,
            ("format : date\nnullable : true", "format : date"),
            ("format : date nullable : true", "format : date"),
            "| request | due | docs: not nullable | spec: nullable",
        ),
        c(
            "format",
            p,
            ("format : date", "format : date-time"),
            ("format : date", "format : date-time"),
            "| request | due | docs: format date-time | spec: format date",
        ),
        c(
            "enum value added (list split across lines)",
            p,
            ("BLUE, YELLOW", "BLUE, YELLOW,\nPINK"),
            ("BLUE, YELLOW", "BLUE, YELLOW,\nPINK"),
            "| request | color | docs: enum [RED, GREEN, BLUE, YELLOW, PINK] | spec: enum [RED, GREEN, BLUE, YELLOW] (drops PINK)",
        ),
        c(
            "enum value removed (array of objects)",
            p,
            (
                "Part kind\n\n\nAllowed values : BOLT, NUT",
                "Part kind\n\n\nAllowed values : BOLT",
            ),
            (
                "| Part kind Allowed values : BOLT, NUT",
                "| Part kind Allowed values : BOLT",
            ),
            "| request | parts[].kind | docs: enum [BOLT] | spec: enum [BOLT, NUT] (adds NUT)",
        ),
        c(
            "maxLength",
            p,
            ("maxLength : 40", "maxLength : 50"),
            ("maxLength : 40", "maxLength : 50"),
            "| request | name | docs: maxLength 50 | spec: maxLength 40",
        ),
        c(
            "minLength",
            p,
            ("minLength : 2", "minLength : 3"),
            ("minLength : 2", "minLength : 3"),
            "| request | name | docs: minLength 3 | spec: minLength 2",
        ),
        c(
            "minimum",
            p,
            ("minimum : 1", "minimum : 0"),
            ("minimum : 1", "minimum : 0"),
            "| request | size | docs: minimum 0 | spec: minimum 1",
        ),
        c(
            "maximum",
            p,
            ("maximum : 10", "maximum : 9"),
            ("maximum : 10", "maximum : 9"),
            "| request | size | docs: maximum 9 | spec: maximum 10",
        ),
        c(
            "default (nested object)",
            p,
            ("default : true", "default : false"),
            ("default : true", "default : false"),
            "| request | owner.visible | docs: default false | spec: default true",
        ),
        c(
            "readOnly",
            p,
            ("required\nreadOnly : true\u{a0}", "required\u{a0}"),
            (" readOnly : true |", " |"),
            "| response 201 | gadgetId | docs: not readOnly | spec: readOnly",
        ),
    ]
}

#[test]
fn each_kind_of_change_is_its_own_finding_in_both_layouts() {
    let mut failures = Vec::new();
    for layout in [Layout::Plain, Layout::Markdown] {
        for ch in changes() {
            let (from, to) = match layout {
                Layout::Plain => ch.plain,
                Layout::Markdown => ch.markdown,
            };
            let original = (ch.page)(layout);
            assert!(
                original.contains(from),
                "{layout:?} {}: {from:?} not on the page",
                ch.kind
            );
            let changed = original.replacen(from, to, 1);
            let other = if std::ptr::eq(original, patch_page(layout)) {
                delete_page(layout)
            } else {
                patch_page(layout)
            };
            let r = compare(&[&changed, other], SPEC);
            let got = lines(&r);
            if got.len() != 1 || !got[0].contains(ch.expect) || r.unaccepted() != 1 {
                failures.push(format!(
                    "{layout:?} {}: want {:?}\n  got {got:#?}",
                    ch.kind, ch.expect
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn spec_only_operation_is_a_note_not_a_finding() {
    let r = compare(&[PLAIN_PATCH], SPEC);
    assert!(r.findings.is_empty());
    assert_eq!(
        r.notes,
        ["note: DELETE /widgets/{widgetId}/gadgets/{gadgetId} is in the spec but on no docs page"]
    );
}

#[test]
fn upstream_extension_makes_a_difference_accepted() {
    for layout in [Layout::Plain, Layout::Markdown] {
        let (patch, delete) = pages(layout);
        let spec = SPEC.replace(
            "size: {type: integer, format: int32, minimum: 1, maximum: 10}",
            "size: {type: integer, format: int32, minimum: 1, maximum: 12, x-upstream-maximum: 10, x-upstream-note: larger in practice}",
        );
        let r = compare(&[patch, delete], &spec);
        assert_eq!(
            lines(&r),
            [
                "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | request | size | docs: maximum 10 | spec: maximum 12 | accepted"
            ],
            "{layout:?}"
        );
        assert_eq!((r.unaccepted(), r.accepted()), (0, 1));

        // An x-upstream value that is not what the docs say accepts nothing.
        let wrong = spec.replace("x-upstream-maximum: 10", "x-upstream-maximum: 11");
        assert_eq!(compare(&[patch, delete], &wrong).unaccepted(), 1);

        // Operation-level facts: status and scopes.
        let spec = SPEC
            .replace("'204': {description: No Content}", "'200': {description: OK}")
            .replace(
                "security: [{oauth: [widget.write]}]",
                "security: [{oauth: [widget]}]\n      x-upstream-status: 204\n      x-upstream-scopes: [widget.write]",
            );
        let r = compare(&[patch, delete], &spec);
        assert_eq!(r.findings.len(), 2, "{:#?}", lines(&r));
        assert!(r.findings.iter().all(|f| f.accepted), "{:#?}", lines(&r));
    }
}

#[test]
fn upstream_list_of_lists_accepts_any_of_them() {
    // A shared element whose pages state different lists records each of them.
    let with = |upstream: &str| {
        SPEC.replace(
            "color: {type: string, enum: [RED, GREEN, BLUE, YELLOW]}",
            &format!("color: {{type: string, enum: [RED, GREEN, BLUE, YELLOW, PINK], x-upstream-enum: {upstream}}}"),
        )
    };
    for layout in [Layout::Plain, Layout::Markdown] {
        let (patch, delete) = pages(layout);
        let r = compare(
            &[patch, delete],
            &with("[[RED], [YELLOW, BLUE, GREEN, RED]]"),
        );
        assert_eq!(
            (r.unaccepted(), r.accepted()),
            (0, 1),
            "{layout:?} {:#?}",
            lines(&r)
        );
        let r = compare(&[patch, delete], &with("[[RED], [GREEN, BLUE]]"));
        assert_eq!(r.unaccepted(), 1, "{layout:?} {:#?}", lines(&r));
    }
}

#[test]
fn upstream_none_accepts_a_fact_the_docs_do_not_state() {
    for none in ["none", "~"] {
        let spec = SPEC.replace(
            "nickname: {type: string, maxLength: 20}",
            &format!("nickname: {{type: string, maxLength: 20, enum: [ann, bob], x-upstream-enum: {none}}}"),
        );
        let r = compare(&[MD_PATCH, MD_DELETE], &spec);
        assert_eq!(
            lines(&r),
            [
                "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | request | owner.nickname | docs: enum none | spec: enum [ann, bob] | accepted"
            ]
        );
    }
}

#[test]
fn inferred_property_missing_from_a_cut_off_page_is_accepted() {
    let spec = SPEC.replace(
        "visible: {type: boolean, default: true}",
        "visible: {type: boolean, default: true}\n        since: {type: string, x-inferred: cut off on the page; from the sibling GET}",
    );
    let r = compare(&[PLAIN_PATCH, PLAIN_DELETE], &spec);
    assert_eq!(
        lines(&r),
        [
            "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | request | owner.since | docs: missing | spec: property (string) | accepted"
        ]
    );
}

#[test]
fn a_missing_nullable_mark_is_silence_only_for_the_property_s_own_x_inferred() {
    let with = |extra: &str| {
        SPEC.replace(
            "nickname: {type: string, maxLength: 20}",
            &format!("nickname: {{type: string, maxLength: 20, nullable: true{extra}}}"),
        )
    };
    let r = compare(&[MD_PATCH, MD_DELETE], &with(""));
    assert_eq!(
        lines(&r),
        [
            "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | request | owner.nickname | docs: not nullable | spec: nullable"
        ]
    );
    let r = compare(
        &[MD_PATCH, MD_DELETE],
        &with(", x-inferred: the page ends inside this field"),
    );
    assert_eq!((r.unaccepted(), r.accepted()), (0, 1), "{:#?}", lines(&r));
}

// ---------------------------------------------------------------------------------------------
// The command line: exit codes, file names, formats.

fn scratch(files: &[(&str, &str)]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "xtask-diff-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("pages")).unwrap();
    std::fs::write(dir.join("spec.yaml"), SPEC).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join("pages").join(name), text).unwrap();
    }
    dir
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&args, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn diff_args(dir: &Path) -> Vec<String> {
    vec![
        "diff".into(),
        "--docs".into(),
        dir.join("pages").display().to_string(),
        format!("--spec={}", dir.join("spec.yaml").display()),
    ]
}

fn cli_dir(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = diff_args(dir);
    args.extend(extra.iter().map(|s| s.to_string()));
    cli(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn cli_exit_codes_and_summary() {
    let dir = scratch(&[("a.txt", PLAIN_PATCH), ("b.txt", MD_DELETE)]);
    let (code, out, err) = cli_dir(&dir, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("diff: 2 pages, 2 operations compared, 0 findings, 0 accepted, 0 notes in "),
        "{err}"
    );
    assert!(err.trim_end().ends_with(" ms"));

    let changed = PLAIN_PATCH.replace("maxLength : 40", "maxLength : 50");
    std::fs::write(dir.join("pages/a.txt"), changed).unwrap();
    let (code, out, err) = cli_dir(&dir, &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | request | name | docs: maxLength 50 | spec: maxLength 40\n"
    );
    assert!(err.contains("1 findings, 0 accepted"), "{err}");

    let (code, out, _) = cli_dir(&dir, &["--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"][0]["fact"], "maxLength");
    assert_eq!(v["findings"][0]["target"], "name");
    assert_eq!(v["summary"]["findings"], 1);
    assert_eq!(v["summary"]["pages"], 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unparseable_page_exits_2_naming_the_file() {
    let dir = scratch(&[
        ("good.txt", PLAIN_PATCH),
        ("broken-page.txt", "Welcome to the docs\nnothing to see"),
        (
            "bad-row.txt",
            "GET/x\n| Property | Type | Description |\n|---|---|---|\n| a | string | x | y |\n",
        ),
    ]);
    let (code, _, err) = cli_dir(&dir, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("error: broken-page.txt: cannot parse page: line 1"),
        "{err}"
    );
    assert!(
        err.contains("error: bad-row.txt: cannot parse page: line 4: table row has 4 cells"),
        "{err}"
    );
    assert!(err.contains("2 unparseable pages"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cannot_run_is_exit_2() {
    let dir = scratch(&[]);
    let (code, _, err) = cli_dir(&dir, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("no *.txt pages"), "{err}");
    let (code, _, err) = cli(&[
        "diff",
        "--docs",
        "/nonexistent-dir",
        "--spec",
        "/nonexistent.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read spec"), "{err}");
    assert_eq!(cli(&["diff", "--bogus"]).0, 2);
    assert_eq!(cli(&["diff", "--format", "xml"]).0, 2);
    assert_eq!(cli(&["nope"]).0, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn failed_fetch_is_a_clear_exit_2() {
    // The gadget spec's externalDocs point at a closed local port: no network needed.
    let dir = scratch(&[]);
    let spec = dir.join("spec.yaml").display().to_string();
    let save = dir.join("saved").display().to_string();
    let (code, _, err) = cli(&["diff", "--spec", &spec, "--save", &save]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error: cannot fetch http://127.0.0.1:9/docs/gadget-patch:"),
        "{err}"
    );
    assert!(err.contains("use --docs DIR"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn slug_of_page_urls() {
    assert_eq!(
        page_slug("https://h/en/docs/partner-customer-get?lang=en"),
        "partner-customer-get"
    );
    assert_eq!(page_slug("https://h/jp/doc_html/jp/x-y.html"), "x-y");
}

#[test]
fn parsing_all_pages_is_fast() {
    let start = Instant::now();
    for _ in 0..50 {
        for page in [PLAIN_PATCH, PLAIN_DELETE, MD_PATCH, MD_DELETE] {
            docs::parse_page(page).unwrap();
        }
    }
    // 200 pages in well under a second even in a debug build.
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}
