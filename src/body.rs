//! Bodies that are not a documented success are read up to a bound, never whole: an error
//! answer of the Partner API or the token endpoint is a few hundred bytes, and a server that
//! streams without end must not hold a call (or its memory) until a timeout.

/// Error bodies (API and token endpoint) are read up to this many bytes.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;

/// Left in a rebuilt response's extensions when its body was cut at [`MAX_ERROR_BODY`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct BodyCut;

/// Appends the start of `response`'s body to `body`, up to `limit` bytes in all, and says
/// whether there was more. On a broken connection `body` keeps what arrived.
pub(crate) async fn read_bounded(
    response: &mut reqwest::Response,
    body: &mut Vec<u8>,
    limit: usize,
) -> Result<bool, reqwest::Error> {
    while let Some(chunk) = response.chunk().await? {
        let room = limit.saturating_sub(body.len());
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok(true);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(false)
}

/// `response` with its body read up to [`MAX_ERROR_BODY`] and kept in memory, so that whoever
/// parses it next (progenitor, for documented error statuses) never reads more.
pub(crate) async fn bounded(mut response: reqwest::Response) -> reqwest::Response {
    let mut body = Vec::new();
    // A body that breaks off keeps what arrived: the status already says what happened.
    let cut = read_bounded(&mut response, &mut body, MAX_ERROR_BODY)
        .await
        .unwrap_or(false);
    let mut rebuilt = rebuild(response, body);
    if cut {
        rebuilt.extensions_mut().insert(BodyCut);
        // The length no longer describes the body that is kept.
        rebuilt
            .headers_mut()
            .remove(reqwest::header::CONTENT_LENGTH);
    }
    rebuilt
}

/// `response`'s whole body, and the response with `null` for a body: for `send_json`, which
/// returns the body itself and leaves progenitor nothing to parse (see `hooks::call_json`).
pub(crate) async fn kept(
    mut response: reqwest::Response,
) -> Result<(reqwest::Response, bytes::Bytes), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    let mut emptied = rebuild(response, &b"null"[..]);
    emptied
        .headers_mut()
        .remove(reqwest::header::CONTENT_LENGTH);
    Ok((emptied, bytes::Bytes::from(body)))
}

/// A response like `response`, whose body is `body`.
fn rebuild(mut response: reqwest::Response, body: impl Into<reqwest::Body>) -> reqwest::Response {
    let mut rebuilt = http::Response::new(body.into());
    *rebuilt.status_mut() = response.status();
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    *rebuilt.extensions_mut() = std::mem::take(response.extensions_mut());
    reqwest::Response::from(rebuilt)
}
