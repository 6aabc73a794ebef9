//! `x-upstream-*` and `x-inferred`: differences the spec records on purpose are accepted.

use super::*;

#[test]
fn spec_only_operation_is_a_note_not_a_finding() {
    let r = compare(&[PLAIN_PATCH], SPEC);
    assert!(r.findings.is_empty());
    assert_eq!(
        r.notes,
        [
            "note: GET /widgets/{widgetId}/gadgets/{gadgetId} is in the spec but on no docs page",
            "note: DELETE /widgets/{widgetId}/gadgets/{gadgetId} is in the spec but on no docs page"
        ]
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
fn upstream_deprecated_accepts_a_deprecation_the_docs_do_not_state() {
    // The spec deprecates a property ahead of the docs, and records that they do not say so.
    let with = |extra: &str| {
        SPEC.replace(
            "nickname: {type: string, maxLength: 20}",
            &format!("nickname: {{type: string, maxLength: 20, deprecated: true{extra}}}"),
        )
    };
    for layout in [Layout::Plain, Layout::Markdown] {
        let pages = all_pages(layout);
        let r = compare(&pages, &with(""));
        assert_eq!(r.unaccepted(), 2, "{layout:?} {:#?}", lines(&r)); // request and response
        let r = compare(&pages, &with(", x-upstream-deprecated: false"));
        assert_eq!(
            (r.unaccepted(), r.accepted()),
            (0, 2),
            "{layout:?} {:#?}",
            lines(&r)
        );
    }
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
