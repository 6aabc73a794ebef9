//! `lineworks-partner`: the LINE WORKS Partner API on the command line. The commands are
//! generated from the spec (`build.rs`, `codegen/src/cli.rs`); this crate is the machinery
//! around them. See `cli/README.md`.

/// `eprintln!` that cannot panic: stderr closed under the program (`2>&1 | head`) is no crash.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` (a prompt, no newline) that cannot panic; flushed so the prompt shows at once.
macro_rules! say_inline {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stderr = std::io::stderr();
        let _ = write!(stderr, $($arg)*);
        let _ = stderr.flush();
    }};
}

mod app;
mod auth;
mod bulk;
mod client;
mod completions;
mod debug_log;
mod error;
mod exit;
mod generated;
mod output;
mod profile;
mod rate_wait;
mod request;
mod run;
mod secret_store;
mod serve;
mod shape;
mod spec;
mod token_cache;

use error::{CliError, Exit};
use std::process::ExitCode;
use std::sync::OnceLock;

/// `--error-format json`, read once when the flags are parsed.
static JSON_ERRORS: OnceLock<bool> = OnceLock::new();

/// Writes an error to stderr in the chosen format.
pub fn report(e: &CliError) {
    if e.exit == Exit::PipeClosed {
        return;
    }
    if JSON_ERRORS.get().copied().unwrap_or(false) {
        say!("{}", e.to_json());
    } else if matches!(e.exit, Exit::Interrupted | Exit::StdoutClosed) {
        // The summary of a stopped bulk run is no error of its own.
        say!("{e}");
    } else {
        // The message may carry server text (a description, a body): one escaped line.
        say!("error: {}", lineworks_partner::terminal::escape(&e.message));
    }
}

fn main() -> ExitCode {
    // Before the command tree is built: it decides whether enum flags take unlisted values.
    let _ = request::ALLOW_UNKNOWN.set(std::env::args().any(|a| a == "--allow-unknown-values"));
    let matches = match app::build().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let json = std::env::args()
                .collect::<Vec<_>>()
                .windows(2)
                .any(|w| w[0] == "--error-format" && w[1] == "json")
                || std::env::args().any(|a| a == "--error-format=json");
            if json && e.use_stderr() {
                let mut err = CliError::usage(e.kind().to_string()).with("detail", e.to_string());
                if let Some(flag) = clap_flag(&e) {
                    err = err.with("flag", flag);
                }
                say!("{}", err.to_json());
                return ExitCode::from(2);
            }
            let mut e = e;
            if e.kind() == clap::error::ErrorKind::InvalidValue {
                // A value the spec does not list yet may still be one the API takes.
                e.insert(
                    clap::error::ContextKind::Suggested,
                    clap::error::ContextValue::StyledStrs(vec![request::OPT_IN.to_string().into()]),
                );
            }
            // Help and --version to stdout with 0; usage errors to stderr with 2.
            e.exit();
        }
    };
    let _ = JSON_ERRORS.set(
        matches
            .get_one::<String>("error-format")
            .is_some_and(|f| f == "json"),
    );
    debug_log::init(matches.get_flag("debug"));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            report(&CliError::usage(format!("cannot start the runtime: {e}")));
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(dispatch(&matches)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::from(e.exit as u8)
        }
    }
}

/// The flag a clap error is about (`--output <FMT>` is `output`), as the CLI's own errors name it.
fn clap_flag(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    let text = match e.get(ContextKind::InvalidArg)? {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(list) => list.first()?.clone(),
        _ => return None,
    };
    let name = text
        .split([' ', '='])
        .next()?
        .trim_start_matches('-')
        .trim_matches(['<', '>']);
    (!name.is_empty()).then(|| name.to_string())
}

async fn dispatch(m: &clap::ArgMatches) -> Result<(), CliError> {
    let Some((name, sub)) = m.subcommand() else {
        return Err(CliError::usage("no command given; see --help"));
    };
    let globals = run::Globals::from(m)?;
    profile::choose(m.get_one::<String>("profile").cloned());
    match name {
        "completions" => {
            let shell = *sub
                .get_one::<clap_complete::Shell>("shell")
                .ok_or_else(|| CliError::flag("shell", "required"))?;
            completions::run(shell)
        }
        "sandbox" => serve::sandbox_serve(sub).await,
        "auth" => auth::run(sub).await,
        _ => {
            if let Some(op) = generated::find(name) {
                return run::operation(op, sub, &globals).await;
            }
            let (short, leaf) = sub
                .subcommand()
                .ok_or_else(|| CliError::usage(format!("{name}: which operation? see --help")))?;
            let op = app::groups()
                .into_iter()
                .find(|(tag, _)| *tag == name)
                .and_then(|(_, ops)| ops.into_iter().find(|(s, _)| *s == short))
                .map(|(_, op)| op)
                .ok_or_else(|| CliError::usage(format!("unknown command {name} {short}")))?;
            run::operation(op, leaf, &globals).await
        }
    }
}
