//! The one integration-test binary: the client over real HTTP on loopback.

mod compat;
mod errors;
mod operations;
mod secrets;
mod support;
mod validation;
