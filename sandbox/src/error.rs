//! Error answers in the LINE WORKS shape: `{"code": "...", "description": "..."}`.

use axum::http::StatusCode;
use serde_json::json;

/// An error answer the handlers return.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub description: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            description: description.into(),
        }
    }

    /// A malformed request or one that breaks a rule of the spec.
    pub fn bad_request(code: &'static str, description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, description)
    }

    /// A field that is missing or wrong; the description always names it.
    pub fn invalid_field(field: &str, why: impl std::fmt::Display) -> Self {
        Self::bad_request("INVALID_PARAMETER", format!("`{field}` {why}"))
    }

    pub fn not_found(what: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("{what} does not exist"),
        )
    }

    pub fn body(&self) -> serde_json::Value {
        json!({ "code": self.code, "description": self.description })
    }
}

/// The result of a handler.
pub(crate) type Result<T, E = ApiError> = std::result::Result<T, E>;
