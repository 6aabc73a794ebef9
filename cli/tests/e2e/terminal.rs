//! Server text on the terminal: a hostile server's escape sequences, NULs and newlines reach
//! stderr (error and `debug:` lines) and the table escaped, never as they are.

use crate::support::{against, config, stderr, stdout};
use std::io::{Read, Write};
use std::net::TcpListener;

/// ESC sequences (clear screen, window title by BEL and by ST), a forged `error:` line and NUL.
const HOSTILE: &str =
    "bad\u{1b}[2J\u{1b}]0;TITLE\u{7}\u{1b}]0;T2\u{1b}\\\nerror: forged line\r\nwarning: x\u{0}";

/// A loopback server answering every request with `status` and the JSON `body`.
fn answering(status: u16, body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base_url = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base_url
}

/// No byte of `text` drives a terminal, and no line but the program's own starts with
/// `error:` or `warning:`.
fn assert_inert(text: &str, own_error_lines: usize, own_warning_lines: usize) {
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' || c == '\u{9b}'),
        "a control character reached the terminal: {text:?}"
    );
    let errors = text.lines().filter(|l| l.starts_with("error:")).count();
    assert_eq!(errors, own_error_lines, "{text}");
    let warnings = text.lines().filter(|l| l.starts_with("warning:")).count();
    assert_eq!(warnings, own_warning_lines, "{text}");
}

#[test]
fn an_error_description_cannot_drive_the_terminal_or_forge_a_line() {
    let body = serde_json::json!({ "code": format!("CODE{HOSTILE}"), "description": HOSTILE });
    let base = answering(400, body.to_string());
    let dir = config();
    for extra in [&[][..], &["--debug"][..]] {
        let out = against(&dir, &base)
            .args(["get-customer", "--domain-id", "1"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert_inert(&err, 1, 0);
        // Still readable: the text is there, escaped.
        assert!(err.contains("\\u{1b}]0;TITLE\\u{7}"), "{err}");
        assert!(err.contains("\\nerror: forged line\\r\\n"), "{err}");
        assert!(err.contains("\\0"), "{err}");
    }
}

#[test]
fn a_body_that_is_not_the_api_error_shape_is_escaped_too() {
    // The raw bytes, not JSON: a body shown as it came (an escaped JSON string would hold no
    // control character, and so could not show whether they are escaped).
    let base = answering(502, HOSTILE.to_string());
    let dir = config();
    let out = against(&dir, &base)
        .args(["get-customer", "--domain-id", "1", "--debug"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_inert(&err, 1, 0);
    assert!(
        err.contains("\\u{1b}]0;TITLE\\u{7}"),
        "the body is shown, escaped: {err}"
    );
}

#[test]
fn table_cells_and_the_csv_warning_about_a_field_name_are_escaped() {
    let body = serde_json::json!({
        "customers": [{ "domainId": 1, "companyName": HOSTILE, format!("x{HOSTILE}"): "v" }],
        "responseMetaData": { "nextCursor": null }
    });
    let base = answering(200, body.to_string());
    let dir = config();
    let out = against(&dir, &base)
        .args(["list-customers", "-o", "table"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_inert(&stdout(&out), 0, 0);
    // csv is data (quoted by the csv writer); the warning naming the unknown field is a line
    // on the terminal.
    let out = against(&dir, &base)
        .args(["list-customers", "-o", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert_inert(&err, 0, 1);
    assert!(err.contains("warning: csv: field x"), "{err}");
}
