//! `Display` for [`Error`]: one sentence a user can act on.

use super::Error;
use crate::paginate::PagingProblem;
use std::fmt;
use std::time::Duration;

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// `16 MiB`, `1.5 KiB`, `100 bytes`.
fn size(bytes: usize) -> String {
    const UNITS: [(usize, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            return if bytes.is_multiple_of(unit) {
                format!("{} {name}", bytes / unit)
            } else {
                format!("{:.1} {name}", bytes as f64 / unit as f64)
            };
        }
    }
    format!("{bytes} bytes")
}

/// The innermost cause, in its own words (`Connection refused (os error 111)`), instead of
/// reqwest's outer "error sending request for url (...)".
pub(crate) fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// What a user can do when a write's outcome is unknown.
pub(crate) const RECONCILE: &str = "the request was sent, so it may have been applied: read the resource \
                         back (get or list) before sending it again";

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(v) => write!(f, "{v}"),
            Error::Config(m) => write!(f, "invalid client configuration: {m}"),
            Error::Auth {
                source,
                operation: Some(operation),
            } => write!(
                f,
                "{operation}: no access token could be obtained, so the call was not sent: \
                 {source}"
            ),
            Error::Auth {
                source,
                operation: None,
            } => write!(f, "the credentials cannot be used: {source}"),
            Error::Unauthorized { error, renewal } => {
                write!(f, "{error}")?;
                match renewal {
                    Some(r) => write!(f, "; renewing the token failed: {r}"),
                    None if error.0.without_credentials => Ok(()),
                    // Nothing to renew: the usual cause is a token past its lifetime.
                    None if error.0.fixed_token => write!(
                        f,
                        "; the access token was refused: it may have expired (or been revoked): \
                         get a new token, or use a service account, whose tokens are renewed \
                         automatically"
                    ),
                    None => write!(
                        f,
                        "; the credentials were refused: check that the client and service \
                         account are valid and allowed the operation's scope"
                    ),
                }
            }
            Error::Transport {
                source,
                attempts,
                operation,
                may_have_succeeded,
            } => {
                let what = if source.is_connect() {
                    "could not connect to the Partner API"
                } else {
                    "the connection to the Partner API failed"
                };
                // Host and port only: the path can carry IDs, and the base URL is what to check.
                let at = source
                    .url()
                    .and_then(|u| {
                        Some(format!(
                            " at {}:{}",
                            u.host_str()?,
                            u.port_or_known_default()?
                        ))
                    })
                    .unwrap_or_default();
                write!(
                    f,
                    "{operation}: {what}{at} ({attempts} attempt{}): {}",
                    plural(*attempts),
                    root_cause(source)
                )?;
                if *may_have_succeeded {
                    write!(f, "; {RECONCILE}")?;
                }
                Ok(())
            }
            Error::Timeout {
                attempts,
                operation,
                limit,
                total,
                may_have_succeeded,
                ..
            } => {
                let limit = limit.map_or_else(|| "the configured time".to_owned(), seconds);
                if *total {
                    write!(
                        f,
                        "{operation}: no result within {limit} for the whole call ({attempts} \
                         attempt{}, token requests and waits included)",
                        plural(*attempts)
                    )?;
                } else {
                    write!(
                        f,
                        "{operation}: the Partner API did not answer within {limit} \
                         ({attempts} attempt{})",
                        plural(*attempts)
                    )?;
                }
                if *may_have_succeeded {
                    write!(f, "; {RECONCILE}")?;
                }
                Ok(())
            }
            Error::Api(e) => write!(f, "{e}"),
            Error::RateLimited {
                error, reset_after, ..
            } => {
                write!(f, "{error}; the limit resets in ")?;
                match reset_after {
                    Some(d) => write!(f, "{}", seconds(*d))?,
                    None => write!(f, "an unknown time")?,
                }
                if let Some((wait, budget)) = error.0.reset_beyond_budget {
                    write!(
                        f,
                        "; not retried: waiting {} would end past the retry budget of {} \
                         (RetryPolicy::max_elapsed)",
                        seconds(wait),
                        seconds(budget)
                    )?;
                }
                Ok(())
            }
            Error::UnexpectedResponse {
                status,
                detail,
                attempts,
                operation,
            } => {
                write!(
                    f,
                    "{operation}: unexpected response HTTP {status} ({attempts} attempt{}): \
                     {detail}",
                    plural(*attempts)
                )?;
                if self.may_have_succeeded() {
                    write!(f, "; {RECONCILE}")?;
                }
                Ok(())
            }
            Error::ResponseTooLarge {
                status,
                limit,
                attempts,
                operation,
            } => {
                write!(
                    f,
                    "{operation}: the answer (HTTP {status}) is larger than the client's limit \
                     of {} ({attempts} attempt{}); reading stopped there",
                    size(*limit),
                    plural(*attempts)
                )?;
                if self.may_have_succeeded() {
                    write!(f, "; {RECONCILE}")?;
                }
                Ok(())
            }
            Error::Redirect {
                status,
                location,
                attempts,
                operation,
            } => {
                let to = location
                    .as_deref()
                    .map_or_else(|| "no location".to_owned(), |l| format!("{l:?}"));
                write!(
                    f,
                    "{operation}: the server answered HTTP {status} redirecting to {to} \
                     ({attempts} attempt{}); the client follows no redirect (the Partner API \
                     does not redirect), so nothing was sent there",
                    plural(*attempts)
                )
            }
            Error::Paging {
                operation,
                cursor,
                pages,
                problem,
            } => {
                let cursor: String = cursor.chars().take(80).collect();
                match problem {
                    PagingProblem::RepeatedCursor => write!(
                        f,
                        "{operation}: the server sent next cursor {cursor:?} a second time \
                         (after {pages} pages), so the listing would never end; stopped"
                    ),
                    PagingProblem::EmptyPages => write!(
                        f,
                        "{operation}: {} empty pages in a row still named a next page (last \
                         cursor {cursor:?}, {pages} pages in all); stopped",
                        crate::paginate::MAX_EMPTY_PAGES
                    ),
                }
            }
        }
    }
}
