//! Authentication: a static access token, a service account (JWT bearer grant) or a user token
//! (refresh-token grant), behind one [`Authenticator`] that caches the bearer token, renews it
//! ahead of expiry and lets concurrent callers share a single renewal.
//!
//! Secrets (client secret, private key, access and refresh tokens, the signed assertion) are held
//! in [`SecretString`]s, handed out only as sensitive [`HeaderValue`]s, and never appear in
//! `Debug`, `Display`, errors or logs.

mod cache;
mod credentials;
pub(crate) mod endpoint;
mod error;
mod service_account;
mod store;
#[cfg(test)]
mod tests;
mod user_token;

pub use cache::Authenticator;
pub use credentials::Credentials;
pub use error::AuthError;
pub use service_account::{ServiceAccount, ServiceAccountBuilder};
pub use store::{FileTokenStore, MemoryTokenStore, StoredTokens, TokenStore};
pub use user_token::{UserToken, UserTokenBuilder};

// Shared between the files of this folder (each file starts with `use super::*`).
use cache::Inner;
use credentials::{Kind, Redacted, redact_opt};
use endpoint::{Token, bearer};
use error::{is_throttle, kills_refresh_token};
use service_account::{required, required_secret, valid_url};

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
