//! A local, stateful, in-memory imitation of the LINE WORKS Partner API.
//!
//! It serves every operation of the spec the `lineworks-partner` client is generated from,
//! checks requests against that same spec (types, required fields, enums, lengths, patterns,
//! ranges), keeps customers, subscriptions and options in memory with the state transitions
//! the reference describes, pages lists with opaque cursors, and answers errors in the LINE
//! WORKS shape `{"code", "description"}`. It also serves a service-account token endpoint and
//! can inject rate limits, failures and latency.
//!
//! Use it in-process from tests:
//!
//! ```
//! use lineworks_partner::{Client, Credentials};
//! use lineworks_partner_sandbox::Sandbox;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start().await?;
//! let client = Client::builder()
//!     .base_url(sandbox.base_url())
//!     .credentials(Credentials::access_token("test"))
//!     .build()?;
//! let checked = client
//!     .verify_domain()
//!     .body_map(|b| b.domain("acme.by-works.com"))
//!     .send()
//!     .await?;
//! assert_eq!(checked.type_.as_str(), "GROUP");
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! or as a server: `cargo run -p lineworks-partner-sandbox -- --listen 127.0.0.1:8080`.
//!
//! Scheduled changes take effect when the sandbox's calendar reaches their day; see
//! [`Sandbox`] for moving the calendar forward (`POST /sandbox/clock` on the server).

#![deny(missing_docs)]

mod checks;
mod clock;
mod control;
mod error;
mod handlers;
mod handles;
mod ledger;
mod model;
mod persist;
mod seed;
mod server;
mod spec;
mod test_fields;
mod tiers;
mod token;

pub use clock::ClockError;
pub use control::{ControlError, CustomerChange, RequestRecord};
pub use seed::{
    Seed, SeedCustomer, SeedError, SeedOption, SeedPotentialCustomer, SeedSubscription,
};
pub use test_fields::{TEST_NUMBER_FIELD, TEST_TEXT_FIELD, TEST_TEXT_VALUE};

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running sandbox. The server stops when this handle is dropped or [`shutdown`] is awaited.
///
/// Scheduled changes (subscription pre-orders, reservations and renewals, option orders and
/// renewals, user-limit changes, customer withdrawals) take effect when the sandbox's calendar
/// reaches their day. Pin the calendar with [`SandboxBuilder::today`] and move it forward with
/// [`advance_to`] or [`advance_days`] to watch them happen:
///
/// ```
/// use chrono::NaiveDate;
/// use lineworks_partner::{Client, Credentials, Nullable, types};
/// use lineworks_partner_sandbox::{Sandbox, Seed};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let day = |text: &str| text.parse::<NaiveDate>();
/// let sandbox = Sandbox::builder()
///     .today(day("2025-06-10")?)
///     .seed(Seed::from_json(r#"{"customers": [{"domain": "acme.example", "maxMemberCount": 50}]}"#)?)
///     .start()
///     .await?;
/// let client = Client::builder()
///     .base_url(sandbox.base_url())
///     .credentials(Credentials::access_token("test"))
///     .build()?;
/// let id = client.list_customers().send().await?.customers[0].domain_id;
/// client
///     .create_usage_status_renewal()
///     .domain_id(id)
///     .body(types::UsageStatusRenewalCreateRequest {
///         apply_date: day("2025-07-01")?,
///         max_member_count: Some(Nullable::Value(100)),
///     })
///     .send()
///     .await?;
///
/// sandbox.advance_days(10).await?; // 2025-06-20: not yet
/// let usage = client.get_usage_status().domain_id(id).send().await?;
/// assert_eq!(usage.max_member_count, Some(50));
///
/// sandbox.advance_to(day("2025-07-01")?).await?; // the day has come
/// let usage = client.get_usage_status().domain_id(id).send().await?;
/// assert_eq!(usage.max_member_count, Some(100));
/// assert!(usage.renewal.is_none());
///
/// assert!(sandbox.advance_to(day("2025-06-30")?).await.is_err()); // no going back
/// sandbox.shutdown().await;
/// # Ok(()) }
/// ```
///
/// [`shutdown`]: Sandbox::shutdown
/// [`advance_to`]: Sandbox::advance_to
/// [`advance_days`]: Sandbox::advance_days
pub struct Sandbox {
    addr: SocketAddr,
    app: Arc<server::App>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).finish()
    }
}

/// Why a sandbox could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The listening socket could not be opened.
    Bind(std::io::Error),
    /// The seed data is inconsistent.
    Seed(SeedError),
    /// A setting is out of range.
    Config(String),
    /// The state file cannot be read or written.
    State(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
            StartError::Seed(e) => e.fmt(f),
            StartError::Config(e) => write!(f, "invalid setting: {e}"),
            StartError::State(e) => write!(f, "state file: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

impl Sandbox {
    /// Starts an empty sandbox on a free loopback port, accepting any bearer token.
    pub async fn start() -> Result<Sandbox, StartError> {
        Self::builder().start().await
    }

    /// Configures a sandbox.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The API base URL, e.g. `http://127.0.0.1:41234/v1.0`.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, server::BASE_PATH)
    }

    /// The token endpoint, e.g. `http://127.0.0.1:41234/oauth2/v2.0/token`.
    pub fn token_url(&self) -> String {
        format!("http://{}{}", self.addr, server::TOKEN_PATH)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Who can reach this sandbox and which bearer tokens it accepts, for a start-up message:
    /// `listening on 0.0.0.0:8080 (every interface: other machines can connect); accepts
    /// only the configured token ...`.
    pub fn access_notice(&self) -> String {
        let ip = self.addr.ip();
        let reach = if ip.is_loopback() {
            "loopback: this machine only"
        } else if ip.is_unspecified() {
            "every interface: other machines can connect"
        } else {
            "other machines can connect"
        };
        let tokens = if self.app.config.token.is_some() {
            "accepts only the configured token and tokens from its token endpoint"
        } else {
            "accepts any non-empty bearer token (e.g. LW_ACCESS_TOKEN=test), test handles included"
        };
        format!("listening on {} ({reach}); {tokens}", self.addr)
    }

    /// The sandbox's current day: the pinned day (see [`SandboxBuilder::today`]) or, until the
    /// clock is first moved, today's UTC date.
    pub fn today(&self) -> chrono::NaiveDate {
        self.app.today()
    }

    /// Moves the sandbox's calendar forward to `date` and applies, in date order, every
    /// scheduled change that has come due: subscription pre-orders, reservations and
    /// renewals, option orders and renewals, user-limit changes and customer withdrawals.
    /// From then on the calendar stays on `date` until moved again. Moving to the current day
    /// is allowed (and changes nothing that was not already due); moving backwards, or more
    /// than 50 years ahead, is refused. Returns the new day.
    ///
    /// The running binary offers the same as `POST /sandbox/clock` with `{"today":
    /// "2027-01-01"}` or `{"advanceDays": 30}`; `GET /sandbox/clock` reads the day.
    pub async fn advance_to(
        &self,
        date: chrono::NaiveDate,
    ) -> Result<chrono::NaiveDate, ClockError> {
        let mut state = self.app.state();
        let day = state.advance_to(date)?;
        self.app.persist(&state);
        Ok(day)
    }

    /// Moves the calendar forward by `days` days; see [`advance_to`](Sandbox::advance_to).
    pub async fn advance_days(&self, days: u32) -> Result<chrono::NaiveDate, ClockError> {
        let mut state = self.app.state();
        let today = state.current_day();
        let target = today
            .checked_add_signed(chrono::Duration::days(i64::from(days)))
            .unwrap_or(chrono::NaiveDate::MAX);
        let day = state.advance_to(target)?;
        self.app.persist(&state);
        Ok(day)
    }

    /// Stops the server and waits until it has stopped.
    pub async fn shutdown(mut self) {
        self.app.stopping.send_replace(true);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until the process is interrupted (Ctrl-C). Used by the binary.
    pub async fn serve_until_interrupted(self) {
        let _ = tokio::signal::ctrl_c().await;
        self.shutdown().await;
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.app.stopping.send_replace(true);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Settings of a [`Sandbox`] before it starts.
#[derive(Clone, Debug, Default)]
pub struct SandboxBuilder {
    listen: Option<SocketAddr>,
    trial: Option<(u32, u32)>,
    lost_answer_delay: Option<Duration>,
    expired_token_status: Option<u16>,
    config: server::Config,
    seed: Option<Seed>,
    insecure_open: bool,
}

impl SandboxBuilder {
    /// Address to listen on (default `127.0.0.1:0`, a free port). An address other than a
    /// loopback one (`0.0.0.0`, a LAN address) lets other machines in, so it needs a
    /// [`token`](SandboxBuilder::token), or [`insecure_open`](SandboxBuilder::insecure_open) to
    /// say it is meant to accept any bearer token; [`start`](SandboxBuilder::start) refuses it
    /// otherwise.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = Some(addr);
        self
    }

    /// Accept any bearer token, test handles (`/sandbox/reset`, faults) included, even when
    /// listening on an address other machines can reach (default off: such an address needs
    /// a [`token`](SandboxBuilder::token)). For a sandbox on a trusted network only.
    pub fn insecure_open(mut self, open: bool) -> Self {
        self.insecure_open = open;
        self
    }

    /// Accept only this bearer token (and tokens from the sandbox's own token endpoint)
    /// instead of any non-empty one.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.config.token = Some(token.into());
        self
    }

    /// How a call with an expired token (see [`Sandbox::expire_tokens`]) is answered: `401`
    /// (the default) or `403`, both with the code `UNAUTHORIZED`. LINE WORKS' own samples
    /// treat a 403 `UNAUTHORIZED` as an expired token, so a client should renew on either;
    /// this lets a test show it does. Another status fails [`start`](Self::start).
    pub fn expired_token_status(mut self, status: u16) -> Self {
        self.expired_token_status = Some(status);
        self
    }

    /// Starting data.
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Answer 429 `TOO_MANY_REQUESTS` once an operation is called more than `n` times in a
    /// minute, with the `rateLimit-*` headers.
    pub fn rate_limit_per_minute(mut self, n: u32) -> Self {
        self.config.rate_limit_per_minute = Some(n);
        self
    }

    /// Answer this share of calls (0.0 to 1.0) with 503 `SERVICE_UNAVAILABLE`. The draws
    /// come from a fixed-seed generator, so a run is repeatable.
    pub fn fail_rate(mut self, p: f64) -> Self {
        self.config.fail_rate = p;
        self
    }

    /// Delay every API answer by `ms` milliseconds.
    pub fn latency(mut self, ms: u64) -> Self {
        self.config.latency = Duration::from_millis(ms);
        self
    }

    /// Pin the sandbox's calendar to `date` (default: today in UTC), for repeatable dates.
    pub fn today(mut self, date: chrono::NaiveDate) -> Self {
        self.config.today = Some(date);
        self
    }

    /// Refuse body fields the spec does not declare (400 naming the field) instead of
    /// ignoring them. By default they are ignored, as the real API most plausibly does (a
    /// sandbox assumption), and named in a `Sandbox-Warning` answer header and the request log.
    pub fn strict(mut self, strict: bool) -> Self {
        self.config.strict = strict;
        self
    }

    /// How long an answer withheld by [`Sandbox::time_out_after_applying`] is held back
    /// before a 504 (default 30 s; the server's shutdown releases it at once).
    pub fn lost_answer_delay(mut self, delay: Duration) -> Self {
        self.lost_answer_delay = Some(delay);
        self
    }

    /// Length of a trial and of the grace period after it, in days (default 30 and 30: the
    /// facts give no figures, so these are sandbox assumptions). When the grace period ends
    /// without a conversion, the trial and its trial options end.
    pub fn trial_days(mut self, trial: u32, grace: u32) -> Self {
        self.trial = Some((trial, grace));
        self
    }

    /// Keep the state in `path`: read at start when the file exists (the seed and
    /// [`today`](SandboxBuilder::today) are then ignored: the file has both), otherwise made
    /// from the seed; written atomically after every change, before it is answered, so a
    /// restart loses nothing acknowledged. Issued tokens are not kept.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use lineworks_partner_sandbox::{CustomerChange, Sandbox, Seed};
    /// let path = std::env::temp_dir().join(format!("sandbox-doc-{}.json", std::process::id()));
    /// let first = Sandbox::builder().seed(Seed::demo()).state_file(&path).start().await?;
    /// first.change_customer(10000001, CustomerChange::default().member_count(42))?;
    /// first.shutdown().await;
    /// let again = Sandbox::builder().state_file(&path).start().await?;
    /// assert_eq!(again.state()["customers"][0]["usageStatus"]["memberCount"], 42);
    /// # std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub fn state_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.config.state_file = Some(path.into());
        self
    }

    /// Print a line on stderr for each ignored body field (default off; the binary turns
    /// it on).
    pub fn log_warnings(mut self, on: bool) -> Self {
        self.config.log_warnings = on;
        self
    }

    /// Starts the server on the current Tokio runtime.
    pub async fn start(mut self) -> Result<Sandbox, StartError> {
        self.config.lost_answer_delay = self.lost_answer_delay.unwrap_or(Duration::from_secs(30));
        if !(0.0..=1.0).contains(&self.config.fail_rate) {
            return Err(StartError::Config(format!(
                "fail rate {} is not between 0 and 1",
                self.config.fail_rate
            )));
        }
        self.config.expired_token_status = match self.expired_token_status {
            None | Some(401) => None,
            Some(403) => Some(axum::http::StatusCode::FORBIDDEN),
            Some(other) => {
                return Err(StartError::Config(format!(
                    "an expired token is answered 401 or 403, not {other}"
                )));
            }
        };
        if self.config.rate_limit_per_minute == Some(0) {
            return Err(StartError::Config("rate limit must be at least 1".into()));
        }
        let today = self
            .config
            .today
            .unwrap_or_else(|| chrono::Utc::now().date_naive());
        let saved = match &self.config.state_file {
            Some(path) => persist::load(path).map_err(StartError::State)?,
            None => None,
        };
        let from_file = saved.is_some();
        let mut state = match saved {
            Some(state) => state,
            None => {
                let mut state = self
                    .seed
                    .unwrap_or_default()
                    .into_state(today)
                    .map_err(StartError::Seed)?;
                state.pinned_today = self.config.today;
                state
            }
        };
        if let Some((days, grace)) = self.trial.filter(|_| !from_file) {
            if days == 0 {
                return Err(StartError::Config("a trial lasts at least 1 day".into()));
            }
            state.set_trial_terms(model::TrialTerms {
                days: i64::from(days),
                grace: i64::from(grace),
            });
        }
        let listen = self
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        if !listen.ip().is_loopback() && self.config.token.is_none() && !self.insecure_open {
            return Err(StartError::Config(format!(
                "listening on {listen} lets other machines in, and without a token any bearer \
                 token is accepted (test handles included): give a token (--token), or say the \
                 sandbox is meant to be open (--insecure-open)"
            )));
        }
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let app = Arc::new(server::App::new(self.config, state));
        if !from_file && !app.persist(&app.state()) {
            return Err(StartError::State("cannot write the state file".into()));
        }
        let handle = app.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, server::router(handle))
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Sandbox {
            addr,
            app,
            stop: Some(stop),
            task: Some(task),
        })
    }
}
