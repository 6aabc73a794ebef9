#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod auth;
mod client;
mod error;
mod generated;
mod hooks;
mod lenient;
mod nullable;
pub mod paginate;
pub mod retry;
pub mod validate;

pub use auth::Credentials;
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use error::{ApiError, Error};
pub use generated::builder;
#[cfg(feature = "httpmock")]
#[cfg_attr(docsrs, doc(cfg(feature = "httpmock")))]
pub use generated::mock;
pub use nullable::Nullable;
pub use retry::{RateLimit, RetryPolicy};

/// Request and response types, generated from the spec. Enums are open: see
/// [`types::Locale`] for the shape every enum shares.
pub mod types {
    pub use crate::generated::enums::*;
    pub use crate::generated::raw::types::*;
}
