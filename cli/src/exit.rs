//! The one mapping from the crate's `Error` to exit codes and stderr facts.
//!
//! Whether a failed write may have been applied is the client's verdict
//! ([`Error::may_have_succeeded`]): exit 5 then, whatever the variant.

use crate::error::{CliError, Exit};
use crate::spec::{CommandSpec, Location};
use heck::ToKebabCase;
use lineworks_partner::Error;
use lineworks_partner::validate::Location as RuleLocation;

/// A client error of operation `op` as the CLI reports it.
pub fn client_error(e: Error, op: &CommandSpec) -> CliError {
    let message = e.to_string();
    let base =
        |exit| CliError::new(exit, format!("{}: {message}", op.name)).with("operation", op.id);
    match &e {
        Error::InvalidRequest(v) => {
            let flag = flag_for(op, v.location(), v.field());
            CliError::new(Exit::Usage, format!("{flag}: {}", v.violation()))
                .with("operation", op.id)
                .with("flag", flag.trim_start_matches("--"))
                .with("field", v.field())
        }
        Error::Config(_) => base(Exit::Usage),
        // The token endpoint out of reach (or cut off, or failing with a 5xx) is the
        // network's fault, not the credentials': retrying later may work.
        Error::Auth {
            source: lineworks_partner::auth::AuthError::Transport(_),
            ..
        } => base(Exit::Network),
        Error::Auth {
            source: lineworks_partner::auth::AuthError::InvalidResponse { status, .. },
            ..
        } if *status >= 500 => base(Exit::Network),
        Error::Auth { .. } => base(Exit::Auth),
        // A write whose answer says it may have gone through (a gateway's 502/504, a DELETE's
        // 404 after an attempt without answer): its outcome is unknown.
        Error::Api(api) if e.may_have_succeeded() => base(Exit::Unknown)
            .with("status", api.status().as_u16())
            .with("code", api.code()),
        Error::UnexpectedResponse { status, .. } | Error::ResponseTooLarge { status, .. }
            if e.may_have_succeeded() =>
        {
            base(Exit::Unknown).with("status", status.as_u16())
        }
        Error::Api(api)
        | Error::RateLimited { error: api, .. }
        | Error::Unauthorized { error: api, .. } => {
            // A 403 `UNAUTHORIZED` is an expired or refused token, like a 401.
            let exit = if matches!(e, Error::Unauthorized { .. }) {
                Exit::Auth
            } else {
                Exit::Api
            };
            let mut err = base(exit)
                .with("status", api.status().as_u16())
                .with("code", api.code());
            if let Some(d) = api.description() {
                err = err.with("description", d);
            }
            err
        }
        Error::UnexpectedResponse { status, .. }
        | Error::ResponseTooLarge { status, .. }
        | Error::Redirect { status, .. } => base(Exit::Api).with("status", status.as_u16()),
        Error::Paging { .. } => base(Exit::Api),
        // The client's message already says the write may have been applied and how to check.
        _ if e.may_have_succeeded() => base(Exit::Unknown),
        _ => base(Exit::Network),
    }
}

/// The flag a rule of the spec is about: `--count`, `--company-name`, or `--body` with the
/// field's path when it has no flag of its own.
fn flag_for(op: &CommandSpec, location: RuleLocation, field: &str) -> String {
    let own = match location {
        RuleLocation::Path | RuleLocation::Query => op
            .params
            .iter()
            .find(|p| p.wire == field && matches!(p.location, Location::Path | Location::Query))
            .map(|p| p.flag),
        _ => op
            .body
            .as_ref()
            .and_then(|b| b.fields.iter().find(|f| f.wire == field))
            .map(|f| f.flag),
    };
    match own {
        Some(flag) => format!("--{flag}"),
        None if matches!(location, RuleLocation::Path | RuleLocation::Query) => {
            format!("--{}", field.to_kebab_case())
        }
        None => format!("--body field {field}"),
    }
}
