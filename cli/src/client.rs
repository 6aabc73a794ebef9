//! Which API and credentials a command uses: `--sandbox`, the crate's `LW_*` variables, or
//! nothing (enough for `--dry-run`).

use crate::error::{CliError, Exit};
use lineworks_partner::{Client, Credentials, RateLimit};
use lineworks_partner_sandbox::{Sandbox, Seed};

/// The bearer token the embedded sandbox is started with.
const SANDBOX_TOKEN: &str = "sandbox";

/// A client, and the sandbox it talks to when there is one (kept alive with it).
pub struct Target {
    pub client: Client,
    pub _sandbox: Option<Sandbox>,
}

pub struct Options {
    pub sandbox: bool,
    pub rate_limit: Option<RateLimit>,
    /// `--dry-run`: missing credentials are fine.
    pub dry_run: bool,
    /// `--timeout`: how long one attempt may wait for its answer.
    pub timeout: Option<std::time::Duration>,
    /// `--max-wait`: how long one call may take, retries and rate-limit waits included.
    pub max_wait: std::time::Duration,
}

/// `N/min` (or `N/s`, `N`) as a per-operation limit.
pub fn parse_rate_limit(text: &str) -> Result<RateLimit, CliError> {
    let (n, per) = text.split_once('/').unwrap_or((text, "min"));
    let n: u32 =
        n.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
            CliError::flag("rate-limit", format!("{text:?}: expected N/min, N > 0"))
        })?;
    match per.trim() {
        "min" | "m" => Ok(RateLimit::per_minute(n)),
        "s" | "sec" => Ok(RateLimit::per_minute(n.saturating_mul(60))),
        other => Err(CliError::flag(
            "rate-limit",
            format!("unknown unit {other:?}; use /min or /s"),
        )),
    }
}

pub async fn connect(opts: &Options) -> Result<Target, CliError> {
    let mut builder = Client::builder();
    if let Some(limit) = opts.rate_limit.clone() {
        builder = builder.rate_limit(limit);
    }
    if let Some(timeout) = opts.timeout {
        builder = builder.timeout(timeout);
    }
    // A 429 waits for its reset (a minute for a per-minute quota) within this bound.
    builder =
        builder.retry_policy(lineworks_partner::RetryPolicy::new().max_elapsed(opts.max_wait));
    let config = |e: lineworks_partner::Error| CliError::new(Exit::Usage, e.to_string());
    if opts.sandbox {
        let sandbox = Sandbox::builder()
            .seed(Seed::demo())
            .token(SANDBOX_TOKEN)
            .start()
            .await
            .map_err(|e| CliError::new(Exit::Network, format!("cannot start the sandbox: {e}")))?;
        let client = builder
            .base_url(sandbox.base_url())
            .credentials(Credentials::access_token(SANDBOX_TOKEN))
            .build()
            .map_err(config)?;
        return Ok(Target {
            client,
            _sandbox: Some(sandbox),
        });
    }
    let env_url = std::env::var("LW_API_BASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let resolved = crate::profile::resolve().map_err(|e| CliError::new(Exit::Auth, e))?;
    let profile_url = match &resolved {
        Some((_, crate::profile::Source::Profile(_, p))) => p.base_url.clone(),
        _ => None,
    };
    if let Some(url) = env_url.or(profile_url) {
        builder = builder.base_url(url);
    }
    match resolved {
        Some((c, source)) => {
            builder = builder.credentials(c);
            if let Some(store) = crate::token_cache::store_for(&source) {
                builder = builder.token_store(store);
            }
        }
        // Nothing is sent on a dry run, so no credentials are needed.
        None if opts.dry_run => builder = builder.without_credentials(),
        None => {
            return Err(CliError::new(
                Exit::Auth,
                "no credentials: set LW_ACCESS_TOKEN or the service-account variables \
                 (LW_CLIENT_ID, LW_CLIENT_SECRET, LW_SERVICE_ACCOUNT, LW_PRIVATE_KEY), \
                 run `lineworks-partner auth login`, or try any command with --sandbox",
            ));
        }
    }
    Ok(Target {
        client: builder.build().map_err(config)?,
        _sandbox: None,
    })
}
