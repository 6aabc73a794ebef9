//! The [`Authenticator`]: cached token, single-flight renewal, renewal pauses and backoff.
use super::*;

/// Supplies `Authorization` header values: cached, renewed ahead of expiry, one renewal at a
/// time however many callers need it. Cheap to clone (shared state).
#[derive(Clone)]
pub struct Authenticator {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) credentials: Credentials,
    pub(super) store: Option<Arc<dyn TokenStore>>,
    pub(super) http: reqwest::Client,
    /// Each token request's timeout; `None`: the `reqwest::Client`'s own.
    pub(super) timeout: Option<Duration>,
    /// Read on every request without waiting on a renewal in progress.
    pub(super) cache: RwLock<Option<Cached>>,
    /// Held for the whole of a renewal: whoever holds it is the single flight.
    pub(super) flight: tokio::sync::Mutex<Flight>,
    /// Mirror of `Flight::generation`, readable before queueing on `flight`.
    pub(super) finished: AtomicU64,
    pub(super) requests: AtomicU64,
    /// How many renewals in a row produced a token the API refused at once.
    pub(super) refused_streak: AtomicU32,
    /// Renewals after a 401 are paused until then.
    pub(super) paused_until: Mutex<Option<Instant>>,
}

#[derive(Clone)]
pub(super) struct Cached {
    pub(super) header: HeaderValue,
    /// Renew from this instant on (`None`: only after a 401).
    pub(super) renew_at: Option<Instant>,
    /// The token is no longer valid from this instant on.
    pub(super) expires_at: Option<Instant>,
}

pub(super) struct Flight {
    /// Count of finished renewals: a waiter that sees it move knows a renewal ran meanwhile.
    pub(super) generation: u64,
    /// How the last renewal failed, handed to the callers that queued behind it.
    pub(super) last_error: Option<AuthError>,
    pub(super) refresh_token: Option<SecretString>,
    /// The endpoint is busy or failing: no request before the instant; its failure meanwhile.
    pub(super) throttled: Option<(Instant, AuthError)>,
    /// Throttled answers in a row, for the backoff.
    pub(super) throttle_streak: u32,
    /// How long the endpoint asked to wait in its last error answer.
    pub(super) hint: Option<Duration>,
}

impl Authenticator {
    /// An authenticator for `credentials`, fetching tokens with `http` (the API client's own
    /// `reqwest::Client` is fine). Each token request is bounded by `http`'s timeout, so give
    /// it one: every caller waits on a renewal in progress. `http` should follow no redirect
    /// (`reqwest::redirect::Policy::none()`); an answer from another URL is refused anyway.
    pub fn new(credentials: Credentials, http: reqwest::Client) -> Self {
        Self::build(credentials, http, None, None)
    }

    /// Like [`new`](Self::new), with tokens kept in `store`: loaded now (a stored refresh token
    /// replaces the configured one, a stored access token is used until it expires) and saved
    /// after every renewal. A static access token is never stored.
    pub fn with_store(
        credentials: Credentials,
        http: reqwest::Client,
        store: Arc<dyn TokenStore>,
    ) -> Self {
        Self::build(credentials, http, Some(store), None)
    }

    /// The authenticator of a [`Client`](crate::Client): token requests time out after
    /// `timeout` (the client's own), or `http`'s timeout when `None`.
    pub(crate) fn configured(
        credentials: Credentials,
        http: reqwest::Client,
        store: Option<Arc<dyn TokenStore>>,
        timeout: Option<Duration>,
    ) -> Self {
        Self::build(credentials, http, store, timeout)
    }

    fn build(
        credentials: Credentials,
        http: reqwest::Client,
        store: Option<Arc<dyn TokenStore>>,
        timeout: Option<Duration>,
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
                timeout,
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
}
