//! Before the first call: every row checked against the spec's rules, and `--dry-run`'s plan.

use super::rows::{self, Row};
use crate::client::Target;
use crate::error::CliError;
use crate::spec::CommandSpec;
use serde_json::Value;

/// Every row through the typed request and the spec's rules; all problems at once (exit 2).
pub async fn check_all(
    target: &Target,
    op: &'static CommandSpec,
    rows: &[Row],
    each_customer: bool,
) -> Result<(), CliError> {
    const SHOWN: usize = 20;
    let mut problems: Vec<CliError> = Vec::new();
    for row in rows {
        if let Some(flag) = rows::missing_required(&row.request) {
            let column = rows::column_of(op, flag).unwrap_or(flag);
            problems.push(rows::row_error(
                row.number,
                Some(column),
                format!("missing; {} needs --{flag}", op.name),
            ));
            continue;
        }
        if let Err(e) = crate::run::check_request(target, op, &row.request).await {
            let column = e
                .fields
                .get("flag")
                .and_then(Value::as_str)
                .and_then(|f| rows::column_of(op, f))
                .filter(|_| !each_customer);
            let mut err = rows::row_error(row.number, column, &e.message);
            for (k, v) in e.fields {
                err.fields.entry(k).or_insert(v);
            }
            problems.push(err);
        }
    }
    let Some(mut first) = problems.first().map(|e| CliError {
        exit: e.exit,
        message: e.message.clone(),
        fields: e.fields.clone(),
    }) else {
        return Ok(());
    };
    let mut lines: Vec<String> = problems
        .iter()
        .take(SHOWN)
        .map(|e| e.message.clone())
        .collect();
    if problems.len() > SHOWN {
        lines.push(format!("... and {} more", problems.len() - SHOWN));
    }
    lines.push(format!(
        "{} of {} rows are not valid; nothing was sent",
        problems.len(),
        rows.len()
    ));
    first.message = lines.join("\n");
    Err(first.with("invalidRows", problems.len()))
}

/// `--dry-run`: the request of every row, then their count; nothing is sent.
pub fn plan_only(target: &Target, op: &CommandSpec, rows: &[Row]) -> Result<(), CliError> {
    let mut text = String::new();
    for row in rows {
        text.push_str(&format!("# row {} ({})\n", row.number, row.key));
        text.push_str(&crate::run::request_text(target, op, &row.request));
        text.push('\n');
    }
    let s = if rows.len() == 1 { "" } else { "s" };
    text.push_str(&format!("# {} request{s}; nothing was sent\n", rows.len()));
    crate::error::emit(text.as_bytes())
}
