//! Several pages of one operation: Japanese first, ja/en differences, subsets.

use super::*;
use diff::Source;

fn compare_sources(pages: &[(&str, Source)], spec: &str) -> diff::Report {
    let spec = spec::Spec::parse(spec).unwrap();
    let hints = spec.object_hints();
    let ops: Vec<(docs::DocOp, Source)> = pages
        .iter()
        .map(|(p, s)| (docs::parse_page_with(p, &hints).unwrap(), s.clone()))
        .collect();
    let refs: Vec<(&docs::DocOp, Source)> = ops.iter().map(|(o, s)| (o, s.clone())).collect();
    diff::compare_pages(&refs, &spec)
}

#[test]
fn an_enum_subset_on_one_page_is_a_language_difference_not_a_removal() {
    for layout in [Layout::Plain, Layout::Markdown] {
        let (patch, _) = pages(layout);
        let ja = ja_page(patch);
        // The English page lists only part of the values (cut off, or lagging).
        let en = patch.replacen("BLUE, YELLOW", "BLUE", 1);
        assert_ne!(en, patch);
        let r = compare_sources(&[(&en, Source::En), (ja, Source::Ja)], SPEC);
        assert!(r.findings.is_empty(), "{layout:?}: {:#?}", lines(&r));
        assert_eq!(
            r.languages,
            [
                "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | request | color | ja lists YELLOW, en does not"
            ],
            "{layout:?}"
        );
        // Alone, the same English page reads as a removal.
        let r = compare_sources(&[(&en, Source::En)], SPEC);
        assert_eq!(
            lines(&r),
            [
                "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | request | color | docs (en): enum [RED, GREEN, BLUE] | spec: enum [RED, GREEN, BLUE, YELLOW] (adds YELLOW)"
            ],
            "{layout:?}"
        );
        // A value only the Japanese page adds is one finding, from the Japanese page.
        let ja_more = ja.replacen("BLUE, YELLOW", "BLUE, YELLOW, PINK", 1);
        let r = compare_sources(&[(&en, Source::En), (&ja_more, Source::Ja)], SPEC);
        assert_eq!(
            lines(&r),
            [
                "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | request | color | docs (ja): enum [RED, GREEN, BLUE, YELLOW, PINK] | spec: enum [RED, GREEN, BLUE, YELLOW] (drops PINK)"
            ],
            "{layout:?}"
        );
        assert_eq!(r.languages.len(), 1, "{:?}", r.languages);
        assert!(r.languages[0].ends_with("ja lists PINK, YELLOW, en does not"));
    }
}

#[test]
fn a_change_both_pages_show_is_one_finding_naming_both_japanese_first() {
    let en = MD_PATCH.replace("maxLength : 40", "maxLength : 50");
    let ja = ja_page(PLAIN_PATCH).replace("maxLength : 40", "maxLength : 50");
    let r = compare_sources(&[(&en, Source::En), (&ja, Source::Ja)], SPEC);
    assert_eq!(
        lines(&r),
        [
            "PATCH /widgets/{widgetId}/gadgets/{gadgetId} | request | name | docs (ja, en): maxLength 50 | spec: maxLength 40"
        ]
    );
    assert_eq!(r.compared, 1);
    assert!(r.languages.is_empty());
}

#[test]
fn cli_reads_each_directory_in_its_language() {
    let dir = std::env::temp_dir().join(format!("xtask-langs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (sub, files) in [
        ("ja", [("gadget-patch.txt", ja_page(MD_PATCH).to_string())]),
        (
            "en",
            [(
                "gadget-patch.txt",
                MD_PATCH.replacen("BLUE, YELLOW", "BLUE", 1),
            )],
        ),
    ] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for (n, t) in files {
            std::fs::write(dir.join(sub).join(n), t).unwrap();
        }
    }
    std::fs::write(dir.join("spec.yaml"), SPEC).unwrap();
    let args: Vec<String> = [
        "diff".to_string(),
        format!("--docs=ja={}", dir.join("ja").display()),
        "--docs".into(),
        format!("en={}", dir.join("en").display()),
        format!("--spec={}", dir.join("spec.yaml").display()),
    ]
    .into();
    let (mut o, mut e) = (Vec::new(), Vec::new());
    let code = run(&args, &mut o, &mut e);
    let (out, err) = (String::from_utf8(o).unwrap(), String::from_utf8(e).unwrap());
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("languages: PATCH /widgets/{widgetId}/gadgets/{gadgetId} | request | color | ja lists YELLOW, en does not\n"),
        "{out}"
    );
    assert!(err.contains("1 ja/en differences"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
