//! The client and its configuration.

use crate::auth::{Authenticator, Credentials, TokenStore};
use crate::error::Error;
use crate::generated::raw;
use crate::hooks::Shared;
use crate::retry::{RateLimit, RateLimitState, RetryPolicy};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://www.worksapis.com/v1.0";

/// A client of the Partner API. Cheap to clone; clones share connections and the token cache.
///
/// Every operation of the spec is a method returning a request builder:
///
/// ```no_run
/// # async fn run() -> Result<(), lineworks_partner::Error> {
/// use lineworks_partner::{Client, Credentials};
/// let client = Client::builder()
///     .credentials(Credentials::access_token("token"))
///     .build()?;
/// let customer = client.get_customer().domain_id(10000001).send().await?;
/// println!("{}", customer.domain);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    raw: raw::Client,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `LW_API_BASE_URL` (optional) and the
    /// credentials variables read by [`Credentials::from_env`].
    ///
    /// ```no_run
    /// let client = lineworks_partner::Client::from_env()?;
    /// # Ok::<(), lineworks_partner::Error>(())
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        let mut builder = Client::builder();
        if let Some(url) = std::env::var("LW_API_BASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            builder = builder.base_url(url);
        }
        match Credentials::from_env()? {
            Some(credentials) => builder.credentials(credentials).build(),
            None => Err(Error::Config(
                "no credentials in the environment: set LW_ACCESS_TOKEN, or LW_CLIENT_ID, LW_CLIENT_SECRET, \
                 LW_SERVICE_ACCOUNT and LW_PRIVATE_KEY"
                    .into(),
            )),
        }
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.raw.baseurl
    }

    /// The rate-limit headers of the latest answer that carried them (`rateLimit-limit`,
    /// `-remaining`, `-used`, `-reset`), with the operation they belong to; `None` before any.
    /// LINE WORKS counts per operation, so this is the state of the operation named in it.
    ///
    /// ```no_run
    /// # async fn run(client: lineworks_partner::Client) -> Result<(), lineworks_partner::Error> {
    /// client.list_customers().send().await?;
    /// if let Some(state) = client.rate_limit_state() {
    ///     println!("{}: {:?} calls left", state.operation, state.remaining);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn rate_limit_state(&self) -> Option<RateLimitState> {
        self.raw.inner.rate_state()
    }

    pub(crate) fn raw(&self) -> &raw::Client {
        &self.raw
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.raw.baseurl)
            .field("authenticated", &self.raw.inner.auth.is_some())
            .field("retry", &self.raw.inner.retry)
            .field("rate_limit", &self.raw.inner.rate_limit)
            .finish()
    }
}

/// Configures a [`Client`].
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    credentials: Option<Credentials>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    rate_limit: Option<RateLimit>,
    token_store: Option<Arc<dyn TokenStore>>,
    max_response_body: Option<usize>,
    /// Set by [`ClientBuilder::without_credentials`]: no credentials on purpose.
    unauthenticated: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Where the API is; default [`DEFAULT_BASE_URL`]. Plain `http://` is accepted only for
    /// loopback hosts (a local sandbox or test server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How to authenticate. Without credentials, requests carry no `Authorization` header.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Total time allowed for one HTTP request: each attempt of a call, and each token request
    /// (there is no other, internal timeout); default 30 s. The whole call (token request,
    /// every attempt and wait) is bounded by the retry policy's
    /// [`max_elapsed`](RetryPolicy::max_elapsed), the call's deadline.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed to connect; default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header; default `lineworks-partner/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses this `reqwest::Client` (proxies, TLS settings, connection pools are then yours;
    /// `timeout`, `connect_timeout` and `user_agent` are not applied to it: its own timeout
    /// bounds each attempt and token request, and the call's deadline the whole call).
    ///
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: the client built here
    /// follows no redirect, but a redirect policy is the `reqwest::Client`'s own. Whatever
    /// your client follows, an answer that came from another URL than the one requested
    /// (token or API) is refused with [`Error::Redirect`] / [`AuthError::Redirect`](crate::auth::AuthError::Redirect)
    /// and never used.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// When failed calls are sent again; default [`RetryPolicy::new`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Keeps renewed tokens in `store` (e.g. a [`FileTokenStore`](crate::auth::FileTokenStore))
    /// so a rotated refresh token survives a restart; default: memory only.
    ///
    /// ```no_run
    /// use lineworks_partner::auth::FileTokenStore;
    /// # fn run(credentials: lineworks_partner::Credentials) -> Result<(), lineworks_partner::Error> {
    /// let client = lineworks_partner::Client::builder()
    ///     .credentials(credentials)
    ///     .token_store(FileTokenStore::new("tokens.json"))
    ///     .build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn token_store(mut self, store: impl TokenStore) -> Self {
        self.token_store = Some(Arc::new(store));
        self
    }

    /// The most bytes read of a success answer's body; default
    /// [`DEFAULT_MAX_RESPONSE_BODY`](crate::DEFAULT_MAX_RESPONSE_BODY) (16 MiB, far above any
    /// real page). A larger answer fails the call with [`Error::ResponseTooLarge`], naming
    /// the operation and the limit, after reading no more than the limit. Error answers are
    /// read up to 64 KiB whatever this is.
    ///
    /// ```no_run
    /// # fn run(credentials: lineworks_partner::Credentials) -> Result<(), lineworks_partner::Error> {
    /// let client = lineworks_partner::Client::builder()
    ///     .credentials(credentials)
    ///     .max_response_body(4 * 1024 * 1024)
    ///     .build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// Spaces calls out on the client side so each operation stays under the API's limit.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Sends requests without an `Authorization` header, on purpose: for a proxy that adds
    /// it, or a mock server that does not check it. Without this (or
    /// [`credentials`](Self::credentials)), [`build`](Self::build) refuses, so a forgotten
    /// credential cannot turn into unauthenticated calls to the real API.
    pub fn without_credentials(mut self) -> Self {
        self.unauthenticated = true;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] for a base URL that is not `https` (or `http` on loopback), no
    /// credentials (unless [`without_credentials`](Self::without_credentials)), a blank access
    /// token, or an HTTP client that cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = checked_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        match &self.credentials {
            None if !self.unauthenticated => {
                return Err(Error::Config(
                    "no credentials: set them with `ClientBuilder::credentials` (or use \
                     `Client::from_env`); `ClientBuilder::without_credentials` sends calls \
                     without a token on purpose"
                        .into(),
                ));
            }
            Some(c) if c.is_blank_token() => {
                return Err(Error::Config(
                    "the access token is blank: pass the token itself (an empty or \
                     `Bearer`-only value was given)"
                        .into(),
                ));
            }
            _ => {}
        }
        // Named in timeout errors; unknown for a caller's own client.
        let attempt_timeout = match &self.http {
            Some(_) => None,
            None => Some(self.timeout.unwrap_or(Duration::from_secs(30))),
        };
        let http =
            match self.http {
                Some(http) => http,
                // The Partner API does not redirect, nor does the token endpoint: a redirect
                // would carry a body, the client secret or a token to wherever it points.
                None => reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
                    .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                    .user_agent(self.user_agent.unwrap_or_else(|| {
                        format!("lineworks-partner/{}", env!("CARGO_PKG_VERSION"))
                    }))
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
            };
        // The token request is bounded like an attempt: by the client's timeout (for a
        // caller's own client, its own), and by the deadline of the call that needs it.
        let auth = self
            .credentials
            .map(|c| Authenticator::configured(c, http.clone(), self.token_store, attempt_timeout));
        let shared = Shared {
            auth,
            retry: self.retry.unwrap_or_default(),
            rate_limit: self.rate_limit,
            attempt_timeout,
            max_body: self
                .max_response_body
                .unwrap_or(crate::body::DEFAULT_MAX_RESPONSE_BODY),
            rate_state: Arc::default(),
        };
        Ok(Client {
            raw: raw::Client::new_with_client(&base_url, http, shared),
        })
    }
}

/// Whether `url` names this machine: the one place plain http is allowed (a local sandbox or
/// test server), for the base URL and the token URL alike.
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn checked_base_url(url: &str) -> Result<String, Error> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::Config(format!("base URL {url:?} is not a URL: {e}")))?;
    let loopback = is_loopback(&parsed);
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::Config(format!(
                "base URL {url:?} uses plain http on a non-loopback host; use https"
            )));
        }
        other => {
            return Err(Error::Config(format!(
                "base URL {url:?} has unsupported scheme {other:?}"
            )));
        }
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL {url:?} must not have a query or fragment"
        )));
    }
    Ok(url.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::checked_base_url;

    #[test]
    fn base_urls() {
        assert_eq!(
            checked_base_url("https://www.worksapis.com/v1.0/").unwrap(),
            "https://www.worksapis.com/v1.0"
        );
        assert!(checked_base_url("http://127.0.0.1:8080/v1.0").is_ok());
        assert!(checked_base_url("http://[::1]:8080/v1.0").is_ok());
        assert!(checked_base_url("http://localhost/v1.0").is_ok());
        assert!(checked_base_url("http://example.com/v1.0").is_err());
        assert!(checked_base_url("ftp://example.com").is_err());
        assert!(checked_base_url("not a url").is_err());
    }
}
