//! One change at a time on a test page: each gives exactly one finding, in both layouts.

use super::*;

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
    let g = get_page as fn(Layout) -> &'static str;
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
            ("3}Created\n", "3}OK\n"),
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
        c(
            "success line with its code in brackets",
            p,
            ("HTTP 201\n\nCreated", "HTTP 202\n\nAccepted"),
            ("3}Created", "3}OK (HTTP 202)"),
            "| status | - | docs: status 202 | spec: status 201",
        ),
        c(
            "format in a response (success line `Example response`)",
            g,
            ("format : date-time", "format : date"),
            ("format : date-time", "format : date"),
            "GET /widgets/{widgetId}/gadgets/{gadgetId} | response 200 | since | docs: format date | spec: format date-time",
        ),
        c(
            "enum value removed in a response after a glued example",
            p,
            (
                "Fitted part kind\n\n\nAllowed values : BOLT, NUT",
                "Fitted part kind\n\n\nAllowed values : BOLT",
            ),
            (
                "Fitted part kind Allowed values : BOLT, NUT",
                "Fitted part kind Allowed values : BOLT",
            ),
            "| response 201 | parts[].kind | docs: enum [BOLT] | spec: enum [BOLT, NUT] (adds NUT)",
        ),
        c(
            "property removed from a nested object whose sibling table is missing",
            g,
            (
                "kind\u{a0}string\u{a0}\n\nFitted part kind\n\n\nAllowed values : BOLT, NUT\u{a0}\n",
                "",
            ),
            (
                "| kind | string | Fitted part kind Allowed values : BOLT, NUT |\n",
                "",
            ),
            "GET /widgets/{widgetId}/gadgets/{gadgetId} | response 200 | parts[].kind | docs: missing | spec: property (string)",
        ),
        c(
            "required removed in a cell whose first line is empty",
            g,
            (
                "required\nAllowed values : NEW, USED",
                "Allowed values : NEW, USED",
            ),
            (
                "required Allowed values : NEW, USED",
                "Allowed values : NEW, USED",
            ),
            "| response 200 | state | docs: optional | spec: required",
        ),
        c(
            "item type in a row with an empty description",
            g,
            ("labels\u{a0}array (string)", "labels\u{a0}array (integer)"),
            (
                "| labels | array (string) |  |",
                "| labels | array (integer) |  |",
            ),
            "GET /widgets/{widgetId}/gadgets/{gadgetId} | response 200 | labels[] | docs: type integer | spec: type string",
        ),
        c(
            "deprecation added (property)",
            g,
            (
                "Nickname\n\n\nmaxLength : 20",
                "Nickname\n\nCaution\nThis property is slated for retirement.\n\n\nmaxLength : 20",
            ),
            (
                "Caution\n",
                "Caution\nThe nickname property is slated for retirement.\n",
            ),
            "| response 200 | owner.nickname | docs: deprecated | spec: not deprecated",
        ),
        c(
            "deprecation removed (property)",
            g,
            (
                "Caution\nThis property is slated for retirement; read labels instead.\n",
                "",
            ),
            (
                "The legacyCode property is slated for retirement; read labels instead.\n",
                "",
            ),
            "| response 200 | legacyCode | docs: not deprecated | spec: deprecated",
        ),
        c(
            "property added to a nested response object",
            g,
            (
                "Nickname\n\n\nmaxLength : 20\u{a0}\n",
                "Nickname\n\n\nmaxLength : 20\u{a0}\nemail\u{a0}string\u{a0}\n\nEmail\n\n\u{a0}\n",
            ),
            (
                "| Nickname maxLength : 20 |\n",
                "| Nickname maxLength : 20 |\n| email | string | Email |\n",
            ),
            "GET /widgets/{widgetId}/gadgets/{gadgetId} | response 200 | owner.email | docs: property (string) | spec: missing",
        ),
        c(
            "property added to a nested response array",
            g,
            (
                "Fitted part kind\n\n\nAllowed values : BOLT, NUT\u{a0}\n",
                "Fitted part kind\n\n\nAllowed values : BOLT, NUT\u{a0}\nsize\u{a0}integer\u{a0}\n\nSize class\n\n\u{a0}\n",
            ),
            (
                "Fitted part kind Allowed values : BOLT, NUT |\n",
                "Fitted part kind Allowed values : BOLT, NUT |\n| size | integer | Size class |\n",
            ),
            "GET /widgets/{widgetId}/gadgets/{gadgetId} | response 200 | parts[].size | docs: property (integer) | spec: missing",
        ),
        c(
            "property removed from a nested response object",
            g,
            (
                "visible\u{a0}boolean\u{a0}\n\nWhether the owner is shown\n\n\ndefault : true\u{a0}\n",
                "",
            ),
            (
                "| visible | boolean | Whether the owner is shown default : true |\n",
                "",
            ),
            "GET /widgets/{widgetId}/gadgets/{gadgetId} | response 200 | owner.visible | docs: missing | spec: property (boolean)",
        ),
        c(
            "property added to the request body",
            p,
            (
                "nullable : true\u{a0}\n",
                "nullable : true\u{a0}\nnote\u{a0}string\u{a0}\n\nOwner\n\n\u{a0}\n",
            ),
            (
                "nullable : true |\n",
                "nullable : true |\n| note | string | Owner |\n",
            ),
            "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | request | note | docs: property (string) | spec: missing",
        ),
        c(
            "enum value added in a nested response table",
            g,
            (
                "Fitted part kind\n\n\nAllowed values : BOLT, NUT",
                "Fitted part kind\n\n\nAllowed values : BOLT, NUT, PIN",
            ),
            (
                "Fitted part kind Allowed values : BOLT, NUT",
                "Fitted part kind Allowed values : BOLT, NUT, PIN",
            ),
            "GET /widgets/{widgetId}/gadgets/{gadgetId} | response 200 | parts[].kind | docs: enum [BOLT, NUT, PIN] | spec: enum [BOLT, NUT] (drops PIN)",
        ),
        c(
            "enum value added in a nested request table",
            p,
            (
                "Part kind\n\n\nAllowed values : BOLT, NUT",
                "Part kind\n\n\nAllowed values : BOLT, NUT, PIN",
            ),
            (
                "| Part kind Allowed values : BOLT, NUT",
                "| Part kind Allowed values : BOLT, NUT, PIN",
            ),
            "| request | parts[].kind | docs: enum [BOLT, NUT, PIN] | spec: enum [BOLT, NUT] (drops PIN)",
        ),
        c(
            "deprecation added (operation)",
            g,
            (
                "Reads one gadget (a fictional operation for the xtask tests).\n",
                "Reads one gadget (a fictional operation for the xtask tests).\nThis API will be phased out; use the widget reports.\n",
            ),
            (
                "Reads one gadget (a fictional operation for the xtask tests).\n",
                "Reads one gadget (a fictional operation for the xtask tests).\nThis API will be phased out; use the widget reports.\n",
            ),
            "GET /widgets/{widgetId}/gadgets/{gadgetId} | operation | - | docs: deprecated | spec: not deprecated",
        ),
    ]
}

#[test]
fn each_kind_of_change_is_its_own_finding_in_both_layouts_and_languages() {
    let mut failures = Vec::new();
    for (lang, layout) in [
        (Lang::En, Layout::Plain),
        (Lang::En, Layout::Markdown),
        (Lang::Ja, Layout::Plain),
        (Lang::Ja, Layout::Markdown),
    ] {
        for ch in changes() {
            let (from, to) = match layout {
                Layout::Plain => ch.plain,
                Layout::Markdown => ch.markdown,
            };
            let en_page = (ch.page)(layout);
            let (original, from, to) = match lang {
                Lang::En => (en_page, from.to_string(), to.to_string()),
                Lang::Ja => (ja_page(en_page), ja(from), ja(to)),
            };
            assert!(
                original.contains(&from),
                "{lang:?} {layout:?} {}: {from:?} not on the page",
                ch.kind
            );
            let changed = original.replacen(&from, &to, 1);
            let mut set: Vec<&str> = all_pages(layout)
                .into_iter()
                .filter(|p| !std::ptr::eq(*p, en_page))
                .map(|p| if lang == Lang::Ja { ja_page(p) } else { p })
                .collect();
            set.push(&changed);
            let r = compare(&set, SPEC);
            let got = lines(&r);
            if got.len() != 1 || !got[0].contains(ch.expect) || r.unaccepted() != 1 {
                failures.push(format!(
                    "{lang:?} {layout:?} {}: want {:?}\n  got {got:#?}",
                    ch.kind, ch.expect
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
