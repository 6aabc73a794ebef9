//! `auth login|status|logout`: profiles of the config file.

use crate::error::{CliError, Exit};
use crate::profile::{self, Profile, Source};
use crate::secret_store::{self, Keyring, Place};
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
    let choice = m
        .get_one::<String>("secret-store")
        .and_then(|c| secret_store::Choice::parse(c))
        .unwrap_or(secret_store::Choice::Auto);
    let stored = secret_store::store(
        &secret_store::Os,
        choice,
        &profile.client_id,
        &profile.client_secret,
    )
    .map_err(|why| {
        CliError::new(
            Exit::Auth,
            format!("auth login --secret-store keyring: the OS keyring did not keep the client secret ({why}); nothing was written"),
        )
    })?;
    let mut profile = profile;
    profile.secret_store = stored.place;
    if stored.place == Place::Keyring {
        profile.client_secret.clear();
    }
    let client_id = profile.client_id.clone();
    let replaced = config.profiles.insert(name.clone(), profile);
    let path = profile::save(&config).map_err(config_error)?;
    say!("profile {name:?} written to {}", path.display());
    match (stored.place, stored.fallback) {
        (Place::Keyring, _) => say!(
            "client secret kept in the OS keyring (service {:?}, account {client_id:?})",
            secret_store::SERVICE
        ),
        (Place::File, Some(why)) => say!(
            "warning: the OS keyring could not be used ({}); the client secret is kept in {} ({}). `--secret-store file` chooses the file without trying",
            lineworks_partner::terminal::escape(&why),
            path.display(),
            profile::PROTECTION
        ),
        (Place::File, None) => {
            say!(
                "client secret kept in {} ({})",
                path.display(),
                profile::PROTECTION
            )
        }
    }
    // A secret this profile used to keep in the keyring, if no profile needs it any more.
    if let Some(old) = replaced {
        forget_secret(&config, &old);
    }
    Ok(())
}

/// Removes `old`'s keyring entry when no profile of `config` reads that entry any more; a
/// keyring that cannot be reached is left as it is, with a warning.
fn forget_secret(config: &profile::Config, old: &Profile) {
    if old.secret_store != Place::Keyring
        || config
            .profiles
            .values()
            .any(|p| p.secret_store == Place::Keyring && p.client_id == old.client_id)
    {
        return;
    }
    match secret_store::Os.delete(&old.client_id) {
        Ok(()) => say!(
            "client secret of {:?} removed from the OS keyring",
            old.client_id
        ),
        Err(why) => say!(
            "warning: the client secret of {:?} stays in the OS keyring, which could not be reached ({})",
            old.client_id,
            lineworks_partner::terminal::escape(&why)
        ),
    }
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
            let file = profile::path().map_err(config_error)?;
            let secret = if p.from_env.contains(&"LW_CLIENT_SECRET") {
                "LW_CLIENT_SECRET".to_string()
            } else if p.secret_store == Place::Keyring {
                format!(
                    "OS keyring, service {:?}, account {:?}",
                    secret_store::SERVICE,
                    p.client_id
                )
            } else {
                format!("{}, {}", file.display(), profile::PROTECTION)
            };
            format!(
                "profile: {name}\nfile: {}\nclient id: {}\nclient secret: <redacted> ({secret})\nservice account: {}\nprivate key: {}",
                file.display(),
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
        "credentials: LW_* environment variables\nclient id: {}\nclient secret: <redacted> (LW_CLIENT_SECRET)\nservice account: {}\nprivate key: {key}",
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
    forget_secret(&config, &removed);
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
