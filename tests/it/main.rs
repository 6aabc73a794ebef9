//! The one integration-test binary: the client over real HTTP on loopback.

mod operations;
mod support;
