//! Answers of operations whose success status is a guess.
//!
//! Where no upstream page states the success status, the spec lists 200, 201, 202 and 204
//! (with `x-expected-status` naming the likely one) and build.rs turns them into one `2XX`
//! response that progenitor hands over unparsed. This module parses it, so a real API that
//! answers another 2xx than the guess, or no body at all, still succeeds:
//!
//! - an empty body (or only whitespace) is `None`;
//! - a JSON body is the operation's type, `Some(T)`;
//! - a body that wraps one such value in an object with a single one-element list (the
//!   shape of `create_pre_order`'s answer, which `create_option_product_order` may share) is
//!   that value;
//! - anything else is [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse), as
//!   for every other operation.

use crate::error::Error;
use crate::generated::raw;
use crate::hooks::{self, CallOptions};
use crate::validate::OperationSpec;
use futures_util::StreamExt;
use progenitor_client::{ByteStream, ResponseValue};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::future::Future;

type RawResult<T> = Result<ResponseValue<T>, progenitor_client::Error<raw::types::ApiErrorBody>>;

/// Sends through [`hooks::call`] and parses the body inside the call, so read and parse
/// failures are reported like those of every other operation (with status and attempts).
pub(crate) fn optional_body<T, F>(
    op: &'static OperationSpec,
    options: CallOptions,
    send: F,
) -> impl Future<Output = Result<Option<T>, Error>>
where
    T: DeserializeOwned + std::fmt::Debug,
    F: Future<Output = RawResult<ByteStream>>,
{
    // Boxed at once (this is no async fn, so `send` is not kept in its state): the send, read
    // and parse steps make a large future, and callers that chain many calls in one async fn
    // would carry it on their stack.
    let parsed = Box::pin(async move {
        let response = send.await?;
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = read_all(response.into_inner())
            .await
            .map_err(progenitor_client::Error::ResponseBodyError)?;
        let value = parse::<T>(&bytes)
            .map_err(|e| progenitor_client::Error::InvalidResponsePayload(bytes.into(), e))?;
        Ok(ResponseValue::new(value, status, headers))
    });
    hooks::call(op, options, parsed)
}

async fn read_all(stream: ByteStream) -> Result<Vec<u8>, reqwest::Error> {
    let mut stream = stream.into_inner();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}

/// The body as `Option<T>`: see the module docs for the shapes accepted.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<Option<T>, serde_json::Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: Value = serde_json::from_slice(bytes)?;
    let direct = match serde_json::from_value::<T>(value.clone()) {
        Ok(v) => return Ok(Some(v)),
        Err(e) => e,
    };
    if let Some(only) = single_wrapped(&value)
        && let Ok(v) = serde_json::from_value::<T>(only.clone())
    {
        return Ok(Some(v));
    }
    Err(direct)
}

/// `{"anyName": [x]}` -> `x`.
fn single_wrapped(value: &Value) -> Option<&Value> {
    let object = value.as_object()?;
    let (_, list) = object.iter().next().filter(|_| object.len() == 1)?;
    match list.as_array()?.as_slice() {
        [only] => Some(only),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Order {
        id: u32,
    }

    #[test]
    fn empty_bodies_are_none() {
        assert_eq!(parse::<Order>(b"").unwrap(), None);
        assert_eq!(parse::<Order>(b" \r\n").unwrap(), None);
    }

    #[test]
    fn a_value_or_a_one_element_wrapper_is_the_value() {
        assert_eq!(
            parse::<Order>(br#"{"id": 7}"#).unwrap(),
            Some(Order { id: 7 })
        );
        assert_eq!(
            parse::<Order>(br#"{"orders": [{"id": 7}]}"#).unwrap(),
            Some(Order { id: 7 })
        );
    }

    #[test]
    fn other_shapes_are_errors_naming_the_direct_mismatch() {
        for body in [
            &br#"{"orders": [{"id": 7}, {"id": 8}]}"#[..],
            br#"{"orders": [], "more": 1}"#,
            br#"[{"id": 7}]"#,
            b"not json",
        ] {
            assert!(
                parse::<Order>(body).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
