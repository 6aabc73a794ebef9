//! Where the tokens of a service account are kept between commands, so consecutive commands
//! reuse the access token (and the rotated refresh token) instead of signing a new JWT each
//! time: one 0600 file per account under `$XDG_CONFIG_HOME/lineworks-partner/tokens/`, written
//! by the crate's [`FileTokenStore`].
//!
//! The file name carries the client ID and the service account (neither is a secret), so a
//! token is never offered to a different account after a profile or the environment changes.

use crate::profile::{self, Source};
use lineworks_partner::auth::{FileTokenStore, TokenStore};
use lineworks_partner::private_file::{self, DirState};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// The store for the credentials of this command; `None` for a fixed `LW_ACCESS_TOKEN`
/// (nothing to renew) or when the folder cannot be created (tokens then stay in memory).
///
/// The folder must be this user's own: a symbolic link or another user's folder is refused
/// (tokens then stay in memory), one others may write is made private again; either way with a
/// warning. A token file others may write is not used (the crate's store refuses it) and is
/// replaced by the next token.
pub fn store_for(source: &Source) -> Option<FileTokenStore> {
    let file = file_for(source)?;
    let dir = file.parent()?;
    if let Some(parent) = dir.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        // On Windows the folder inherits the ACL of the user's profile folder.
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(parent).ok()?;
    }
    match private_file::private_dir(dir) {
        Ok(DirState::Ready) => {}
        Ok(DirState::Repaired(mode)) => say!(
            "warning: token cache {} was writable by other users (mode {mode:04o}); now 0700",
            dir.display()
        ),
        Err(e) => {
            say!(
                "warning: token cache {} not used: {e}; tokens are kept in memory only",
                dir.display()
            );
            return None;
        }
    }
    if let Err(e) = std::fs::metadata(&file).and_then(|m| private_file::check_owner(&m))
        && e.kind() == std::io::ErrorKind::PermissionDenied
    {
        say!(
            "warning: cached token {} not used: {e}; it is replaced by the next token",
            file.display()
        );
    }
    Some(FileTokenStore::new(file))
}

/// The token file of these credentials (which may not exist).
pub fn file_for(source: &Source) -> Option<PathBuf> {
    let (client_id, account) = match source {
        Source::Profile(_, p) => (p.client_id.clone(), p.service_account.clone()),
        Source::Environment => {
            let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
            if var("LW_ACCESS_TOKEN").is_some() {
                return None;
            }
            (var("LW_CLIENT_ID")?, var("LW_SERVICE_ACCOUNT")?)
        }
    };
    Some(folder()?.join(file_name(&client_id, &account)))
}

/// What `auth status` says about the cached tokens of these credentials: whether there is an
/// access token and when it expires, never the token itself.
pub fn describe(source: &Source, now: SystemTime) -> String {
    if matches!(source, Source::Environment)
        && std::env::var("LW_ACCESS_TOKEN").is_ok_and(|v| !v.is_empty())
    {
        return "access token: fixed (LW_ACCESS_TOKEN), <redacted>, expiry unknown".to_owned();
    }
    let Some(store) = store_for(source) else {
        return "no cached token (no token folder)".to_owned();
    };
    let tokens = match store.load() {
        Ok(Some(tokens)) => tokens,
        Ok(None) => return "no cached token".to_owned(),
        // The store's message names the file and the problem, never the content.
        Err(e) => return format!("no usable cached token: {e}"),
    };
    let refresh = if tokens.refresh_token.is_some() {
        "; refresh token cached"
    } else {
        ""
    };
    let access = match (&tokens.access_token, tokens.access_token_expires_at) {
        (None, _) => "no cached access token".to_owned(),
        (Some(_), None) => "access token cached, expiry unknown".to_owned(),
        (Some(_), Some(at)) => {
            let when = chrono::DateTime::<chrono::Utc>::from(at).format("%Y-%m-%dT%H:%M:%SZ");
            match at.duration_since(now) {
                Ok(left) => format!("access token cached, expires {when} (in {})", span(left)),
                Err(e) => format!(
                    "access token cached, expired {when} ({} ago)",
                    span(e.duration())
                ),
            }
        }
    };
    format!("{access}{refresh}")
}

/// `23 min`, `5 h 02 min`, `3 d 4 h`; under a minute counts as `0 min`.
fn span(d: Duration) -> String {
    let minutes = d.as_secs() / 60;
    match (minutes / (24 * 60), minutes / 60 % 24, minutes % 60) {
        (0, 0, m) => format!("{m} min"),
        (0, h, m) => format!("{h} h {m:02} min"),
        (days, h, _) => format!("{days} d {h} h"),
    }
}

fn folder() -> Option<PathBuf> {
    Some(profile::path().ok()?.parent()?.join("tokens"))
}

/// `client@account.json`, with anything but letters, digits, `.`, `-`, `_` and `@` replaced,
/// so neither value can name a path outside the folder.
fn file_name(client_id: &str, account: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("{}@{}.json", clean(client_id), clean(account))
        .trim_start_matches('.')
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::{file_name, span};
    use std::time::Duration;

    #[test]
    fn spans_read_at_a_glance() {
        let min = |m: u64| Duration::from_secs(m * 60 + 59);
        assert_eq!(span(Duration::from_secs(5)), "0 min");
        assert_eq!(span(min(23)), "23 min");
        assert_eq!(span(min(5 * 60 + 2)), "5 h 02 min");
        assert_eq!(span(min(3 * 24 * 60 + 4 * 60 + 7)), "3 d 4 h");
    }

    #[test]
    fn names_stay_inside_the_folder() {
        assert_eq!(
            file_name("abc123", "x.serviceaccount@example.com"),
            "abc123@x.serviceaccount@example.com.json"
        );
        let hostile = file_name("../../etc", "a/b");
        assert!(!hostile.contains('/'), "{hostile}");
        assert!(!hostile.starts_with('.'), "{hostile}");
    }
}
