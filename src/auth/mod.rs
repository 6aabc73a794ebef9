//! Authentication: a static access token, a service account (JWT bearer grant) or a user token
//! (refresh-token grant), behind one [`Authenticator`] that caches the bearer token, renews it
//! ahead of expiry and lets concurrent callers share a single renewal.
//!
//! Secrets (client secret, private key, access and refresh tokens, the signed assertion) are held
//! in [`SecretString`]s, handed out only as sensitive [`HeaderValue`]s, and never appear in
//! `Debug`, `Display`, errors or logs.

mod store;

pub use store::{FileTokenStore, MemoryTokenStore, StoredTokens, TokenStore};

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

/// The LINE WORKS OAuth 2.0 token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://auth.worksmobile.com/oauth2/v2.0/token";
/// The scope requested when none is configured: full access to the Partner API.
pub const DEFAULT_SCOPE: &str = "partner";

const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const REFRESH_GRANT: &str = "refresh_token";
/// The assertion is exchanged at once; 30 min stays well inside the 60 min LINE WORKS allows,
/// even with some clock skew.
const ASSERTION_LIFETIME_SECS: u64 = 30 * 60;
/// Renew this long before expiry at most (tokens normally live 24 h) ...
const MAX_RENEW_MARGIN: Duration = Duration::from_secs(5 * 60);
/// ... and at least a tenth of the lifetime before it, for short-lived tokens.
const RENEW_MARGIN_DIVISOR: u32 = 10;
/// Every caller waits on a renewal in progress, so a hung token endpoint must not hang them all.
const TOKEN_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// After a failed early renewal the still-valid token is served, and renewal retried this much later.
const RENEW_RETRY_AFTER: Duration = Duration::from_secs(30);
/// Lifetime assumed when a token response carries no `expires_in` (LINE WORKS always sends it).
const ASSUMED_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// After a busy or failing token endpoint, wait this long before the next request (doubling
/// with each further failure, jittered), unless it says how long (`Retry-After`,
/// `rateLimit-reset`) ...
const THROTTLE_WAIT: Duration = Duration::from_secs(1);
/// ... and never longer than this.
const MAX_THROTTLE_WAIT: Duration = Duration::from_secs(5 * 60);
/// After a freshly renewed token is refused by the API, renewals pause this long (doubling
/// with each further refusal, jittered) ...
const REFUSED_PAUSE: Duration = Duration::from_secs(10);
/// ... up to this.
const MAX_REFUSED_PAUSE: Duration = Duration::from_secs(10 * 60);
/// Longer claimed lifetimes are cut to this, which also keeps `Instant` arithmetic from overflowing.
const MAX_LIFETIME: Duration = Duration::from_secs(366 * 24 * 60 * 60);
const REDACTED: &str = "<redacted>";

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a bearer token could not be configured or obtained. Never contains a secret.
///
/// `Clone` so that every caller waiting on a shared renewal gets the failure it ended with.
#[non_exhaustive]
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    /// The token endpoint answered with an OAuth error body (`{error, error_description}`).
    #[error(
        "token endpoint refused the request (HTTP {status}): {error}{}",
        .error_description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
    )]
    TokenEndpoint {
        /// HTTP status code.
        status: u16,
        /// OAuth error code, e.g. `invalid_client`, `invalid_grant`.
        error: String,
        /// Human-readable explanation, when the server gave one.
        error_description: Option<String>,
    },
    /// The private key is missing, unreadable, encrypted or not an RSA key in PEM form.
    #[error("invalid private key: {0}")]
    InvalidKey(String),
    /// Credentials are incomplete or malformed (names the missing setting or variable).
    #[error("invalid authentication settings: {0}")]
    Config(String),
    /// The token endpoint could not be reached or the exchange was cut off.
    #[error("{}", transport_text(.0))]
    Transport(#[source] Arc<reqwest::Error>),
    /// The token endpoint answered something that is neither a token nor an OAuth error.
    #[error("unexpected answer from the token endpoint (HTTP {status}): {detail}")]
    InvalidResponse {
        /// HTTP status code.
        status: u16,
        /// What was wrong with it (never the body of a successful response).
        detail: String,
    },
    /// A [`TokenStore`] could not load or save (names the store, never a token).
    #[error("token store: {0}")]
    Store(String),
    /// The JWT assertion could not be signed.
    #[error("could not sign the JWT assertion: {0}")]
    Jwt(String),
}

fn transport_text(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!(
            "the token endpoint did not answer within {} s",
            TOKEN_REQUEST_TIMEOUT.as_secs()
        )
    } else if e.is_connect() {
        format!(
            "could not connect to the token endpoint: {}",
            crate::error::root_cause(e)
        )
    } else {
        format!("the token request failed: {}", crate::error::root_cause(e))
    }
}

/// Whether a failed token request says the endpoint is busy or down (429, 408, 5xx, no
/// answer), rather than refusing the grant: worth waiting for, not worth a second grant type.
fn is_throttle(e: &AuthError) -> bool {
    match e {
        AuthError::TokenEndpoint { status, .. } | AuthError::InvalidResponse { status, .. } => {
            matches!(*status, 408 | 429 | 500..=599)
        }
        AuthError::Transport(_) => true,
        _ => false,
    }
}

/// Whether the server says the refresh token itself is no good (expired, revoked, used).
fn kills_refresh_token(e: &AuthError) -> bool {
    matches!(e, AuthError::TokenEndpoint { error, .. } if error == "invalid_grant")
}

impl From<reqwest::Error> for AuthError {
    fn from(e: reqwest::Error) -> Self {
        AuthError::Transport(Arc::new(e))
    }
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

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
pub struct Credentials(Kind);

#[derive(Clone)]
enum Kind {
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

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, AuthError> {
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
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

fn redact_opt<T>(v: Option<&T>) -> Option<Redacted> {
    v.map(|_| Redacted)
}

// ---------------------------------------------------------------------------------------------
// Service account
// ---------------------------------------------------------------------------------------------

/// A LINE WORKS service account (Developer Console → app → Service Account), validated.
///
/// ```no_run
/// use lineworks_partner::auth::ServiceAccount;
///
/// # fn main() -> Result<(), lineworks_partner::auth::AuthError> {
/// let sa = ServiceAccount::builder()
///     .client_id("my-client-id")
///     .client_secret(std::env::var("MY_SECRET").unwrap_or_default())
///     .service_account_id("abcde.serviceaccount@example.com")
///     .private_key_file("private_20240101.key") // PKCS#8 or PKCS#1 PEM
///     .scopes(["partner.read"])                 // default: ["partner"]
///     .build()?;
/// # let _ = sa;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct ServiceAccount {
    client_id: String,
    client_secret: SecretString,
    service_account_id: String,
    // Parsed once and shared: the key is never copied again or printed.
    key: Arc<EncodingKey>,
    scope: String,
    token_url: String,
}

impl ServiceAccount {
    /// Start describing a service account.
    pub fn builder() -> ServiceAccountBuilder {
        ServiceAccountBuilder::default()
    }

    /// The app's client ID (not a secret).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The service account ID, e.g. `abcde.serviceaccount@example.com`.
    pub fn service_account_id(&self) -> &str {
        &self.service_account_id
    }

    /// The requested scopes, space-separated as sent to the token endpoint.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// A signed RS256 assertion: `iss` client ID, `sub` service account ID, `iat`, `exp`.
    fn assertion(&self) -> Result<SecretString, AuthError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| AuthError::Jwt("the system clock is before 1970".into()))?
            .as_secs();
        sign_assertion(
            &self.key,
            &self.client_id,
            &self.service_account_id,
            now,
            now + ASSERTION_LIFETIME_SECS,
        )
    }
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_id", &self.client_id)
            .field("client_secret", &Redacted)
            .field("service_account_id", &self.service_account_id)
            .field("private_key", &Redacted)
            .field("scope", &self.scope)
            .field("token_url", &self.token_url)
            .finish()
    }
}

#[derive(Clone)]
enum KeySource {
    Pem(SecretString),
    File(PathBuf),
}

/// Builder for [`ServiceAccount`]; [`build`](Self::build) checks every field and the key.
#[derive(Clone)]
#[must_use]
pub struct ServiceAccountBuilder {
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    service_account_id: Option<String>,
    key: Option<KeySource>,
    scopes: Vec<String>,
    token_url: String,
}

impl Default for ServiceAccountBuilder {
    fn default() -> Self {
        Self {
            client_id: None,
            client_secret: None,
            service_account_id: None,
            key: None,
            scopes: vec![DEFAULT_SCOPE.to_owned()],
            token_url: DEFAULT_TOKEN_URL.to_owned(),
        }
    }
}

impl ServiceAccountBuilder {
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

    /// The service account ID, e.g. `abcde.serviceaccount@example.com`.
    pub fn service_account_id(mut self, id: impl Into<String>) -> Self {
        self.service_account_id = Some(id.into());
        self
    }

    /// The private key as PEM text (`BEGIN PRIVATE KEY` or `BEGIN RSA PRIVATE KEY`).
    pub fn private_key_pem(mut self, pem: &str) -> Self {
        self.key = Some(KeySource::Pem(SecretString::from(pem)));
        self
    }

    /// The path of the PEM private key file downloaded from the Developer Console; read by
    /// [`build`](Self::build).
    pub fn private_key_file(mut self, path: impl AsRef<Path>) -> Self {
        self.key = Some(KeySource::File(path.as_ref().to_path_buf()));
        self
    }

    /// The scopes to request, replacing the default `["partner"]` (`"partner.read"` for read-only).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The token endpoint (default [`DEFAULT_TOKEN_URL`]); for tests and proxies.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }

    /// Validate everything, read and parse the key, and check that it can sign.
    ///
    /// # Errors
    ///
    /// [`AuthError::Config`] naming a missing field or a bad token URL; [`AuthError::InvalidKey`]
    /// for a missing, unreadable, encrypted or non-RSA key.
    pub fn build(self) -> Result<ServiceAccount, AuthError> {
        let what = "service account";
        let client_id = required(self.client_id, what, "client_id")?;
        let client_secret = required_secret(self.client_secret, what, "client_secret")?;
        let service_account_id = required(self.service_account_id, what, "service_account_id")?;
        let token_url = valid_url(&self.token_url, what)?;
        let scopes: Vec<String> = self
            .scopes
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        if scopes.is_empty() {
            return Err(AuthError::Config(
                "service account: no scope set (use \"partner\" or \"partner.read\")".into(),
            ));
        }
        let pem = match self.key {
            None => {
                return Err(AuthError::InvalidKey(
                    "service account: no private key set (private_key_pem or private_key_file)"
                        .into(),
                ));
            }
            Some(KeySource::Pem(pem)) => pem,
            Some(KeySource::File(path)) => match std::fs::read_to_string(&path) {
                Ok(text) => SecretString::from(text),
                Err(e) => {
                    return Err(AuthError::InvalidKey(format!(
                        "cannot read private key file {}: {e}",
                        path.display()
                    )));
                }
            },
        };
        let key = parse_private_key(pem.expose_secret())?;
        Ok(ServiceAccount {
            client_id,
            client_secret,
            service_account_id,
            key: Arc::new(key),
            scope: scopes.join(" "),
            token_url,
        })
    }
}

impl fmt::Debug for ServiceAccountBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccountBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &redact_opt(self.client_secret.as_ref()))
            .field("service_account_id", &self.service_account_id)
            .field(
                "private_key",
                &match &self.key {
                    None => "none".to_owned(),
                    Some(KeySource::Pem(_)) => REDACTED.to_owned(),
                    Some(KeySource::File(p)) => format!("file {}", p.display()),
                },
            )
            .field("scopes", &self.scopes)
            .field("token_url", &self.token_url)
            .finish()
    }
}

fn required(v: Option<String>, what: &str, field: &str) -> Result<String, AuthError> {
    match v {
        Some(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
        _ => Err(AuthError::Config(format!("{what}: {field} is not set"))),
    }
}

fn required_secret(
    v: Option<SecretString>,
    what: &str,
    field: &str,
) -> Result<SecretString, AuthError> {
    match v {
        Some(v) if !v.expose_secret().trim().is_empty() => Ok(v),
        _ => Err(AuthError::Config(format!("{what}: {field} is not set"))),
    }
}

/// The token URL carries the client secret, the signed assertion and refresh tokens, so the
/// base URL's rule applies: https, or plain http only to a loopback host (a local fake).
fn valid_url(url: &str, what: &str) -> Result<String, AuthError> {
    let url = url.trim().to_owned();
    match reqwest::Url::parse(&url) {
        Ok(u) if u.scheme() == "https" => Ok(url),
        Ok(u) if u.scheme() == "http" && crate::client::is_loopback(&u) => Ok(url),
        Ok(u) if u.scheme() == "http" => Err(AuthError::Config(format!(
            "{what}: token_url `{url}` uses plain http on a non-loopback host, which would send \
             the client secret and tokens in cleartext; use https"
        ))),
        Ok(_) => Err(AuthError::Config(format!(
            "{what}: token_url `{url}` is not an https URL"
        ))),
        Err(e) => Err(AuthError::Config(format!(
            "{what}: token_url `{url}` is not a valid URL: {e}"
        ))),
    }
}

/// Parse a PKCS#8 or PKCS#1 PEM RSA private key and prove it signs, so a bad key fails at
/// `build()` rather than at the first API call.
fn parse_private_key(pem: &str) -> Result<EncodingKey, AuthError> {
    const EXPECTED: &str = "expected an unencrypted RSA private key in PEM form \
                            (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)";
    if pem.contains("ENCRYPTED") {
        return Err(AuthError::InvalidKey(format!(
            "the key is encrypted; {EXPECTED} (decrypt it with `openssl pkey -in key.pem -out plain.pem`)"
        )));
    }
    if !pem.contains("-----BEGIN") {
        return Err(AuthError::InvalidKey(EXPECTED.into()));
    }
    if pem.contains("PUBLIC KEY-----") || pem.contains("CERTIFICATE-----") {
        return Err(AuthError::InvalidKey(format!(
            "this is a public key or certificate; {EXPECTED}"
        )));
    }
    // jsonwebtoken's messages name the problem (format, ASN.1), never the key bytes.
    let key = EncodingKey::from_rsa_pem(pem.as_bytes())
        .map_err(|e| AuthError::InvalidKey(format!("{EXPECTED}: {e}")))?;
    signer(&key)?
        .try_sign(b"key check")
        .map_err(|e| AuthError::InvalidKey(format!("{EXPECTED}: the key cannot sign: {e}")))?;
    Ok(key)
}

/// The RS256 signer of the aws-lc backend, taken directly rather than through jsonwebtoken's
/// process-wide default provider: that default panics when feature unification enables both
/// of its backends, and an SDK must not panic because of an unrelated crate.
fn signer(key: &EncodingKey) -> Result<Box<dyn jsonwebtoken::crypto::JwtSigner>, AuthError> {
    (jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.signer_factory)(&Algorithm::RS256, key)
        .map_err(|e| AuthError::InvalidKey(format!("not usable for RS256: {e}")))
}

#[derive(serde::Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    iat: u64,
    exp: u64,
}

fn sign_assertion(
    key: &EncodingKey,
    client_id: &str,
    service_account_id: &str,
    iat: u64,
    exp: u64,
) -> Result<SecretString, AuthError> {
    // Written out so the header is exactly what LINE WORKS documents.
    const HEADER: &str = r#"{"alg":"RS256","typ":"JWT"}"#;
    let claims = serde_json::to_vec(&Claims {
        iss: client_id,
        sub: service_account_id,
        iat,
        exp,
    })
    .map_err(|e| AuthError::Jwt(e.to_string()))?;
    let message = format!("{}.{}", b64url(HEADER.as_bytes()), b64url(&claims));
    let signature = signer(key)?
        .try_sign(message.as_bytes())
        .map_err(|e| AuthError::Jwt(e.to_string()))?;
    Ok(SecretString::from(format!(
        "{message}.{}",
        b64url(&signature)
    )))
}

/// Base64url without padding (RFC 7515 §2); small enough not to warrant a dependency.
fn b64url(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// User token
// ---------------------------------------------------------------------------------------------

/// A user-account token pair (from the authorization-code flow), renewed with
/// `grant_type=refresh_token`.
#[derive(Clone)]
pub struct UserToken {
    access_token: Option<SecretString>,
    access_token_expires_at: Option<Instant>,
    refresh_token: SecretString,
    client_id: String,
    client_secret: SecretString,
    token_url: String,
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

// ---------------------------------------------------------------------------------------------
// Authenticator
// ---------------------------------------------------------------------------------------------

/// Supplies `Authorization` header values: cached, renewed ahead of expiry, one renewal at a
/// time however many callers need it. Cheap to clone (shared state).
#[derive(Clone)]
pub struct Authenticator {
    inner: Arc<Inner>,
}

struct Inner {
    credentials: Credentials,
    store: Option<Arc<dyn TokenStore>>,
    http: reqwest::Client,
    /// Read on every request without waiting on a renewal in progress.
    cache: RwLock<Option<Cached>>,
    /// Held for the whole of a renewal: whoever holds it is the single flight.
    flight: tokio::sync::Mutex<Flight>,
    /// Mirror of `Flight::generation`, readable before queueing on `flight`.
    finished: AtomicU64,
    requests: AtomicU64,
    /// How many renewals in a row produced a token the API refused at once.
    refused_streak: AtomicU32,
    /// Renewals after a 401 are paused until then.
    paused_until: Mutex<Option<Instant>>,
}

#[derive(Clone)]
struct Cached {
    header: HeaderValue,
    /// Renew from this instant on (`None`: only after a 401).
    renew_at: Option<Instant>,
    /// The token is no longer valid from this instant on.
    expires_at: Option<Instant>,
}

struct Flight {
    /// Count of finished renewals: a waiter that sees it move knows a renewal ran meanwhile.
    generation: u64,
    /// How the last renewal failed, handed to the callers that queued behind it.
    last_error: Option<AuthError>,
    refresh_token: Option<SecretString>,
    /// The endpoint is busy or failing: no request before the instant; its failure meanwhile.
    throttled: Option<(Instant, AuthError)>,
    /// Throttled answers in a row, for the backoff.
    throttle_streak: u32,
    /// How long the endpoint asked to wait in its last error answer.
    hint: Option<Duration>,
}

/// A successful token response.
struct Token {
    access_token: SecretString,
    refresh_token: Option<SecretString>,
    lifetime: Duration,
    /// When the request was sent: expiry counts from here, to stay on the safe side.
    sent_at: Instant,
}

impl Authenticator {
    /// An authenticator for `credentials`, fetching tokens with `http` (the API client's own
    /// `reqwest::Client` is fine; each token request gets a 30 s timeout of its own).
    pub fn new(credentials: Credentials, http: reqwest::Client) -> Self {
        Self::build(credentials, http, None)
    }

    /// Like [`new`](Self::new), with tokens kept in `store`: loaded now (a stored refresh token
    /// replaces the configured one, a stored access token is used until it expires) and saved
    /// after every renewal. A static access token is never stored.
    pub fn with_store(
        credentials: Credentials,
        http: reqwest::Client,
        store: Arc<dyn TokenStore>,
    ) -> Self {
        Self::build(credentials, http, Some(store))
    }

    fn build(
        credentials: Credentials,
        http: reqwest::Client,
        store: Option<Arc<dyn TokenStore>>,
    ) -> Self {
        let (mut cache, mut refresh_token) = match &credentials.0 {
            // Built once; `authorization()` reports a token unfit for a header.
            Kind::AccessToken(token) => (
                bearer(token).ok().map(|header| Cached {
                    header,
                    renew_at: None,
                    expires_at: None,
                }),
                None,
            ),
            Kind::ServiceAccount(_) => (None, None),
            Kind::User(u) => {
                let cache = u.access_token.as_ref().and_then(|t| {
                    let header = bearer(t).ok()?;
                    Some(Cached {
                        header,
                        renew_at: u.access_token_expires_at.map(|at| {
                            let left = at.saturating_duration_since(Instant::now());
                            at - (left / RENEW_MARGIN_DIVISOR).min(MAX_RENEW_MARGIN)
                        }),
                        expires_at: u.access_token_expires_at,
                    })
                });
                (cache, Some(u.refresh_token.clone()))
            }
        };
        let renewable = !matches!(credentials.0, Kind::AccessToken(_));
        let stored = match (&store, renewable) {
            (Some(store), true) => store.load().unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot load stored tokens; starting without them");
                None
            }),
            _ => None,
        };
        if let Some(stored) = stored {
            if stored.refresh_token.is_some() {
                refresh_token = stored.refresh_token;
            }
            let left = stored
                .access_token_expires_at
                .and_then(|at| at.duration_since(SystemTime::now()).ok());
            if let (Some(token), Some(left)) = (&stored.access_token, left)
                && let Ok(header) = bearer(token)
            {
                let expires_at = Instant::now() + left.min(MAX_LIFETIME);
                cache = Some(Cached {
                    header,
                    renew_at: Some(
                        expires_at - (left / RENEW_MARGIN_DIVISOR).min(MAX_RENEW_MARGIN),
                    ),
                    expires_at: Some(expires_at),
                });
            }
        }
        Authenticator {
            inner: Arc::new(Inner {
                credentials,
                store,
                http,
                cache: RwLock::new(cache),
                flight: tokio::sync::Mutex::new(Flight {
                    generation: 0,
                    last_error: None,
                    refresh_token,
                    throttled: None,
                    throttle_streak: 0,
                    hint: None,
                }),
                finished: AtomicU64::new(0),
                requests: AtomicU64::new(0),
                refused_streak: AtomicU32::new(0),
                paused_until: Mutex::new(None),
            }),
        }
    }

    /// Cached token as a ready `Authorization` header value, marked sensitive.
    ///
    /// Renewed ahead of expiry (5 min, or a tenth of the lifetime for short-lived tokens).
    /// Single flight: concurrent callers share one renewal, and share its failure too.
    ///
    /// # Errors
    ///
    /// Whatever stopped the token request ([`AuthError::TokenEndpoint`], `Transport`, ...);
    /// [`AuthError::Config`] for a static token that cannot go in a header.
    pub async fn authorization(&self) -> Result<HeaderValue, AuthError> {
        let inner = &*self.inner;
        if let Some(h) = inner.fresh() {
            return Ok(h);
        }
        if let Kind::AccessToken(token) = &inner.credentials.0 {
            return bearer(token);
        }
        let seen = inner.finished.load(Ordering::Acquire);
        let mut flight = inner.flight.lock().await;
        if let Some(h) = inner.fresh() {
            return Ok(h);
        }
        if flight.generation != seen
            && let Some(e) = &flight.last_error
        {
            return Err(e.clone());
        }
        inner.renew(&mut flight, false).await
    }

    /// After the API answered 401 for a request sent with `rejected`: drop that token and get a
    /// new one, once. If another caller already replaced it, the current one is returned without
    /// a request.
    ///
    /// # Errors
    ///
    /// As for [`authorization`](Self::authorization); the rejected token is never handed out
    /// again. A static access token cannot be renewed: [`AuthError::Config`] saying so, without
    /// a request (see also [`can_renew`](Self::can_renew)).
    pub async fn reauthorize(&self, rejected: &HeaderValue) -> Result<HeaderValue, AuthError> {
        let inner = &*self.inner;
        if let Kind::AccessToken(_) = &inner.credentials.0 {
            return Err(AuthError::Config(
                "the API rejected the static access token (401) and it cannot be renewed; \
                 supply a new token or service-account credentials"
                    .into(),
            ));
        }
        let seen = inner.finished.load(Ordering::Acquire);
        let mut flight = inner.flight.lock().await;
        {
            let now = Instant::now();
            let mut cache = inner.write_cache();
            match cache.as_ref() {
                // `HeaderValue` equality compares the bytes only, not the sensitive flag.
                Some(c) if c.header != *rejected && c.expires_at.is_none_or(|t| now < t) => {
                    return Ok(c.header.clone());
                }
                Some(c) if c.header == *rejected => *cache = None,
                _ => {}
            }
        }
        if flight.generation != seen
            && let Some(e) = &flight.last_error
        {
            return Err(e.clone());
        }
        tracing::debug!("access token rejected by the API; renewing");
        inner.renew(&mut flight, true).await
    }

    /// Whether these credentials can produce a new token (false for a static access token).
    pub fn can_renew(&self) -> bool {
        !matches!(self.inner.credentials.0, Kind::AccessToken(_))
    }

    /// Records that the API refused a token straight after a renewal: the credential itself is
    /// refused (revoked, lacking the scope). Renewals after a 401 pause for a while, bounded
    /// and jittered, growing with each refusal in a row.
    pub(crate) fn rejected_after_renewal(&self) {
        let inner = &*self.inner;
        let streak = inner.refused_streak.fetch_add(1, Ordering::AcqRel) + 1;
        let ceiling = REFUSED_PAUSE
            .saturating_mul(1 << (streak - 1).min(10))
            .min(MAX_REFUSED_PAUSE);
        let pause = ceiling / 2 + crate::retry::jitter(ceiling / 2);
        *inner.paused() = Some(Instant::now() + pause);
        tracing::warn!(
            pause_ms = pause.as_millis() as u64,
            refusals = streak,
            "the API refused a freshly renewed token; renewals after 401 are paused"
        );
    }

    /// Whether renewals after a 401 are paused (see [`rejected_after_renewal`](Self::rejected_after_renewal)).
    pub(crate) fn renewal_paused(&self) -> bool {
        let inner = &*self.inner;
        inner.refused_streak.load(Ordering::Acquire) > 0
            && inner.paused().is_some_and(|until| Instant::now() < until)
    }

    /// Records that the API accepted a token: refusals in a row start again from zero.
    pub(crate) fn accepted(&self) {
        let inner = &*self.inner;
        if inner.refused_streak.load(Ordering::Acquire) > 0 {
            inner.refused_streak.store(0, Ordering::Release);
            *inner.paused() = None;
        }
    }

    /// How many token-endpoint requests were made (for tests and benchmarks).
    pub fn token_requests(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("credentials", &self.inner.credentials)
            .field("has_token", &self.inner.read_cache().is_some())
            .field("token_requests", &self.token_requests())
            .finish()
    }
}

impl Inner {
    fn read_cache(&self) -> RwLockReadGuard<'_, Option<Cached>> {
        // A panic while holding the lock cannot leave a half-written `Option<Cached>`.
        self.cache.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write_cache(&self) -> RwLockWriteGuard<'_, Option<Cached>> {
        self.cache.write().unwrap_or_else(|e| e.into_inner())
    }

    fn paused(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.paused_until.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn fresh(&self) -> Option<HeaderValue> {
        let now = Instant::now();
        self.read_cache()
            .as_ref()
            .filter(|c| c.renew_at.is_none_or(|t| now < t))
            .map(|c| c.header.clone())
    }

    /// Run one renewal while holding the flight lock, publish the outcome, and bump the
    /// generation so the callers queued behind it take the outcome instead of another request.
    async fn renew(&self, flight: &mut Flight, forced: bool) -> Result<HeaderValue, AuthError> {
        let now = Instant::now();
        let result = match &flight.throttled {
            // A busy endpoint is left alone until the wait is over; callers get its last answer.
            Some((until, e)) if now < *until => Err(e.clone()),
            _ => {
                flight.hint = None;
                let result = self.fetch(flight).await;
                match &result {
                    Err(e) if is_throttle(e) => {
                        flight.throttle_streak += 1;
                        let ceiling = THROTTLE_WAIT
                            .saturating_mul(1 << (flight.throttle_streak - 1).min(10))
                            .min(MAX_THROTTLE_WAIT);
                        let wait = flight
                            .hint
                            .take()
                            .unwrap_or_else(|| ceiling / 2 + crate::retry::jitter(ceiling / 2))
                            .min(MAX_THROTTLE_WAIT);
                        tracing::debug!(
                            wait_ms = wait.as_millis() as u64,
                            "token endpoint busy or failing; backing off"
                        );
                        flight.throttled = Some((Instant::now() + wait, e.clone()));
                    }
                    _ => {
                        flight.throttle_streak = 0;
                        flight.throttled = None;
                    }
                }
                result
            }
        };
        let result = result.and_then(|token| {
            let header = bearer(&token.access_token)?;
            let margin = (token.lifetime / RENEW_MARGIN_DIVISOR).min(MAX_RENEW_MARGIN);
            let expires_at = token.sent_at + token.lifetime;
            if let Some(store) = &self.store {
                let tokens = StoredTokens::new(
                    flight.refresh_token.clone(),
                    Some(token.access_token.clone()),
                    SystemTime::now().checked_add(token.lifetime),
                );
                if let Err(e) = store.save(&tokens) {
                    tracing::warn!(error = %e, "cannot save the renewed tokens; they are kept in memory");
                }
            }
            Ok(Cached {
                header,
                renew_at: Some(expires_at - margin),
                expires_at: Some(expires_at),
            })
        });
        flight.generation += 1;
        let outcome = match result {
            Ok(cached) => {
                flight.last_error = None;
                let header = cached.header.clone();
                *self.write_cache() = Some(cached);
                Ok(header)
            }
            Err(e) => {
                let now = Instant::now();
                let mut cache = self.write_cache();
                match cache.as_mut() {
                    // An early renewal failed but the token still works: keep using it.
                    Some(c) if !forced && c.expires_at.is_some_and(|t| now < t) => {
                        let expires_at = c.expires_at.unwrap_or(now);
                        c.renew_at = Some((now + RENEW_RETRY_AFTER).min(expires_at));
                        tracing::warn!(error = %e, "token renewal failed; the current token is still valid and stays in use");
                        flight.last_error = None;
                        Ok(c.header.clone())
                    }
                    _ => {
                        *cache = None;
                        flight.last_error = Some(e.clone());
                        Err(e)
                    }
                }
            }
        };
        self.finished.store(flight.generation, Ordering::Release);
        outcome
    }

    async fn fetch(&self, flight: &mut Flight) -> Result<Token, AuthError> {
        match &self.credentials.0 {
            Kind::AccessToken(_) => Err(AuthError::Config(
                "a static access token cannot be renewed".into(),
            )),
            Kind::ServiceAccount(sa) => {
                if let Some(refresh) = flight.refresh_token.clone() {
                    match self
                        .refresh(
                            &sa.token_url,
                            &sa.client_id,
                            &sa.client_secret,
                            &refresh,
                            &mut flight.hint,
                        )
                        .await
                    {
                        Ok(token) => {
                            if let Some(rotated) = &token.refresh_token {
                                flight.refresh_token = Some(rotated.clone());
                            }
                            return Ok(token);
                        }
                        // A busy or failing endpoint: keep the refresh token for when it is back,
                        // and do not add a JWT exchange to its load.
                        Err(e) if is_throttle(&e) => return Err(e),
                        Err(e) => {
                            tracing::warn!(error = %e, "refresh-token grant failed; signing a new JWT assertion");
                            // Only `invalid_grant` says the refresh token is dead; after another
                            // refusal it may still serve once the JWT exchange fails too.
                            if kills_refresh_token(&e) {
                                flight.refresh_token = None;
                            }
                        }
                    }
                }
                let assertion = sa.assertion()?;
                tracing::debug!(token_url = %sa.token_url, scope = %sa.scope, "requesting an access token (JWT bearer grant)");
                let token = self
                    .post(
                        &sa.token_url,
                        &[
                            ("grant_type", JWT_BEARER_GRANT),
                            ("assertion", assertion.expose_secret()),
                            ("client_id", &sa.client_id),
                            ("client_secret", sa.client_secret.expose_secret()),
                            ("scope", &sa.scope),
                        ],
                        &mut flight.hint,
                    )
                    .await?;
                // A new grant: its refresh token (if any) supersedes the old one.
                flight.refresh_token = token.refresh_token.clone();
                Ok(token)
            }
            Kind::User(u) => {
                let refresh = flight
                    .refresh_token
                    .clone()
                    .unwrap_or_else(|| u.refresh_token.clone());
                let token = self
                    .refresh(
                        &u.token_url,
                        &u.client_id,
                        &u.client_secret,
                        &refresh,
                        &mut flight.hint,
                    )
                    .await?;
                if let Some(rotated) = &token.refresh_token {
                    flight.refresh_token = Some(rotated.clone());
                }
                Ok(token)
            }
        }
    }

    async fn refresh(
        &self,
        token_url: &str,
        client_id: &str,
        client_secret: &SecretString,
        refresh_token: &SecretString,
        hint: &mut Option<Duration>,
    ) -> Result<Token, AuthError> {
        tracing::debug!(token_url = %token_url, "renewing the access token (refresh-token grant)");
        self.post(
            token_url,
            &[
                ("grant_type", REFRESH_GRANT),
                ("refresh_token", refresh_token.expose_secret()),
                ("client_id", client_id),
                ("client_secret", client_secret.expose_secret()),
            ],
            hint,
        )
        .await
    }

    /// One token request; an error answer's requested wait goes to `hint`.
    async fn post(
        &self,
        token_url: &str,
        form: &[(&str, &str)],
        hint: &mut Option<Duration>,
    ) -> Result<Token, AuthError> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let sent_at = Instant::now();
        let response = self
            .http
            .post(token_url)
            .timeout(TOKEN_REQUEST_TIMEOUT)
            .header(ACCEPT, "application/json")
            .form(form)
            .send()
            .await?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none")
            .to_owned();
        if !response.status().is_success() {
            *hint = crate::retry::rate_limit_reset(response.headers());
        }
        let body = response.bytes().await?;
        if (200..300).contains(&status) {
            let token = parse_token(status, &body, sent_at)?;
            tracing::debug!(
                token_url = %token_url,
                expires_in_secs = token.lifetime.as_secs(),
                refresh_token = token.refresh_token.is_some(),
                "access token obtained"
            );
            Ok(token)
        } else {
            Err(parse_error(status, &body, &content_type))
        }
    }
}

/// `Bearer <token>`, marked sensitive so that hyper and `Debug` keep it out of sight.
fn bearer(token: &SecretString) -> Result<HeaderValue, AuthError> {
    let mut header =
        HeaderValue::try_from(format!("Bearer {}", token.expose_secret())).map_err(|_| {
            AuthError::Config(
                "the access token contains characters not allowed in an HTTP header".into(),
            )
        })?;
    header.set_sensitive(true);
    Ok(header)
}

/// Read a successful token response without ever quoting it: it carries the tokens.
fn parse_token(status: u16, body: &[u8], sent_at: Instant) -> Result<Token, AuthError> {
    let invalid = |detail: &str| AuthError::InvalidResponse {
        status,
        detail: detail.to_owned(),
    };
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| invalid("the token response is not JSON"))?;
    let serde_json::Value::Object(map) = value else {
        return Err(invalid("the token response is not a JSON object"));
    };
    let access_token = match map.get("access_token") {
        Some(serde_json::Value::String(s)) if !s.is_empty() => SecretString::from(s.as_str()),
        Some(_) => return Err(invalid("`access_token` is not a non-empty string")),
        // Some servers put an OAuth error in a 200 answer.
        None if map.get("error").is_some_and(serde_json::Value::is_string) => {
            return Err(parse_error(status, body, "application/json"));
        }
        None => return Err(invalid("the token response has no `access_token`")),
    };
    let refresh_token = match map.get("refresh_token") {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(SecretString::from(s.as_str())),
        None | Some(serde_json::Value::Null) => None,
        Some(_) => return Err(invalid("`refresh_token` is not a string")),
    };
    // LINE WORKS sends a string ("86400"); OAuth says number. Accept both.
    let lifetime = match map.get("expires_in") {
        None | Some(serde_json::Value::Null) => ASSUMED_LIFETIME,
        Some(serde_json::Value::Number(n)) => n
            .as_u64()
            .map(Duration::from_secs)
            .or_else(|| n.as_f64().and_then(|f| Duration::try_from_secs_f64(f).ok()))
            .ok_or_else(|| invalid("`expires_in` is not a non-negative number of seconds"))?,
        Some(serde_json::Value::String(s)) => s
            .trim()
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| invalid("`expires_in` is not a number of seconds"))?,
        Some(_) => return Err(invalid("`expires_in` is neither a string nor a number")),
    }
    .min(MAX_LIFETIME);
    if let Some(kind) = map.get("token_type").and_then(|t| t.as_str())
        && !kind.eq_ignore_ascii_case("bearer")
    {
        tracing::warn!(token_type = %kind, "unexpected token type; sending it as a Bearer token");
    }
    Ok(Token {
        access_token,
        refresh_token,
        lifetime,
        sent_at,
    })
}

/// Type an error answer: OAuth's `{error, error_description}`, or LINE WORKS' `{code, description}`.
fn parse_error(status: u16, body: &[u8], content_type: &str) -> AuthError {
    let fields: Option<HashMap<String, serde_json::Value>> = serde_json::from_slice(body).ok();
    let text = |map: &HashMap<String, serde_json::Value>, key: &str| {
        map.get(key).and_then(|v| v.as_str()).map(str::to_owned)
    };
    if let Some(map) = &fields {
        for (code, description) in [("error", "error_description"), ("code", "description")] {
            if let Some(error) = text(map, code) {
                return AuthError::TokenEndpoint {
                    status,
                    error,
                    error_description: text(map, description),
                };
            }
        }
    }
    // Describe rather than quote: an unknown body might echo the request, secrets included.
    AuthError::InvalidResponse {
        status,
        detail: format!(
            "no OAuth error in the body (content-type {content_type}, {} bytes)",
            body.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation};

    const PKCS8: &str = include_str!("../tests/fixtures/test_key_pkcs8.pem");
    const PKCS1: &str = include_str!("../tests/fixtures/test_key_pkcs1.pem");
    const PUBLIC: &str = include_str!("../tests/fixtures/test_key_public.pem");

    fn sa(pem: &str) -> Result<ServiceAccount, AuthError> {
        ServiceAccount::builder()
            .client_id("cid")
            .client_secret("csecret")
            .service_account_id("abc.serviceaccount@example.com")
            .private_key_pem(pem)
            .build()
    }

    fn parts(jwt: &str) -> (serde_json::Value, serde_json::Value) {
        let decode = |s: &str| {
            // The claims are checked through jsonwebtoken too; this is only a structural look.
            let padded = s.replace('-', "+").replace('_', "/");
            let bytes = base64_decode(&padded);
            serde_json::from_slice(&bytes).unwrap()
        };
        let mut it = jwt.split('.');
        (decode(it.next().unwrap()), decode(it.next().unwrap()))
    }

    fn base64_decode(s: &str) -> Vec<u8> {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let vals: Vec<u32> = s
            .bytes()
            .map(|c| A.iter().position(|&a| a == c).unwrap() as u32)
            .collect();
        let mut out = Vec::new();
        for chunk in vals.chunks(4) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &v)| n | (v << (18 - 6 * i)));
            for i in 0..chunk.len() - 1 {
                out.push((n >> (16 - 8 * i)) as u8);
            }
        }
        out
    }

    #[test]
    fn b64url_matches_rfc4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(b64url(input.as_bytes()), expected);
        }
        assert_eq!(b64url(&[0xfb, 0xff, 0xbf]), "-_-_");
    }

    #[test]
    fn assertion_header_and_claims_are_exact_and_verifiable() {
        for pem in [PKCS8, PKCS1] {
            let account = sa(pem).unwrap();
            let jwt = account.assertion().unwrap();
            let jwt = jwt.expose_secret();
            let (header, claims) = parts(jwt);
            assert_eq!(header, serde_json::json!({"alg": "RS256", "typ": "JWT"}));
            assert_eq!(
                jwt.split('.').next().unwrap(),
                b64url(br#"{"alg":"RS256","typ":"JWT"}"#)
            );
            let obj = claims.as_object().unwrap();
            let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["exp", "iat", "iss", "sub"]);
            assert_eq!(claims["iss"], "cid");
            assert_eq!(claims["sub"], "abc.serviceaccount@example.com");
            let iat = claims["iat"].as_u64().expect("numeric iat");
            let exp = claims["exp"].as_u64().expect("numeric exp");
            assert!(exp > iat && exp - iat <= 3600, "exp - iat = {}", exp - iat);
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs();
            assert!(iat.abs_diff(now) <= 5);

            let mut validation = Validation::new(Algorithm::RS256);
            validation.set_required_spec_claims(&["exp", "iat", "iss", "sub"]);
            validation.set_issuer(&["cid"]);
            let key = DecodingKey::from_rsa_pem(PUBLIC.as_bytes()).unwrap();
            let data = jsonwebtoken::decode::<serde_json::Value>(jwt, &key, &validation).unwrap();
            assert_eq!(data.claims, claims);
        }
    }

    #[test]
    fn bad_keys_are_invalid_key_errors() {
        let cases = [
            "not a key at all".to_owned(),
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".to_owned(),
            "-----BEGIN RSA PRIVATE KEY-----\nbm9wZQ==\n-----END RSA PRIVATE KEY-----\n".to_owned(),
            PUBLIC.to_owned(),
            PKCS8.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY"),
            String::new(),
        ];
        for pem in &cases {
            match sa(pem) {
                Err(AuthError::InvalidKey(msg)) => {
                    assert!(msg.contains("PEM") || msg.contains("encrypted"), "{msg}");
                    assert!(!msg.contains("MII"), "key material in message: {msg}");
                }
                other => panic!("expected InvalidKey for {pem:?}, got {other:?}"),
            }
        }
    }

    #[test]
    fn key_file_is_read_and_missing_file_is_named() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/test_key_pkcs1.pem"
        );
        let builder = ServiceAccount::builder()
            .client_id("cid")
            .client_secret("s")
            .service_account_id("sa");
        assert!(builder.clone().private_key_file(path).build().is_ok());
        match builder.private_key_file("/nonexistent/key.pem").build() {
            Err(AuthError::InvalidKey(m)) => assert!(m.contains("/nonexistent/key.pem"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn builder_reports_missing_fields_and_defaults() {
        let err = ServiceAccount::builder().build().unwrap_err();
        assert!(
            matches!(&err, AuthError::Config(m) if m.contains("client_id")),
            "{err}"
        );
        let err = ServiceAccount::builder()
            .client_id("c")
            .client_secret("s")
            .service_account_id("a")
            .private_key_pem(PKCS8)
            .token_url("not a url")
            .build()
            .unwrap_err();
        assert!(
            matches!(&err, AuthError::Config(m) if m.contains("token_url")),
            "{err}"
        );
        let account = sa(PKCS8).unwrap();
        assert_eq!(account.scope(), "partner");
        assert_eq!(account.token_url(), DEFAULT_TOKEN_URL);
        let read_only = ServiceAccount::builder()
            .client_id("c")
            .client_secret("s")
            .service_account_id("a")
            .private_key_pem(PKCS8)
            .scopes(["partner.read", "user"])
            .build()
            .unwrap();
        assert_eq!(read_only.scope(), "partner.read user");

        let err = UserToken::builder().client_id("c").build().unwrap_err();
        assert!(
            matches!(&err, AuthError::Config(m) if m.contains("refresh_token")),
            "{err}"
        );
    }

    #[test]
    fn token_response_parsing() {
        let now = Instant::now();
        let t = parse_token(
            200,
            br#"{"access_token":"a","expires_in":"86400","token_type":"Bearer"}"#,
            now,
        )
        .unwrap();
        assert_eq!(t.lifetime, Duration::from_secs(86400));
        assert!(t.refresh_token.is_none());
        let t = parse_token(
            200,
            br#"{"access_token":"a","refresh_token":"r","expires_in":3600}"#,
            now,
        )
        .unwrap();
        assert_eq!(t.lifetime, Duration::from_secs(3600));
        assert_eq!(t.refresh_token.unwrap().expose_secret(), "r");
        let t = parse_token(200, br#"{"access_token":"a"}"#, now).unwrap();
        assert_eq!(t.lifetime, ASSUMED_LIFETIME);
        let t = parse_token(
            200,
            br#"{"access_token":"a","expires_in":"18446744073709551615"}"#,
            now,
        );
        assert_eq!(t.unwrap().lifetime, MAX_LIFETIME);
        let err = parse_token(200, br#"{"error":"invalid_request"}"#, now)
            .err()
            .unwrap();
        assert!(
            matches!(err, AuthError::TokenEndpoint { status: 200, .. }),
            "{err:?}"
        );
        for bad in [
            &br#"{"expires_in":"1"}"#[..],
            br#"{"access_token":"","expires_in":"1"}"#,
            br#"{"access_token":"secret-tok","expires_in":"soon"}"#,
            br#"{"access_token":"secret-tok","expires_in":-1}"#,
            br#"["secret-tok"]"#,
            b"secret-tok",
        ] {
            let err = parse_token(200, bad, now).err().expect("must fail");
            assert!(matches!(
                err,
                AuthError::InvalidResponse { status: 200, .. }
            ));
            assert!(!format!("{err} {err:?}").contains("secret-tok"));
        }
    }

    #[test]
    fn error_body_parsing() {
        match parse_error(
            400,
            br#"{"error":"invalid_grant","error_description":"expired"}"#,
            "application/json",
        ) {
            AuthError::TokenEndpoint {
                status: 400,
                error,
                error_description,
            } => {
                assert_eq!(error, "invalid_grant");
                assert_eq!(error_description.as_deref(), Some("expired"));
            }
            other => panic!("{other:?}"),
        }
        match parse_error(
            401,
            br#"{"code":"UNAUTHORIZED","description":"bad client"}"#,
            "application/json",
        ) {
            AuthError::TokenEndpoint {
                status: 401, error, ..
            } => assert_eq!(error, "UNAUTHORIZED"),
            other => panic!("{other:?}"),
        }
        let err = parse_error(502, b"<html>client_secret=hunter2</html>", "text/html");
        assert!(matches!(
            err,
            AuthError::InvalidResponse { status: 502, .. }
        ));
        assert!(!format!("{err} {err:?}").contains("hunter2"));
    }

    #[test]
    fn access_token_is_trimmed_and_prefix_tolerated() {
        for raw in ["tok", " tok\n", "Bearer tok", "bearer  tok"] {
            let Credentials(Kind::AccessToken(t)) = Credentials::access_token(raw) else {
                unreachable!()
            };
            assert_eq!(t.expose_secret(), "tok", "{raw:?}");
        }
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn from_env_cases() {
        assert!(Credentials::from_lookup(env(&[])).unwrap().is_none());
        assert!(
            Credentials::from_lookup(env(&[("LW_ACCESS_TOKEN", "  ")]))
                .unwrap()
                .is_none()
        );

        let c = Credentials::from_lookup(env(&[("LW_ACCESS_TOKEN", "t"), ("LW_CLIENT_ID", "c")]));
        assert!(matches!(c, Ok(Some(Credentials(Kind::AccessToken(_))))));

        let err = Credentials::from_lookup(env(&[("LW_CLIENT_ID", "c"), ("LW_PRIVATE_KEY", "k")]))
            .unwrap_err();
        let AuthError::Config(msg) = &err else {
            panic!("{err:?}")
        };
        assert!(
            msg.contains("LW_CLIENT_SECRET, LW_SERVICE_ACCOUNT not set"),
            "{msg}"
        );
        assert!(
            !msg.split(" not set")
                .next()
                .unwrap()
                .contains("LW_CLIENT_ID"),
            "{msg}"
        );

        let err = Credentials::from_lookup(env(&[("LW_SCOPE", "partner")])).unwrap_err();
        assert!(matches!(&err, AuthError::Config(m) if m.contains("LW_CLIENT_ID")));

        let one_line = PKCS8.replace('\n', "\\n");
        let key_path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/test_key_pkcs8.pem"
        );
        for key in [PKCS8, one_line.as_str(), key_path] {
            let vars = [
                ("LW_CLIENT_ID", "cid"),
                ("LW_CLIENT_SECRET", "csecret"),
                ("LW_SERVICE_ACCOUNT", "sa@example.com"),
                ("LW_PRIVATE_KEY", key),
                ("LW_SCOPE", "partner.read,partner"),
                ("LW_TOKEN_URL", "http://127.0.0.1:9/token"),
            ];
            let Some(Credentials(Kind::ServiceAccount(sa))) =
                Credentials::from_lookup(env(&vars)).unwrap()
            else {
                panic!("expected a service account")
            };
            assert_eq!(sa.scope(), "partner.read partner");
            assert_eq!(sa.token_url(), "http://127.0.0.1:9/token");
            assert_eq!(sa.service_account_id(), "sa@example.com");
        }

        let vars = [
            ("LW_CLIENT_ID", "cid"),
            ("LW_CLIENT_SECRET", "csecret"),
            ("LW_SERVICE_ACCOUNT", "sa"),
            (
                "LW_PRIVATE_KEY",
                "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----",
            ),
        ];
        let err = Credentials::from_lookup(env(&vars)).unwrap_err();
        assert!(
            matches!(&err, AuthError::InvalidKey(m) if m.starts_with("LW_PRIVATE_KEY")),
            "{err}"
        );
    }

    #[test]
    fn debug_output_has_no_secrets() {
        let account = sa(PKCS8).unwrap();
        let user = UserToken::builder()
            .access_token("user-access-tok")
            .refresh_token("user-refresh-tok")
            .client_id("cid")
            .client_secret("csecret")
            .build()
            .unwrap();
        let builder = ServiceAccount::builder()
            .client_secret("csecret")
            .private_key_pem(PKCS8);
        let printed = [
            format!("{:?}", Credentials::access_token("static-tok")),
            format!("{:?}", Credentials::service_account(account.clone())),
            format!("{account:?}"),
            format!("{builder:?}"),
            format!("{user:?}"),
            format!(
                "{:?}",
                UserToken::builder()
                    .refresh_token("user-refresh-tok")
                    .client_secret("csecret")
            ),
            format!("{:?}", Credentials::user_token(user)),
        ];
        let key_line = PKCS8.lines().nth(1).unwrap();
        for text in &printed {
            for secret in [
                "static-tok",
                "csecret",
                "user-access-tok",
                "user-refresh-tok",
                key_line,
                "MII",
            ] {
                assert!(!text.contains(secret), "{secret:?} leaked in {text}");
            }
            assert!(text.contains(REDACTED), "{text}");
        }
    }
}
