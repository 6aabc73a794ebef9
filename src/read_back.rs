//! Writes that may answer without a body, and reading their result back.
//!
//! Where no page states a write's success status, the spec accepts any 2xx with or without a
//! body, so `send()` returns `Option<T>`. Where the spec's `x-read-back` names the read that
//! shows the result, the operation's builder also has `send_and_read_back()`: it sends once
//! and, when the answer is empty, reads the object back with the write's key fields. It never
//! sends the write again, and once the write succeeded it never reports a failure: what the
//! read could not settle is [`Written::Unidentified`].

use crate::error::Error;
use futures_core::Stream;
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::fmt;

/// The outcome of `send_and_read_back()`: the write succeeded, and this is what is known of
/// the object it created or changed.
///
/// ```
/// # use lineworks_partner::{Written, types::Customer};
/// fn domain_id(outcome: &Written<Customer>) -> Option<i64> {
///     outcome.object().map(|c| c.domain_id)
/// }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Written<T> {
    /// The write's answer carried the object.
    Answered(T),
    /// The write's answer had no body; the object was read back with the read the spec names.
    ReadBack(T),
    /// The write succeeded (a 2xx answer without a body), but reading it back did not
    /// identify one object. Do not send the write again: it was applied.
    Unidentified(Unidentified),
}

impl<T> Written<T> {
    /// The object, answered or read back; `None` when it could not be identified.
    pub fn object(&self) -> Option<&T> {
        match self {
            Written::Answered(v) | Written::ReadBack(v) => Some(v),
            Written::Unidentified(_) => None,
        }
    }

    /// The object, answered or read back; `None` when it could not be identified.
    pub fn into_object(self) -> Option<T> {
        match self {
            Written::Answered(v) | Written::ReadBack(v) => Some(v),
            Written::Unidentified(_) => None,
        }
    }

    /// Why the object could not be identified, if it could not.
    pub fn unidentified(&self) -> Option<&Unidentified> {
        match self {
            Written::Unidentified(u) => Some(u),
            _ => None,
        }
    }
}

/// A write that succeeded without a body, whose object the read-back could not identify.
#[derive(Debug)]
pub struct Unidentified {
    /// The write's `operationId`.
    pub write: &'static str,
    /// The `operationId` of the read that was tried.
    pub read: &'static str,
    /// What the read found.
    pub reason: UnidentifiedReason,
}

/// Why a read-back identified no object.
#[derive(Debug)]
#[non_exhaustive]
pub enum UnidentifiedReason {
    /// The read answered, and nothing in it matched the write's key fields.
    NotFound,
    /// More than one object matched the write's key fields.
    Several,
    /// The read itself failed (its error says why).
    ReadFailed(Error),
    /// The read answered something that is not the write's object type.
    NotReadable(String),
}

impl fmt::Display for Unidentified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} succeeded (its answer had no body), but reading it back with {} ",
            self.write, self.read
        )?;
        match &self.reason {
            UnidentifiedReason::NotFound => write!(f, "found no matching object")?,
            UnidentifiedReason::Several => write!(f, "found more than one matching object")?,
            UnidentifiedReason::ReadFailed(e) => write!(f, "failed: {e}")?,
            UnidentifiedReason::NotReadable(why) => {
                write!(f, "gave an answer that is not the object: {why}")?
            }
        }
        write!(f, "; the write was applied, do not send it again")
    }
}

impl std::error::Error for Unidentified {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.reason {
            UnidentifiedReason::ReadFailed(e) => Some(e),
            _ => None,
        }
    }
}

/// How one operation is read back (from its `x-read-back`).
#[derive(Debug)]
pub(crate) struct ReadBackSpec {
    pub write: &'static str,
    pub read: &'static str,
    /// The read's array of items, when the read is a listing.
    pub items: Option<&'static str>,
    /// `(item field, source)`: the item whose field equals the write's source value; a source
    /// the write did not set is no condition.
    pub matches: &'static [(&'static str, &'static str)],
}

/// The write's key values, by source (`path.domainId`, `body.domain`).
pub(crate) type Sources = Map<String, Value>;

/// Adds the body fields the read-back uses (and only those: the body may hold secrets).
pub(crate) fn add_body<B: Serialize>(sources: &mut Sources, body: &B, fields: &[&str]) {
    let Ok(Value::Object(body)) = serde_json::to_value(body) else {
        return;
    };
    for f in fields {
        if let Some(v) = body.get(*f).filter(|v| !v.is_null()) {
            sources.insert(format!("body.{f}"), v.clone());
        }
    }
}

/// A source value as the read's parameter type; `None` when the write did not set it.
pub(crate) fn param<P: DeserializeOwned>(sources: &Sources, key: &str) -> Option<P> {
    sources
        .get(key)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

/// The object the read's pages (one page for a plain read) show for the write.
pub(crate) async fn identify<T, S>(
    spec: &'static ReadBackSpec,
    sources: &Sources,
    pages: S,
) -> Written<T>
where
    T: DeserializeOwned,
    S: Stream<Item = Result<Value, Error>>,
{
    let unidentified = |reason| {
        Written::Unidentified(Unidentified {
            write: spec.write,
            read: spec.read,
            reason,
        })
    };
    let mut pages = std::pin::pin!(pages);
    let mut found: Option<Value> = None;
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e) => return unidentified(UnidentifiedReason::ReadFailed(e)),
        };
        let Some(items) = spec.items else {
            found = Some(page);
            break;
        };
        let Some(list) = page.get(items).and_then(Value::as_array) else {
            continue;
        };
        for item in list {
            let matches = spec.matches.iter().all(|(field, source)| {
                sources
                    .get(*source)
                    .is_none_or(|want| item.get(*field) == Some(want))
            });
            if matches {
                if found.is_some() {
                    return unidentified(UnidentifiedReason::Several);
                }
                found = Some(item.clone());
            }
        }
    }
    match found {
        None | Some(Value::Null) => unidentified(UnidentifiedReason::NotFound),
        Some(v) => match serde_json::from_value(v) {
            Ok(object) => Written::ReadBack(object),
            Err(e) => unidentified(UnidentifiedReason::NotReadable(e.to_string())),
        },
    }
}
