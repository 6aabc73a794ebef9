//! The one integration-test binary: the client over real HTTP on loopback.

mod answers_as_sent;
mod auth;
mod body_builders;
mod body_limit;
mod bounded;
mod compat;
mod deprecated;
mod errors;
mod expired_token;
mod fuzz_cursors;
mod fuzz_responses;
mod hostile;
mod ja_values;
mod kept_fields;
#[cfg(feature = "httpmock")]
mod mock;
mod mutate;
mod nullable;
mod operations;
mod outcomes;
mod paginate;
mod read_back;
mod redirects;
mod retry;
mod secrets;
mod spec_rules;
mod success_status;
mod support;
mod token_answers;
mod validation;
mod wire;
mod x_rules;
