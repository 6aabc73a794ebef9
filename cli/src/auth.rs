//! `auth login|status|logout`: profiles of the config file.

use crate::error::{CliError, Exit};
use crate::profile::{self, Profile, Source};
use std::io::{IsTerminal, Write};

pub async fn run(m: &clap::ArgMatches) -> Result<(), CliError> {
    match m.subcommand() {
        Some(("login", sub)) => login(sub).await,
        Some(("status", _)) => status(),
        Some(("logout", _)) => logout(),
        _ => Err(CliError::usage("auth: expected login, status or logout")),
    }
}

fn config_error(e: String) -> CliError {
    CliError::usage(e)
}

/// A flag's value, or a line asked for on the terminal (without echo for secrets is left to
/// the terminal: the secret is better passed through `LW_CLIENT_SECRET`).
fn value(m: &clap::ArgMatches, flag: &str, prompt: &str) -> Result<String, CliError> {
    if let Some(v) = m.get_one::<String>(flag) {
        return Ok(v.clone());
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(CliError::flag(flag, "required when not on a terminal"));
    }
    say_inline!("{prompt}: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let line = line.trim().to_string();
    if line.is_empty() {
        return Err(CliError::flag(flag, "must not be empty"));
    }
    Ok(line)
}

async fn login(m: &clap::ArgMatches) -> Result<(), CliError> {
    let name = profile::selected();
    let profile = Profile {
        client_id: value(m, "client-id", "Client ID")?,
        client_secret: value(m, "client-secret", "Client secret")?,
        service_account: value(m, "service-account", "Service account ID")?,
        // Absolute: later commands run from other directories.
        private_key: std::path::absolute(value(m, "private-key", "Private key file (path)")?)
            .map_err(|e| CliError::flag("private-key", e))?,
        token_url: m.get_one::<String>("token-url").cloned(),
        base_url: m.get_one::<String>("base-url").cloned(),
        ..Profile::default()
    };
    // The key must at least be readable and a PEM key before it is saved.
    profile
        .credentials()
        .map_err(|e| CliError::flag("private-key", e))?;
    if !m.get_flag("no-check") {
        // With the LW_* variables later commands will also apply (LW_TOKEN_URL, ...).
        check(&profile::with_env(profile.clone())).await?;
    }
    let mut config = profile::load().map_err(config_error)?;
    config.profiles.insert(name.clone(), profile);
    let path = profile::save(&config).map_err(config_error)?;
    say!("profile {name:?} written to {}", path.display());
    Ok(())
}

/// Fetches a token and makes one cheap read with it.
async fn check(profile: &Profile) -> Result<(), CliError> {
    let mut builder = lineworks_partner::Client::builder().credentials(
        profile
            .credentials()
            .map_err(|e| CliError::new(Exit::Auth, e))?,
    );
    if let Some(url) = &profile.base_url {
        builder = builder.base_url(url);
    }
    let client = builder
        .build()
        .map_err(|e| CliError::usage(e.to_string()))?;
    let list = crate::generated::find("list-customers")
        .ok_or_else(|| CliError::usage("the spec has no list-customers"))?;
    client
        .list_customers()
        .count(1)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| {
            // The exit code and facts of the call, labelled as the login's own check.
            let message = e.to_string();
            let mut err = crate::exit::client_error(e, list);
            err.message = format!(
                "auth login: checking the credentials with list-customers failed: {message}"
            );
            err
        })
}

fn status() -> Result<(), CliError> {
    let resolved = profile::resolve().map_err(|e| CliError::new(Exit::Auth, e))?;
    let text = match &resolved {
        None => {
            // Nothing to use is a failure a script can test for.
            return Err(CliError::new(
                Exit::Auth,
                "no credentials: neither LW_* variables nor a profile; run `lineworks-partner auth login`",
            ));
        }
        Some((_, Source::Environment)) => environment_status(),
        Some((_, Source::Profile(name, p))) => {
            format!(
                "profile: {name}\nfile: {}\nclient id: {}\nclient secret: <redacted>\nservice account: {}\nprivate key: {}",
                profile::path().map_err(config_error)?.display(),
                p.client_id,
                p.service_account,
                p.private_key.display()
            ) + &if p.from_env.is_empty() {
                String::new()
            } else {
                format!("\nfrom the environment: {}", p.from_env.join(", "))
            }
        }
    };
    let mut text = format!("{text}\n");
    if let Some((_, source)) = &resolved {
        text.push_str(&format!(
            "token: {}\n",
            crate::token_cache::describe(source, std::time::SystemTime::now())
        ));
    }
    crate::error::emit(text.as_bytes())
}

/// What the `LW_*` credentials are, in the order the client reads them; secrets redacted.
fn environment_status() -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if var("LW_ACCESS_TOKEN").is_some() {
        return "credentials: LW_* environment variables\naccess token: <redacted> (LW_ACCESS_TOKEN)"
            .to_string();
    }
    // LW_PRIVATE_KEY holds a path or the PEM itself; only a path is shown.
    let key = match var("LW_PRIVATE_KEY") {
        Some(k) if k.contains("-----BEGIN") => "<PEM in LW_PRIVATE_KEY, redacted>".to_string(),
        Some(path) => path,
        None => "<not set>".to_string(),
    };
    format!(
        "credentials: LW_* environment variables\nclient id: {}\nclient secret: <redacted>\nservice account: {}\nprivate key: {key}",
        var("LW_CLIENT_ID").unwrap_or_default(),
        var("LW_SERVICE_ACCOUNT").unwrap_or_default(),
    )
}

fn logout() -> Result<(), CliError> {
    let name = profile::selected();
    let mut config = profile::load().map_err(config_error)?;
    let Some(removed) = config.profiles.remove(&name) else {
        return Err(CliError::usage(format!("no profile {name:?}")));
    };
    profile::save(&config).map_err(config_error)?;
    say!("profile {name:?} removed");
    // Its cached tokens would still grant access; another profile of the same account keeps
    // them (same file).
    let shared = config
        .profiles
        .values()
        .any(|p| p.client_id == removed.client_id && p.service_account == removed.service_account);
    let source = Source::Profile(name, Box::new(removed));
    if let Some(file) = crate::token_cache::file_for(&source).filter(|_| !shared) {
        match std::fs::remove_file(&file) {
            Ok(()) => say!("cached token {} removed", file.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(CliError::usage(format!(
                    "profile removed, but not its cached token {}: {e}",
                    file.display()
                )));
            }
        }
    }
    Ok(())
}
