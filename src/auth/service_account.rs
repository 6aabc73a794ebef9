//! Service accounts: settings, the private key, and the signed JWT assertion they exchange.
use super::*;

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
    pub(super) client_id: String,
    pub(super) client_secret: SecretString,
    pub(super) service_account_id: String,
    // Parsed once and shared: the key is never copied again or printed.
    pub(super) key: Arc<EncodingKey>,
    pub(super) scope: String,
    pub(super) token_url: String,
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
    pub(super) fn assertion(&self) -> Result<SecretString, AuthError> {
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
pub(super) enum KeySource {
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

    /// The app's client secret. The client keeps it in memory only: it is sent in the token
    /// request's form and written nowhere (a [`TokenStore`](crate::auth::TokenStore) keeps
    /// tokens, never the secret); where it comes from (the environment, a vault, the OS keyring
    /// as the CLI does) is the caller's choice.
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

pub(super) fn required(v: Option<String>, what: &str, field: &str) -> Result<String, AuthError> {
    match v {
        Some(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
        _ => Err(AuthError::Config(format!("{what}: {field} is not set"))),
    }
}

pub(super) fn required_secret(
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
pub(super) fn valid_url(url: &str, what: &str) -> Result<String, AuthError> {
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
pub(super) fn parse_private_key(pem: &str) -> Result<EncodingKey, AuthError> {
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
pub(super) fn signer(
    key: &EncodingKey,
) -> Result<Box<dyn jsonwebtoken::crypto::JwtSigner>, AuthError> {
    (jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.signer_factory)(&Algorithm::RS256, key)
        .map_err(|e| AuthError::InvalidKey(format!("not usable for RS256: {e}")))
}

#[derive(serde::Serialize)]
pub(super) struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    iat: u64,
    exp: u64,
}

pub(super) fn sign_assertion(
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
pub(super) fn b64url(input: &[u8]) -> String {
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
