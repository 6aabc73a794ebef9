//! A token endpoint compatible with the LINE WORKS service-account flow.
//!
//! It accepts any well-formed JWT assertion (the signature is not verified: the sandbox has
//! no public keys) and answers like `auth.worksmobile.com`, including `expires_in` as a string.

use crate::model::fnv;
use crate::server::App;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// Access tokens of service accounts last a day (unless the builder sets another lifetime).
pub(crate) const ACCESS_LIFETIME: Duration = Duration::from_secs(86_400);
/// Refresh tokens last 90 days.
const REFRESH_LIFETIME: Duration = Duration::from_secs(90 * 86_400);
/// Tokens of each kind kept at most: expired ones are purged whenever a token is issued, and
/// past this many the oldest go, so a client requesting tokens in a loop cannot grow memory.
pub(crate) const MAX_TOKENS: usize = 10_000;

/// A token the endpoint issued.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    /// The client it was issued to.
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires: Instant,
    /// Issue order, so the oldest can go first.
    pub n: u64,
}

impl Issued {
    pub fn valid_at(&self, now: Instant) -> bool {
        now < self.expires
    }
}

/// Drops the expired tokens of `map`, then the oldest until there is room for one more.
fn purge(map: &mut HashMap<String, Issued>, now: Instant) {
    map.retain(|_, t| t.valid_at(now));
    while map.len() >= MAX_TOKENS {
        let Some(oldest) = map.iter().min_by_key(|(_, t)| t.n).map(|(k, _)| k.clone()) else {
            break;
        };
        map.remove(&oldest);
    }
}

fn oauth_error(status: StatusCode, error: &str, description: impl Into<String>) -> Response {
    respond(
        status,
        json!({ "error": error, "error_description": description.into() }),
    )
}

fn respond(status: StatusCode, body: Value) -> Response {
    let mut res = (status, body.to_string()).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    // Token answers must not be cached (RFC 6749, 5.1).
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

pub(crate) fn handle(app: &App, headers: &HeaderMap, body: &[u8]) -> Response {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        );
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let field = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let Some(grant) = field("grant_type") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type is required",
        );
    };
    let (Some(client_id), Some(_secret)) = (field("client_id"), field("client_secret")) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id and client_secret are required",
        );
    };
    let (scopes, refresh) = match grant {
        JWT_BEARER => {
            let Some(assertion) = field("assertion") else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "assertion is required",
                );
            };
            let claims = match jwt_claims(assertion) {
                Ok(c) => c,
                Err(why) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", why),
            };
            if claims
                .get("iss")
                .and_then(Value::as_str)
                .is_some_and(|iss| iss != client_id)
            {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the assertion's iss is not the client_id",
                );
            }
            let Some(scope) = field("scope") else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    "scope is required",
                );
            };
            (
                scope
                    .split(' ')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect::<Vec<_>>(),
                None,
            )
        }
        "refresh_token" => {
            let Some(token) = field("refresh_token") else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "refresh_token is required",
                );
            };
            match app.state().refresh_tokens.get(token) {
                Some(t) if t.client_id == client_id && t.valid_at(Instant::now()) => {
                    (t.scopes.clone(), Some(token.to_string()))
                }
                _ => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "the refresh token is unknown or belongs to another client",
                    );
                }
            }
        }
        other => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                format!("grant_type {other} is not supported"),
            );
        }
    };
    let lifetime = app.config.token_lifetime.unwrap_or(ACCESS_LIFETIME);
    let now = Instant::now();
    let mut st = app.state();
    st.issued += 1;
    let n = st.issued;
    let access = format!("sbx.{n}.{:016x}", fnv(&format!("{client_id}/{n}/access")));
    let issued = |lifetime: Duration| Issued {
        client_id: client_id.to_string(),
        scopes: scopes.clone(),
        expires: now.checked_add(lifetime).unwrap_or(now),
        n,
    };
    purge(&mut st.tokens, now);
    st.tokens.insert(access.clone(), issued(lifetime));
    // No rotation: a refresh answers with the refresh token it was given (which keeps its
    // original expiry).
    let refresh = match refresh {
        Some(token) => token,
        None => {
            let token = format!("sbxr.{n}.{:016x}", fnv(&format!("{client_id}/{n}/refresh")));
            purge(&mut st.refresh_tokens, now);
            st.refresh_tokens
                .insert(token.clone(), issued(REFRESH_LIFETIME));
            token
        }
    };
    respond(
        StatusCode::OK,
        json!({
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "scope": scopes.join(" "),
            "expires_in": lifetime.as_secs().to_string(),
        }),
    )
}

/// The claims of a compact JWS with JSON header and payload; the signature is only required
/// to be present.
fn jwt_claims(token: &str) -> Result<Value, &'static str> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the assertion is not a JWT (three dot-separated parts)");
    };
    if s.is_empty() {
        return Err("the assertion is not signed");
    }
    let header: Value = base64url(h)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("the JWT header is not base64url-encoded JSON")?;
    if header.get("alg").and_then(Value::as_str).is_none() {
        return Err("the JWT header has no alg");
    }
    let claims: Value = base64url(p)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(Value::is_object)
        .ok_or("the JWT claims are not a base64url-encoded JSON object")?;
    Ok(claims)
}

fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::server::{App, Config};
    use axum::http::{HeaderMap, HeaderValue, header};
    use std::time::Duration;

    const JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJjIn0.c2ln";

    fn app(lifetime: Duration) -> App {
        let config = Config {
            token_lifetime: Some(lifetime),
            ..Config::default()
        };
        App::new(config, crate::model::State::default())
    }

    /// Asks `app` for a token; returns the access and refresh tokens.
    fn issue(app: &App) -> (String, String) {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let body = format!(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&client_id=c&\
             client_secret=s&scope=partner&assertion={JWT}"
        );
        let res = super::handle(app, &headers, body.as_bytes());
        assert_eq!(res.status(), 200);
        let st = app.state();
        let n = st.issued;
        let find = |map: &std::collections::HashMap<String, super::Issued>| {
            map.iter()
                .find(|(_, t)| t.n == n)
                .map(|(k, _)| k.clone())
                .expect("the token just issued is kept")
        };
        (find(&st.tokens), find(&st.refresh_tokens))
    }

    #[test]
    fn expired_tokens_are_purged_when_the_next_is_issued() {
        let app = app(Duration::ZERO);
        let (first, _) = issue(&app);
        let (second, _) = issue(&app);
        let st = app.state();
        assert!(!st.tokens.contains_key(&first), "expired, so purged");
        assert!(st.tokens.contains_key(&second));
        assert_eq!(st.tokens.len(), 1);
    }

    #[test]
    fn issued_tokens_stay_bounded_oldest_first() {
        let app = app(Duration::from_secs(3600));
        let (first, first_refresh) = issue(&app);
        let mut last = (String::new(), String::new());
        for _ in 0..super::MAX_TOKENS + 50 {
            last = issue(&app);
        }
        let st = app.state();
        assert!(st.tokens.len() <= super::MAX_TOKENS, "{}", st.tokens.len());
        assert!(st.refresh_tokens.len() <= super::MAX_TOKENS);
        assert!(!st.tokens.contains_key(&first));
        assert!(!st.refresh_tokens.contains_key(&first_refresh));
        assert!(st.tokens.contains_key(&last.0) && st.refresh_tokens.contains_key(&last.1));
    }

    #[test]
    fn decodes_base64url() {
        assert_eq!(super::base64url("eyJhIjoxfQ").unwrap(), br#"{"a":1}"#);
        assert!(super::base64url("e$").is_none());
    }

    #[test]
    fn reads_claims() {
        // {"alg":"RS256","typ":"JWT"} . {"iss":"c"} . sig
        let jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJjIn0.c2ln";
        assert_eq!(super::jwt_claims(jwt).unwrap()["iss"], "c");
        assert!(super::jwt_claims("a.b").is_err());
    }
}
