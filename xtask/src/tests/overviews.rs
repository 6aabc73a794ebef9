//! The overviews and the fading list against the spec.

use super::*;
use overview::{Kind, read};

const GET: &str = "GET /widgets/{widgetId}/gadgets/{gadgetId}";
const PATCH: &str = "PATCH /widgets/{widgetId}/gadgets/{gadgetId}";
const DELETE: &str = "DELETE /widgets/ {widgetId} /gadgets/{gadgetId}";

/// An overview in the rendered layout (seed 003): tables of `METHOD /path | what it does`.
fn page(ops: &[&str]) -> String {
    let mut t = String::from(
        "You can manage gadgets with these operations.\n| HTTP request | Description |\n|---|---|\n",
    );
    for o in ops {
        t += &format!("| {o} | does something |\n");
    }
    t
}

fn check(overviews: &[(Kind, String)], spec: &str) -> Vec<String> {
    let spec = spec::Spec::parse(spec).unwrap();
    let ovs: Vec<overview::Overview> = overviews
        .iter()
        .map(|(k, t)| read(*k, t).unwrap())
        .collect();
    overview::compare(&ovs, &spec)
        .iter()
        .map(diff::Finding::line)
        .collect()
}

const JA: Kind = Kind::Current(crate::Lang::Ja);
const EN: Kind = Kind::Current(crate::Lang::En);

#[test]
fn complete_overviews_that_match_give_nothing() {
    let all = page(&[GET, PATCH, DELETE]);
    assert!(check(&[(JA, all.clone()), (EN, all)], SPEC).is_empty());
    // The English overview need not list an operation that has no English page.
    assert!(check(&[(EN, page(&[GET, PATCH]))], SPEC).is_empty());
}

#[test]
fn an_operation_added_on_each_overview_is_one_finding() {
    let added = "POST /widgets/{widgetId}/gadgets";
    for (kind, label) in [
        (JA, "ja overview"),
        (EN, "en overview"),
        (Kind::Fading, "fading list"),
    ] {
        let mut ovs = vec![(kind, page(&[GET, PATCH, DELETE, added]))];
        if kind == Kind::Fading {
            ovs.push((JA, page(&[GET, PATCH, DELETE])));
        }
        assert_eq!(
            check(&ovs, SPEC),
            [format!(
                "POST /widgets/{{widgetId}}/gadgets | {label} | - | docs: listed | spec: missing"
            )],
            "{label}"
        );
    }
}

#[test]
fn an_operation_no_longer_listed_is_one_finding() {
    assert_eq!(
        check(&[(JA, page(&[GET, PATCH]))], SPEC),
        [
            "DELETE /widgets/{widgetId}/gadgets/{gadgetId} | ja overview | - | docs: not listed | spec: operation with a page in this language"
        ]
    );
    assert_eq!(
        check(&[(EN, page(&[GET, DELETE]))], SPEC),
        [
            "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | en overview | - | docs: not listed | spec: operation with a page in this language"
        ]
    );
}

#[test]
fn entering_and_leaving_the_fading_list_follow_deprecated() {
    // PATCH moves from the overview to the fading list: deprecated must follow.
    let ovs = [(JA, page(&[GET, DELETE])), (Kind::Fading, page(&[PATCH]))];
    assert_eq!(
        check(&ovs, SPEC),
        [
            "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | fading list | - | docs: on the fading list | spec: not deprecated"
        ]
    );
    let deprecated = SPEC.replace(
        "      operationId: update_gadget\n",
        "      operationId: update_gadget\n      deprecated: true\n",
    );
    assert!(check(&ovs, &deprecated).is_empty());
    // An operation both lists show is shared by the two APIs, not withdrawn.
    let shared = [
        (JA, page(&[GET, PATCH, DELETE])),
        (Kind::Fading, page(&[GET, PATCH])),
    ];
    assert!(check(&shared, SPEC).is_empty());
    // Leaving the (complete) fading list while the spec still deprecates it.
    let left = [(JA, page(&[GET, DELETE])), (Kind::Fading, page(&[GET]))];
    assert_eq!(
        check(&left, &deprecated),
        [
            "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | fading list | - | docs: not on the fading list | spec: deprecated"
        ]
    );
}

#[test]
fn a_cut_off_snapshot_claims_no_removal() {
    // The facts format of upstream-docs/*/partner.json: a cut-off page (complete: false).
    let json = r#"{"slug": "partner", "complete": false,
        "facts": ["Two flows: GET /widgets/{widgetId}/gadgets/{gadgetId} then POST /widgets/{widgetId}/gadgets (new)."],
        "operations_listed_in_excerpt": [{"method": "PUT", "path": "/widgets… (cut off)"}],
        "replaced_by": "DELETE /elsewhere"}"#;
    let o = read(JA, json).unwrap();
    assert!(!o.complete);
    assert_eq!(
        o.ops,
        [
            (
                "GET".to_string(),
                "/widgets/{widgetId}/gadgets/{gadgetId}".to_string()
            ),
            (
                "POST".to_string(),
                "/widgets/{widgetId}/gadgets".to_string()
            )
        ]
    );
    assert_eq!(
        check(&[(JA, json.to_string())], SPEC),
        ["POST /widgets/{widgetId}/gadgets | ja overview | - | docs: listed | spec: missing"]
    );
}
