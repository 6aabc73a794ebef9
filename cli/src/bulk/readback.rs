//! Reading back a write whose outcome is unknown, before a resume sends it again.
//!
//! The matching read of a write comes from the spec: the `GET` operation on the same path
//! template whose answer is one object (not a list). The write counts as applied when every
//! top-level field it sent has the same value in that answer (`PATCH .../renewal` with
//! `licenseCount: 50` against `GET .../renewal`). A write with no such read (`POST
//! .../add-license-count`) cannot be checked: resuming it needs `--retry-unknown`.

use crate::client::Target;
use crate::error::CliError;
use crate::generated::{COMMANDS, dispatch};
use crate::request::{Mode, Outcome, Request};
use crate::spec::CommandSpec;
use serde_json::Value;

/// The read that shows what `op` changed, if the spec has one.
pub fn matching_read(op: &CommandSpec) -> Option<&'static CommandSpec> {
    if op.method == "GET" || op.body.is_none() {
        return None;
    }
    COMMANDS
        .iter()
        .find(|c| c.method == "GET" && c.path == op.path && c.items_field.is_none())
}

/// Whether the answer of `read` for the row's path already holds every field the row sends.
pub async fn applied(
    target: &Target,
    read: &'static CommandSpec,
    write: &Request,
) -> Result<bool, CliError> {
    let Some(Value::Object(sent)) = &write.body else {
        return Ok(false);
    };
    let mut request = Request {
        op: read,
        params: Default::default(),
        body: None,
        flag_fields: Vec::new(),
    };
    for p in read.params {
        if let Some(v) = write.params.get(p.wire) {
            request.params.insert(p.wire, v.clone());
        }
    }
    let answer = match dispatch(&target.client, read, &request, Mode::One).await? {
        Outcome::One(v) => v,
        _ => return Ok(false),
    };
    Ok(sent.iter().all(|(k, v)| answer.get(k) == Some(v)))
}
