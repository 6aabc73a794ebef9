#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod answer_path;
pub mod auth;
mod body;
mod client;
mod enum_value;
mod error;
/// Parsers of network data callable with bytes, for the property tests and `fuzz/`.
#[doc(hidden)]
pub mod fuzzing;
mod generated;
mod hooks;
mod lenient;
mod nullable;
pub mod paginate;
#[doc(hidden)]
pub mod private_file;
mod read_back;
pub mod retry;
mod secret_text;
pub mod terminal;
pub mod validate;

pub use auth::Credentials;
pub use body::DEFAULT_MAX_RESPONSE_BODY;
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use enum_value::UnknownValue;
pub use error::{ApiError, Error, Operation};
pub use generated::builder;
#[cfg(feature = "httpmock")]
#[cfg_attr(docsrs, doc(cfg(feature = "httpmock")))]
pub use generated::mock;
pub use nullable::Nullable;
pub use read_back::{Unidentified, UnidentifiedReason, Written};
pub use retry::{RateLimit, RateLimitState, RetryPolicy};
pub use secret_text::SecretText;

/// The `info.version` of the `openapi/partner.yaml` this crate was generated from: the spec's
/// own semver, whose steps are listed in `openapi/CHANGELOG.md`.
///
/// ```
/// let v = lineworks_partner::SPEC_VERSION;
/// assert!(v.split('.').all(|n| n.parse::<u64>().is_ok()), "{v}");
/// ```
pub const SPEC_VERSION: &str = env!("LINEWORKS_PARTNER_SPEC_VERSION");

/// Request and response types, generated from the spec. Enums are open: see
/// [`types::Locale`] for the shape every enum shares.
///
/// Every request type has `builder()`, a typestate builder with one setter per field, named
/// like it; its `build()` compiles only once every required field is set. Every way to build a
/// body (`builder()`, `new()` and its setters, a request builder's `body_map`) takes the same
/// setter arguments: text as `&str` or `String`, a plain value for an optional field, and for a
/// field the API lets you clear a plain value or [`Nullable::Null`] (an explicit `null`):
///
/// ```
/// use lineworks_partner::{types, Nullable};
/// let body = types::SubscriptionCreateRequest::builder()
///     .product_id(types::ProductId::Std)
///     .plan(types::Plan::AnnualLicense)
///     .license_count(10)
///     .build();
/// let clear = types::UsageStatusPatchRequest::new().withdrawal_date(Nullable::Null);
/// # let _ = (body, clear);
/// ```
///
/// The compiler checks what the spec requires. A missing required field does not compile, and
/// the error names it (here: "the member `Unset<locale>` was not set"):
///
/// ```compile_fail,E0277
/// use lineworks_partner::types;
/// let body = types::CustomerCreateRequest::builder()
///     .domain("example.com")
///     .company_name("Example K.K.")
///     .phone_number("03-0000-0000")
///     .time_zone("Asia/Tokyo")
///     .build();
/// ```
///
/// nor a field set twice (a copy-paste slip that would hide a missing one), nor a number where
/// the spec wants text:
///
/// ```compile_fail,E0277
/// use lineworks_partner::types;
/// let admin = types::AdministratorCreateRequest::builder()
///     .last_name("Works")
///     .last_name("Admin")
///     .password("Passw0rd1357")
///     .id("admin")
///     .private_email("a@example.com")
///     .build();
/// ```
///
/// ```compile_fail,E0277
/// use lineworks_partner::types;
/// let admin = types::AdministratorCreateRequest::builder()
///     .last_name(42)
///     .password("Passw0rd1357")
///     .id("admin")
///     .private_email("a@example.com")
///     .build();
/// ```
///
/// nor does a typo in an enum value, as text or as a variant:
///
/// ```compile_fail,E0308
/// use lineworks_partner::types;
/// let body = types::CustomerCreateRequest::builder()
///     .domain("example.com")
///     .company_name("Example K.K.")
///     .phone_number("03-0000-0000")
///     .time_zone("Asia/Tokyo")
///     .locale("jp")
///     .build();
/// ```
///
/// ```compile_fail,E0599
/// use lineworks_partner::types;
/// let plan = types::Plan::Yearly;
/// ```
///
/// nor an unfinished builder where a request body is expected:
///
/// ```compile_fail,E0308
/// # async fn f(client: lineworks_partner::Client) {
/// use lineworks_partner::types;
/// let _ = client.create_customer().body(types::CustomerCreateRequest::builder().domain("example.com"));
/// # }
/// ```
///
/// `new()` taking the required fields by position is deprecated where there are any: its
/// arguments are easy to swap.
///
/// Text becomes an enum value only through `parse`/`try_from`, which refuse a value the spec
/// does not list; a value the spec does not list is sent only when built as `Unknown(..)`.
pub mod types {
    pub use crate::generated::enums::*;
    pub use crate::generated::raw::types::*;
}
