//! progenitor's error, with what the hooks recorded about the call, as the crate's [`Error`].

use super::{Report, operation};
use crate::body::{self, BodyCut, MAX_ERROR_BODY};
use crate::error::{ApiError, ApiErrorData, Error};
use crate::generated::raw;
use crate::retry::{self, RateLimitState};
use crate::validate::{self, OperationSpec};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
/// Bodies kept in errors are cut here: enough to diagnose, never a whole payload.
const BODY_EXCERPT: usize = 512;

pub(crate) fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match text.char_indices().nth(BODY_EXCERPT) {
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], bytes.len()),
        None => text.into_owned(),
    }
}

/// An answer without a field the spec requires, named by its JSON path
/// (`administrator.lastName`) rather than by serde's position in the text.
fn missing_field(op: &OperationSpec, bytes: &[u8]) -> Option<String> {
    let mismatch = crate::generated::answers::parse(op.id, bytes)?.err()?;
    let field = mismatch.missing_field()?;
    Some(format!(
        "the answer does not match the spec: it lacks `{field}`, a field the spec requires"
    ))
}

/// How much of a page that is not the API's is shown: its start says what answered.
const PAGE_EXCERPT: usize = 200;

/// An answer that is a web page (HTML or XML) rather than JSON: the base URL points at some other
/// server (a proxy, a login page, a web site). Says so, with where the request went.
pub(super) fn not_the_api(bytes: &[u8], report: &Report) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    if !text.trim_start().starts_with('<') {
        return None;
    }
    let start: String = text.trim_start().chars().take(PAGE_EXCERPT).collect();
    let start = start.split_whitespace().collect::<Vec<_>>().join(" ");
    let more = if text.trim_start().chars().nth(PAGE_EXCERPT).is_some() {
        format!("… ({} bytes in all)", bytes.len())
    } else {
        String::new()
    };
    let at = report.origin.as_deref().unwrap_or("the base URL");
    Some(format!(
        "the answer from {at} is a web page, not the Partner API's JSON: check the base URL \
         (it should end in /v1.0 on the API's host); the page starts: {start}{more}"
    ))
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    code: String,
    description: Option<String>,
}

/// The request id header, under the names servers commonly use.
fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "x-works-request-id", "x-amzn-requestid"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(|id| id.chars().take(128).collect())
}

/// The final answer's parts, gathered for [`api_error`].
struct Answer<'a> {
    status: StatusCode,
    code: String,
    description: Option<String>,
    headers: &'a HeaderMap,
}

fn api_error(answer: Answer<'_>, report: &Report, op: &'static OperationSpec) -> Error {
    let Answer {
        status,
        code,
        description,
        headers,
    } = answer;
    let operation = operation(op);
    let rate_limit = RateLimitState::from_headers(op.id, headers);
    let error = ApiError(Box::new(ApiErrorData {
        status,
        code,
        description,
        attempts: report.attempts.max(1),
        operation,
        request_id: request_id(headers),
        rate_limit: rate_limit.clone(),
        // A DELETE whose earlier attempt got no answer and that now finds nothing: that
        // attempt most likely did the deletion.
        probably_applied: status == StatusCode::NOT_FOUND
            && op.method == "DELETE"
            && report.maybe_applied,
        without_credentials: status == StatusCode::UNAUTHORIZED && report.without_credentials,
        fixed_token: report.fixed_token,
        reset_beyond_budget: report.reset_beyond_budget,
    }));
    match status {
        StatusCode::TOO_MANY_REQUESTS => Error::RateLimited {
            error,
            reset_after: retry::rate_limit_reset(headers),
            limit: rate_limit.as_ref().and_then(|r| r.limit),
            remaining: rate_limit.as_ref().and_then(|r| r.remaining),
        },
        // LINE WORKS' own samples read a 403 `UNAUTHORIZED` as an expired token, like a 401.
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            if status == StatusCode::UNAUTHORIZED || error.code() == "UNAUTHORIZED" =>
        {
            Error::Unauthorized {
                error,
                renewal: report.auth.clone(),
            }
        }
        _ => Error::Api(error),
    }
}

pub(super) async fn map_error(
    e: progenitor_client::Error<raw::types::ApiErrorBody>,
    mut report: Report,
    op: &'static OperationSpec,
) -> Error {
    use progenitor_client::Error as P;
    let attempts = report.attempts.max(1);
    let operation = operation(op);
    match e {
        P::InvalidRequest(message) => match report.validation.take() {
            Some(v) => Error::InvalidRequest(v),
            None => Error::InvalidRequest(validate::from_builder_message(&message, op)),
        },
        P::Custom(message) => match (report.auth.take(), report.validation.take()) {
            (Some(auth), _) => Error::Auth {
                source: auth,
                operation: Some(operation),
            },
            (None, Some(v)) => Error::InvalidRequest(v),
            (None, None) => Error::Config(message),
        },
        P::CommunicationError(source)
        | P::InvalidUpgrade(source)
        | P::ResponseBodyError(source) => {
            // Sent unless every attempt failed to connect.
            let may_have_succeeded = report.maybe_applied && operation.is_write();
            if source.is_timeout() {
                Error::Timeout {
                    source: Some(source),
                    attempts,
                    operation,
                    limit: report.attempt_timeout,
                    total: false,
                    may_have_succeeded,
                }
            } else {
                Error::Transport {
                    source,
                    attempts,
                    operation,
                    may_have_succeeded,
                }
            }
        }
        P::ErrorResponse(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            let body = value.into_inner();
            let answer = Answer {
                status,
                code: body.code,
                description: body.description,
                headers: &headers,
            };
            api_error(answer, &report, op)
        }
        P::InvalidResponsePayload(bytes, parse) => Error::UnexpectedResponse {
            status: report.last_status.unwrap_or(StatusCode::OK),
            detail: not_the_api(&bytes, &report)
                .or_else(|| missing_field(op, &bytes))
                .unwrap_or_else(|| {
                    format!(
                        "the body does not match the spec ({parse}): {}{}",
                        excerpt(&bytes),
                        if report.body_cut {
                            " (body cut at 64 KiB)"
                        } else {
                            ""
                        }
                    )
                }),
            attempts,
            operation,
        },
        P::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let mut response = response;
            let cut = response.extensions().get::<BodyCut>().is_some();
            let mut bytes = Vec::new();
            let more = body::read_bounded(&mut response, &mut bytes, MAX_ERROR_BODY)
                .await
                .unwrap_or(false);
            let cut = cut || more;
            // An undocumented status with a LINE WORKS error body is still an API error.
            match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(body) if !status.is_success() => {
                    let answer = Answer {
                        status,
                        code: body.code,
                        description: body.description,
                        headers: &headers,
                    };
                    api_error(answer, &report, op)
                }
                _ => Error::UnexpectedResponse {
                    status,
                    detail: not_the_api(&bytes, &report).unwrap_or_else(|| {
                        format!(
                            "status not documented for this operation: {}{}",
                            excerpt(&bytes),
                            if cut { " (body cut at 64 KiB)" } else { "" }
                        )
                    }),
                    attempts,
                    operation,
                },
            }
        }
    }
}
