//! What a run does with each row: send it, read it back first, or leave it (applied in an
//! earlier run, or unknown with no way to check it), from the journal being resumed.

use super::journal::{Outcome, State};
use super::rows::Row;

/// What to do with a row in this run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Send,
    /// Outcome unknown in the journal: read it back first, send only if it was not applied.
    ReadBack,
    /// Applied in an earlier run.
    Done,
    /// Outcome unknown, no read to check it with and no `--retry-unknown`.
    Unresolved,
}

impl Plan {
    /// Whether this run calls the API for the row.
    pub fn runs(self) -> bool {
        matches!(self, Plan::Send | Plan::ReadBack)
    }
}

/// Each row's plan: every row is sent in a fresh run; a resumed run skips what was applied and
/// reads back (or, with `--retry-unknown`, sends again) what may have been.
pub fn plan(
    rows: &[Row],
    resumed: Option<&State>,
    retry_unknown: bool,
    can_read_back: bool,
) -> Vec<Plan> {
    rows.iter()
        .map(|row| match resumed.and_then(|s| s.last.get(&row.key)) {
            None | Some(Outcome::Failed) | Some(Outcome::Skipped) => Plan::Send,
            Some(Outcome::Applied) => Plan::Done,
            Some(Outcome::Unknown | Outcome::Started) if retry_unknown => Plan::Send,
            Some(Outcome::Unknown | Outcome::Started) if can_read_back => Plan::ReadBack,
            Some(Outcome::Unknown | Outcome::Started) => Plan::Unresolved,
        })
        .collect()
}
