//! HTML to text for pages fetched online, in the markdown-table layout the page parser reads.
//!
//! The page is parsed by `scraper` (html5ever); the tree is walked without recursion (a hostile
//! page may nest deeply): block elements become line breaks, `<table>` rows become
//! `| a | b | c |` rows with a `|---|` line after the header, and `script`/`style`/`head` are
//! dropped. The text starts at the first `METHOD/path` line, where the page's own content
//! begins.

use crate::docs::parse_op_line;
use scraper::{Html, Node};

const BLOCK: [&str; 23] = [
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "pre",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "table",
];
const SKIP: [&str; 6] = ["script", "style", "head", "noscript", "template", "svg"];

/// What a fetched document holds, before it is read as a reference page.
#[derive(Debug, Default, PartialEq)]
pub struct Shape {
    /// `<script>` elements.
    pub scripts: usize,
    /// `<input type=password>`: a login form.
    pub password_inputs: usize,
    /// The text of `<title>`.
    pub title: String,
}

pub fn shape(html: &str) -> Shape {
    let doc = Html::parse_document(html);
    let mut s = Shape::default();
    for node in doc.tree.nodes() {
        if let Node::Element(e) = node.value() {
            match e.name() {
                "script" => s.scripts += 1,
                "input"
                    if e.attr("type")
                        .is_some_and(|t| t.eq_ignore_ascii_case("password")) =>
                {
                    s.password_inputs += 1
                }
                "title" => {
                    for c in node.children() {
                        if let Node::Text(t) = c.value() {
                            s.title.push_str(t);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    s
}

pub fn html_to_text(html: &str) -> String {
    use ego_tree::iter::Edge;
    let doc = Html::parse_document(html);
    let mut out = String::new();
    let mut cell: Option<String> = None; // text of the open <td>/<th>
    let mut row: Option<Vec<String>> = None;
    let mut row_is_header = false;
    let mut table_rows = 0usize;
    let mut skipping = 0usize; // depth inside script/style/...
    for edge in doc.tree.root().traverse() {
        let (node, open) = match edge {
            Edge::Open(n) => (n, true),
            Edge::Close(n) => (n, false),
        };
        match node.value() {
            Node::Text(t) if open && skipping == 0 => push_text(&mut out, &mut cell, t),
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    if open {
                        skipping += 1;
                    } else {
                        skipping = skipping.saturating_sub(1);
                    }
                    continue;
                }
                if skipping > 0 {
                    continue;
                }
                match (name, open) {
                    ("table", true) => {
                        newline(&mut out);
                        table_rows = 0;
                    }
                    ("tr", true) => {
                        row = Some(Vec::new());
                        row_is_header = false;
                    }
                    ("td" | "th", true) => {
                        row_is_header |= name == "th";
                        cell = Some(String::new());
                    }
                    ("td" | "th", false) => {
                        if let (Some(c), Some(r)) = (cell.take(), row.as_mut()) {
                            r.push(c.split_whitespace().collect::<Vec<_>>().join(" "));
                        }
                    }
                    ("tr", false) => {
                        if let Some(r) = row.take() {
                            newline(&mut out);
                            out.push_str(&format!("| {} |\n", r.join(" | ")));
                            if table_rows == 0 || row_is_header {
                                out.push_str(&format!("|{}\n", "---|".repeat(r.len().max(1))));
                            }
                            table_rows += 1;
                        }
                    }
                    ("br" | "hr", true) => match cell.as_mut() {
                        Some(c) => c.push(' '),
                        None => out.push('\n'),
                    },
                    ("li", true) => match cell.as_mut() {
                        Some(c) => c.push(' '),
                        None => {
                            newline(&mut out);
                            out.push_str("  • ");
                        }
                    },
                    (n, _) if BLOCK.contains(&n) || n == "li" => match cell.as_mut() {
                        Some(c) => c.push(' '),
                        None => newline(&mut out),
                    },
                    _ => {}
                }
            }
            _ => {}
        }
    }
    tidy(&out)
}

fn push_text(out: &mut String, cell: &mut Option<String>, text: &str) {
    match cell {
        Some(c) => c.push_str(text),
        None => {
            // Whitespace runs collapse as a browser would show them.
            let mut last_space = out.ends_with([' ', '\n']);
            for ch in text.chars() {
                if ch.is_whitespace() && ch != '\u{a0}' {
                    if !last_space {
                        out.push(' ');
                        last_space = true;
                    }
                } else {
                    out.push(ch);
                    last_space = false;
                }
            }
        }
    }
}

fn newline(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Trims lines, drops blank runs, and starts at the `METHOD/path` line when there is one.
fn tidy(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() && c != '\u{a0}'))
        .filter(|l| !l.is_empty())
        .collect();
    let start = lines
        .iter()
        .position(|l| parse_op_line(l).is_some())
        .unwrap_or(0);
    let mut out = lines[start..].join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::parse_page;

    const FIXTURE: &str = include_str!("../testdata/html/gadget-get.html");

    #[test]
    fn entities_and_unclosed_tags_read_as_a_browser_reads_them() {
        let text = html_to_text(
            "<p>GET/x</p><p>a &amp; b &lt;c&gt; &#x41;&#66; &bogus; &<table><tr><th>Property<th>Type<th>Description<tr><td>n<td>string<td>N</table>",
        );
        assert!(
            text.starts_with("GET/x\na & b <c> AB &bogus; &\n"),
            "{text}"
        );
        assert!(text.contains("| n | string | N |"), "{text}");
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let html = format!("{}GET/x{}", "<div>".repeat(5_000), "</div>".repeat(5_000));
        assert!(html_to_text(&html).starts_with("GET/x"));
    }

    #[test]
    fn fixture_becomes_a_markdown_page() {
        let text = html_to_text(FIXTURE);
        assert!(
            text.starts_with("GET/widgets/{widgetId}/gadgets/{gadgetId}\n"),
            "{text}"
        );
        assert!(!text.contains("tracking()"), "scripts are dropped");
        assert!(text.contains("| Property | Type | Description |\n|---|---|---|\n"));
        assert!(text.contains("| size | string | Gadget size required Allowed values : S, M, L |"));
        let op = parse_page(&text).unwrap();
        assert_eq!(op.scopes, ["widget", "widget.read"]);
        assert_eq!(op.params.len(), 3);
        let body = op.responses[0].body.as_ref().unwrap();
        assert_eq!(op.responses[0].status, 200);
        let size = body.iter().find(|p| p.name == "size").unwrap();
        assert!(size.required);
        assert_eq!(size.enum_values.as_ref().unwrap(), &["S", "M", "L"]);
        let owner = body.iter().find(|p| p.name == "owner").unwrap();
        assert_eq!(owner.children.as_ref().unwrap()[0].name, "nickname");
        assert_eq!(
            owner.children.as_ref().unwrap()[0].max_length.as_deref(),
            Some("20")
        );
    }
}
