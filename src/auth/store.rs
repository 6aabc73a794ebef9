//! Where tokens outlive the process: a [`TokenStore`] loads the refresh and access tokens when
//! the [`Authenticator`](super::Authenticator) starts and saves them after every renewal, so a
//! rotated refresh token is not lost on restart.

use super::AuthError;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The tokens a store keeps. Never printed: `Debug` shows only which are present.
#[non_exhaustive]
#[derive(Clone, Default)]
pub struct StoredTokens {
    /// The latest refresh token (rotated by the server on each use).
    pub refresh_token: Option<SecretString>,
    /// The latest access token.
    pub access_token: Option<SecretString>,
    /// When the access token stops working.
    pub access_token_expires_at: Option<SystemTime>,
}

impl StoredTokens {
    /// Tokens to save or hand to a store.
    pub fn new(
        refresh_token: Option<SecretString>,
        access_token: Option<SecretString>,
        access_token_expires_at: Option<SystemTime>,
    ) -> Self {
        Self {
            refresh_token,
            access_token,
            access_token_expires_at,
        }
    }
}

impl fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredTokens")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "<redacted>"),
            )
            .field("access_token_expires_at", &self.access_token_expires_at)
            .finish()
    }
}

/// Keeps tokens across restarts. `load` runs once when the authenticator is built, `save`
/// after every successful token request; both are short and synchronous. A failing store
/// never fails a call: the error is logged (without secrets) and the tokens stay in memory.
///
/// ```
/// use lineworks_partner::auth::{MemoryTokenStore, StoredTokens, TokenStore};
/// let store = MemoryTokenStore::default();
/// store.save(&StoredTokens::new(Some("refresh".to_owned().into()), None, None))?;
/// assert!(store.load()?.is_some_and(|t| t.refresh_token.is_some()));
/// # Ok::<(), lineworks_partner::auth::AuthError>(())
/// ```
pub trait TokenStore: Send + Sync + fmt::Debug + 'static {
    /// The tokens saved last, or `None` when there are none yet.
    ///
    /// # Errors
    /// [`AuthError::Store`] when the store cannot be read.
    fn load(&self) -> Result<Option<StoredTokens>, AuthError>;
    /// Replaces the saved tokens.
    ///
    /// # Errors
    /// [`AuthError::Store`] when the store cannot be written.
    fn save(&self, tokens: &StoredTokens) -> Result<(), AuthError>;
}

/// Keeps tokens in memory only: the default, and handy in tests.
#[derive(Default)]
pub struct MemoryTokenStore(Mutex<Option<StoredTokens>>);

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MemoryTokenStore")
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Result<Option<StoredTokens>, AuthError> {
        Ok(self.0.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }
    fn save(&self, tokens: &StoredTokens) -> Result<(), AuthError> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(tokens.clone());
        Ok(())
    }
}

/// Keeps tokens in a JSON file readable by its owner only (mode 0600 on Unix), replaced
/// whole on each save so a crash never leaves half a file: a new file is created beside it
/// exclusively under a random name (never through a planted link), flushed, renamed over the
/// old one, and the folder flushed. When `path` is a symbolic link, the link is replaced and
/// its target never written.
///
/// A file another user owns, or one others may write (e.g. mode 0666), is never read: `load`
/// fails (the authenticator logs it and requests new tokens) and the next save replaces it.
/// On Windows these permission checks are not made (ACLs are not inspected).
///
/// ```no_run
/// use lineworks_partner::auth::FileTokenStore;
/// let store = FileTokenStore::new("/var/lib/my-service/lineworks-tokens.json");
/// # let _ = store;
/// ```
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// A store at `path` (created on the first save; its folder must exist).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// Where the tokens are kept.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, what: &str, e: impl fmt::Display) -> AuthError {
        AuthError::Store(format!("{what} {}: {e}", self.path.display()))
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct FileFormat {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    /// Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_token_expires_at: Option<u64>,
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> Result<Option<StoredTokens>, AuthError> {
        // A file someone else could have written is refused: a token planted there would be
        // sent to the API. The next save replaces it with a private one.
        let bytes = match crate::private_file::read(&self.path) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(self.error("not using", e));
            }
            Err(e) => return Err(self.error("cannot read", e)),
        };
        // serde_json's message names a position, never the content.
        let file: FileFormat =
            serde_json::from_slice(&bytes).map_err(|e| self.error("cannot parse", e))?;
        let secret = |s: Option<String>| s.filter(|s| !s.is_empty()).map(SecretString::from);
        Ok(Some(StoredTokens {
            refresh_token: secret(file.refresh_token),
            access_token: secret(file.access_token),
            access_token_expires_at: file
                .access_token_expires_at
                .and_then(|secs| UNIX_EPOCH.checked_add(Duration::from_secs(secs))),
        }))
    }

    fn save(&self, tokens: &StoredTokens) -> Result<(), AuthError> {
        let file = FileFormat {
            refresh_token: tokens
                .refresh_token
                .as_ref()
                .map(|s| s.expose_secret().to_owned()),
            access_token: tokens
                .access_token
                .as_ref()
                .map(|s| s.expose_secret().to_owned()),
            access_token_expires_at: tokens
                .access_token_expires_at
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_secs()),
        };
        let json = serde_json::to_vec(&file).map_err(|e| self.error("cannot encode", e))?;
        crate::private_file::replace(&self.path, &json).map_err(|e| self.error("cannot write", e))
    }
}
