//! Where the tokens of a service account are kept between commands, so consecutive commands
//! reuse the access token (and the rotated refresh token) instead of signing a new JWT each
//! time: one 0600 file per account under `$XDG_CONFIG_HOME/lineworks-partner/tokens/`, written
//! by the crate's [`FileTokenStore`].
//!
//! The file name carries the client ID and the service account (neither is a secret), so a
//! token is never offered to a different account after a profile or the environment changes.

use crate::profile::{self, Source};
use lineworks_partner::auth::FileTokenStore;
use std::path::PathBuf;

/// The store for the credentials of this command; `None` for a fixed `LW_ACCESS_TOKEN`
/// (nothing to renew) or when the folder cannot be created (tokens then stay in memory).
pub fn store_for(source: &Source) -> Option<FileTokenStore> {
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
    let dir = folder()?;
    std::fs::create_dir_all(&dir).ok()?;
    restrict(&dir);
    Some(FileTokenStore::new(
        dir.join(file_name(&client_id, &account)),
    ))
}

fn folder() -> Option<PathBuf> {
    Some(profile::path().ok()?.parent()?.join("tokens"))
}

/// Only the owner may list the folder (the files themselves are 0600).
fn restrict(dir: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
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
    use super::file_name;

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
