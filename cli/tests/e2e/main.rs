//! End-to-end tests: the real `lineworks-partner` binary against an in-process sandbox (or a
//! local listener that records whether anything was sent).

mod support;

mod auth;
mod bulk;
mod bulk_create;
mod bulk_kill;
mod bulk_support;
mod completions;
mod debug;
mod deprecated;
mod errors;
#[cfg(unix)]
mod files;
mod formats;
mod help;
#[cfg(unix)] // wait4 measures the peak RSS
mod hostile;
mod progress;
mod rate_wait;
mod requests;
mod safety;
mod serve;
mod shaping;
mod strict;
mod terminal;
