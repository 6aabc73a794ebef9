//! Optional persistence (`--state FILE`): the state is written atomically after every change,
//! before the change is answered, and read back at start, so a restart loses nothing that was
//! acknowledged. Issued tokens are not written.

use crate::model::State;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// Bumped when the file layout changes; an unknown version is refused, not misread.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File<S> {
    version: u32,
    state: S,
}

/// The state saved in `path`, or `None` when there is no such file yet.
pub(crate) fn load(path: &Path) -> Result<Option<State>, String> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let file: File<State> = serde_json::from_slice(&text)
        .map_err(|e| format!("{} is not a sandbox state file: {e}", path.display()))?;
    if file.version != VERSION {
        return Err(format!(
            "{} has layout version {}, this sandbox reads {VERSION}",
            path.display(),
            file.version
        ));
    }
    Ok(Some(file.state))
}

/// Writes `state` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// then renamed over the old one, so a crash leaves either the old or the new state.
pub(crate) fn save(path: &Path, state: &State) -> std::io::Result<()> {
    let body = serde_json::to_vec(&File {
        version: VERSION,
        state,
    })
    .map_err(std::io::Error::other)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile_in(dir, path)?;
    tmp.1.write_all(&body)?;
    tmp.1.sync_all()?;
    std::fs::rename(&tmp.0, path)
}

fn tempfile_in(dir: &Path, path: &Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let file = std::fs::File::create(&tmp)?;
    Ok((tmp, file))
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
        assert!(super::load(&path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(super::load(&path).unwrap().is_none());
    }
}
