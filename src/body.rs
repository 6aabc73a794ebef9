//! Every answer is read up to a bound, never whole on trust.
//!
//! - A success answer (2xx) is read up to the client's limit
//!   ([`ClientBuilder::max_response_body`](crate::ClientBuilder::max_response_body), default
//!   [`DEFAULT_MAX_RESPONSE_BODY`]); a larger one fails the call with
//!   [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge) as soon as the limit is
//!   passed, so an endless body costs the limit, not the memory of the machine.
//! - Any other answer (API or token endpoint) is read up to [`MAX_ERROR_BODY`]: an error answer
//!   is a few hundred bytes, and what is kept is cut there.

/// The default limit of a success answer's body: 16 MiB.
///
/// The largest answers of the Partner API are listing pages of at most 30 items (customers)
/// of a kilobyte or two each, well under 100 KiB; no other answer comes near. 16 MiB leaves
/// more than a hundredfold margin for longer fields and future additions, and is still a size
/// any machine that runs the client can hold once per call in flight.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 16 * 1024 * 1024;

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
        let take = chunk.len().min(room);
        // Doubling, but never past the limit: a body near the limit costs the limit, not twice.
        let want = body.len() + take;
        if want > body.capacity() {
            let target = body.capacity().saturating_mul(2).max(want).min(limit);
            body.reserve_exact(target - body.len());
        }
        body.extend_from_slice(&chunk[..take]);
        if chunk.len() > room {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `response` with its body read up to [`MAX_ERROR_BODY`] and kept in memory, so that whoever
/// parses it next (progenitor, for documented error statuses) never reads more; and the bytes
/// kept, for a look at the error code.
pub(crate) async fn bounded(mut response: reqwest::Response) -> (reqwest::Response, bytes::Bytes) {
    let mut body = Vec::new();
    // A body that breaks off keeps what arrived: the status already says what happened.
    let cut = read_bounded(&mut response, &mut body, MAX_ERROR_BODY)
        .await
        .unwrap_or(false);
    let body = bytes::Bytes::from(body);
    let mut rebuilt = rebuild(response, body.clone());
    if cut {
        rebuilt.extensions_mut().insert(BodyCut);
        // The length no longer describes the body that is kept.
        rebuilt
            .headers_mut()
            .remove(reqwest::header::CONTENT_LENGTH);
    }
    (rebuilt, body)
}

/// A success body past the client's limit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TooLarge;

/// `response`'s whole body, read up to `limit` bytes ([`TooLarge`] past it, without reading
/// further), and the response with its headers. A body that breaks off or stalls is the
/// transport error it is.
pub(crate) async fn read_success(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<(reqwest::Response, Result<bytes::Bytes, TooLarge>), reqwest::Error> {
    // A declared length past the limit is refused before a byte of it is read.
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit as u64) {
        return Ok((response, Err(TooLarge)));
    }
    let mut body = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    // `read_bounded` says whether anything came past the limit: a body of exactly the limit
    // is read whole, in a buffer never larger than the limit.
    if read_bounded(&mut response, &mut body, limit).await? {
        return Ok((response, Err(TooLarge)));
    }
    Ok((response, Ok(bytes::Bytes::from(body))))
}

/// A response like `response`, whose body is `body`.
pub(crate) fn rebuild(
    mut response: reqwest::Response,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut rebuilt = http::Response::new(body.into());
    *rebuilt.status_mut() = response.status();
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    *rebuilt.extensions_mut() = std::mem::take(response.extensions_mut());
    reqwest::Response::from(rebuilt)
}
