//! The token endpoint: one request, and reading its answer without ever quoting a token.
use super::*;
use crate::body::MAX_ERROR_BODY;

/// A successful token response.
pub(crate) struct Token {
    pub(super) access_token: SecretString,
    pub(super) refresh_token: Option<SecretString>,
    pub(super) lifetime: Duration,
    /// When the request was sent: expiry counts from here, to stay on the safe side.
    pub(super) sent_at: Instant,
}

impl Inner {
    /// One token request; an error answer's requested wait goes to `hint`. Whatever the
    /// answer's status, its error is redacted: an endpoint may echo the request in a 200 too.
    pub(super) async fn post(
        &self,
        token_url: &str,
        form: &[(&str, &str)],
        hint: &mut Option<Duration>,
    ) -> Result<Token, AuthError> {
        self.exchange(token_url, form, hint)
            .await
            .map_err(|e| redact(e, form))
    }

    async fn exchange(
        &self,
        token_url: &str,
        form: &[(&str, &str)],
        hint: &mut Option<Duration>,
    ) -> Result<Token, AuthError> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let sent_at = Instant::now();
        let mut request = self
            .http
            .post(token_url)
            .header(ACCEPT, "application/json")
            .form(form);
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        let mut response = request.send().await.map_err(|e| self.failed(e))?;
        let status = response.status().as_u16();
        // Never followed (the client's own `reqwest::Client` has no redirect policy): the form
        // carries the client secret and a grant.
        if response.status().is_redirection() {
            return Err(AuthError::Redirect {
                status,
                location: location(response.headers()),
            });
        }
        // A caller's own `reqwest::Client` may have followed one: its answer is not used.
        if reqwest::Url::parse(token_url).is_ok_and(|asked| asked != *response.url()) {
            return Err(AuthError::Redirect {
                status,
                location: Some(response.url().as_str().chars().take(256).collect()),
            });
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none")
            .to_owned();
        if !response.status().is_success() {
            *hint = crate::retry::rate_limit_reset(response.headers());
        }
        // A token answer is a few kilobytes; more is not one, and is never read whole.
        let mut body = Vec::new();
        let cut = crate::body::read_bounded(&mut response, &mut body, MAX_ERROR_BODY)
            .await
            .map_err(|e| self.failed(e))?;
        if (200..300).contains(&status) {
            if cut {
                return Err(AuthError::InvalidResponse {
                    status,
                    detail: "the token response is larger than 64 KiB".into(),
                });
            }
            let token = parse_token(status, &body, sent_at)?;
            tracing::debug!(
                token_url = %token_url,
                expires_in_secs = token.lifetime.as_secs(),
                refresh_token = token.refresh_token.is_some(),
                "access token obtained"
            );
            Ok(token)
        } else {
            Err(parse_error(status, &body, &content_type))
        }
    }

    /// A failed exchange, with the timeout that ran out named.
    fn failed(&self, e: reqwest::Error) -> AuthError {
        if e.is_timeout() {
            AuthError::Timeout {
                limit: self.timeout,
                source: Arc::new(e),
            }
        } else {
            AuthError::from(e)
        }
    }
}

/// A redirect's `Location`, cut short: it is named in the error, never followed.
pub(crate) fn location(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers.get(reqwest::header::LOCATION).map(|v| {
        String::from_utf8_lossy(v.as_bytes())
            .chars()
            .take(256)
            .collect()
    })
}

/// A token endpoint that quotes the request in its answer would otherwise put the client
/// secret, the signed assertion or the refresh token into the error: those values are cut out,
/// as sent and as the form encoded them, from every text of every error.
fn redact(error: AuthError, form: &[(&str, &str)]) -> AuthError {
    let mut secrets: Vec<String> = Vec::new();
    for (key, value) in form {
        if matches!(*key, "client_secret" | "assertion" | "refresh_token") && value.len() >= 4 {
            secrets.push((*value).to_owned());
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            if encoded != *value {
                secrets.push(encoded);
            }
        }
    }
    let clean = |text: String| {
        secrets.iter().fold(text, |text, secret| {
            text.replace(secret.as_str(), "[redacted]")
        })
    };
    match error {
        AuthError::TokenEndpoint {
            status,
            error,
            error_description,
        } => AuthError::TokenEndpoint {
            status,
            error: clean(error),
            error_description: error_description.map(clean),
        },
        AuthError::InvalidResponse { status, detail } => AuthError::InvalidResponse {
            status,
            detail: clean(detail),
        },
        AuthError::Redirect { status, location } => AuthError::Redirect {
            status,
            location: location.map(clean),
        },
        other => other,
    }
}

/// `Bearer <token>`, marked sensitive so that hyper and `Debug` keep it out of sight.
pub(super) fn bearer(token: &SecretString) -> Result<HeaderValue, AuthError> {
    let mut header =
        HeaderValue::try_from(format!("Bearer {}", token.expose_secret())).map_err(|_| {
            AuthError::Config(
                "the access token contains characters not allowed in an HTTP header".into(),
            )
        })?;
    header.set_sensitive(true);
    Ok(header)
}

/// Read a successful token response without ever quoting it: it carries the tokens.
pub(crate) fn parse_token(status: u16, body: &[u8], sent_at: Instant) -> Result<Token, AuthError> {
    let invalid = |detail: &str| AuthError::InvalidResponse {
        status,
        detail: detail.to_owned(),
    };
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| invalid("the token response is not JSON"))?;
    let serde_json::Value::Object(map) = value else {
        return Err(invalid("the token response is not a JSON object"));
    };
    let access_token = match map.get("access_token") {
        Some(serde_json::Value::String(s)) if !s.is_empty() => SecretString::from(s.as_str()),
        Some(_) => return Err(invalid("`access_token` is not a non-empty string")),
        // Some servers put an OAuth error in a 200 answer.
        None if map.get("error").is_some_and(serde_json::Value::is_string) => {
            return Err(parse_error(status, body, "application/json"));
        }
        None => return Err(invalid("the token response has no `access_token`")),
    };
    let refresh_token = match map.get("refresh_token") {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(SecretString::from(s.as_str())),
        None | Some(serde_json::Value::Null) => None,
        Some(_) => return Err(invalid("`refresh_token` is not a string")),
    };
    // LINE WORKS sends a string ("86400"); OAuth says number. Accept both.
    let lifetime = match map.get("expires_in") {
        None | Some(serde_json::Value::Null) => ASSUMED_LIFETIME,
        Some(serde_json::Value::Number(n)) => n
            .as_u64()
            .map(Duration::from_secs)
            .or_else(|| n.as_f64().and_then(|f| Duration::try_from_secs_f64(f).ok()))
            .ok_or_else(|| invalid("`expires_in` is not a non-negative number of seconds"))?,
        Some(serde_json::Value::String(s)) => s
            .trim()
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| invalid("`expires_in` is not a number of seconds"))?,
        Some(_) => return Err(invalid("`expires_in` is neither a string nor a number")),
    }
    .min(MAX_LIFETIME);
    if let Some(kind) = map.get("token_type").and_then(|t| t.as_str())
        && !kind.eq_ignore_ascii_case("bearer")
    {
        tracing::warn!(token_type = %kind, "unexpected token type; sending it as a Bearer token");
    }
    Ok(Token {
        access_token,
        refresh_token,
        lifetime,
        sent_at,
    })
}

/// Type an error answer: OAuth's `{error, error_description}`, or LINE WORKS' `{code, description}`.
pub(crate) fn parse_error(status: u16, body: &[u8], content_type: &str) -> AuthError {
    let fields: Option<HashMap<String, serde_json::Value>> = serde_json::from_slice(body).ok();
    let text = |map: &HashMap<String, serde_json::Value>, key: &str| {
        map.get(key).and_then(|v| v.as_str()).map(str::to_owned)
    };
    if let Some(map) = &fields {
        for (code, description) in [("error", "error_description"), ("code", "description")] {
            if let Some(error) = text(map, code) {
                return AuthError::TokenEndpoint {
                    status,
                    error,
                    error_description: text(map, description),
                };
            }
        }
    }
    // Describe rather than quote: an unknown body might echo the request, secrets included.
    AuthError::InvalidResponse {
        status,
        detail: format!(
            "no OAuth error in the body (content-type {content_type}, {} bytes)",
            body.len()
        ),
    }
}
