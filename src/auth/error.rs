//! [`AuthError`], and how a failed token request is classified: busy endpoint or refused grant.
use super::*;

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
    /// The token endpoint did not answer within the client's timeout
    /// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout), or the `reqwest::Client`'s
    /// own). The call's deadline bounds the token request as well.
    #[error("the token endpoint did not answer within {}", limit.map_or_else(|| "the configured time".to_owned(), |d| format!("{:.1} s", d.as_secs_f64())))]
    Timeout {
        /// The timeout, when known.
        limit: Option<Duration>,
        /// The underlying failure.
        #[source]
        source: Arc<reqwest::Error>,
    },
    /// The token endpoint answered with a redirect (or a caller's `reqwest::Client` followed
    /// one). Token requests follow no redirect: the form carries the client secret and the
    /// signed assertion or refresh token, and a token from elsewhere is never used.
    #[error(
        "the token endpoint answered HTTP {status} redirecting to {}; token requests follow no \
         redirect, so nothing was sent there and no token from there is used",
        location.as_deref().map_or_else(|| "no location".to_owned(), |l| format!("{l:?}"))
    )]
    Redirect {
        /// HTTP status code.
        status: u16,
        /// The `Location` it named (or the URL a caller's client ended at), cut at 256
        /// characters.
        location: Option<String>,
    },
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

pub(super) fn transport_text(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "the token endpoint did not answer in time".to_owned()
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
pub(super) fn is_throttle(e: &AuthError) -> bool {
    match e {
        AuthError::TokenEndpoint { status, .. } | AuthError::InvalidResponse { status, .. } => {
            matches!(*status, 408 | 429 | 500..=599)
        }
        AuthError::Transport(_) | AuthError::Timeout { .. } => true,
        _ => false,
    }
}

/// Whether the server says the refresh token itself is no good (expired, revoked, used).
pub(super) fn kills_refresh_token(e: &AuthError) -> bool {
    matches!(e, AuthError::TokenEndpoint { error, .. } if error == "invalid_grant")
}

impl From<reqwest::Error> for AuthError {
    fn from(e: reqwest::Error) -> Self {
        AuthError::Transport(Arc::new(e))
    }
}
