//! [`Credentials`]: which kind of token, and reading them from the environment.
use super::*;

/// How the client obtains its bearer token.
///
/// ```no_run
/// use lineworks_partner::auth::{Credentials, ServiceAccount};
///
/// # fn main() -> Result<(), lineworks_partner::auth::AuthError> {
/// // A token obtained elsewhere, used as is.
/// let fixed = Credentials::access_token("jp1AAAA...");
///
/// // A service account: tokens are fetched, cached and renewed automatically.
/// let sa = Credentials::service_account(
///     ServiceAccount::builder()
///         .client_id("my-client-id")
///         .client_secret("my-client-secret")
///         .service_account_id("abcde.serviceaccount@example.com")
///         .private_key_file("private_20240101.key")
///         .build()?,
/// );
///
/// // Or from LW_ACCESS_TOKEN / LW_CLIENT_ID, LW_CLIENT_SECRET, LW_SERVICE_ACCOUNT, LW_PRIVATE_KEY.
/// let from_env = Credentials::from_env()?;
/// # let _ = (fixed, sa, from_env);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Credentials(pub(super) Kind);

#[derive(Clone)]
pub(super) enum Kind {
    AccessToken(SecretString),
    ServiceAccount(ServiceAccount),
    User(UserToken),
}

impl Credentials {
    /// A fixed access token, sent as `Authorization: Bearer <token>` and never renewed.
    ///
    /// Surrounding whitespace and a leading `Bearer ` are ignored.
    #[must_use]
    pub fn access_token(token: impl Into<String>) -> Self {
        let token = token.into();
        let trimmed = token.trim();
        let bare = match trimmed.get(..7) {
            Some(p) if p.eq_ignore_ascii_case("bearer ") => trimmed[7..].trim_start(),
            _ => trimmed,
        };
        Credentials(Kind::AccessToken(SecretString::from(bare)))
    }

    /// A fixed access token with nothing in it (`""`, blanks, `"Bearer "`); the client
    /// refuses to build with one.
    pub(crate) fn is_blank_token(&self) -> bool {
        use secrecy::ExposeSecret;
        matches!(&self.0, Kind::AccessToken(t)
            if t.expose_secret().is_empty() || t.expose_secret().eq_ignore_ascii_case("bearer"))
    }

    /// A service account: JWT bearer grant, then refresh-token grant, renewed automatically.
    #[must_use]
    pub fn service_account(sa: ServiceAccount) -> Self {
        Credentials(Kind::ServiceAccount(sa))
    }

    /// A user-account token pair, renewed with the refresh-token grant.
    #[must_use]
    pub fn user_token(token: UserToken) -> Self {
        Credentials(Kind::User(token))
    }

    /// Credentials from the environment.
    ///
    /// - `LW_ACCESS_TOKEN`: a fixed token (takes precedence over everything else);
    /// - or `LW_CLIENT_ID`, `LW_CLIENT_SECRET`, `LW_SERVICE_ACCOUNT` and `LW_PRIVATE_KEY` (PEM
    ///   text, `\n` escapes allowed, or the path of a PEM file), with optional `LW_SCOPE`
    ///   (space- or comma-separated) and `LW_TOKEN_URL`.
    ///
    /// `Ok(None)` when none of them is set; [`AuthError::Config`] naming the missing variables
    /// when a service-account set is incomplete. Empty variables count as unset.
    ///
    /// # Errors
    ///
    /// [`AuthError::Config`] for an incomplete set or a bad `LW_TOKEN_URL`,
    /// [`AuthError::InvalidKey`] (prefixed `LW_PRIVATE_KEY:`) for an unusable key.
    pub fn from_env() -> Result<Option<Self>, AuthError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(super) fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, AuthError> {
        const REQUIRED: [&str; 4] = [
            "LW_CLIENT_ID",
            "LW_CLIENT_SECRET",
            "LW_SERVICE_ACCOUNT",
            "LW_PRIVATE_KEY",
        ];
        const OPTIONAL: [&str; 2] = ["LW_SCOPE", "LW_TOKEN_URL"];
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(token) = get("LW_ACCESS_TOKEN") {
            return Ok(Some(Self::access_token(token)));
        }
        let [client_id, client_secret, account, key] = REQUIRED.map(&get);
        let [scope, token_url] = OPTIONAL.map(&get);
        let present = [
            &client_id,
            &client_secret,
            &account,
            &key,
            &scope,
            &token_url,
        ];
        if present.iter().all(|v| v.is_none()) {
            return Ok(None);
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .zip([&client_id, &client_secret, &account, &key])
            .filter(|(_, v)| v.is_none())
            .map(|(name, _)| *name)
            .collect();
        let (Some(client_id), Some(client_secret), Some(account), Some(key)) =
            (client_id, client_secret, account, key)
        else {
            return Err(AuthError::Config(format!(
                "incomplete service-account settings in the environment: {} not set \
                 (set LW_CLIENT_ID, LW_CLIENT_SECRET, LW_SERVICE_ACCOUNT and LW_PRIVATE_KEY, \
                 or LW_ACCESS_TOKEN alone)",
                missing.join(", ")
            )));
        };
        let key = SecretString::from(key);
        let mut builder = ServiceAccount::builder()
            .client_id(client_id.trim())
            .client_secret(client_secret.trim())
            .service_account_id(account.trim());
        builder = if key.expose_secret().contains("-----BEGIN") {
            // .env files and CI secrets often carry the PEM on one line with literal `\n`s.
            builder.private_key_pem(&key.expose_secret().replace("\\n", "\n"))
        } else {
            builder.private_key_file(key.expose_secret().trim())
        };
        if let Some(scope) = scope {
            builder = builder.scopes(scope.split([' ', ',']).filter(|s| !s.is_empty()));
        }
        if let Some(url) = token_url {
            builder = builder.token_url(url.trim());
        }
        let sa = builder.build().map_err(|e| match e {
            AuthError::InvalidKey(m) => AuthError::InvalidKey(format!("LW_PRIVATE_KEY: {m}")),
            AuthError::Config(m) if m.contains("token_url") => {
                AuthError::Config(format!("from the environment: LW_TOKEN_URL: {m}"))
            }
            AuthError::Config(m) => AuthError::Config(format!("from the environment: {m}")),
            other => other,
        })?;
        Ok(Some(Self::service_account(sa)))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::AccessToken(_) => f.debug_tuple("AccessToken").field(&Redacted).finish(),
            Kind::ServiceAccount(sa) => f.debug_tuple("ServiceAccount").field(sa).finish(),
            Kind::User(u) => f.debug_tuple("UserToken").field(u).finish(),
        }
    }
}

/// Prints `<redacted>` in place of a secret.
pub(super) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

pub(super) fn redact_opt<T>(v: Option<&T>) -> Option<Redacted> {
    v.map(|_| Redacted)
}
