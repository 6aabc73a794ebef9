//! Unit tests of the private parts: signing, parsing, the environment.
use super::*;
use super::{endpoint::*, service_account::*};
use jsonwebtoken::{DecodingKey, Validation};

const PKCS8: &str = include_str!("../../tests/fixtures/test_key_pkcs8.pem");
const PKCS1: &str = include_str!("../../tests/fixtures/test_key_pkcs1.pem");
const PUBLIC: &str = include_str!("../../tests/fixtures/test_key_public.pem");

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

/// JSON built to hurt a parser: wrong types, nulls, huge numbers and strings, deep nesting.
fn hostile_json() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        Just(serde_json::Value::from(u64::MAX)),
        "\\PC{0,40}".prop_map(serde_json::Value::from),
        (0usize..20_000).prop_map(|n| serde_json::Value::from("x".repeat(n))),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("access_token".to_owned()),
            Just("refresh_token".to_owned()),
            Just("expires_in".to_owned()),
            Just("token_type".to_owned()),
            Just("error".to_owned()),
            Just("error_description".to_owned()),
            Just("code".to_owned()),
            Just("description".to_owned()),
            "[a-z_]{1,12}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(keys, inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(500))]

    /// Any body, JSON or not, is a token or a typed error; nothing panics, and an error never
    /// quotes the body (it may hold a token).
    #[test]
    fn token_answers_never_panic(value in hostile_json(), raw in proptest::collection::vec(proptest::num::u8::ANY, 0..256), status in 100u16..600) {
        let json = serde_json::to_vec(&value).unwrap();
        for body in [json.as_slice(), raw.as_slice()] {
            match parse_token(status, body, Instant::now()) {
                Ok(token) => proptest::prop_assert!(!token.access_token.expose_secret().is_empty()),
                Err(e) => { let _ = e.to_string(); }
            }
            let e = parse_error(status, body, "application/json");
            if let AuthError::InvalidResponse { detail, .. } = &e {
                proptest::prop_assert!(detail.len() < 200, "{detail}");
            }
        }
    }
}
