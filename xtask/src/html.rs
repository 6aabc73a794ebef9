//! HTML to text for pages fetched online, in the markdown-table layout the page parser reads.
//!
//! Deliberately small (no HTML parser dependency): tags are scanned, block elements become line
//! breaks, `<table>` rows become `| a | b | c |` rows with a `|---|` line after the header, and
//! `script`/`style`/`head` are dropped. The text starts at the first `METHOD/path` line, where
//! the page's own content begins.

use crate::docs::parse_op_line;

const BLOCK: [&str; 22] = [
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
];
const SKIP: [&str; 6] = ["script", "style", "head", "noscript", "template", "svg"];

pub fn html_to_text(html: &str) -> String {
    let mut out = String::new();
    let mut cell: Option<String> = None; // text of the open <td>/<th>
    let mut row: Option<Vec<String>> = None;
    let mut row_is_header = false;
    let mut table_rows = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut out, &mut cell, rest);
            break;
        };
        push_text(&mut out, &mut cell, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !closing && SKIP.contains(&name.as_str()) && !tag.ends_with('/') {
            let end = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&end) {
                Some(i) => rest[i..].find('>').map_or("", |j| &rest[i + j + 1..]),
                None => "",
            };
            continue;
        }
        match (name.as_str(), closing) {
            ("table", false) => {
                newline(&mut out);
                table_rows = 0;
            }
            ("tr", false) => {
                row = Some(Vec::new());
                row_is_header = false;
            }
            ("td" | "th", false) => {
                row_is_header |= name == "th";
                cell = Some(String::new());
            }
            ("td" | "th", true) => {
                if let (Some(c), Some(r)) = (cell.take(), row.as_mut()) {
                    r.push(c.split_whitespace().collect::<Vec<_>>().join(" "));
                }
            }
            ("tr", true) => {
                if let Some(r) = row.take() {
                    newline(&mut out);
                    out.push_str(&format!("| {} |\n", r.join(" | ")));
                    if table_rows == 0 || row_is_header {
                        out.push_str(&format!("|{}\n", "---|".repeat(r.len().max(1))));
                    }
                    table_rows += 1;
                }
            }
            ("br", _) | ("hr", _) => match cell.as_mut() {
                Some(c) => c.push(' '),
                None => out.push('\n'),
            },
            ("li", false) => {
                newline(&mut out);
                out.push_str("  • ");
            }
            (n, _) if BLOCK.contains(&n) || n == "li" || n == "table" => match cell.as_mut() {
                Some(c) => c.push(' '),
                None => newline(&mut out),
            },
            _ => {}
        }
    }
    tidy(&out)
}

fn push_text(out: &mut String, cell: &mut Option<String>, raw: &str) {
    let text = decode_entities(raw);
    match cell {
        Some(c) => c.push_str(&text),
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

pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let ch = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "bull" => Some('•'),
                "rsquo" => Some('’'),
                "lsquo" => Some('‘'),
                "mdash" => Some('—'),
                "ndash" => Some('–'),
                _ => ent
                    .strip_prefix("#x")
                    .or_else(|| ent.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((ch, e + 1))
        });
        match decoded {
            Some((ch, len)) => {
                out.push(ch);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::parse_page;

    const FIXTURE: &str = include_str!("../testdata/html/gadget-get.html");

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a &amp; b &lt;c&gt; &#x41;&#66; &bogus; &"),
            "a & b <c> AB &bogus; &"
        );
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
