//! Before the first call: every row checked against the spec's rules, and `--dry-run`'s plan.

use super::plan::Plan;
use super::readback::{self, Check};
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

/// `--dry-run`: the request of every row this run would send (a resume's plan: the read that
/// comes first for a row of unknown outcome, rows it skips), then their count; nothing is sent.
pub fn plan_only(
    target: &Target,
    op: &CommandSpec,
    rows: &[Row],
    plans: &[Plan],
    check: Option<Check>,
) -> Result<(), CliError> {
    let mut text = String::new();
    let mut read_first = 0usize;
    for (row, plan) in rows.iter().zip(plans) {
        text.push_str(&format!("# row {} ({})", row.number, row.key));
        match (plan, check) {
            (Plan::Send, _) => text.push('\n'),
            (Plan::Done, _) => {
                text.push_str(": applied in the journal; not sent\n\n");
                continue;
            }
            (Plan::Unresolved, _) => {
                text.push_str(
                    ": outcome unknown and no read to check it; not sent (--retry-unknown sends it)\n\n",
                );
                continue;
            }
            (Plan::ReadBack, Some(check)) => {
                read_first += 1;
                let how = match check {
                    Check::Creation { .. } => "sent only if the listing shows no item of it",
                    Check::Fields(_) => "sent only if the answer does not show its fields",
                };
                text.push_str(&format!(": outcome unknown; read back first, {how}\n"));
                match readback::read_request(check, &row.request) {
                    Ok(read) => text.push_str(&crate::run::request_text(target, read.op, &read)),
                    Err(why) => text.push_str(&format!("# (no read: {why}; left unknown)\n")),
                }
                text.push_str("# then, if not applied:\n");
            }
            (Plan::ReadBack, None) => text.push('\n'),
        }
        text.push_str(&crate::run::request_text(target, op, &row.request));
        text.push('\n');
    }
    let sent = plans.iter().filter(|p| p.runs()).count();
    let s = if sent == 1 { "" } else { "s" };
    let read = if read_first > 0 {
        format!(" ({read_first} read back first)")
    } else {
        String::new()
    };
    text.push_str(&format!("# {sent} request{s}{read}; nothing was sent\n"));
    crate::error::emit(text.as_bytes())
}
