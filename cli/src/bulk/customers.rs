//! The customers of `--each-customer`: from `--domain-ids FILE|-`, or every customer listed.

use crate::client::Target;
use crate::error::CliError;
use crate::exit::client_error;
use crate::run::Globals;
use futures_util::TryStreamExt;
use std::io;

pub async fn domain_ids(target: &Target, g: &Globals) -> Result<Vec<i64>, CliError> {
    if let Some(source) = &g.domain_ids {
        let text = if source == "-" {
            io::read_to_string(io::stdin())?
        } else {
            std::fs::read_to_string(source)
                .map_err(|e| CliError::flag("domain-ids", format!("{source}: {e}")))?
        };
        return text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                l.parse::<i64>()
                    .map_err(|_| CliError::flag("domain-ids", format!("{l:?} is not a domain id")))
            })
            .collect();
    }
    let list = crate::generated::find("list-customers")
        .ok_or_else(|| CliError::usage("the spec has no list-customers"))?;
    let mut listing = target.client.list_customers();
    if let Some(max) = crate::run::max_page_size(list) {
        listing = listing.count(max);
    }
    listing
        .stream()
        .map_ok(|c| c.domain_id)
        .try_collect()
        .await
        .map_err(|e| client_error(e, list))
}
