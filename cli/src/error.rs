//! The CLI's error: an exit code, a message for people and the same facts as one JSON object
//! (`--error-format json`).

use serde_json::{Map, Value, json};
use std::fmt;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: stdout was closed by the reader (`| head`); the command ends quietly.
    PipeClosed = 0,
    /// 1: the API answered an error (or, with `--each-customer`, a customer failed).
    Api = 1,
    /// 2: bad flags, a body or value that breaks the spec's rules, a refused confirmation;
    /// nothing was sent.
    Usage = 2,
    /// 3: no access token could be obtained, or the API rejected it.
    Auth = 3,
    /// 4: the API could not be reached, or did not answer in time (a read, or a write that
    /// was certainly not applied).
    Network = 4,
    /// 5: a write was sent and its outcome is unknown (in a bulk run: any row's).
    Unknown = 5,
    /// 6: the calls succeeded but an answer could not be written out (a `--jq` filter failed
    /// on it, a full disk): a write was applied, do not repeat it.
    Output = 6,
    /// 130: a bulk run stopped by Ctrl-C (its summary names the journal to resume from).
    Interrupted = 130,
    /// 141: a bulk write stopped because stdout was closed (`| head`).
    StdoutClosed = 141,
}

impl Exit {
    fn kind(self) -> &'static str {
        match self {
            Exit::PipeClosed => "pipe_closed",
            Exit::Api => "api",
            Exit::Usage => "usage",
            Exit::Auth => "auth",
            Exit::Network => "network",
            Exit::Unknown => "outcome_unknown",
            Exit::Output => "output",
            Exit::Interrupted => "interrupted",
            Exit::StdoutClosed => "stdout_closed",
        }
    }
}

/// The text of `--help` that documents the exit codes.
pub const EXIT_CODES_HELP: &str = "Exit codes:
  0  success
  1  the API answered an error (HTTP status, LINE WORKS code and description on stderr)
  2  usage or validation error; nothing was sent
  3  authentication failed
  4  network failure or timeout
  5  a write was sent and its outcome is unknown: check before repeating it
     (a bulk run: any row unknown; this outranks 1)
  6  the call succeeded but its answer could not be written out (a --jq filter
     failed on it, or stdout could not be written): a write was applied
  130  a bulk run was interrupted (Ctrl-C): resume it with --resume JOURNAL
  141  a bulk write stopped because stdout was closed: resume it with --resume JOURNAL";

#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
    /// Extra facts for the JSON form (`status`, `code`, `flag`, `operation`, ...).
    pub fields: Map<String, Value>,
}

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        CliError {
            exit,
            message: message.into(),
            fields: Map::new(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new(Exit::Usage, message)
    }

    /// A usage error about one flag.
    pub fn flag(flag: &str, message: impl fmt::Display) -> Self {
        CliError::usage(format!("--{flag}: {message}")).with("flag", flag)
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(key.to_string(), value.into());
        self
    }

    /// The JSON form: `{"error": {"kind", "exit", "message", ...fields}}`.
    pub fn to_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("kind".into(), json!(self.exit.kind()));
        obj.insert("exit".into(), json!(self.exit as i32));
        obj.insert("message".into(), json!(self.message));
        for (k, v) in &self.fields {
            obj.insert(k.clone(), v.clone());
        }
        json!({ "error": obj })
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl CliError {
    /// An error writing an answer out: a closed pipe (`| head`) ends the command quietly
    /// with 0; anything else comes after the call succeeded, so it is no usage error (2 says
    /// nothing was sent) but [`Exit::Output`].
    pub fn output(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::new(Exit::PipeClosed, "")
        } else if e.kind() == std::io::ErrorKind::InvalidInput {
            // A `--jq` filter that fails on the answer (`.a` of a string).
            CliError::new(
                Exit::Output,
                format!("{e}; the call itself succeeded, only its output is missing"),
            )
            .with("flag", "jq")
        } else {
            CliError::new(
                Exit::Output,
                format!("writing the output: {e}; the call itself succeeded"),
            )
        }
    }
}

/// Writes data to stdout and flushes it; a closed stdout becomes [`Exit::PipeClosed`].
pub fn emit(bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes).map_err(CliError::output)?;
    stdout.flush().map_err(CliError::output)
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::usage(format!("I/O error: {e}"))
    }
}
