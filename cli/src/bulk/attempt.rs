//! One row's call, with its read-back first when an earlier run left its outcome unknown.

use super::readback::{self, Check, Found};
use super::rows::Row;
use crate::client::Target;
use crate::error::{CliError, Exit};
use crate::generated::dispatch;
use crate::request::{Mode, Outcome as Answer};
use crate::spec::CommandSpec;
use futures_util::TryStreamExt;
use serde_json::Value;

/// How a row's call ended.
pub enum Done {
    Applied(Vec<Value>),
    /// A read-back found the change in place: not sent again.
    AlreadyApplied,
    Failed(CliError),
    Unknown(CliError),
}

/// One row's call (after a read-back, when the journal left its outcome unknown).
pub async fn attempt(
    target: &Target,
    op: &'static CommandSpec,
    row: &Row,
    read_back: Option<Check>,
    all: bool,
) -> Done {
    if let Some(check) = read_back {
        let why = match readback::read_back(target, check, &row.request).await {
            Ok(Found::Applied) => return Done::AlreadyApplied,
            Ok(Found::NotApplied) => None,
            Ok(Found::Unsure(why)) => Some(why),
            Err(e) => Some(format!("reading it back failed: {}", e.message)),
        };
        if let Some(why) = why {
            return Done::Unknown(CliError::new(
                Exit::Unknown,
                format!(
                    "outcome still unknown: {why}; not sent again (check it, then resume with \
                     --retry-unknown to send it unread)"
                ),
            ));
        }
    }
    let mode = if all { Mode::All } else { Mode::One };
    let answer = match dispatch(&target.client, op, &row.request, mode).await {
        Ok(Answer::Checked) => Ok(Vec::new()),
        Ok(Answer::One(v)) => Ok(vec![v]),
        Ok(Answer::Pages(pages)) => pages.try_collect().await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(values) => Done::Applied(values),
        Err(e) if e.exit == Exit::Unknown => Done::Unknown(e),
        Err(e) => Done::Failed(e),
    }
}
