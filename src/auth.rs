//! Authentication. (Interim: static tokens only; the full module lands with issue 4.)

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::Arc;

/// How the client obtains its bearer token.
#[derive(Clone)]
pub struct Credentials(SecretString);

impl Credentials {
    /// A fixed access token.
    pub fn access_token(token: impl Into<String>) -> Self {
        Self(SecretString::from(token.into()))
    }
    /// `LW_ACCESS_TOKEN`, when set.
    pub fn from_env() -> Result<Option<Self>, AuthError> {
        Ok(std::env::var("LW_ACCESS_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())
            .map(Self::access_token))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials::AccessToken(<redacted>)")
    }
}

/// Hands out `Authorization` header values.
#[derive(Clone)]
pub struct Authenticator {
    header: Arc<HeaderValue>,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Authenticator(<redacted>)")
    }
}

impl Authenticator {
    /// An authenticator for these credentials.
    pub fn new(credentials: Credentials, _http: reqwest::Client) -> Self {
        let mut header =
            HeaderValue::from_str(&format!("Bearer {}", credentials.0.expose_secret()))
                .unwrap_or_else(|_| HeaderValue::from_static("Bearer"));
        header.set_sensitive(true);
        Self {
            header: Arc::new(header),
        }
    }
    /// The header value to send.
    pub async fn authorization(&self) -> Result<HeaderValue, AuthError> {
        Ok((*self.header).clone())
    }
    /// A static token cannot be renewed.
    pub async fn reauthorize(&self, _rejected: &HeaderValue) -> Result<HeaderValue, AuthError> {
        Err(AuthError::Config(
            "a static access token cannot be renewed".into(),
        ))
    }
}

/// Why no token could be obtained.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Missing or inconsistent configuration.
    #[error("{0}")]
    Config(String),
}
