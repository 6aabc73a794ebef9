//! Optional persistence (`--state FILE`): the state is written atomically after every change,
//! before the change is answered, and read back at start, so a restart loses nothing that was
//! acknowledged. Issued tokens are not written.

use crate::model::State;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Bumped when the file layout changes; an unknown version is refused, not misread.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File<S> {
    version: u32,
    state: S,
}

/// Just the version, read before the rest so a file of another layout is named as such rather
/// than reported as a missing field.
#[derive(Deserialize)]
struct Header {
    version: Option<u32>,
}

/// The state saved in `path`, or `None` when there is no such file yet.
pub(crate) fn load(path: &Path) -> Result<Option<State>, String> {
    remove_old_temp_files(path);
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let not_state =
        |e: serde_json::Error| format!("{} is not a sandbox state file: {e}", path.display());
    let header: Header = serde_json::from_slice(&text).map_err(not_state)?;
    match header.version {
        Some(VERSION) => {}
        Some(found) => {
            return Err(format!(
                "{} has state layout version {found}; this sandbox reads version {VERSION} only",
                path.display()
            ));
        }
        None => {
            return Err(format!(
                "{} has no state layout version; this sandbox reads version {VERSION}",
                path.display()
            ));
        }
    }
    let file: File<State> = serde_json::from_slice(&text).map_err(not_state)?;
    Ok(Some(file.state))
}

/// Writes `state` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// then renamed over the old one (and the folder flushed), so a crash leaves either the old or
/// the new state. The temporary file has one fixed name, so a killed sandbox leaves at most
/// that one behind, and the next save replaces it.
pub(crate) fn save(path: &Path, state: &State) -> std::io::Result<()> {
    let body = serde_json::to_vec(&File {
        version: VERSION,
        state,
    })
    .map_err(std::io::Error::other)?;
    let tmp = temp_path(path);
    // A leftover (or anything planted there) is removed, never written through.
    match std::fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)?;
    file.write_all(&body)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)?;
    sync_dir(&dir_of(path))
}

fn dir_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into())
}

/// `.state.json.tmp` beside `state.json`.
fn temp_path(path: &Path) -> PathBuf {
    dir_of(path).join(format!(".{}.tmp", file_name(path)))
}

/// Earlier versions named the temporary file after the process (`.state.json.<pid>.tmp`), so
/// each killed run left one more behind: remove those.
fn remove_old_temp_files(path: &Path) {
    let prefix = format!(".{}.", file_name(path));
    let Ok(entries) = std::fs::read_dir(dir_of(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"));
        if pid.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let day = chrono::NaiveDate::from_ymd_opt(2025, 6, 10).unwrap();
        let state = crate::seed::Seed::demo().into_state(day).unwrap();
        let dir = std::env::temp_dir().join(format!("lwp-sandbox-persist-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        super::save(&path, &state).unwrap();
        let back = super::load(&path).unwrap().unwrap();
        assert_eq!(back.dump(), state.dump());
        assert_eq!(back.ledger.accounts.len(), state.ledger.accounts.len());
        std::fs::write(&path, b"{\"version\": 9, \"state\": {}}").unwrap();
        let e = super::load(&path).expect_err("refused");
        assert!(
            e.contains("version 9") && e.contains("reads version 1"),
            "names both versions: {e}"
        );
        std::fs::write(&path, b"{\"state\": {}}").unwrap();
        let e = super::load(&path).expect_err("refused");
        assert!(e.contains("no state layout version"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(super::load(&path).unwrap().is_none());
    }
}

#[cfg(test)]
mod temp_files {
    /// What a killed sandbox leaves: at most the one fixed temporary name, and the leftovers
    /// of the older per-process names are removed at start.
    #[test]
    fn killed_runs_leave_no_growing_pile_of_temp_files() {
        let day = chrono::NaiveDate::from_ymd_opt(2025, 6, 10).unwrap();
        let state = crate::seed::Seed::demo().into_state(day).unwrap();
        let dir = std::env::temp_dir().join(format!("lwp-sandbox-temp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        // Leftovers: a killed run of each scheme, and a link planted at the fixed name.
        std::fs::write(dir.join(".state.json.4242.tmp"), b"{").unwrap();
        std::fs::write(dir.join(".state.json.tmp"), b"{").unwrap();
        let victim = dir.join("victim");
        std::fs::write(&victim, b"untouched").unwrap();
        for _ in 0..3 {
            super::save(&path, &state).unwrap();
        }
        assert!(super::load(&path).unwrap().is_some());
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["state.json", "victim"]);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&victim, dir.join(".state.json.tmp")).unwrap();
            super::save(&path, &state).unwrap();
            assert_eq!(std::fs::read(&victim).unwrap(), b"untouched");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
