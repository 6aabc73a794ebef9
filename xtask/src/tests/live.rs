//! The live fetch against a loopback server that serves pages the ways the site may: full
//! HTML with tables, a JavaScript shell (then the static form), a redirect to a login page.

use super::*;
use std::io::{Read, Write as _};
use std::net::{TcpListener, TcpStream};

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A markdown-layout page as the site's HTML: prose in `<p>`, tables as `<table>` (a cell
/// that goes on over several lines keeps `<br>`), scripts in the head.
fn to_html(md: &str) -> String {
    let mut out = String::from(
        "<!DOCTYPE html><html><head><title>Reference</title><script>track('x < y')</script></head><body><nav><a href=\"/\">Home</a></nav><main>",
    );
    let mut table_open = false;
    let mut first_row = false;
    let mut pending: Option<String> = None;
    for line in md.lines() {
        let row = match pending.take() {
            Some(r) => format!("{r}\n{line}"),
            None if line.starts_with('|') => line.to_string(),
            None => {
                if table_open {
                    out += "</table>";
                    table_open = false;
                }
                out += &format!("<p>{}</p>", escape(line));
                continue;
            }
        };
        if !(row.ends_with('|') && row.matches('|').count() >= 4) {
            pending = Some(row);
            continue;
        }
        let cells: Vec<&str> = row[1..row.len() - 1].split('|').map(str::trim).collect();
        if cells.iter().all(|c| c.chars().all(|ch| ch == '-')) {
            continue;
        }
        let header = cells.len() == 3 && cells[1].eq_ignore_ascii_case("type");
        if header && table_open {
            out += "</table>";
        }
        if header || !table_open {
            out += "<table>";
            table_open = true;
            first_row = true;
        }
        let tag = if first_row { "th" } else { "td" };
        first_row = false;
        out += "<tr>";
        for c in cells {
            out += &format!("<{tag}>{}</{tag}>", escape(c).replace('\n', "<br>"));
        }
        out += "</tr>";
    }
    if table_open {
        out += "</table>";
    }
    out + "</main></body></html>"
}

const SHELL: &str = "<!DOCTYPE html><html><head><title>LINE WORKS Developers</title><script src=\"/static/app.js\"></script></head><body><div id=\"root\"></div><script>window.__boot()</script></body></html>";

fn overview_html(ops: &[&str]) -> String {
    let rows: String = ops
        .iter()
        .map(|o| format!("<tr><td>{o}</td><td>does something</td></tr>"))
        .collect();
    format!(
        "<html><body><main><p>Operations</p><table><tr><th>HTTP request</th><th>Description</th></tr>{rows}</table></main></body></html>"
    )
}

/// `(status, extra header, body)` for a path.
fn route(path: &str) -> (u16, String, String) {
    let ok = |b: String| (200, String::new(), b);
    let login = |to: &str| (302, format!("Location: {to}\r\n"), String::new());
    let ops = [
        "GET /widgets/{widgetId}/gadgets/{gadgetId}",
        "PATCH /widgets/{widgetId}/gadgets/{gadgetId}",
        "DELETE /widgets/{widgetId}/gadgets/{gadgetId}",
    ];
    match path {
        "/jp/docs/gadget-get" => ok(to_html(ja_page(MD_GET))),
        "/en/docs/gadget-get" => ok(to_html(MD_GET)),
        "/jp/docs/gadget-patch" | "/en/docs/gadget-patch" => ok(SHELL.to_string()),
        "/jp/doc_html/jp/gadget-patch.html" => ok(to_html(ja_page(MD_PATCH))),
        "/en/doc_html/en/gadget-patch.html" => ok(to_html(MD_PATCH)),
        "/jp/docs/gadget-delete" => login("/login?next=%2Fjp%2Fdocs%2Fgadget-delete"),
        "/jp/doc_html/jp/gadget-delete.html" => login("https://auth.example.test/signin"),
        "/jp/docs/partner" | "/en/docs/partner" => ok(overview_html(&ops)),
        "/jp/docs/partner_fadeout" => ok(overview_html(&ops[..1])),
        _ => (
            404,
            String::new(),
            "<html><body><h1>Not Found</h1></body></html>".into(),
        ),
    }
}

/// Serves `route` on a loopback port until a request for `/__stop`.
fn serve() -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
                match s.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let head = String::from_utf8_lossy(&head);
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            if path == "/__stop" {
                break;
            }
            let (status, extra, body) = route(&path);
            let _ = write!(
                s,
                "HTTP/1.1 {status} X\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
                body.len()
            );
        }
    });
    (base, handle)
}

fn stop(base: &str, handle: std::thread::JoinHandle<()>) {
    let addr = base.trim_start_matches("http://");
    if let Ok(mut s) = TcpStream::connect(addr) {
        let _ = s.write_all(b"GET /__stop HTTP/1.1\r\n\r\n");
    }
    let _ = handle.join();
}

#[test]
fn live_fetch_reads_html_falls_back_from_a_shell_and_reports_a_login_wall() {
    let (base, handle) = serve();
    let dir = std::env::temp_dir().join(format!("xtask-live-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("spec.yaml"), SPEC).unwrap();
    let save = dir.join("saved");
    let args: Vec<String> = [
        "diff".to_string(),
        "--spec".into(),
        dir.join("spec.yaml").display().to_string(),
        "--save".into(),
        save.display().to_string(),
        "--base".into(),
        base.clone(),
    ]
    .into();
    let (mut o, mut e) = (Vec::new(), Vec::new());
    let code = run(&args, &mut o, &mut e);
    stop(&base, handle);
    let (out, err) = (String::from_utf8(o).unwrap(), String::from_utf8(e).unwrap());
    // The full page is read as served; the shell is passed over for the static form.
    for want in [
        format!("fetch: ja gadget-get: {base}/jp/docs/gadget-get answered"),
        format!("fetch: en gadget-get: {base}/en/docs/gadget-get answered"),
        format!("fetch: ja gadget-patch: {base}/jp/doc_html/jp/gadget-patch.html answered"),
        format!("fetch: en gadget-patch: {base}/en/doc_html/en/gadget-patch.html answered"),
        format!("fetch: ja overview: {base}/jp/docs/partner answered"),
        format!("fetch: fading list: {base}/jp/docs/partner_fadeout answered"),
    ] {
        assert!(err.contains(&want), "{want}\n{err}");
    }
    // The login wall is the one finding, naming both URLs; nothing else differs.
    let findings: Vec<&str> = out.lines().filter(|l| !l.starts_with("note:")).collect();
    assert_eq!(
        findings,
        [format!(
            "DELETE /widgets/{{widgetId}}/gadgets/{{gadgetId}} | page | ja gadget-delete | docs: no reference content ({base}/jp/docs/gadget-delete: redirects to a login page ({base}/login?next=%2Fjp%2Fdocs%2Fgadget-delete); {base}/jp/doc_html/jp/gadget-delete.html: redirects to a login page (https://auth.example.test/signin)) | spec: -"
        )],
        "{err}"
    );
    assert_eq!(code, 1, "{err}");
    // What was fetched is kept byte for byte, the shell included.
    assert_eq!(
        std::fs::read(save.join("ja-gadget-patch.0.html")).unwrap(),
        SHELL.as_bytes()
    );
    assert_eq!(
        std::fs::read_to_string(save.join("ja-gadget-get.0.html")).unwrap(),
        to_html(ja_page(MD_GET))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_shell_an_error_page_and_a_login_form_say_what_they_are() {
    let f = fetch::Fetcher::new(None).unwrap();
    let (base, handle) = serve();
    let miss = |path: &str| {
        f.try_url(&format!("{base}{path}"), "x", &fetch::is_reference_page)
            .unwrap_err()
            .to_string()
    };
    let shell = miss("/jp/docs/gadget-patch");
    let missing = miss("/jp/docs/nothing-here");
    let walled = miss("/jp/docs/gadget-delete");
    stop(&base, handle);
    assert_eq!(shell, "a script shell (2 scripts, no reference text)");
    assert_eq!(missing, "HTTP 404");
    assert!(
        walled.starts_with("redirects to a login page ("),
        "{walled}"
    );
}
