//! Credentials: the crate's `LW_*` variables first, else a profile of the config file
//! (`$XDG_CONFIG_HOME/lineworks-partner/config.toml`, chosen with `--profile` or `LW_PROFILE`).
//!
//! The file holds the private key's *path*, never the key, and the client secret unless it is
//! kept in the OS keyring (`secret_store = "keyring"`, see [`crate::secret_store`]). It is
//! replaced atomically with mode 0600, and refused when another user could have written it.

use crate::secret_store::{self, Place};
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

#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Profile {
    pub client_id: String,
    /// Empty in the file when the secret is in the keyring (filled in by [`resolve`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub client_secret: String,
    #[serde(default, skip_serializing_if = "Place::is_file")]
    pub secret_store: Place,
    pub service_account: String,
    pub private_key: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// `LW_PRIVATE_KEY` given as PEM text (never written to the file).
    #[serde(skip)]
    pub private_key_pem: Option<String>,
    /// `LW_SCOPE` (never written to the file).
    #[serde(skip)]
    pub scope: Option<String>,
    /// The `LW_*` variables that replaced fields of the file, for `auth status`.
    #[serde(skip)]
    pub from_env: Vec<&'static str>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("secret_store", &self.secret_store)
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
            .service_account_id(&self.service_account);
        sa = match &self.private_key_pem {
            Some(pem) => sa.private_key_pem(pem),
            None => sa.private_key_file(&self.private_key),
        };
        if let Some(url) = &self.token_url {
            sa = sa.token_url(url);
        }
        if let Some(scope) = &self.scope {
            sa = sa.scopes(scope.split([' ', ',']).filter(|s| !s.is_empty()));
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

/// How the config file is protected, as messages tell it.
#[cfg(unix)]
pub const PROTECTION: &str = "mode 0600";
/// Windows: no mode; the file has the ACL of the user's profile folder it is in.
#[cfg(not(unix))]
pub const PROTECTION: &str = "ACL inherited from its folder";

/// What to do about a config file that was refused: on Unix the owner and mode are checked; on
/// Windows nothing is inspected, so the refusal is the system's own (its ACL).
#[cfg(unix)]
const ACCESS_HINT: &str = "refused (it holds credentials): make it yours with mode 0600";
#[cfg(not(unix))]
const ACCESS_HINT: &str = "access denied: the file's permissions must let your account read it";

/// The config file; a file another user owns or others may write is refused (it names the
/// token URL the secret is sent to).
pub fn load() -> Result<Config, String> {
    let path = path()?;
    match lineworks_partner::private_file::read(&path) {
        Ok(Some(bytes)) => {
            let text = String::from_utf8(bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
        }
        Ok(None) => Ok(Config::default()),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Err(format!("{}: {e}; {ACCESS_HINT}", path.display()))
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Replaces the file atomically (a crash leaves the old or the new file, never part of one),
/// mode 0600 from the moment it exists; a symbolic link at its place is replaced, not followed.
pub fn save(config: &Config) -> Result<PathBuf, String> {
    let path = path()?;
    if let Some(dir) = path.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        // On Windows the folder inherits the ACL of the user's profile folder.
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = toml::to_string(config).map_err(|e| e.to_string())?;
    if let Ok(target) = std::fs::read_link(&path) {
        say!(
            "warning: {} was a symbolic link (to {}); it is replaced by a file, the link's target is left as it was",
            path.display(),
            target.display()
        );
    }
    write(&path, text.as_bytes())?;
    Ok(path)
}

fn write(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    lineworks_partner::private_file::replace(path, bytes)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Where the credentials come from, for `auth status`.
pub enum Source {
    Environment,
    // Boxed: a profile is large next to the empty Environment variant.
    Profile(String, Box<Profile>),
}

/// A non-empty `LW_*` variable.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Whether the environment alone makes credentials: `LW_ACCESS_TOKEN`, or all four
/// service-account variables.
fn env_complete() -> bool {
    var("LW_ACCESS_TOKEN").is_some()
        || [
            "LW_CLIENT_ID",
            "LW_CLIENT_SECRET",
            "LW_SERVICE_ACCOUNT",
            "LW_PRIVATE_KEY",
        ]
        .iter()
        .all(|n| var(n).is_some())
}

/// `p` with each service-account `LW_*` variable that is set in place of its field, the way
/// `LW_API_BASE_URL` already replaces the profile's base URL.
pub fn with_env(mut p: Profile) -> Profile {
    let mut from_env = Vec::new();
    let mut take = |name: &'static str, field: &mut dyn FnMut(String)| {
        if let Some(v) = var(name) {
            field(v.trim().to_string());
            from_env.push(name);
        }
    };
    take("LW_CLIENT_ID", &mut |v| p.client_id = v);
    take("LW_CLIENT_SECRET", &mut |v| p.client_secret = v);
    take("LW_SERVICE_ACCOUNT", &mut |v| p.service_account = v);
    take("LW_PRIVATE_KEY", &mut |v| {
        if v.contains("-----BEGIN") {
            // As the crate reads it: PEM text, `\n` escapes allowed.
            p.private_key_pem = Some(v.replace("\\n", "\n"));
        } else {
            p.private_key = v.into();
        }
    });
    take("LW_TOKEN_URL", &mut |v| p.token_url = Some(v));
    take("LW_SCOPE", &mut |v| p.scope = Some(v));
    take("LW_API_BASE_URL", &mut |v| p.base_url = Some(v));
    p.from_env = from_env;
    p
}

/// The credentials of this command, and where they came from: a complete `LW_*` set, else
/// the profile with the `LW_*` variables that are set in place of its fields (an exported
/// `LW_CLIENT_SECRET` left from `auth login` does not hide the profile), else an incomplete
/// `LW_*` set is an error naming what is missing.
pub fn resolve() -> Result<Option<(Credentials, Source)>, String> {
    if env_complete()
        && let Some(c) = Credentials::from_env().map_err(|e| e.to_string())?
    {
        return Ok(Some((c, Source::Environment)));
    }
    let name = selected();
    let config = load()?;
    match config.profiles.get(&name) {
        Some(p) => {
            let mut p = with_env(p.clone());
            // An exported LW_CLIENT_SECRET spares the keyring a look (and a prompt to unlock).
            if p.secret_store == Place::Keyring && !p.from_env.contains(&"LW_CLIENT_SECRET") {
                p.client_secret = secret_store::load(&secret_store::Os, &p.client_id)?;
            }
            Ok(Some((p.credentials()?, Source::Profile(name, Box::new(p)))))
        }
        None if chosen().is_some() => Err(format!("no profile {name:?} in {}", path()?.display())),
        // No profile: a partial set is reported as the crate sees it.
        None => Credentials::from_env()
            .map(|c| c.map(|c| (c, Source::Environment)))
            .map_err(|e| e.to_string()),
    }
}
