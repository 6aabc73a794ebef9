//! Credentials: the crate's `LW_*` variables first, else a profile of the config file
//! (`$XDG_CONFIG_HOME/lineworks-partner/config.toml`, chosen with `--profile` or `LW_PROFILE`).
//!
//! The file holds the private key's *path*, never the key, and is written with mode 0600.

use lineworks_partner::Credentials;
use lineworks_partner::auth::ServiceAccount;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Config {
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct Profile {
    pub client_id: String,
    pub client_secret: String,
    pub service_account: String,
    pub private_key: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("service_account", &self.service_account)
            .field("private_key", &self.private_key)
            .finish()
    }
}

impl Profile {
    pub fn credentials(&self) -> Result<Credentials, String> {
        let mut sa = ServiceAccount::builder()
            .client_id(&self.client_id)
            .client_secret(&self.client_secret)
            .service_account_id(&self.service_account)
            .private_key_file(&self.private_key);
        if let Some(url) = &self.token_url {
            sa = sa.token_url(url);
        }
        Ok(Credentials::service_account(
            sa.build().map_err(|e| e.to_string())?,
        ))
    }
}

/// `--profile` (clap also reads `LW_PROFILE` into it), set once from the parsed flags.
static CHOSEN: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Records `--profile NAME` / `LW_PROFILE` for this run.
pub fn choose(name: Option<String>) {
    let _ = CHOSEN.set(name.filter(|n| !n.is_empty()));
}

fn chosen() -> Option<String> {
    CHOSEN.get().cloned().flatten()
}

/// The profile selected by `--profile`/`LW_PROFILE`, `default` otherwise.
pub fn selected() -> String {
    chosen().unwrap_or_else(|| "default".into())
}

pub fn path() -> Result<PathBuf, String> {
    let dir = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(dirs::config_dir)
        .ok_or("no configuration directory (set XDG_CONFIG_HOME)")?;
    Ok(dir.join("lineworks-partner").join("config.toml"))
}

pub fn load() -> Result<Config, String> {
    let path = path()?;
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Writes the file with mode 0600 (created that way, so it is never readable by others).
pub fn save(config: &Config) -> Result<PathBuf, String> {
    let path = path()?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = toml::to_string(config).map_err(|e| e.to_string())?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        // An older file keeps its mode on open; tighten it first.
        if path.exists() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let mut file = options
        .open(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Where the credentials come from, for `auth status`.
pub enum Source {
    Environment,
    Profile(String, Profile),
}

/// The credentials of this command, and where they came from.
pub fn resolve() -> Result<Option<(Credentials, Source)>, String> {
    if let Some(c) = Credentials::from_env().map_err(|e| e.to_string())? {
        return Ok(Some((c, Source::Environment)));
    }
    let name = selected();
    let config = load()?;
    match config.profiles.get(&name) {
        Some(p) => Ok(Some((p.credentials()?, Source::Profile(name, p.clone())))),
        None if chosen().is_some() => Err(format!("no profile {name:?} in {}", path()?.display())),
        None => Ok(None),
    }
}
