//! User tokens: an access/refresh pair from the authorization-code flow.
use super::*;

/// A user-account token pair (from the authorization-code flow), renewed with
/// `grant_type=refresh_token`.
#[derive(Clone)]
pub struct UserToken {
    pub(super) access_token: Option<SecretString>,
    pub(super) access_token_expires_at: Option<Instant>,
    pub(super) refresh_token: SecretString,
    pub(super) client_id: String,
    pub(super) client_secret: SecretString,
    pub(super) token_url: String,
}

impl UserToken {
    /// Start describing a user token.
    pub fn builder() -> UserTokenBuilder {
        UserTokenBuilder::default()
    }
}

impl fmt::Debug for UserToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserToken")
            .field("access_token", &redact_opt(self.access_token.as_ref()))
            .field("refresh_token", &Redacted)
            .field("client_id", &self.client_id)
            .field("client_secret", &Redacted)
            .field("token_url", &self.token_url)
            .finish()
    }
}

/// Builder for [`UserToken`]. `refresh_token`, `client_id` and `client_secret` are required;
/// without an `access_token` the first call refreshes.
#[derive(Clone)]
#[must_use]
pub struct UserTokenBuilder {
    access_token: Option<SecretString>,
    expires_in: Option<Duration>,
    refresh_token: Option<SecretString>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    token_url: String,
}

impl Default for UserTokenBuilder {
    fn default() -> Self {
        Self {
            access_token: None,
            expires_in: None,
            refresh_token: None,
            client_id: None,
            client_secret: None,
            token_url: DEFAULT_TOKEN_URL.to_owned(),
        }
    }
}

impl UserTokenBuilder {
    /// The current access token, if any.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(SecretString::from(token.into()));
        self
    }

    /// How long the access token stays valid from now; unknown means "until the API answers 401".
    pub fn access_token_expires_in(mut self, d: Duration) -> Self {
        self.expires_in = Some(d);
        self
    }

    /// The refresh token.
    pub fn refresh_token(mut self, token: impl Into<String>) -> Self {
        self.refresh_token = Some(SecretString::from(token.into()));
        self
    }

    /// The app's client ID.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// The app's client secret.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// The token endpoint (default [`DEFAULT_TOKEN_URL`]).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }

    /// Check that everything needed for a refresh is there.
    ///
    /// # Errors
    ///
    /// [`AuthError::Config`] naming a missing field or a bad token URL.
    pub fn build(self) -> Result<UserToken, AuthError> {
        let what = "user token";
        Ok(UserToken {
            refresh_token: required_secret(self.refresh_token, what, "refresh_token")?,
            client_id: required(self.client_id, what, "client_id")?,
            client_secret: required_secret(self.client_secret, what, "client_secret")?,
            token_url: valid_url(&self.token_url, what)?,
            access_token_expires_at: self
                .expires_in
                .filter(|_| self.access_token.is_some())
                .and_then(|d| Instant::now().checked_add(d.min(MAX_LIFETIME))),
            access_token: self
                .access_token
                .filter(|t| !t.expose_secret().trim().is_empty()),
        })
    }
}

impl fmt::Debug for UserTokenBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserTokenBuilder")
            .field("access_token", &redact_opt(self.access_token.as_ref()))
            .field("refresh_token", &redact_opt(self.refresh_token.as_ref()))
            .field("client_id", &self.client_id)
            .field("client_secret", &redact_opt(self.client_secret.as_ref()))
            .field("token_url", &self.token_url)
            .finish()
    }
}
