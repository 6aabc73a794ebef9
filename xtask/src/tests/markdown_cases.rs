//! The markdown layout as the docs really render it, beyond single changes: odd rows, missing
//! status lines, and the renderer that turns plain pages into markdown ones.

use super::*;

#[test]
fn an_unreadable_row_is_one_finding_and_the_rest_is_compared() {
    // A row whose type cannot be read, and one with a cell too many.
    for (from, to, want) in [
        (
            "| name | string | Gadget name required |",
            "| name | str ing | Gadget name required |",
            "GET /widgets/{widgetId}/gadgets/{gadgetId} | page | line 18 | docs: unreadable row (cannot read property `name` of type `str ing`) | spec: -",
        ),
        (
            "| name | string | Gadget name required |",
            "| name | string | Gadget | name required |",
            "GET /widgets/{widgetId}/gadgets/{gadgetId} | page | line 18 | docs: unreadable row (table row has 4 cells, expected 3) | spec: -",
        ),
    ] {
        assert!(MD_GET.contains(from));
        let page = MD_GET.replacen(from, to, 1);
        let r = compare(&[&page, MD_PATCH, MD_DELETE], SPEC);
        // The row is not also reported missing, and a later change on the page is still seen.
        assert_eq!(lines(&r), [want]);
        let page = page.replace("format : date-time", "format : date");
        let r = compare(&[&page, MD_PATCH, MD_DELETE], SPEC);
        assert_eq!(r.unaccepted(), 2, "{:#?}", lines(&r));
    }
}

#[test]
fn a_get_page_without_a_status_line_still_has_its_response() {
    let cases = [
        (Layout::Markdown, "Example response\n"),
        (Layout::Plain, "HTTP 200\n\nOK\n"),
    ];
    for (layout, status_line) in cases {
        let page = get_page(layout);
        assert!(page.contains(status_line), "{layout:?}");
        let bare = page.replacen(status_line, "", 1);
        let r = compare(&[&bare], SPEC);
        assert_eq!(r.unaccepted(), 0, "{layout:?} {:#?}", lines(&r));
        // And the table is compared as the response: one change, one finding.
        let changed = bare.replacen("format : date-time", "format : date", 1);
        let r = compare(&[&changed], SPEC);
        assert_eq!(
            lines(&r),
            [
                "GET /widgets/{widgetId}/gadgets/{gadgetId} | response 200 | since | docs: format date | spec: format date-time"
            ],
            "{layout:?}"
        );
    }
}

#[test]
fn success_lines_name_their_status() {
    let op = docs::parse_page(&MD_PATCH.replace("3}Created", "3}OK (HTTP 201)")).unwrap();
    assert_eq!(op.responses[0].status, 201);
    let op = docs::parse_page(MD_GET).unwrap();
    assert_eq!(
        op.responses.iter().map(|r| r.status).collect::<Vec<_>>(),
        [docs::UNSTATED, 404]
    );
    // A glued status after the example of the response, then the next status.
    let op = docs::parse_page(MD_PATCH).unwrap();
    assert_eq!(
        op.responses.iter().map(|r| r.status).collect::<Vec<_>>(),
        [201, 400]
    );
}

#[test]
fn nested_tables_go_to_the_object_they_match() {
    // Without hints, the page's own tables are all there is: by order, the parts table would
    // be read as responseMetaData. With the spec's hints it is read as the parts.
    let spec = spec::Spec::parse(SPEC).unwrap();
    let op = docs::parse_page_with(MD_GET, &spec.object_hints()).unwrap();
    let outline = docs::outline(&op);
    assert!(
        outline.contains("response 0 | parts[].partId | string required"),
        "{outline}"
    );
    assert!(outline.contains("response 0 | owner.nickname | string maxLength=20"));
    assert!(!outline.contains("responseMetaData."), "{outline}");
}

/// Plain pages rendered in the markdown layout read back to the same facts.
#[test]
fn rendered_markdown_reads_back_the_same() {
    let hints = spec::Spec::parse(SPEC).unwrap().object_hints();
    for page in [PLAIN_PATCH, PLAIN_DELETE, PLAIN_GET] {
        let op = docs::parse_page(page).unwrap();
        let md = docs::render::markdown(&op);
        let back = docs::parse_page_with(&md, &hints).unwrap();
        assert_eq!(docs::outline(&back), docs::outline(&op), "{md}");
        // The rendering uses the forms the reader must handle.
        assert!(md.contains("| Property | Type | Description |") || op.request.is_none());
    }
    let md = docs::render::markdown(&docs::parse_page(PLAIN_GET).unwrap());
    assert!(
        md.contains("| state | string |\nrequired Allowed values : NEW, USED |"),
        "{md}"
    );
    assert!(md.contains("| labels | array (string) |  |"), "{md}");
    assert!(
        md.contains("The legacyCode property is slated for retirement."),
        "{md}"
    );
    assert!(
        md.contains("3}Not Found\n") || md.contains("null3}Not Found\n"),
        "{md}"
    );
}

#[test]
fn render_markdown_command_writes_every_page() {
    let dir = std::env::temp_dir().join(format!("xtask-render-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let plain = dir.join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    for (name, text) in [
        ("a.txt", PLAIN_PATCH),
        ("b.txt", PLAIN_DELETE),
        ("c.txt", PLAIN_GET),
    ] {
        std::fs::write(plain.join(name), text).unwrap();
    }
    let out = dir.join("md");
    let args: Vec<String> = [
        "render-markdown",
        plain.to_str().unwrap(),
        out.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (mut o, mut e) = (Vec::new(), Vec::new());
    assert_eq!(
        run(&args, &mut o, &mut e),
        0,
        "{}",
        String::from_utf8_lossy(&e)
    );
    let pages: Vec<String> = ["a.txt", "b.txt", "c.txt"]
        .iter()
        .map(|n| std::fs::read_to_string(out.join(n)).unwrap())
        .collect();
    let r = compare(&pages.iter().map(String::as_str).collect::<Vec<_>>(), SPEC);
    assert!(r.findings.is_empty(), "{:#?}", lines(&r));
    assert_eq!(r.compared, 3);
    let _ = std::fs::remove_dir_all(&dir);
}
