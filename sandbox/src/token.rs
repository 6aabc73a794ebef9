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

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// Access tokens of service accounts last a day.
const EXPIRES_IN: &str = "86400";

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
                Some((owner, scopes)) if owner == client_id => {
                    (scopes.clone(), Some(token.to_string()))
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
    let mut st = app.state();
    st.issued += 1;
    let n = st.issued;
    let access = format!("sbx.{n}.{:016x}", fnv(&format!("{client_id}/{n}/access")));
    // No rotation: a refresh answers with the refresh token it was given.
    let refresh = refresh
        .unwrap_or_else(|| format!("sbxr.{n}.{:016x}", fnv(&format!("{client_id}/{n}/refresh"))));
    st.tokens.insert(access.clone(), scopes.clone());
    st.refresh_tokens
        .insert(refresh.clone(), (client_id.to_string(), scopes.clone()));
    respond(
        StatusCode::OK,
        json!({
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "scope": scopes.join(" "),
            "expires_in": EXPIRES_IN,
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
