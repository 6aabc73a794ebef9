//! End-to-end tests: the real `lineworks-partner` binary against an in-process sandbox (or a
//! local listener that records whether anything was sent).

mod support;

mod auth;
mod bulk;
mod bulk_kill;
mod bulk_support;
mod debug;
mod errors;
mod formats;
mod progress;
mod requests;
mod safety;
mod serve;
mod strict;
