//! `auth` against a fake LINE WORKS token endpoint on 127.0.0.1 (axum), over real HTTP.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use lineworks_partner::auth::{AuthError, Authenticator, Credentials, ServiceAccount, UserToken};
use reqwest::header::HeaderValue;
use serde_json::{Value, json};

// Throwaway test key pair, see tests/fixtures/README.md.
const PKCS8: &str = include_str!("../fixtures/test_key_pkcs8.pem");
const PUBLIC: &str = include_str!("../fixtures/test_key_public.pem");

const CLIENT_ID: &str = "test-client-id";
const CLIENT_SECRET: &str = "test-client-secret-XYZ";
const ACCOUNT: &str = "abcde.serviceaccount@example.com";
const JWT_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

type FormData = HashMap<String, String>;
type Reply = dyn Fn(u64, &FormData) -> (u16, Value) + Send + Sync;

struct Fake {
    url: String,
    hits: AtomicU64,
    forms: Mutex<Vec<FormData>>,
    delay: Duration,
    reply: Box<Reply>,
}

impl Fake {
    /// Serve `reply(n, form)` (n counts from 1) after `delay`. A string body is sent as HTML.
    async fn start(
        delay: Duration,
        reply: impl Fn(u64, &FormData) -> (u16, Value) + Send + Sync + 'static,
    ) -> Arc<Fake> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = Arc::new(Fake {
            url: format!(
                "http://{}/oauth2/v2.0/token",
                listener.local_addr().unwrap()
            ),
            hits: AtomicU64::new(0),
            forms: Mutex::new(Vec::new()),
            delay,
            reply: Box::new(reply),
        });
        let app = axum::Router::new()
            .route("/oauth2/v2.0/token", post(token))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fake
    }

    fn hits(&self) -> u64 {
        self.hits.load(Ordering::SeqCst)
    }

    fn form(&self, i: usize) -> FormData {
        self.forms.lock().unwrap()[i].clone()
    }

    fn grants(&self) -> Vec<String> {
        let forms = self.forms.lock().unwrap();
        forms.iter().map(|f| f["grant_type"].clone()).collect()
    }
}

async fn token(State(fake): State<Arc<Fake>>, Form(form): Form<FormData>) -> Response {
    let n = fake.hits.fetch_add(1, Ordering::SeqCst) + 1;
    fake.forms.lock().unwrap().push(form.clone());
    if !fake.delay.is_zero() {
        tokio::time::sleep(fake.delay).await;
    }
    let (status, body) = (fake.reply)(n, &form);
    let status = StatusCode::from_u16(status).unwrap();
    if status == StatusCode::TOO_MANY_REQUESTS {
        // A throttling endpoint says when to come back.
        let body = axum::Json(body);
        return (status, [(header::RETRY_AFTER, "1")], body).into_response();
    }
    match body {
        Value::String(text) => {
            (status, [(header::CONTENT_TYPE, "text/html")], text).into_response()
        }
        body => (status, axum::Json(body)).into_response(),
    }
}

/// A LINE WORKS-shaped success: `expires_in` as a string, tokens numbered by request.
fn ok(n: u64, expires_in: Value) -> (u16, Value) {
    (
        200,
        json!({
            "access_token": format!("access-{n}"),
            "refresh_token": format!("refresh-{n}"),
            "token_type": "Bearer",
            "scope": "partner",
            "expires_in": expires_in,
        }),
    )
}

fn service_account(url: &str) -> Credentials {
    Credentials::service_account(
        ServiceAccount::builder()
            .client_id(CLIENT_ID)
            .client_secret(CLIENT_SECRET)
            .service_account_id(ACCOUNT)
            .private_key_pem(PKCS8)
            .scopes(["partner", "partner.read"])
            .token_url(url)
            .build()
            .unwrap(),
    )
}

fn auth(creds: Credentials) -> Authenticator {
    Authenticator::new(creds, reqwest::Client::new())
}

fn bearer(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("Bearer {token}")).unwrap()
}

fn keys(form: &FormData) -> Vec<&str> {
    let mut keys: Vec<&str> = form.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[tokio::test]
async fn jwt_exchange_sends_exact_form_and_caches_the_token() {
    let fake = Fake::start(Duration::ZERO, |n, _| ok(n, json!("86400"))).await;
    let auth = auth(service_account(&fake.url));

    let h = auth.authorization().await.unwrap();
    assert_eq!(h, bearer("access-1"));
    assert!(h.is_sensitive());
    assert_eq!(auth.authorization().await.unwrap(), h, "cached");
    assert_eq!((fake.hits(), auth.token_requests()), (1, 1));

    let form = fake.form(0);
    assert_eq!(
        keys(&form),
        [
            "assertion",
            "client_id",
            "client_secret",
            "grant_type",
            "scope"
        ]
    );
    assert_eq!(form["grant_type"], JWT_GRANT);
    assert_eq!(form["client_id"], CLIENT_ID);
    assert_eq!(form["client_secret"], CLIENT_SECRET);
    assert_eq!(form["scope"], "partner partner.read");

    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_required_spec_claims(&["iss", "sub", "iat", "exp"]);
    validation.set_issuer(&[CLIENT_ID]);
    let key = DecodingKey::from_rsa_pem(PUBLIC.as_bytes()).unwrap();
    let jwt = jsonwebtoken::decode::<Value>(&form["assertion"], &key, &validation).unwrap();
    assert_eq!(jwt.header.alg, Algorithm::RS256);
    assert_eq!(jwt.header.typ.as_deref(), Some("JWT"));
    assert_eq!(jwt.claims["sub"], ACCOUNT);
    let (iat, exp) = (
        jwt.claims["iat"].as_u64().unwrap(),
        jwt.claims["exp"].as_u64().unwrap(),
    );
    assert!(exp > iat && exp - iat <= 3600);
}

#[tokio::test]
async fn expires_in_as_string_or_number() {
    for expires_in in [json!("86400"), json!(86400), json!(" 3600 ")] {
        let fake = Fake::start(Duration::ZERO, move |n, _| ok(n, expires_in.clone())).await;
        let auth = auth(service_account(&fake.url));
        assert_eq!(auth.authorization().await.unwrap(), bearer("access-1"));
        assert_eq!(auth.authorization().await.unwrap(), bearer("access-1"));
        assert_eq!(fake.hits(), 1);
    }
}

#[tokio::test]
async fn token_endpoint_errors_are_typed() {
    let fake = Fake::start(Duration::ZERO, |_, _| {
        (
            401,
            json!({"error": "invalid_client", "error_description": "client authentication failed"}),
        )
    })
    .await;
    match auth(service_account(&fake.url)).authorization().await {
        Err(AuthError::TokenEndpoint {
            status: 401,
            error,
            error_description,
        }) => {
            assert_eq!(error, "invalid_client");
            assert_eq!(
                error_description.as_deref(),
                Some("client authentication failed")
            );
        }
        other => panic!("{other:?}"),
    }

    let fake = Fake::start(Duration::ZERO, |_, _| {
        (502, json!("<html>Bad gateway</html>"))
    })
    .await;
    let err = auth(service_account(&fake.url))
        .authorization()
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::InvalidResponse { status: 502, .. }),
        "{err:?}"
    );

    let fake = Fake::start(Duration::ZERO, |_, _| (200, json!({"token": "x"}))).await;
    let err = auth(service_account(&fake.url))
        .authorization()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AuthError::InvalidResponse { status: 200, detail } if detail.contains("access_token")),
        "{err:?}"
    );

    // Nothing listens on a port we just freed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = auth(service_account(&format!("http://127.0.0.1:{port}/token")))
        .authorization()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AuthError::Transport(e) if e.is_connect()),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_first_calls_make_one_request() {
    let fake = Fake::start(Duration::from_millis(200), |n, _| ok(n, json!("86400"))).await;
    let auth = auth(service_account(&fake.url));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..1000 {
        let auth = auth.clone();
        tasks.spawn(async move { auth.authorization().await });
    }
    let results = tasks.join_all().await;
    assert_eq!(results.len(), 1000);
    for r in results {
        assert_eq!(r.unwrap(), bearer("access-1"));
    }
    assert_eq!(fake.hits(), 1, "server saw one token request");
    assert_eq!(auth.token_requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_failure() {
    let fake = Fake::start(Duration::from_millis(100), |_, _| {
        (
            400,
            json!({"error": "invalid_grant", "error_description": "assertion rejected"}),
        )
    })
    .await;
    let auth = auth(service_account(&fake.url));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let auth = auth.clone();
        tasks.spawn(async move { auth.authorization().await });
    }
    for r in tasks.join_all().await {
        assert!(
            matches!(r, Err(AuthError::TokenEndpoint { status: 400, .. })),
            "{r:?}"
        );
    }
    assert_eq!(
        fake.hits(),
        1,
        "waiters take the leader's failure instead of retrying"
    );
    // A later call tries again: failures are not cached beyond the callers that waited.
    assert!(auth.authorization().await.is_err());
    assert_eq!(fake.hits(), 2);
}

#[tokio::test]
async fn renews_ahead_of_expiry_with_the_refresh_token() {
    // 1 s tokens: renewal is due after 0.9 s (a tenth of the lifetime before expiry).
    let fake = Fake::start(Duration::ZERO, |n, _| ok(n, json!("1"))).await;
    let auth = auth(service_account(&fake.url));
    assert_eq!(auth.authorization().await.unwrap(), bearer("access-1"));
    assert_eq!(auth.authorization().await.unwrap(), bearer("access-1"));
    assert_eq!(fake.hits(), 1);

    tokio::time::sleep(Duration::from_millis(950)).await; // before expiry, after the renewal point
    assert_eq!(auth.authorization().await.unwrap(), bearer("access-2"));
    assert_eq!(fake.hits(), 2);
    let form = fake.form(1);
    assert_eq!(
        keys(&form),
        ["client_id", "client_secret", "grant_type", "refresh_token"]
    );
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "refresh-1");
    assert_eq!(form["client_id"], CLIENT_ID);
    assert_eq!(form["client_secret"], CLIENT_SECRET);
}

#[tokio::test]
async fn failed_early_renewal_keeps_the_still_valid_token() {
    // 2 s tokens, renewal due at 1.8 s; the endpoint fails from the second request on.
    let fake = Fake::start(Duration::ZERO, |n, _| match n {
        1 => ok(n, json!("2")),
        _ => (503, json!({"error": "temporarily_unavailable"})),
    })
    .await;
    let auth = auth(service_account(&fake.url));
    assert_eq!(auth.authorization().await.unwrap(), bearer("access-1"));
    tokio::time::sleep(Duration::from_millis(1850)).await;
    // The refresh fails (an outage: no JWT fallback), yet the token has 150 ms left: keep it.
    assert_eq!(auth.authorization().await.unwrap(), bearer("access-1"));
    assert_eq!(fake.grants(), [JWT_GRANT, "refresh_token"]);
    assert_eq!(auth.authorization().await.unwrap(), bearer("access-1"));
    assert_eq!(fake.hits(), 2, "no new attempt right after a failure");
    tokio::time::sleep(Duration::from_millis(250)).await; // now expired
    let err = auth.authorization().await.unwrap_err();
    assert!(
        matches!(err, AuthError::TokenEndpoint { status: 503, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn rotated_refresh_token_is_kept() {
    let fake = Fake::start(Duration::ZERO, |n, form| match n {
        1 => ok(n, json!("86400")),
        2 => {
            assert_eq!(form["refresh_token"], "refresh-1");
            (200, json!({"access_token": "access-2", "refresh_token": "rotated-2", "expires_in": "86400"}))
        }
        _ => {
            // No rotation this time: the last refresh token stays in use.
            assert_eq!(form["refresh_token"], "rotated-2");
            (200, json!({"access_token": format!("access-{n}"), "expires_in": "86400"}))
        }
    })
    .await;
    let auth = auth(service_account(&fake.url));
    let mut h = auth.authorization().await.unwrap();
    for expected in ["access-2", "access-3", "access-4"] {
        h = auth.reauthorize(&h).await.unwrap();
        assert_eq!(h, bearer(expected));
    }
    assert_eq!(
        fake.grants(),
        [JWT_GRANT, "refresh_token", "refresh_token", "refresh_token"]
    );
    assert_eq!(auth.token_requests(), 4);
}

#[tokio::test]
async fn refresh_failure_falls_back_to_a_new_jwt() {
    let fake = Fake::start(Duration::ZERO, |n, form| {
        match (n, form["grant_type"].as_str()) {
            (2, "refresh_token") => (
                400,
                json!({"error": "invalid_grant", "error_description": "expired"}),
            ),
            (4, "refresh_token") => {
                // After the fallback, the refresh token of the new JWT exchange is the one used.
                assert_eq!(form["refresh_token"], "refresh-3");
                ok(n, json!("86400"))
            }
            _ => ok(n, json!("86400")),
        }
    })
    .await;
    let auth = auth(service_account(&fake.url));
    let h1 = auth.authorization().await.unwrap();
    let h3 = auth.reauthorize(&h1).await.unwrap();
    assert_eq!(h3, bearer("access-3"));
    assert_eq!(fake.grants(), [JWT_GRANT, "refresh_token", JWT_GRANT]);
    assert_eq!(auth.token_requests(), 3);
    assert_eq!(auth.reauthorize(&h3).await.unwrap(), bearer("access-4"));
}

#[tokio::test]
async fn a_throttled_refresh_keeps_the_refresh_token_and_waits() {
    let fake = Fake::start(Duration::ZERO, |n, form| {
        match (n, form["grant_type"].as_str()) {
            (2, "refresh_token") => (429, json!({"error": "too_many_requests"})),
            // The refresh token refused with 429 is still the one sent.
            (3, "refresh_token") if form["refresh_token"] == "refresh-1" => ok(n, json!("86400")),
            (1, _) => ok(n, json!("86400")),
            _ => (400, json!({"error": "invalid_grant"})),
        }
    })
    .await;
    let auth = auth(service_account(&fake.url));
    let h1 = auth.authorization().await.unwrap();
    let err = auth.reauthorize(&h1).await.unwrap_err();
    assert!(
        matches!(err, AuthError::TokenEndpoint { status: 429, .. }),
        "{err:?}"
    );
    assert_eq!(
        fake.grants(),
        [JWT_GRANT, "refresh_token"],
        "no JWT exchange at an endpoint that is throttling"
    );
    // Within the endpoint's Retry-After (1 s), callers get its answer without a request.
    assert!(auth.authorization().await.is_err());
    assert_eq!(fake.hits(), 2);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(auth.authorization().await.unwrap(), bearer("access-3"));
    assert_eq!(fake.grants(), [JWT_GRANT, "refresh_token", "refresh_token"]);
}

#[tokio::test]
async fn user_token_refreshes_and_reports_refresh_failure() {
    let fake = Fake::start(Duration::ZERO, |n, _| match n {
        1 => (200, json!({"access_token": "user-access-2", "refresh_token": "user-refresh-2", "expires_in": 86400})),
        _ => (400, json!({"error": "invalid_grant", "error_description": "refresh token expired"})),
    })
    .await;
    let user = UserToken::builder()
        .access_token("user-access-1")
        .refresh_token("user-refresh-1")
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .token_url(&fake.url)
        .build()
        .unwrap();
    let auth = auth(Credentials::user_token(user));
    let h1 = auth.authorization().await.unwrap();
    assert_eq!(h1, bearer("user-access-1"));
    assert_eq!(fake.hits(), 0, "the given access token is used as is");

    let h2 = auth.reauthorize(&h1).await.unwrap();
    assert_eq!(h2, bearer("user-access-2"));
    let form = fake.form(0);
    assert_eq!(
        keys(&form),
        ["client_id", "client_secret", "grant_type", "refresh_token"]
    );
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "user-refresh-1");

    let err = auth.reauthorize(&h2).await.unwrap_err();
    assert!(
        matches!(err, AuthError::TokenEndpoint { status: 400, .. }),
        "{err:?}"
    );
    assert_eq!(
        fake.form(1)["refresh_token"],
        "user-refresh-2",
        "rotated token used"
    );
    assert_eq!(fake.hits(), 2, "no JWT fallback for a user token");
}

#[tokio::test]
async fn user_token_without_access_token_refreshes_first() {
    let fake = Fake::start(Duration::ZERO, |n, _| ok(n, json!("86400"))).await;
    let user = UserToken::builder()
        .refresh_token("r")
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .token_url(&fake.url)
        .build()
        .unwrap();
    let auth = auth(Credentials::user_token(user));
    assert_eq!(auth.authorization().await.unwrap(), bearer("access-1"));
    assert_eq!(fake.grants(), ["refresh_token"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reauthorize_renews_once_per_rejected_token() {
    let fake = Fake::start(Duration::from_millis(50), |n, _| ok(n, json!("86400"))).await;
    let auth = auth(service_account(&fake.url));
    let h1 = auth.authorization().await.unwrap();

    let h2 = auth.reauthorize(&h1).await.unwrap();
    assert_eq!(h2, bearer("access-2"));
    assert_eq!(fake.hits(), 2, "a stale header makes one request");
    assert_eq!(auth.reauthorize(&h1).await.unwrap(), h2);
    assert_eq!(fake.hits(), 2, "an already replaced header makes none");
    assert_eq!(auth.authorization().await.unwrap(), h2);

    // Many requests rejected with the same token at once: one renewal.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let (auth, h2) = (auth.clone(), h2.clone());
        tasks.spawn(async move { auth.reauthorize(&h2).await });
    }
    for r in tasks.join_all().await {
        assert_eq!(r.unwrap(), bearer("access-3"));
    }
    assert_eq!((fake.hits(), auth.token_requests()), (3, 3));
}

#[tokio::test]
async fn static_token_is_sent_as_is_and_never_renewed() {
    let auth = auth(Credentials::access_token("static-token"));
    assert!(!auth.can_renew());
    let h = auth.authorization().await.unwrap();
    assert_eq!(h, bearer("static-token"));
    assert!(h.is_sensitive());
    let err = auth.reauthorize(&h).await.unwrap_err();
    assert!(
        matches!(&err, AuthError::Config(m) if m.contains("cannot be renewed")),
        "{err}"
    );
    assert_eq!(auth.token_requests(), 0);

    let bad = Authenticator::new(
        Credentials::access_token("line\nbreak"),
        reqwest::Client::new(),
    );
    assert!(matches!(
        bad.authorization().await,
        Err(AuthError::Config(_))
    ));
}

#[tokio::test]
async fn no_secret_in_debug_display_or_errors() {
    let fake = Fake::start(Duration::ZERO, |n, _| match n {
        1 => ok(n, json!("86400")),
        _ => (400, json!({"error": "invalid_grant"})),
    })
    .await;
    let creds = service_account(&fake.url);
    let auth = auth(creds.clone());
    let h = auth.authorization().await.unwrap(); // a cached token and refresh token now exist
    let assertion = fake.form(0)["assertion"].clone();

    let mut errors = vec![
        auth.reauthorize(&h).await.unwrap_err(), // refresh and JWT fallback both refused
        AuthError::InvalidKey("x".into()),
    ];
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    errors.push(
        self::auth(service_account(&format!("http://127.0.0.1:{port}/t")))
            .authorization()
            .await
            .unwrap_err(),
    );
    errors.push(
        ServiceAccount::builder()
            .client_id(CLIENT_ID)
            .client_secret(CLIENT_SECRET)
            .service_account_id(ACCOUNT)
            .private_key_pem(&PKCS8.replace("MII", "MIX"))
            .build()
            .unwrap_err(),
    );

    let mut printed = vec![
        format!("{creds:?}"),
        format!("{auth:?}"),
        format!("{auth:#?}"),
        format!("{h:?}"),
        format!("{:?}", Credentials::access_token(CLIENT_SECRET)),
    ];
    for e in &errors {
        printed.extend(crate::support::printed(e));
    }
    let key_lines: Vec<&str> = PKCS8.lines().filter(|l| !l.starts_with("-----")).collect();
    for text in &printed {
        for secret in [
            CLIENT_SECRET,
            "access-1",
            "refresh-1",
            &assertion[..40],
            "eyJ",
        ] {
            assert!(!text.contains(secret), "{secret:?} leaked in {text}");
        }
        for line in &key_lines {
            assert!(!text.contains(&line[..20]), "key material leaked in {text}");
        }
    }
}

#[tokio::test]
async fn rotated_tokens_survive_a_restart_in_a_private_file() {
    use lineworks_partner::auth::{FileTokenStore, StoredTokens, TokenStore};
    let fake = Fake::start(Duration::ZERO, |n, _| ok(n, json!("86400"))).await;
    let dir = std::env::temp_dir().join(format!(
        "lw-token-store-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.json");
    let user = || {
        Credentials::user_token(
            UserToken::builder()
                .refresh_token("refresh-0")
                .client_id(CLIENT_ID)
                .client_secret(CLIENT_SECRET)
                .token_url(&fake.url)
                .build()
                .unwrap(),
        )
    };
    let store = || Arc::new(FileTokenStore::new(&path));
    let first = Authenticator::with_store(user(), reqwest::Client::new(), store());
    assert_eq!(first.authorization().await.unwrap(), bearer("access-1"));
    assert_eq!(fake.form(0)["refresh_token"], "refresh-0");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "only the owner may read the tokens");
    }
    // A restart: the stored access token is used without a request ...
    let second = Authenticator::with_store(user(), reqwest::Client::new(), store());
    assert_eq!(second.authorization().await.unwrap(), bearer("access-1"));
    assert_eq!(fake.hits(), 1);
    // ... and the rotated refresh token, not the configured one, renews it.
    assert_eq!(
        second.reauthorize(&bearer("access-1")).await.unwrap(),
        bearer("access-2")
    );
    assert_eq!(fake.form(1)["refresh_token"], "refresh-1");
    let saved = store().load().unwrap().unwrap();
    assert!(saved.access_token_expires_at.is_some());
    for text in [
        format!("{saved:?}"),
        format!("{:?}", store()),
        format!("{second:?}"),
    ] {
        for secret in ["access-", "refresh-", CLIENT_SECRET] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    // A file that is not ours is an error naming the file, never its content.
    std::fs::write(&path, "refresh-9 garbage").unwrap();
    let err = store().load().unwrap_err();
    assert!(
        matches!(&err, AuthError::Store(m) if m.contains("tokens.json") && !m.contains("refresh-9")),
        "{err:?}"
    );
    // ... and does not stop the authenticator: it starts from its configured token.
    let third = Authenticator::with_store(user(), reqwest::Client::new(), store());
    assert_eq!(third.authorization().await.unwrap(), bearer("access-3"));
    assert_eq!(fake.form(2)["refresh_token"], "refresh-0");
    let _ = StoredTokens::default();
    std::fs::remove_dir_all(&dir).unwrap();
}
