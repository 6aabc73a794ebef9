//! The journal of a bulk write: NDJSON, a header line, then one line per row event.
//!
//! A `started` line is written and fsynced before a call is sent, and an outcome line
//! (`applied`, `failed`, `unknown`, `skipped`) when it ends; so after any stop, even a
//! kill -9, a row whose last line is `started` is exactly a call that was in flight, whose
//! outcome is unknown.
//!
//! Each line is handed to the kernel (one `write`) before the call is sent or counted, which
//! is all a killed process needs. Against a crash of the machine the file is also fsynced,
//! at most every [`SYNC_EVERY`] and off the calls' path (an fsync per call would serialise
//! the whole run behind the disk), and once more at the end.

use crate::error::CliError;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// The first line's marker, and the format's version.
const FORMAT: &str = "lineworks-partner bulk journal";
const VERSION: u64 = 1;

/// How often the journal is fsynced while a run goes on.
const SYNC_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Started,
    Applied,
    Failed,
    Unknown,
    Skipped,
}

impl Outcome {
    fn name(self) -> &'static str {
        match self {
            Outcome::Started => "started",
            Outcome::Applied => "applied",
            Outcome::Failed => "failed",
            Outcome::Unknown => "unknown",
            Outcome::Skipped => "skipped",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "started" => Outcome::Started,
            "applied" => Outcome::Applied,
            "failed" => Outcome::Failed,
            "unknown" => Outcome::Unknown,
            "skipped" => Outcome::Skipped,
            _ => return None,
        })
    }
}

pub struct Journal {
    file: File,
    pub path: PathBuf,
    /// Lines written since the last fsync.
    dirty: bool,
    last_sync: std::time::Instant,
    /// A background fsync is running.
    syncing: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// What a background fsync failed with, reported at the next flush.
    failed: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> CliError {
    CliError::flag("journal", format!("{}: {e}", path.display()))
}

/// Where a journal goes when `--journal` is not given: the user's state directory.
pub fn default_path(op_name: &str) -> PathBuf {
    let dir = dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("lineworks-partner")
        .join("journals");
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    dir.join(format!("{op_name}-{stamp}-{}.ndjson", std::process::id()))
}

fn open_options() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    // It holds the keys of what was changed: the owner's only (on Windows the folder's ACL,
    // under the user's profile folder, does that).
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

impl Journal {
    /// A new journal; refuses to overwrite one (a resume appends with [`Journal::append`]).
    pub fn create(path: &Path, operation: &str, rows: usize) -> Result<Journal, CliError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        }
        let file = open_options()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| io_error(path, e))?;
        let mut j = Journal::with(file, path);
        let header = json!({
            "journal": FORMAT, "version": VERSION, "operation": operation, "rows": rows,
            "time": now(),
        });
        j.line(&header)?;
        j.sync()?;
        Ok(j)
    }

    /// An existing journal, to append a resumed run's lines to.
    pub fn append(path: &Path) -> Result<Journal, CliError> {
        let file = open_options()
            .append(true)
            .open(path)
            .map_err(|e| io_error(path, e))?;
        Ok(Journal::with(file, path))
    }

    fn with(file: File, path: &Path) -> Journal {
        Journal {
            file,
            path: path.to_path_buf(),
            dirty: false,
            last_sync: std::time::Instant::now(),
            syncing: Default::default(),
            failed: Default::default(),
        }
    }

    fn line(&mut self, value: &Value) -> Result<(), CliError> {
        let mut text = value.to_string();
        text.push('\n');
        // One write per line: a reader (or a kill) never sees half of one from us.
        self.file
            .write_all(text.as_bytes())
            .map_err(|e| io_error(&self.path, e))?;
        self.dirty = true;
        Ok(())
    }

    /// Records one row event; durable at the next [`Journal::flush`].
    pub fn record(
        &mut self,
        row: usize,
        key: &str,
        outcome: Outcome,
        error: Option<&str>,
        ms: Option<u128>,
    ) -> Result<(), CliError> {
        let mut line = json!({"row": row, "key": key, "outcome": outcome.name(), "time": now()});
        if let Some(e) = error {
            line["error"] = json!(e);
        }
        if let Some(ms) = ms {
            line["ms"] = json!(ms as u64);
        }
        self.line(&line)
    }

    /// Starts a background fsync if the last one is [`SYNC_EVERY`] old and none is running.
    pub fn flush(&mut self) -> Result<(), CliError> {
        use std::sync::atomic::Ordering;
        if let Some(e) = self.failed.lock().ok().and_then(|mut f| f.take()) {
            return Err(io_error(&self.path, e));
        }
        if !self.dirty
            || self.last_sync.elapsed() < SYNC_EVERY
            || self.syncing.swap(true, Ordering::AcqRel)
        {
            return Ok(());
        }
        let file = self.file.try_clone().map_err(|e| io_error(&self.path, e))?;
        let (syncing, failed) = (self.syncing.clone(), self.failed.clone());
        self.dirty = false;
        self.last_sync = std::time::Instant::now();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = file.sync_data()
                && let Ok(mut f) = failed.lock()
            {
                *f = Some(e.to_string());
            }
            syncing.store(false, Ordering::Release);
        });
        Ok(())
    }

    /// fsync now: the end of a run (or its header at the start).
    pub fn sync(&mut self) -> Result<(), CliError> {
        if let Some(e) = self.failed.lock().ok().and_then(|mut f| f.take()) {
            return Err(io_error(&self.path, e));
        }
        self.file.sync_data().map_err(|e| io_error(&self.path, e))?;
        self.dirty = false;
        Ok(())
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// What a journal says: each row key's last outcome.
pub struct State {
    pub operation: String,
    pub last: HashMap<String, Outcome>,
}

/// Reads a journal for `--resume`; a line cut by a kill at its end is ignored.
pub fn read(path: &Path) -> Result<State, CliError> {
    let bad =
        |e: &dyn std::fmt::Display| CliError::flag("resume", format!("{}: {e}", path.display()));
    let file = File::open(path).map_err(|e| bad(&e))?;
    let mut lines = std::io::BufReader::new(file).lines();
    let header: Value = lines
        .next()
        .ok_or_else(|| bad(&"empty; not a journal"))?
        .map_err(|e| bad(&e))
        .and_then(|l| serde_json::from_str(&l).map_err(|e| bad(&e)))?;
    if header["journal"] != FORMAT {
        return Err(bad(&"not a journal of this program"));
    }
    if header["version"].as_u64() != Some(VERSION) {
        return Err(bad(&format!(
            "journal version {} is not {VERSION}",
            header["version"]
        )));
    }
    let operation = header["operation"].as_str().unwrap_or_default().to_string();
    let mut last = HashMap::new();
    for line in lines {
        let line = line.map_err(|e| bad(&e))?;
        let Ok(entry) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let (Some(key), Some(outcome)) = (
            entry["key"].as_str(),
            entry["outcome"].as_str().and_then(Outcome::parse),
        ) else {
            continue;
        };
        // `skipped` says a resume passed over the row: it keeps what it was.
        if outcome != Outcome::Skipped {
            last.insert(key.to_string(), outcome);
        }
    }
    Ok(State { operation, last })
}
