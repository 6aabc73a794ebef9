//! End-to-end tests: the real `lineworks-partner` binary against an in-process sandbox (or a
//! local listener that records whether anything was sent).

mod support;

mod auth;
mod debug;
mod deprecated;
mod errors;
mod formats;
mod progress;
mod requests;
mod safety;
mod serve;
